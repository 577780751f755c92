-- admin/dashboard.json, part `models`: every model's health row on the as-of date.
with as_of as (
    select {{ track_record_as_of() }} as as_of_date
)

select
    as_of.as_of_date as as_of,
    cast(health.system_id as {{ dbt.type_string() }}) as system_id,
    cast(models.codename as {{ dbt.type_string() }}) as codename,
    cast(models.model_family as {{ dbt.type_string() }}) as family,
    cast(health.state as {{ dbt.type_string() }}) as state,
    cast(health.n_7d as {{ dbt.type_bigint() }}) as n_7d,
    cast(health.hit_rate_7d as {{ type_double() }}) as hit_rate_7d,
    cast(health.n_14d as {{ dbt.type_bigint() }}) as n_14d,
    cast(health.hit_rate_14d as {{ type_double() }}) as hit_rate_14d,
    cast(health.n_30d as {{ dbt.type_bigint() }}) as n_30d,
    cast(health.hit_rate_30d as {{ type_double() }}) as hit_rate_30d,
    cast(health.days_since_training as {{ dbt.type_bigint() }}) as days_since_training,
    cast(health.is_stale as boolean) as is_stale,
    cast(models.training_start_date as date) as training_start_date,
    cast(health.training_end_date as date) as training_end_date,
    cast(models.eval_mae as {{ type_double() }}) as eval_mae,
    cast(models.eval_hit_rate_edge3 as {{ type_double() }}) as eval_hit_rate_edge3
from {{ ref('int_model_health_daily') }} as health
inner join as_of on health.game_date = as_of.as_of_date
left join {{ ref('int_models_described') }} as models on health.system_id = models.system_id
