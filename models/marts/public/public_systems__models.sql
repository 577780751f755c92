-- systems/models.json. One row per model (system), by codename only: role, champion
-- flag, health state and stale flag as of the latest game date. Champion first.
with models as (
    select * from {{ ref('int_models_described') }}
),

health as (
    select * from {{ ref('int_model_health_daily') }}
),

latest_health as (
    select * from health
    where game_date = (select max(all_dates.game_date) from health as all_dates)
)

select
    cast(models.codename as {{ dbt.type_string() }}) as model,
    cast(models.role as {{ dbt.type_string() }}) as role,
    models.is_champion,
    cast(latest_health.state as {{ dbt.type_string() }}) as state,
    coalesce(latest_health.is_stale, false) as is_stale,
    cast(case when models.is_champion then 0 else 1 end as {{ dbt.type_bigint() }}) as model_order
from models
left join latest_health on models.system_id = latest_health.system_id
