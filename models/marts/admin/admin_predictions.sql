{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/predictions/{date}.json. One row per candidate (any system) of every game date,
-- with its full model attribution as the prediction row carried it.
-- Incremental by date.
with scored as (
    select * from {{ ref('int_candidates_scored') }}
    where {{ rebuilt_dates() }}
),

predictions as (
    select * from {{ ref('stg_nba_predictions__player_prop_predictions') }}
    where {{ rebuilt_dates() }}
),

models as (
    select * from {{ ref('int_models_described') }}
),

calendar as (
    select game_date from {{ ref('int_game_dates_calendared') }}
    where {{ rebuilt_dates() }}
)

select
    calendar.game_date as date,
    cast(scored.prediction_id as {{ dbt.type_string() }}) as prediction_id,
    cast(scored.system_id as {{ dbt.type_string() }}) as system_id,
    cast(models.codename as {{ dbt.type_string() }}) as model,
    cast(scored.player_lookup as {{ dbt.type_string() }}) as player_lookup,
    cast(scored.player_full_name as {{ dbt.type_string() }}) as player,
    cast(scored.game_id as {{ dbt.type_string() }}) as game_id,
    cast(scored.recommendation as {{ dbt.type_string() }}) as recommendation,
    cast(scored.points_line as {{ type_double() }}) as line,
    cast(scored.predicted_points as {{ type_double() }}) as predicted_points,
    cast(scored.confidence_score as {{ type_double() }}) as confidence,
    cast(scored.edge as {{ type_double() }}) as edge,
    cast(scored.composite_score as {{ type_double() }}) as composite,
    cast(scored.edge_tier as {{ dbt.type_string() }}) as tier,
    scored.created_at,
    cast(predictions.model_file_name as {{ dbt.type_string() }}) as model_file_name,
    predictions.model_training_start_date as training_start_date,
    predictions.model_training_end_date as training_end_date,
    cast(predictions.model_expected_mae as {{ type_double() }}) as expected_mae,
    cast(predictions.model_expected_hit_rate as {{ type_double() }}) as expected_hit_rate,
    predictions.model_trained_at as trained_at,
    cast(predictions.build_commit_sha as {{ dbt.type_string() }}) as build_commit_sha,
    cast(predictions.deployment_revision as {{ dbt.type_string() }}) as deployment_revision
from calendar
inner join scored on calendar.game_date = scored.game_date
inner join predictions on scored.prediction_id = predictions.prediction_id
left join models on scored.system_id = models.system_id
