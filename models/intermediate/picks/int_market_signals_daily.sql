{{ config(**fact_table_config(cluster_by=['system_id'])) }}
-- contract §3 Daily market signal. One row per game_date x system that has predictions
-- (a day whose predictions yield no candidate still gets a row, with no signal), and one
-- for the champion on every date with predictions, even when it made none: its state
-- entering the day decides model_blocked (a night its job fails, the other models' best
-- bets must not go out); without candidates, that row has no signal.
-- Fewer than signal_min_candidates candidates: pct_over, skew and signal are null.
-- Rules read the published (1 dp) pct_over, so a colour always agrees with the number shown.
-- state_entering_day: the system's model-health state as of the day before
-- (int_model_health_daily.state_before_day: 7 days ending the day before; contract §3 Best
-- bets: a day's own results never decide its picks; the champion's decides model_blocked).
-- is_champion: the system is the champion of this run (var champion_system_id); the record
-- of a locked day keeps the champion of the run that locked it (int_days_locked).
-- The candidates are those fixed at tip-off (int_candidates_graded).
-- The runs of a game the context has moved to another date (macro moved_to_another_date)
-- make no day, as in the calendar (int_game_dates_calendared): a day whose only game moved
-- away has no row, so no file, instead of a provisional day that never locks.
-- Incremental by game_date: a day's signal reads that day only.
with predicted as (
    select
        runs.game_date,
        runs.system_id
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as runs
    where
        {{ rebuilt_dates('runs.game_date') }}
        and not {{ moved_to_another_date('runs.game_id', 'runs.game_date') }}
),

prediction_days as (
    select distinct
        game_date,
        system_id
    from (
        select
            game_date,
            system_id
        from predicted
        union all
        select
            game_date,
            {{ champion_system_id() }} as system_id
        from predicted
    ) as systems_of_the_day
),

candidates as (
    select * from {{ ref('int_candidates_graded') }}
    where {{ rebuilt_dates() }}
),

daily as (
    select
        game_date,
        system_id,
        count(*) as candidate_count,
        sum(case when recommendation = 'OVER' then 1 else 0 end) as over_count,
        sum(case when edge >= {{ var('signal_high_edge_min') }} then 1 else 0 end)
            as high_edge_picks
    from candidates
    group by game_date, system_id
),

measured as (
    select
        prediction_days.game_date,
        prediction_days.system_id,
        cast(coalesce(daily.candidate_count, 0) as {{ dbt.type_bigint() }}) as candidate_count,
        cast(coalesce(daily.over_count, 0) as {{ dbt.type_bigint() }}) as over_count,
        cast(coalesce(daily.high_edge_picks, 0) as {{ dbt.type_bigint() }}) as high_edge_picks,
        coalesce(daily.candidate_count, 0) >= {{ var('signal_min_candidates') }} as has_signal,
        {{ round_float(safe_divide('100 * daily.over_count', 'daily.candidate_count'), 1) }}
            as pct_over_all,
        health.state_before_day as state_entering_day
    from prediction_days
    left join daily
        on prediction_days.game_date = daily.game_date
        and prediction_days.system_id = daily.system_id
    left join {{ ref('int_model_health_daily') }} as health
        on prediction_days.game_date = health.game_date
        and prediction_days.system_id = health.system_id
)

select
    game_date,
    system_id,
    candidate_count,
    over_count,
    high_edge_picks,
    has_signal,
    case when has_signal then pct_over_all end as pct_over,
    case
        when not has_signal then null
        when pct_over_all < {{ var('skew_under_heavy_below') }} then 'UNDER_HEAVY'
        when pct_over_all > {{ var('skew_over_heavy_above') }} then 'OVER_HEAVY'
        else 'BALANCED'
    end as skew,
    case
        when not has_signal then null
        when pct_over_all < {{ var('signal_red_pct_over_below') }} then 'RED'
        when high_edge_picks < {{ var('signal_yellow_high_edge_below') }} then 'YELLOW'
        when pct_over_all > {{ var('signal_yellow_pct_over_above') }} then 'YELLOW'
        else 'GREEN'
    end as signal,
    state_entering_day,
    system_id = {{ champion_system_id() }} as is_champion
from measured
