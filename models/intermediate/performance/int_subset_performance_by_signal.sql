{{ config(**fact_table_config(cluster_by=['subset_id', 'signal'], date_column='as_of_date')) }}
-- Subset performance by the day's signal colour (admin dashboard): one row per as-of
-- date x subset x signal (GREEN, YELLOW, RED, or NONE for a day without signal) over
-- the season to date, from the same membership and grades as every other figure.
-- Incremental by as_of_date: an as-of date rebuilt reads its season's picks.
with members as (
    select
        members.subset_id,
        members.game_date,
        coalesce(members.signal, 'NONE') as signal,
        case when graded.grade = 'win' then 1 else 0 end as wins,
        case when graded.grade = 'loss' then 1 else 0 end as losses,
        graded.profit_units
    from {{ ref('int_subset_members_ranked') }} as members
    inner join {{ ref('int_candidates_graded') }} as graded
        on members.player_lookup = graded.player_lookup
        and members.game_id = graded.game_id
        and members.system_id = graded.system_id
    where {{ rebuilt_history('members.game_date') }}
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
    {{ performance_stats('wins', 'losses', 'round(profit_units, 6)') }}
from windowed
