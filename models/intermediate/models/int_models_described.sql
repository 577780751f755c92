-- One row per system seen in the registry or in predictions: codename and role (seed),
-- champion flag (macro champion_system_id), registry fields. A system without a codename
-- fails the not_null test on codename: no raw system id ever reaches a public file.
with registry as (
    select * from {{ ref('stg_nba_predictions__model_registry') }}
),

systems as (
    select system_id from registry
    union distinct
    select distinct system_id from {{ ref('stg_nba_predictions__player_prop_predictions') }}
),

codenames as (
    select * from {{ ref('model_codenames') }}
)

select
    systems.system_id,
    codenames.codename,
    codenames.role,
    systems.system_id = {{ champion_system_id() }} as is_champion,
    registry.model_family,
    registry.model_file_name,
    registry.training_start_date,
    registry.training_end_date,
    registry.eval_mae,
    registry.eval_hit_rate_edge3,
    registry.feature_count,
    registry.loss_function,
    coalesce(registry.is_production, false) as is_production,
    coalesce(registry.is_enabled, false) as is_enabled,
    registry.registered_at
from systems
left join codenames on systems.system_id = codenames.system_id
left join registry on systems.system_id = registry.system_id
