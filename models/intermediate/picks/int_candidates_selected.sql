{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- depends_on: {{ ref('int_game_moves') }}
-- contract §3 Candidates. One row per player x game x system: among the prediction rows
-- created before the game's tip-off (macro lock_time: the game's game_start_at in the
-- pre-game context, macro game_tipoffs, else the end of the game date), the latest active
-- one: is_active first, then the newest created_at (prediction_id breaks exact ties), kept
-- only when it recommends OVER or UNDER and has a valid line. A row created at or after
-- tip-off (an in-game re-run, a next-day backfill) is late: never a candidate, whatever its
-- edge (admin files show it), and a run it superseded stays the candidate users saw at
-- tip-off (is_active orders the rows created before tip-off; it never drops them).
-- PASS, NO_LINE, runs superseded before tip-off and invalid lines never become candidates,
-- nor runs of a game the context has since moved to another date (a postponement or a game
-- brought forward, macro moved_to_another_date): the game is picked on its new date only.
-- A game that has tipped off also reads what the last run before its tip-off saw of it
-- (int_predictions_sighted), ranked with the feed's rows (a row seen then wins a tie: the
-- values users saw): an upstream re-run that deleted the rows created before the tip-off,
-- or a newer PASS row, after it leaves the candidates as they were at the tip-off.
-- Incremental by game_date (a game, so every run of it, has one date); a run also rebuilds
-- from the first date whose game moved, or moved back, since its last build (fact_table_config
-- rebuild_moved_games: a move announced after that date left the incremental window). It
-- depends on int_game_moves (depends_on above), so a run logs the moves before any fact
-- downstream is built.
{%- set columns = prediction_columns() %}
{#- the feed's rows and the rows seen before a tip-off, filtered alike -#}
{%- set sources = [
    (ref('stg_nba_predictions__player_prop_predictions'), 'false'),
    (ref('int_predictions_sighted'), 'true'),
] %}
with predictions as (
    {%- for relation, was_sighted in sources %}
    select
        {{ columns | join(', ') }},
        {{ was_sighted }} as was_sighted
    from {{ relation }} as runs
    where
        {{ rebuilt_dates('runs.game_date') }}
        and not {{ moved_to_another_date('runs.game_id', 'runs.game_date') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

tipoffs as (
    {{ game_tipoffs(where=rebuilt_dates()) | indent(4) }}
),

timed as (
    select
        predictions.*,
        {{ lock_time('tipoffs.game_start_at', 'predictions.game_date') }} as locks_at
    from predictions
    left join tipoffs
        on predictions.game_id = tipoffs.game_id
),

latest as (
    select
        *,
        row_number() over (
            partition by player_lookup, game_id, system_id
            order by {{ latest_prediction_first() }}, was_sighted desc
        ) as run_rank
    from timed
    where
        created_at < locks_at
        and (not was_sighted or locks_at <= {{ run_clock() }})
)

select
    prediction_id,
    system_id,
    player_lookup,
    game_id,
    game_date,
    predicted_points,
    confidence_score,
    recommendation,
    points_line,
    created_at,
    locks_at
from latest
where
    run_rank = 1
    and {{ picks_a_side_on_a_valid_line() }}
