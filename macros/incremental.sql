{#- Filter for incremental fact models: on an incremental run keep only the game dates
    to rebuild: from var rebuild_from when set, else the last facts_lookback_days days
    before the newest date already built. Full refresh and first build: every date. -#}
{% macro incremental_dates_filter(date_column='game_date') -%}
    {%- if is_incremental() -%}
        {%- if var('rebuild_from') -%}
    and {{ date_column }} >= cast('{{ var("rebuild_from") }}' as date)
        {%- else -%}
    and {{ date_column }} >= (
        select {{ add_days('max(game_date)', -1 * var('facts_lookback_days')) }}
        from {{ this }}
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Config shared by the incremental fact tables: delete+insert by game_date on DuckDB;
    on BigQuery insert_overwrite of game_date partitions, clustered. -#}
{% macro fact_table_config(cluster_by) -%}
    {%- if target.type == 'bigquery' -%}
        {{ return({
            'materialized': 'incremental',
            'incremental_strategy': 'insert_overwrite',
            'partition_by': {'field': 'game_date', 'data_type': 'date', 'granularity': 'day'},
            'cluster_by': cluster_by,
            'on_schema_change': 'fail',
        }) }}
    {%- else -%}
        {{ return({
            'materialized': 'incremental',
            'incremental_strategy': 'delete+insert',
            'unique_key': 'game_date',
            'on_schema_change': 'fail',
        }) }}
    {%- endif -%}
{%- endmacro %}
