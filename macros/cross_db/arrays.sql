{#- FROM-clause fragment: one row per element of a string array column, exposed as `element_name`. -#}
{% macro unnest_string_array(relation_alias, array_column, element_name) -%}
    {{ return(adapter.dispatch('unnest_string_array', 'nba_props')(relation_alias, array_column, element_name)) }}
{%- endmacro %}

{% macro default__unnest_string_array(relation_alias, array_column, element_name) -%}
    cross join unnest({{ relation_alias }}.{{ array_column }}) as elements({{ element_name }})
{%- endmacro %}

{% macro bigquery__unnest_string_array(relation_alias, array_column, element_name) -%}
    cross join unnest({{ relation_alias }}.{{ array_column }}) as {{ element_name }}
{%- endmacro %}
