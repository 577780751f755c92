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

{#- Round half away from zero to n decimals, as a 64-bit float on every engine. Rounded as
    an exact decimal (9 places), as the publisher's `round:` rounds the decimal text: a float
    is off by an ulp (24.15 is 24.1499999...), which DuckDB's round() and BigQuery's round
    of a FLOAT64 settle differently (24.2 and 24.1). A decimal has no -0, so "-0.0" is never
    published. -#}
{% macro round_float(expr, digits) -%}
    cast(round(cast({{ expr }} as {{ type_exact_decimal() }}), {{ digits }}) as {{ type_double() }})
{%- endmacro %}

{#- Exact decimal with 9 places: DECIMAL(38, 9) on DuckDB, NUMERIC on BigQuery (the same). -#}
{% macro type_exact_decimal() -%}
    {{ return(adapter.dispatch('type_exact_decimal', 'nba_props')()) }}
{%- endmacro %}

{% macro default__type_exact_decimal() -%}decimal(38, 9){%- endmacro %}

{% macro bigquery__type_exact_decimal() -%}numeric{%- endmacro %}

{#- 64-bit float on every engine (type_double() is a 32-bit FLOAT on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'nba_props')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double{%- endmacro %}

{% macro bigquery__type_double() -%}float64{%- endmacro %}
