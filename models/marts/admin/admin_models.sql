-- admin/models.json. One row per system x attribution seen in predictions (one row
-- with null attribution columns for a registered system never seen): the registry
-- joined with what the predictions actually carried.
with models as (
    select * from {{ ref('int_models_described') }}
),

seen as (
    select * from {{ ref('int_model_attributions_seen') }}
)

select
    models.system_id,
    models.codename as model,
    models.role,
    models.is_champion,
    models.model_family,
    models.model_file_name as registry_file_name,
    models.training_start_date as registry_training_start_date,
    models.training_end_date as registry_training_end_date,
    models.eval_mae,
    models.eval_hit_rate_edge3,
    models.feature_count,
    models.loss_function,
    models.is_production,
    models.is_enabled,
    models.registered_at,
    seen.model_file_name as seen_file_name,
    seen.model_training_start_date as seen_training_start_date,
    seen.model_training_end_date as seen_training_end_date,
    seen.model_expected_mae as seen_expected_mae,
    seen.model_expected_hit_rate as seen_expected_hit_rate,
    seen.model_trained_at as seen_trained_at,
    seen.build_commit_sha as seen_build_commit_sha,
    seen.deployment_revision as seen_deployment_revision,
    seen.first_seen_date,
    seen.last_seen_date
from models
left join seen on models.system_id = seen.system_id
