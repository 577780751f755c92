{{ config(**fact_table_config(
    cluster_by=['system_id', 'player_lookup'], rebuild_moved_games=false, rebuild_changed_dates=true
)) }}
-- One row per prediction row of the source (prediction run x player x game x system).
-- Rename/cast only: player key folded, confidence normalised to 0-1, recommendation
-- upper-cased; rows repeated byte for byte collapse to one. Rows dated after the feeds'
-- horizon are quarantined (macro within_horizon).
-- A table, incremental by game_date: the biggest source, read by several models and
-- tests, deduplicated once per build; a daily run re-reads only the recent dates, and every
-- date from the first one whose rows changed upstream since its last build (the log
-- stg_nba_predictions__date_changes: runs written, deleted, activated or deactivated, a
-- backfill weeks after the games included; a date left with no row is emptied), as a full
-- refresh would have them. Every fact downstream rebuilds from the same log's dates
-- (fact_table_config, macro incremental_rebuild_start).
-- depends_on: {{ ref('stg_nba_predictions__date_changes') }}
with source as (
    select * from {{ source('nba_predictions', 'player_prop_predictions') }}
    where
        {{ rebuilt_dates() }}
        and {{ within_horizon('game_date') }}
),

renamed as (
    select
        cast(prediction_id as {{ dbt.type_string() }}) as prediction_id,
        cast(system_id as {{ dbt.type_string() }}) as system_id,
        {{ fold_player_lookup('player_lookup') }} as player_lookup,
        cast(game_id as {{ dbt.type_string() }}) as game_id,
        cast(game_date as date) as game_date,
        cast(predicted_points as {{ type_double() }}) as predicted_points,
        {{ normalize_confidence('confidence_score') }} as confidence_score,
        upper({{ trim_whitespace('recommendation') }}) as recommendation,
        cast(current_points_line as {{ type_double() }}) as points_line,
        cast(is_active as boolean) as is_active,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(model_file_name as {{ dbt.type_string() }}) as model_file_name,
        cast(model_training_start_date as date) as model_training_start_date,
        cast(model_training_end_date as date) as model_training_end_date,
        cast(model_expected_mae as {{ type_double() }}) as model_expected_mae,
        cast(model_expected_hit_rate as {{ type_double() }}) as model_expected_hit_rate,
        cast(model_trained_at as {{ dbt.type_timestamp() }}) as model_trained_at,
        cast(build_commit_sha as {{ dbt.type_string() }}) as build_commit_sha,
        cast(deployment_revision as {{ dbt.type_string() }}) as deployment_revision
    from source
)

select distinct * from renamed
