{{ config(**fact_table_config(cluster_by=['edge_tier'], date_column='as_of_date')) }}
-- Edge-tier breakdown of the champion over the last 30 days, as of every game date:
-- graded picks (wins + losses), hit rate, MAE (mean |predicted - actual| over every
-- candidate with a points result: wins, losses and pushes) and ROI per tier.
-- Incremental by as_of_date: an as-of date rebuilt reads the 30 days before it.
with graded as (
    select
        edge_tier,
        game_date,
        grade,
        profit_units,
        abs(predicted_points - actual_points) as abs_error
    from {{ ref('int_candidates_graded') }}
    where
        system_id = {{ champion_system_id() }}
        and grade in ('win', 'loss', 'push')
        and {{ rebuilt_history(lookback_days=rolling_window_days('last_30_days') - 1) }}
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

windowed as (
    {{ windowed_sums(
        facts='facts',
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
    {{ performance_stats('wins', 'losses', round_float('profit_units', 6)) }}
from windowed
