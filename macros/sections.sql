{#- Select list of one section of a union-of-sections mart: every column of `columns`
    (name -> SQL type), cast to its type, from `values` (name -> SQL expression) or null. -#}
{% macro section_select(columns, values) -%}
    {%- for column, data_type in columns.items() %}
        cast({{ values.get(column, 'null') }} as {{ data_type }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
