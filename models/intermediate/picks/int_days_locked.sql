{{ config(**locked_table_config(cluster_by=['system_id'])) }}
-- depends_on: {{ ref('int_picks_locked') }}
-- depends_on: {{ ref('int_groups_locked') }}
-- The append-only record of locked days (contract §3 Lock at tip-off): once a day's last game
-- has tipped off, its market signal per system and each system's health state entering
-- the day (which decides model_blocked for the champion) are recorded here, once, and
-- never rewritten: as the last build that passed showed them when the day's candidates are
-- those it computed them from (int_days_shown), else as this run computes them. A day is
-- locked from the run that adds it here; it runs after int_picks_locked and
-- int_groups_locked (depends_on above), which record the day's picks and groups first.
-- Grain: one row per game_date x system_id.
with lockable_days as (
    select game_date from {{ ref('int_game_dates_calendared') }}
    where day_locks_at <= {{ run_clock() }}
),

signals as (
    {{ shown_or_computed(
        ref('int_days_shown'), ref('int_market_signals_daily'), 'lockable_days'
    ) | indent(4) }}
)

select signals.*
from signals
{%- if incremental_run() %}
where not exists (
    select 1 from {{ this }} as recorded
    where recorded.game_date = signals.game_date
)
{%- endif %}
