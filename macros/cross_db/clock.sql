{#- A game clock 'MM:SS' (minutes may exceed 59: '38:07') as decimal minutes, a 64-bit
    float on every engine; '00:00' -> 0; 'MM' alone -> MM; null or unparseable -> null. -#}
{% macro clock_to_minutes(expr) -%}
    {{ return(adapter.dispatch('clock_to_minutes', 'nba_props')(expr)) }}
{%- endmacro %}

{% macro default__clock_to_minutes(expr) -%}
    (
        try_cast(split_part({{ trim_whitespace(expr) }}, ':', 1) as {{ type_double() }})
        + coalesce(try_cast(nullif(split_part({{ trim_whitespace(expr) }}, ':', 2), '') as {{ type_double() }}), 0) / 60
    )
{%- endmacro %}

{% macro bigquery__clock_to_minutes(expr) -%}
    (
        safe_cast(split({{ trim_whitespace(expr) }}, ':')[safe_offset(0)] as float64)
        + coalesce(safe_cast(split({{ trim_whitespace(expr) }}, ':')[safe_offset(1)] as float64), 0) / 60
    )
{%- endmacro %}
