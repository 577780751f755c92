{#- date + n days, as a DATE on every engine (dbt.dateadd returns a timestamp on DuckDB). -#}
{% macro add_days(date_expr, days) -%}
    {{ return(adapter.dispatch('add_days', 'nba_props')(date_expr, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expr, days) -%}
    cast(({{ date_expr }}) + cast({{ days }} as integer) as date)
{%- endmacro %}

{% macro bigquery__add_days(date_expr, days) -%}
    date_add({{ date_expr }}, interval {{ days }} day)
{%- endmacro %}

{#- timestamp + n days (n an integer expression), as a TIMESTAMP on every engine. -#}
{% macro add_days_to_timestamp(timestamp_expr, days) -%}
    {{ return(adapter.dispatch('add_days_to_timestamp', 'nba_props')(timestamp_expr, days)) }}
{%- endmacro %}

{% macro default__add_days_to_timestamp(timestamp_expr, days) -%}
    (cast({{ timestamp_expr }} as timestamp) + to_days(cast({{ days }} as integer)))
{%- endmacro %}

{% macro bigquery__add_days_to_timestamp(timestamp_expr, days) -%}
    timestamp_add(cast({{ timestamp_expr }} as timestamp), interval {{ days }} day)
{%- endmacro %}

{#- Monday of the date's week, as a DATE. -#}
{% macro week_start_monday(date_expr) -%}
    {{ return(adapter.dispatch('week_start_monday', 'nba_props')(date_expr)) }}
{%- endmacro %}

{% macro default__week_start_monday(date_expr) -%}
    cast(date_trunc('week', {{ date_expr }}) as date)
{%- endmacro %}

{% macro bigquery__week_start_monday(date_expr) -%}
    date_trunc({{ date_expr }}, isoweek)
{%- endmacro %}

{#- First day of the date's month, as a DATE. -#}
{% macro month_start(date_expr) -%}
    {{ return(adapter.dispatch('month_start', 'nba_props')(date_expr)) }}
{%- endmacro %}

{% macro default__month_start(date_expr) -%}
    cast(date_trunc('month', {{ date_expr }}) as date)
{%- endmacro %}

{% macro bigquery__month_start(date_expr) -%}
    date_trunc({{ date_expr }}, month)
{%- endmacro %}
