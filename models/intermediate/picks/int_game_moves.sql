{{ config(**locked_table_config(cluster_by=['game_id'])) }}
-- The log of game moves (contract §3 Lock at tip-off, a game the context moves to another
-- date): for each game x date holding runs of the game, a row whenever the date the context
-- moves it to (macro moved_to_date; null: the game is on that date) differs from the last one
-- logged (none logged: null), or the new date enters the feeds' horizon (moved_past_horizon:
-- until then its context rows are quarantined, so the old date's admin rows show no name),
-- or, for a game an earlier run fixed on that date (int_games_locked as it stood when this
-- run began, macro record_before), its lock time (locks_at: macro with_lock_times, as the
-- record computes it; null for a game not fixed) differs from the last one logged (none
-- logged: the one the record fixed it at), stamped seen_at, the start of the run that saw it
-- (macro run_start). A move, a move on, a move back (the context puts the game on its date
-- again), the horizon reaching the new date and a fixed game's tip-off given, moved or
-- withdrawn each add a row: its candidates stay the recorded ones, but which of its runs the
-- rules make candidates, and so which ones admin/predictions shows as late or as having
-- missed the lock, follow the tip-off. Every model built with rebuild_moved_games
-- (fact_table_config) rebuilds from the first date logged since its own last build, or since
-- the oldest build of the tables it was built from when older (macro
-- changed_since_last_build), however old: a change seen after the date left the incremental
-- window must still reach its rows, as a full refresh would have them. Insert-only and kept
-- by --full-refresh, like the record (locked_table_config): a move back leaves no other
-- trace. Read: the game x dates of the runs of every game the context lists (a game it does
-- not list has not moved), every game x date logged before (a game moved back, or since
-- dropped from the context), and every game the record fixed (its context rows deleted
-- upstream withdraw its tip-off: it locks at the end of its date, as a full refresh has it).
-- Grain: one row per game_id x game_date x seen_at.
with runs as (
    select distinct
        runs.game_id,
        runs.game_date
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as runs
    where
        runs.game_id in (
            select schedule.game_id from {{ ref('stg_nba_analytics__game_schedule') }} as schedule
        )
),

{%- set fixed_games = record_before('int_games_locked') if incremental_run() else none %}
{%- if fixed_games is not none %}

fixed as (
    select
        game_id,
        game_date,
        locks_at
    from {{ fixed_games }}
),
{%- else %}

fixed as (
    select
        game_id,
        game_date,
        cast(null as {{ dbt.type_timestamp() }}) as locks_at
    from runs
    where false
),
{%- endif %}
{%- if incremental_run() %}
{#- locks_at was added to the log later (a release note in docs/deployment.md): a log from
    before it reads as none logged, so the record's lock time is the baseline -#}
{%- set logs_lock_times = 'locks_at' in adapter.get_columns_in_relation(this)
    | map(attribute='name') | map('lower') | list %}

logged as (
    select
        game_id,
        game_date,
        moved_to,
        moved_past_horizon,
        locks_at
    from (
        select
            game_id,
            game_date,
            moved_to,
            moved_past_horizon,
            {{ 'locks_at' if logs_lock_times else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }} as locks_at,
            row_number() over (partition by game_id, game_date order by seen_at desc) as newest_first
        from {{ this }}
    ) as states
    where newest_first = 1
),

game_dates as (
    select game_id, game_date from runs
    union distinct
    select game_id, game_date from logged
    union distinct
    select game_id, game_date from fixed
),
{%- else %}

logged as (
    select
        game_id,
        game_date,
        cast(null as date) as moved_to,
        cast(null as {{ dbt.type_boolean() }}) as moved_past_horizon,
        cast(null as {{ dbt.type_timestamp() }}) as locks_at
    from runs
    where false
),

game_dates as (
    select * from runs
),
{%- endif %}

timed as (
    {{ with_lock_times('game_dates') | indent(4) }}
),

moves as (
    select
        timed.game_id,
        timed.game_date,
        {{ moved_to_date('timed.game_id', 'timed.game_date') }} as moved_to,
        case when fixed.game_id is not null then timed.locks_at end as locks_at,
        fixed.locks_at as fixed_locks_at
    from timed
    left join fixed
        on timed.game_id = fixed.game_id and timed.game_date = fixed.game_date
),

states as (
    select
        *,
        case
            when moved_to is not null then not {{ within_horizon('moved_to') }}
        end as moved_past_horizon
    from moves
)

select
    states.game_id,
    states.game_date,
    states.moved_to,
    states.moved_past_horizon,
    {{ run_start() }} as seen_at,
    states.locks_at
from states
left join logged
    on states.game_id = logged.game_id and states.game_date = logged.game_date
where
    states.moved_to is distinct from logged.moved_to
    or states.moved_past_horizon is distinct from logged.moved_past_horizon
    or states.locks_at <> coalesce(logged.locks_at, states.fixed_locks_at)
