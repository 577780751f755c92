{{ config(**fact_table_config(cluster_by=['edge_tier'], date_column='as_of_date')) }}
-- Edge-tier breakdown of the champion over the last 30 days, as of every game date:
-- graded picks (wins + losses), hit rate, MAE (mean |predicted - actual| over every
-- candidate with a points result: wins, losses and pushes) and ROI per tier.
-- Incremental by as_of_date: an as-of date rebuilt reads the 30 days before it.
with graded as (
    select
        scored.edge_tier,
        graded.game_date,
        graded.grade,
        graded.profit_units,
        abs(scored.predicted_points - graded.actual_points) as abs_error
    from {{ ref('int_candidates_graded') }} as graded
    inner join {{ ref('int_candidates_scored') }} as scored
        on graded.player_lookup = scored.player_lookup
        and graded.game_id = scored.game_id
        and graded.system_id = scored.system_id
    where
        graded.system_id = '{{ var("champion_system_id") }}'
        and graded.grade in ('win', 'loss', 'push')
        {{ incremental_history_filter(
            ref('int_game_dates_calendared'), 'graded.game_date',
            lookback_days=var('rolling_windows')['last_30_days'] - 1,
        ) }}
),

facts as (
    select
        edge_tier,
        game_date,
        sum(case when grade = 'win' then 1 else 0 end) as wins,
        sum(case when grade = 'loss' then 1 else 0 end) as losses,
        sum(abs_error) as abs_error_sum,
        count(*) as results,
        sum(profit_units) as profit_units
    from graded
    group by edge_tier, game_date
),

calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
    where 1 = 1
    {{- incremental_dates_filter() }}
),

windowed as (
    {{ windowed_sums(
        facts='facts',
        calendar='calendar',
        keys=['edge_tier'],
        measures=['wins', 'losses', 'abs_error_sum', 'results', 'profit_units'],
        windows=['last_30_days'],
    ) | indent(4) }}
)

select
    as_of_date,
    edge_tier,
    start_date,
    end_date,
    cast(wins as {{ dbt.type_bigint() }}) as wins,
    cast(losses as {{ dbt.type_bigint() }}) as losses,
    {{ round_float(safe_divide('abs_error_sum', 'results'), 2) }} as mae,
    {{ performance_stats('wins', 'losses', 'round(profit_units, 6)') }}
from windowed
