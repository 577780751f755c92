{{ config(**fact_table_config(
    cluster_by=['system_id', 'signal_tag'], rebuild_moved_games=false, rebuild_regrades=false
)) }}
-- One row per game_date x player x system x tag: the source's tag array, one tag a row
-- (tags trimmed and lower-cased; repeated tags collapse). Every tag is kept here;
-- the allowlist is applied downstream.
-- A table, incremental by game_date: a filter on the date does not reach below the
-- unnest, so a view would unnest every season for each reader.
with source as (
    select * from {{ source('nba_predictions', 'pick_signal_tags') }}
    where {{ rebuilt_dates() }} and {{ within_horizon('game_date') }}
),

tags as (
    select
        cast(source.game_date as date) as game_date,
        {{ fold_player_lookup('source.player_lookup') }} as player_lookup,
        cast(source.system_id as {{ dbt.type_string() }}) as system_id,
        lower({{ trim_whitespace('signal_tag') }}) as signal_tag
    from source
    {{ unnest_string_array('source', 'signal_tags', 'signal_tag') }}
)

select distinct * from tags
where signal_tag is not null and signal_tag != ''
