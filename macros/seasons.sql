{#- contract §3 season label: month >= 10 -> "YYYY-YY" of that year, else the previous year's.
    2025-10-21 -> '2025-26', 2026-02-21 -> '2025-26'. Used everywhere a season is shown. -#}
{% macro season_label(date_expr) -%}
    case
        when extract(month from {{ date_expr }}) >= 10
            then concat(
                cast(extract(year from {{ date_expr }}) as {{ dbt.type_string() }}), '-',
                substr(cast(extract(year from {{ date_expr }}) + 1 as {{ dbt.type_string() }}), 3, 2)
            )
        else concat(
            cast(extract(year from {{ date_expr }}) - 1 as {{ dbt.type_string() }}), '-',
            substr(cast(extract(year from {{ date_expr }}) as {{ dbt.type_string() }}), 3, 2)
        )
    end
{%- endmacro %}
