-- systems/models.json. One row per model (system), by codename only: role, champion
-- flag, health state and stale flag as of the track-record as-of date (int_track_record
-- _as_of: the latest graded game date, the as_of of subsets/performance.json and of the
-- admin dashboard, never a date whose games are not graded yet). Champion first.
with as_of as (
    select as_of_date from {{ ref('int_track_record_as_of') }}
),

health as (
    select health.*
    from {{ ref('int_model_health_daily') }} as health
    inner join as_of on health.game_date = as_of.as_of_date
)

select
    as_of.as_of_date as as_of,
    cast(models.codename as {{ dbt.type_string() }}) as model,
    cast(models.role as {{ dbt.type_string() }}) as role,
    models.is_champion,
    cast(health.state as {{ dbt.type_string() }}) as state,
    coalesce(health.is_stale, false) as is_stale,
    cast(case when models.is_champion then 0 else 1 end as {{ dbt.type_bigint() }}) as model_order
from {{ ref('int_models_described') }} as models
cross join as_of
left join health on models.system_id = health.system_id
