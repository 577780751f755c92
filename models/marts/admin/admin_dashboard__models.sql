-- admin/dashboard.json, part `models`: every model's health row on the as-of date.
select
    as_of.as_of_date as as_of,
    health.system_id,
    models.codename,
    models.model_family as family,
    health.state,
    health.n_7d,
    health.hit_rate_7d,
    health.hit_rate_7d_low,
    health.hit_rate_7d_high,
    health.n_14d,
    health.hit_rate_14d,
    health.hit_rate_14d_low,
    health.hit_rate_14d_high,
    health.n_30d,
    health.hit_rate_30d,
    health.hit_rate_30d_low,
    health.hit_rate_30d_high,
    health.days_since_training,
    health.is_stale,
    models.training_start_date,
    health.training_end_date,
    models.eval_mae,
    models.eval_hit_rate_edge3
from {{ ref('int_model_health_daily') }} as health
inner join {{ ref('int_track_record_as_of') }} as as_of on health.game_date = as_of.as_of_date
left join {{ ref('int_models_described') }} as models on health.system_id = models.system_id
