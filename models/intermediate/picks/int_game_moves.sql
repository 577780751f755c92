{{ config(**locked_table_config(cluster_by=['game_id'])) }}
-- The log of game moves (contract §3 Lock at tip-off, a game the context moves to another
-- date): for each game x date holding runs of the game, a row whenever the date the context
-- moves it to (macro moved_to_date; null: the game is on that date) differs from the last one
-- logged (none logged: null), or the new date enters the feeds' horizon (moved_past_horizon:
-- until then its context rows are quarantined, so the old date's admin rows show no name),
-- stamped seen_at, the start of the run that saw it (macro run_start). A move, a move on, a
-- move back (the context puts the game on its date again) and the horizon reaching the new
-- date each add a row. Every model built with rebuild_moved_games (fact_table_config)
-- rebuilds from the first date logged since its own last build (macro
-- changed_since_last_build), however old: a move seen after the date left the incremental
-- window must still change its rows, as a full refresh would have them. Insert-only and kept
-- by --full-refresh, like the record (locked_table_config): a move back leaves no other
-- trace. Read: the game x dates of the runs of every game the context lists (a game it does
-- not list has not moved), and every game x date logged before (a game moved back, or since
-- dropped from the context).
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

{%- if incremental_run() %}

logged as (
    select
        game_id,
        game_date,
        moved_to,
        moved_past_horizon
    from (
        select
            game_id,
            game_date,
            moved_to,
            moved_past_horizon,
            row_number() over (partition by game_id, game_date order by seen_at desc) as newest_first
        from {{ this }}
    ) as states
    where newest_first = 1
),

game_dates as (
    select game_id, game_date from runs
    union distinct
    select game_id, game_date from logged
),
{%- else %}

logged as (
    select
        game_id,
        game_date,
        cast(null as date) as moved_to,
        cast(null as {{ dbt.type_boolean() }}) as moved_past_horizon
    from runs
    where false
),

game_dates as (
    select * from runs
),
{%- endif %}

moves as (
    select
        game_dates.game_id,
        game_dates.game_date,
        {{ moved_to_date('game_dates.game_id', 'game_dates.game_date') }} as moved_to
    from game_dates
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
    {{ run_start() }} as seen_at
from states
left join logged
    on states.game_id = logged.game_id and states.game_date = logged.game_date
where
    states.moved_to is distinct from logged.moved_to
    or states.moved_past_horizon is distinct from logged.moved_past_horizon
