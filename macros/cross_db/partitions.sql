{#- A query returning one row, one column: the latest value of the DATE partition column
    `column` of `relation` (null when the table is empty).
    BigQuery reads the partition metadata (INFORMATION_SCHEMA.PARTITIONS: no table scan,
    SPEC §1 says every source is partitioned by game_date); elsewhere max(column). -#}
{% macro latest_partition_date_query(relation, column) -%}
    {{ return(adapter.dispatch('latest_partition_date_query', 'nba_props')(relation, column)) }}
{%- endmacro %}

{% macro default__latest_partition_date_query(relation, column) -%}
    select max({{ column }}) as latest_date from {{ relation }}
{%- endmacro %}

{% macro bigquery__latest_partition_date_query(relation, column) -%}
    select max(safe.parse_date('%Y%m%d', partition_id)) as latest_date
    from `{{ relation.database }}`.`{{ relation.schema }}`.INFORMATION_SCHEMA.PARTITIONS
    where table_name = '{{ relation.identifier }}'
        and total_rows > 0
        and partition_id not in ('__NULL__', '__UNPARTITIONED__')
{%- endmacro %}
