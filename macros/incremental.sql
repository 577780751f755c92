{#- Incremental daily facts and the BigQuery layout of the big tables.

    DuckDB: delete+insert by game_date. BigQuery: tables partitioned by day on their date
    column and clustered; the facts are incremental by insert_overwrite of a STATIC list
    of game_date partitions, computed when the model runs (see
    macros/bigquery_insert_overwrite.sql): cheaper than dynamic insert_overwrite (no
    scripting, the target's partitions are pruned) and it runs on the emulator. -#}

{#- True when this run of an incremental model rebuilds only recent dates: dbt's
    is_incremental(), except false when compiling offline (var offline: true, e.g.
    `dbt compile --target bigquery --no-populate-cache --vars '{offline: true}'`), where no
    warehouse can be asked whether the table exists. -#}
{% macro incremental_run() -%}
    {%- if var('offline', false) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{%- endmacro %}

{#- First game date an incremental run rebuilds, as a SQL expression: var rebuild_from when
    set, else facts_lookback_days days before the newest date already built. -#}
{% macro incremental_rebuild_start(relation=none) -%}
    {%- if var('rebuild_from') -%}
    cast('{{ var("rebuild_from") }}' as date)
    {%- else -%}
    (
        select {{ add_days('max(game_date)', -1 * var('facts_lookback_days')) }}
        from {{ relation if relation is not none else this }}
    )
    {%- endif -%}
{%- endmacro %}

{#- Filter for incremental fact models: on an incremental run keep only the game dates
    to rebuild (incremental_rebuild_start). Full refresh and first build: every date. -#}
{% macro incremental_dates_filter(date_column='game_date') -%}
    {%- if incremental_run() %}
    and {{ date_column }} >= {{ incremental_rebuild_start() }}
    {%- endif -%}
{%- endmacro %}

{#- Config of a big table on BigQuery: partitioned by day on the DATE column `date_column`,
    clustered by `cluster_by` (at most 4 columns). Nothing elsewhere. Use (a positional
    dict: config() refuses empty keyword arguments, which DuckDB would give it):
    {{ config(bigquery_table_layout('game_date', ['system_id', 'player_lookup'])) }} -#}
{% macro bigquery_table_layout(date_column, cluster_by=none) -%}
    {%- if target.type != 'bigquery' -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set layout = {'partition_by': {'field': date_column, 'data_type': 'date', 'granularity': 'day'}} -%}
    {%- if cluster_by -%}
        {%- do layout.update({'cluster_by': cluster_by}) -%}
    {%- endif -%}
    {{ return(layout) }}
{%- endmacro %}

{#- Config shared by the incremental fact tables (grain includes game_date):
    DuckDB: delete+insert by game_date.
    BigQuery: insert_overwrite of the game_date partitions the run rebuilds, as a static
    list (meta rebuild_partitions: see macros/bigquery_insert_overwrite.sql), clustered. -#}
{% macro fact_table_config(cluster_by) -%}
    {%- set common = {'materialized': 'incremental', 'on_schema_change': 'fail'} -%}
    {%- if target.type == 'bigquery' -%}
        {%- do common.update(bigquery_table_layout('game_date', cluster_by)) -%}
        {%- do common.update({'incremental_strategy': 'insert_overwrite', 'meta': {'rebuild_partitions': true}}) -%}
    {%- else -%}
        {%- do common.update({'incremental_strategy': 'delete+insert', 'unique_key': 'game_date'}) -%}
    {%- endif -%}
    {{ return(common) }}
{%- endmacro %}
