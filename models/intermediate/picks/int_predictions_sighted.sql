-- contract §3 Lock at tip-off ("Each game's candidates are fixed at its tip-off"): what the
-- last run before a game's tip-off saw of its predictions, kept until a run fixes the game
-- (int_games_locked). The record is fixed by the first run after the tip-off, from the
-- prediction rows as they are then; an upstream re-run that overwrites the date's partition
-- in between (the same runs deleted and re-inserted, stamped after the tip-off: late) used
-- to leave the game with no candidate, and the best bets the site showed before the tip-off
-- gone from the record. int_candidates_selected ranks these rows beside the feed's for a
-- game that has tipped off, so a row created before the tip-off still counts when the feed
-- has lost it since (docs/decisions.md "Lock at tip-off: the record is what users saw").
-- Each run replaces the rows of every game not yet tipped off (a row deleted upstream before
-- the tip-off leaves here too), keeps those of a game that has tipped off and that no earlier
-- run fixed, and drops the rest: the table holds the slate of games not yet fixed, never
-- history. A table that reads its own rows as they were when the run began (macro
-- record_before); the deliberate rebuild of the record (var rebuild_record) starts it anew.
-- Grain: one row per player_lookup x game_id x system_id: the row int_candidates_selected
-- would rank first (before its OVER/UNDER and line filters, so a newer PASS row stays the
-- latest), among the rows created before the tip-off.
{%- set rebuilt = var('rebuild_record', false) %}
{%- set previous = none if rebuilt else record_before('int_predictions_sighted') %}
{%- set fixed = none if previous is none else record_before('int_games_locked') %}
{%- set columns = prediction_columns() %}
{#- a game not yet tipped off is dated the clock's day or later, or the day before (a UTC
    tip-off falls on the next day of its local date at most): the older dates are not read
    (a kept game of an older date, not fixed for days, locks at the end of its date then) -#}
{%- set first_date = add_days('cast(' ~ run_clock() ~ ' as date)', -1) %}
with tipoffs as (
    {{ game_tipoffs(where='game_date >= ' ~ first_date) | indent(4) }}
),

runs as (
    select
        {%- for column in columns %}
        runs.{{ column }},
        {%- endfor %}
        {{ lock_time('tipoffs.game_start_at', 'runs.game_date') }} as locks_at
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as runs
    left join tipoffs
        on runs.game_id = tipoffs.game_id
    where
        runs.game_date >= {{ first_date }}
        and not {{ moved_to_another_date('runs.game_id', 'runs.game_date') }}
),

seen_now as (
    select
        *,
        row_number() over (
            partition by player_lookup, game_id, system_id
            order by {{ latest_prediction_first() }}
        ) as run_rank
    from runs
    where
        locks_at > {{ run_clock() }}
        and created_at < locks_at
)

select {{ columns | join(', ') }}
from seen_now
where run_rank = 1
{%- if previous is not none %}

union all

select
    {%- for column in columns %}
    seen_before.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ previous }} as seen_before
left join tipoffs
    on seen_before.game_id = tipoffs.game_id
where
    {{ lock_time('tipoffs.game_start_at', 'seen_before.game_date') }} <= {{ run_clock() }}
    {%- if fixed is not none %}
    and seen_before.game_id not in (select fixed.game_id from {{ fixed }} as fixed)
    {%- endif %}
{%- endif %}
