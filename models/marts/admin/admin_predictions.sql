{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/predictions/{date}.json. One row per prediction row of every game date that is either a
-- candidate (any system; int_candidates_graded: the one fixed at tip-off for a game that has
-- started), or late: an active row created at or after its game's tip-off (macro lock_time of the
-- game's tip-off, macro game_tipoffs: one time for all its players, as for the candidates), never a
-- candidate (contract §3 Lock at tip-off), flagged is_late with no edge, composite or tier (a
-- recorded candidate of a game whose tip-off the context moved earlier after the game was fixed
-- stays a candidate, shown once), or missed the lock: a candidate by the rows as they are now
-- (int_candidates_scored) of a game fixed without it (int_games_locked: the row landed, or became
-- the latest, after the run that fixed the game), never counted, flagged is_missed_lock with the
-- edge, composite and tier it has by the rules, or moved: an active row, neither of the above, of a
-- game the context has since moved to another date (macro moved_to_another_date), never a
-- candidate, shown with no edge, composite or tier. Every row of a moved game gives its new date,
-- moved_to (the earliest date the context lists it on). Each with its full model attribution as the
-- row carried it. Incremental by date; a run also rebuilds from the first date whose game moved,
-- or moved back, since its last build (fact_table_config rebuild_moved_games: after that date
-- left the window), as a full refresh would show it. A row is never shown twice: a candidate of
-- any date is neither missed nor uncounted on another (a run re-dated upstream under its id
-- after its game was fixed on the first date stays that date's candidate, shown there only).
{%- set rebuilt = rebuilt_dates() %}
with candidates as (
    select * from {{ ref('int_candidates_graded') }}
    where {{ rebuilt }}
),

counted as (
    select prediction_id from {{ ref('int_candidates_graded') }}
),

missed as (
    select * from {{ ref('int_candidates_scored') }} as scored
    where
        {{ rebuilt }}
        and {{ game_is_fixed('scored.game_id') }}
        and not exists (
            select 1 from counted
            where counted.prediction_id = scored.prediction_id
        )
),

predictions as (
    select * from {{ ref('stg_nba_predictions__player_prop_predictions') }}
    where {{ rebuilt }}
),

context as (
    select * from {{ ref('stg_nba_analytics__upcoming_player_game_context') }}
    where {{ rebuilt }}
),

tipoffs as (
    {{ game_tipoffs(where=rebuilt) | indent(4) }}
),

timed as (
    select
        predictions.*,
        context.player_full_name,
        predictions.created_at
        >= {{ lock_time('tipoffs.game_start_at', 'predictions.game_date') }} as is_late
    from predictions
    left join context
        on predictions.player_lookup = context.player_lookup
        and predictions.game_id = context.game_id
    left join tipoffs
        on predictions.game_id = tipoffs.game_id
    where predictions.is_active
),

uncounted as (
    select * from timed
    where
        (is_late or {{ moved_to_another_date('timed.game_id', 'timed.game_date') }})
        and not exists (
            select 1 from counted
            where counted.prediction_id = timed.prediction_id
        )
),

shown as (
    {%- set common = ['game_date', 'prediction_id', 'system_id', 'player_lookup',
        'player_full_name', 'game_id', 'recommendation', 'points_line', 'predicted_points',
        'confidence_score', 'created_at'] %}
    {%- set scored = common + ['edge', 'composite_score', 'edge_tier'] %}
    select
        {{ scored | join(', ') }},
        false as is_late,
        false as is_missed_lock
    from candidates
    union all
    select
        {{ scored | join(', ') }},
        false as is_late,
        true as is_missed_lock
    from missed
    union all
    select
        {{ common | join(', ') }},
        cast(null as {{ type_double() }}) as edge,
        cast(null as {{ type_double() }}) as composite_score,
        cast(null as {{ dbt.type_string() }}) as edge_tier,
        is_late,
        false as is_missed_lock
    from uncounted
)

select
    shown.game_date as date,
    shown.prediction_id,
    shown.system_id,
    models.codename as model,
    shown.player_lookup,
    shown.player_full_name as player,
    shown.game_id,
    shown.recommendation,
    shown.points_line as line,
    shown.predicted_points,
    shown.confidence_score as confidence,
    shown.edge,
    shown.composite_score as composite,
    shown.edge_tier as tier,
    shown.created_at,
    shown.is_late,
    shown.is_missed_lock,
    {{ moved_to_date('shown.game_id', 'shown.game_date') }} as moved_to,
    predictions.model_file_name,
    predictions.model_training_start_date as training_start_date,
    predictions.model_training_end_date as training_end_date,
    predictions.model_expected_mae as expected_mae,
    predictions.model_expected_hit_rate as expected_hit_rate,
    predictions.model_trained_at as trained_at,
    predictions.build_commit_sha,
    predictions.deployment_revision
from shown
inner join predictions on shown.prediction_id = predictions.prediction_id
left join {{ ref('int_models_described') }} as models on shown.system_id = models.system_id
