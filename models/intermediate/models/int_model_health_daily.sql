{{ config(**fact_table_config(cluster_by=['system_id'])) }}
-- contract §3 Model health. One row per system x game date with predictions: hit rate
-- (with its Wilson 95 % bounds, contract §3 Uncertainty) and N over the last 7 / 14 / 30
-- days (windows ending on the date, never before the season's opening night) of graded
-- (win/loss) candidates with edge >= health_min_edge;
-- the state (first match wins); days since the end of the training window seen in that
-- day's candidates (never a late prediction: SPEC §3 model health counts the candidates; the
-- registry when the system had none) and the stale flag.
-- state_before_day: the state as of the day before (7 days ending the day before, never
-- before the date's opening night: results of the date excluded), the champion's decides
-- best bets' model_blocked (contract §3 Best bets: "as of the day before, from games
-- graded before d"; after a break it reads the calendar days before, not the last game
-- date, so it never reaches into the previous season).
-- Incremental by game_date: a date rebuilt reads the 30 days before it.
with graded as (
    select
        system_id,
        game_date,
        case when grade = 'win' then 1 else 0 end as wins,
        case when grade = 'loss' then 1 else 0 end as losses
    from {{ ref('int_candidates_graded') }}
    where
        grade in ('win', 'loss')
        and edge >= {{ var('health_min_edge') }}
        and {{ rebuilt_history(lookback_days=rolling_window_days('last_30_days') - 1) }}
),

facts as (
    select
        system_id,
        game_date,
        sum(wins) as wins,
        sum(losses) as losses
    from graded
    group by system_id, game_date
),

calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
    where {{ rebuilt_dates() }}
),

windowed as (
    {{ windowed_sums(
        facts='facts',
        keys=['system_id'],
        measures=['wins', 'losses'],
        windows=['last_7_days', 'last_14_days', 'last_30_days'],
    ) | indent(4) }}
),

windowed_before_day as (
    {{ windowed_sums(
        facts='facts',
        keys=['system_id'],
        measures=['wins', 'losses'],
        windows=['last_7_days'],
        days_before=1,
    ) | indent(4) }}
),

systems as (
    select * from {{ ref('int_models_described') }}
),

training_seen as (
    select
        predictions.system_id,
        predictions.game_date,
        max(predictions.model_training_end_date) as training_end_date
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as predictions
    inner join {{ ref('int_candidates_graded') }} as candidates
        on predictions.prediction_id = candidates.prediction_id
    where
        {{ rebuilt_dates('predictions.game_date') }}
        and {{ rebuilt_dates('candidates.game_date') }}
    group by predictions.system_id, predictions.game_date
),

spine as (
    select
        calendar.game_date,
        systems.system_id,
        coalesce(training_seen.training_end_date, systems.training_end_date) as training_end_date
    from calendar
    cross join systems
    left join training_seen
        on calendar.game_date = training_seen.game_date
        and systems.system_id = training_seen.system_id
),

pivoted as (
    select
        spine.game_date,
        spine.system_id,
        {%- for days in [7, 14, 30] %}
        coalesce(w{{ days }}.wins, 0) as wins_{{ days }}d,
        coalesce(w{{ days }}.losses, 0) as losses_{{ days }}d,
        {%- endfor %}
        coalesce(before_day.wins, 0) as wins_7d_before_day,
        coalesce(before_day.losses, 0) as losses_7d_before_day,
        spine.training_end_date
    from spine
    {% for days in [7, 14, 30] -%}
    left join windowed as w{{ days }}
        on spine.game_date = w{{ days }}.as_of_date
        and spine.system_id = w{{ days }}.system_id
        and w{{ days }}.window_name = 'last_{{ days }}_days'
    {% endfor -%}
    left join windowed_before_day as before_day
        on spine.game_date = before_day.as_of_date
        and spine.system_id = before_day.system_id
),

measured as (
    select
        game_date,
        system_id,
        training_end_date,
        {%- for days in [7, 14, 30] %}
        {%- set wins, losses = 'wins_' ~ days ~ 'd', 'losses_' ~ days ~ 'd' %}
        cast({{ wins }} + {{ losses }} as {{ dbt.type_bigint() }}) as n_{{ days }}d,
        {{ hit_rate_with_interval(wins, losses, 'hit_rate_' ~ days ~ 'd') }},
        {%- endfor %}
        cast(
            wins_7d_before_day + losses_7d_before_day as {{ dbt.type_bigint() }}
        ) as n_7d_before_day,
        {{ hit_rate_pct('wins_7d_before_day', 'losses_7d_before_day') }} as hit_rate_7d_before_day,
        {#- the datediff macro renders longer than the line limit #}
        cast(
            {{ dbt.datediff('training_end_date', 'game_date', 'day') }} as {{ dbt.type_bigint() }}  -- noqa: LT05
        ) as days_since_training
    from pivoted
)

select
    *,
    {{ model_health_state('n_7d', 'hit_rate_7d') }} as state,
    {{ model_health_state('n_7d_before_day', 'hit_rate_7d_before_day') }} as state_before_day,
    coalesce(days_since_training > {{ var('stale_after_days') }}, false) as is_stale
from measured
