{{ config(severity='warn') }}
{#- Two active prediction rows of one (player, game, system) created at the same instant,
    both the latest before tip-off, that disagree on the pick: the candidate is then
    decided by prediction_id alone (contract §3 Candidates; docs/decisions.md), which can flip
    a public pick. Warns loudly, naming both rows (every row of the tie), on the days a run
    can still change (from facts_lookback_days before the clock's date). "Before tip-off" is
    the candidate rule's: the game's tip-off (macro game_tipoffs, one time for all its
    players), not a player's own context row. -#}
with tipoffs as (
    {{ game_tipoffs() }}
),

predictions as (
    select
        predictions.*,
        {{ lock_time('tipoffs.game_start_at', 'predictions.game_date') }} as locks_at
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as predictions
    left join tipoffs
        on predictions.game_id = tipoffs.game_id
    where
        predictions.is_active
        and predictions.game_date >= {{ horizon_date(-1 * var('facts_lookback_days')) }}
),

latest as (
    select
        *,
        max(created_at) over (partition by player_lookup, game_id, system_id) as latest_created_at
    from predictions
    where created_at < locks_at
),

picked as (
    select
        *,
        concat(
            recommendation, '|', coalesce(cast(points_line as {{ dbt.type_string() }}), ''), '|',
            coalesce(cast(predicted_points as {{ dbt.type_string() }}), '')
        ) as pick
    from latest
    where created_at = latest_created_at
),

tied as (
    select
        *,
        count(*) over (partition by player_lookup, game_id, system_id) as rows_tied,
        min(pick) over (partition by player_lookup, game_id, system_id) as first_pick,
        max(pick) over (partition by player_lookup, game_id, system_id) as last_pick
    from picked
)

select
    prediction_id,
    system_id,
    player_lookup,
    game_id,
    game_date,
    created_at,
    recommendation,
    points_line,
    predicted_points
from tied
where rows_tied > 1 and first_pick != last_pick
