{{ config(**locked_table_config(cluster_by=['list_id'])) }}
-- The append-only record of published picks (contract §3 Lock at tip-off). When a day's
-- last game has tipped off (int_game_dates_calendared.day_locks_at <= run_clock()), its
-- picks, computed from the candidates fixed at each game's tip-off, are recorded here
-- once and never rewritten (as the last build that passed showed them, with its rules, when
-- the day's candidates are those it computed them from: int_days_shown; else as this run
-- computes them): every subset's members (list_id = subset_id, rank, at most
-- its top_n) and the best bets (list_id = 'best_bets', rank, the chosen system,
-- direction, line and price). A later run, a changed subset, var or model registry, a
-- re-run or deletion upstream, or --full-refresh never change them (var rebuild_record:
-- the deliberate rebuild). Grades are not recorded: they are recomputed from the box
-- scores (a stat correction regrades a locked pick).
-- A day is recorded list by list, each list whole: rows are added only for days not yet
-- in int_days_locked (which this model runs before; macro locked_before) and lists
-- without a row here. Grain: one row per game_date x list_id x player x game.
with lockable_days as (
    {{ days_locking_now() | indent(4) }}
),

shown_picks as (
    {{ shown_rows('picks_shown_passed', ref('int_picks_computed')) | indent(4) }}
),

picks as (
    {{ shown_or_computed('shown_picks', ref('int_picks_computed'), 'lockable_days') | indent(4) }}
)

select picks.*
from picks
{%- if incremental_run() %}
where not exists (
    select 1 from {{ this }} as recorded
    where recorded.game_date = picks.game_date and recorded.list_id = picks.list_id
)
{%- endif %}
