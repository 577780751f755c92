{{ config(**fact_table_config(cluster_by=['subset_id', 'signal'], date_column='as_of_date')) }}
-- Subset performance by the day's signal colour (admin dashboard): one row per as-of
-- date x subset x signal (GREEN, YELLOW, RED, or NONE for a day without signal) over
-- the season to date, from the same locked picks and grades as every other figure.
-- Incremental by as_of_date: an as-of date rebuilt reads its season's picks.
with members as (
    select
        picks.list_id as subset_id,
        picks.game_date,
        coalesce(days.signal, 'NONE') as signal,
        case when picks.grade = 'win' then 1 else 0 end as wins,
        case when picks.grade = 'loss' then 1 else 0 end as losses,
        picks.profit_units
    from {{ ref('int_picks_published') }} as picks
    inner join {{ ref('int_days_published') }} as days
        on picks.game_date = days.game_date
        and picks.system_id = days.system_id
    where
        picks.is_locked
        and picks.list_id != 'best_bets'
        and {{ rebuilt_history('picks.game_date') }}
),

facts as (
    select
        subset_id,
        signal,
        game_date,
        count(*) as picks,
        sum(wins) as wins,
        sum(losses) as losses,
        sum(profit_units) as profit_units
    from members
    group by subset_id, signal, game_date
),

windowed as (
    {{ windowed_sums(
        facts='facts',
        keys=['subset_id', 'signal'],
        measures=['picks', 'wins', 'losses', 'profit_units'],
        windows=['season'],
    ) | indent(4) }}
)

select
    as_of_date,
    subset_id,
    signal,
    start_date,
    end_date,
    cast(picks as {{ dbt.type_bigint() }}) as picks,
    cast(wins as {{ dbt.type_bigint() }}) as wins,
    cast(losses as {{ dbt.type_bigint() }}) as losses,
    {{ round_float('profit_units', 6) }} as profit_units,
    {{ performance_stats('wins', 'losses', round_float('profit_units', 6)) }}
from windowed
