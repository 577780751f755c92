{{ config(**locked_table_config(cluster_by=['game_id'])) }}
-- The append-only record of fixed games (contract §3 Lock at tip-off: "Each game's
-- candidates are fixed at its tip-off"): every game the warehouse knows (a prediction row
-- of any kind, but of a game the context has moved to another date, macro
-- moved_to_another_date; or a pre-game context row) whose lock time (macro lock_time) the
-- run's clock has passed, recorded once by the first such run, with the number of candidates
-- int_candidates_locked holds for it then (it runs first: this model reads it). Zero is a
-- game whose predictions had not landed, or were all PASS or NO_LINE, at that run.
-- Insert-only, like the rest of the record; --full-refresh keeps it. No run time is kept,
-- so on the same sources a rebuild, or a chain of daily cycles, gives the same rows
-- (test_lock.py, test_daily_cycle.py).
-- Readers: int_candidates_locked records no candidate for a game an earlier run put here
-- (macro locked_before), so a game fixed without candidates takes none later;
-- int_candidates_graded reads a fixed game's candidates from the record only.
-- Every known game is read on every run (no date window): a game backfilled for a date long
-- past is fixed, with no candidate, by the first run that sees it.
-- Grain: one row per game_id.
with known_games as (
    select
        runs.game_id,
        runs.game_date
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as runs
    where not {{ moved_to_another_date('runs.game_id', 'runs.game_date') }}
    union all
    select
        game_id,
        game_date
    from {{ ref('stg_nba_analytics__upcoming_player_game_context') }}
),

games as (
    select
        timed.game_id,
        min(timed.game_date) as game_date,
        min(timed.locks_at) as locks_at
    from ({{ with_lock_times('known_games') | indent(8) }}) as timed
    group by timed.game_id
),

tipped_off as (
    select * from games
    where locks_at <= {{ run_clock() }}
),

recorded_candidates as (
    select
        game_id,
        count(*) as candidate_count
    from {{ ref('int_candidates_locked') }}
    group by game_id
)

select
    tipped_off.game_id,
    tipped_off.game_date,
    tipped_off.locks_at,
    cast(coalesce(recorded_candidates.candidate_count, 0) as {{ dbt.type_bigint() }})
        as candidate_count
from tipped_off
left join recorded_candidates
    on tipped_off.game_id = recorded_candidates.game_id
{%- if incremental_run() %}
where not exists (
    select 1 from {{ this }} as recorded
    where recorded.game_id = tipped_off.game_id
)
{%- endif %}
