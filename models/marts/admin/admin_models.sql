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
    cast(models.system_id as {{ dbt.type_string() }}) as system_id,
    cast(models.codename as {{ dbt.type_string() }}) as model,
    cast(models.role as {{ dbt.type_string() }}) as role,
    models.is_champion,
    cast(models.model_family as {{ dbt.type_string() }}) as model_family,
    cast(models.model_file_name as {{ dbt.type_string() }}) as registry_file_name,
    models.training_start_date as registry_training_start_date,
    models.training_end_date as registry_training_end_date,
    cast(models.eval_mae as {{ type_double() }}) as eval_mae,
    cast(models.eval_hit_rate_edge3 as {{ type_double() }}) as eval_hit_rate_edge3,
    cast(models.feature_count as {{ dbt.type_bigint() }}) as feature_count,
    cast(models.loss_function as {{ dbt.type_string() }}) as loss_function,
    models.is_production,
    models.is_enabled,
    models.registered_at,
    cast(seen.model_file_name as {{ dbt.type_string() }}) as seen_file_name,
    seen.model_training_start_date as seen_training_start_date,
    seen.model_training_end_date as seen_training_end_date,
    cast(seen.model_expected_mae as {{ type_double() }}) as seen_expected_mae,
    cast(seen.model_expected_hit_rate as {{ type_double() }}) as seen_expected_hit_rate,
    seen.model_trained_at as seen_trained_at,
    cast(seen.build_commit_sha as {{ dbt.type_string() }}) as seen_build_commit_sha,
    cast(seen.deployment_revision as {{ dbt.type_string() }}) as seen_deployment_revision,
    seen.first_seen_date,
    seen.last_seen_date
from models
left join seen on models.system_id = seen.system_id
