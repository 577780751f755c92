{#- The relation a data test reads: dbt's get_where_subquery (the test's `where` config),
    plus one rule of this project. On a run through one of the selectors of var
    incremental_test_selectors (the daily cycle, selectors.yml), a test of an incremental
    table reads only its last var('incremental_test_days') days (its newest date minus that
    many days, on the table's date column): the rows that run rebuilt (facts_lookback_days
    before the previous newest date, plus the new days) and not years of rows tested
    by earlier runs, so a daily run costs the same whatever the history. Every other run
    (full builds, `make build`, CI, the other selectors) tests every row. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set recent = recent_rows_condition(relation) -%}
    {%- if recent -%}
        {%- do conditions.append(recent) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition keeping the recent rows of relation when the rule above applies, else ''. -#}
{% macro recent_rows_condition(relation) -%}
    {%- if not execute or relation is none or relation.identifier is not defined -%}
        {{ return('') }}
    {%- endif -%}
    {%- if invocation_args_dict.get('selector') not in var('incremental_test_selectors', []) -%}
        {{ return('') }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.config.materialized == 'incremental'
        and (node.alias or node.name) == relation.identifier
        and node.schema == relation.schema -%}
        {%- set partition_by = node.config.get('partition_by') -%}
        {%- set column = partition_by['field'] if partition_by else node.config.get('unique_key') -%}
        {%- if column is string -%}
            {%- set first_day = '(select ' ~ add_days('max(' ~ column ~ ')', -1 * var('incremental_test_days')) ~ ' from ' ~ relation ~ ')' -%}
            {{ return('(' ~ column ~ ' >= ' ~ date_literal(first_day) ~ ' or ' ~ column ~ ' is null)') }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}
