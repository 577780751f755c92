-- One row per system (model).
with source as (
    select * from {{ source('nba_predictions', 'model_registry') }}
),

renamed as (
    select
        cast(system_id as {{ dbt.type_string() }}) as system_id,
        cast(model_family as {{ dbt.type_string() }}) as model_family,
        cast(model_file_name as {{ dbt.type_string() }}) as model_file_name,
        cast(training_start_date as date) as training_start_date,
        cast(training_end_date as date) as training_end_date,
        cast(eval_mae as {{ type_double() }}) as eval_mae,
        cast(eval_hit_rate_edge3 as {{ type_double() }}) as eval_hit_rate_edge3,
        cast(feature_count as {{ dbt.type_bigint() }}) as feature_count,
        cast(loss_function as {{ dbt.type_string() }}) as loss_function,
        cast(is_production as boolean) as is_production,
        cast(is_enabled as boolean) as is_enabled,
        cast(registered_at as {{ dbt.type_timestamp() }}) as registered_at
    from source
)

select distinct * from renamed
