-- contract §3 Lock at tip-off ("Each game's candidates are fixed at its tip-off"; "Only what
-- a user could have seen counts"): what the last build that passed before a game's tip-off
-- saw of its predictions, kept until a run fixes the game (int_games_locked). Each run starts
-- from the copy the on-run-end hook keep_sightings made after the last build that passed
-- (macro sightings_passed; this table's own rows before any build made one), so a failed
-- build's sightings never count. int_candidates_locked fixes a game from these rows (macro
-- sightings_decide): a row no build that passed saw before the tip-off is no candidate, and
-- an upstream re-run or deletion after it changes nothing. int_candidates_selected ranks
-- them beside the feed's, so a row created before the tip-off still counts there when the
-- feed has lost it since (docs/decisions.md "Lock at tip-off: what a build that passed saw").
-- Each run replaces the rows of every game not yet tipped off (a row deleted upstream before
-- the tip-off leaves here too), keeps those of a game that has tipped off and that no earlier
-- run fixed, and drops the rest: the table holds the slate of games not yet fixed, never
-- history. A table that reads its own rows as they were when the run began (macro
-- record_before); the deliberate rebuild of the record (var rebuild_record) starts it anew.
-- Grain: one row per player_lookup x game_id x system_id: the row int_candidates_selected
-- would rank first (before its OVER/UNDER and line filters, so a newer PASS row stays the
-- latest), among the rows created before the tip-off.
{%- set rebuilt = var('rebuild_record', false) %}
{%- set columns = prediction_columns() %}
{#- the rows of the last build that passed (macro keep_sightings), else this table's own before any
    build kept them; neither when it is unlike the feed's staging in a prediction column (kept
    before a release that added or changed one: this run sees the games not tipped off anew, and
    int_candidates_locked fixes the others by created_at, as on a first build) -#}
{%- set feed = ref('stg_nba_predictions__player_prop_predictions') %}
{%- set kept = none if rebuilt else sightings_passed() %}
{%- set own = none if rebuilt or kept is not none else record_before('int_predictions_sighted') %}
{%- set own = none if own is none or unlike(own, feed, columns) else own %}
{%- set previous = kept or own %}
{%- set fixed = none if previous is none else record_before('int_games_locked') %}
{#- a game not yet tipped off is dated the clock's day or later, or up to 1 +
    var tipoff_days_after_date days before (a UTC tip-off falls on the next day of its local
    date at most, plus that tolerance: macro tipoff_not_past_its_date): the older dates are
    not read (a kept game of an older date, not fixed for days, locks at the end of its date
    then) -#}
{%- set first_date = add_days(
    'cast(' ~ run_clock() ~ ' as date)', -1 - var('tipoff_days_after_date')
) %}
with tipoffs as (
    {{ game_tipoffs(where='game_date >= ' ~ first_date) | indent(4) }}
),

runs as (
    select
        {%- for column in columns %}
        runs.{{ column }},
        {%- endfor %}
        {{ lock_time('tipoffs.game_start_at', 'runs.game_date') }} as locks_at
    from {{ feed }} as runs
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
