{#- a / b, null when b is 0 or null (never a division error). -#}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'nba_props')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    case
        when ({{ denominator }}) = 0 then null
        else cast({{ numerator }} as {{ type_double() }}) / ({{ denominator }})
    end
{%- endmacro %}

{% macro bigquery__safe_divide(numerator, denominator) -%}
    safe_divide(cast({{ numerator }} as float64), {{ denominator }})
{%- endmacro %}

{#- Round half away from zero to n decimals, as a 64-bit float on every engine.
    Adding 0.0 turns a rounded -0.0 into 0.0 (IEEE), so "-0.0" is never published. -#}
{% macro round_float(expr, digits) -%}
    cast(round(cast({{ expr }} as {{ type_double() }}), {{ digits }}) + 0.0 as {{ type_double() }})
{%- endmacro %}

{#- 64-bit float on every engine (type_double() is a 32-bit FLOAT on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'nba_props')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double{%- endmacro %}

{% macro bigquery__type_double() -%}float64{%- endmacro %}
