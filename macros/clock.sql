{#- The run's clock, as a TIMESTAMP literal (UTC): var clock when given (YYYY-MM-DD HH:MM:SS,
    UTC; for replays, tests and the demo), else the moment this dbt invocation started
    (run_started_at). The project never reads the machine clock anywhere else: source
    freshness is judged at this clock (macros/freshness.sql). -#}
{% macro run_clock() -%}
    {%- set configured = (var('clock', '') or '') | string | trim -%}
    {%- if configured -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?Z?', configured) -%}
            {{ exceptions.raise_compiler_error("var clock must be a UTC timestamp YYYY-MM-DD HH:MM:SS, got '" ~ configured ~ "'") }}
        {%- endif -%}
        {%- set text = configured | replace('T', ' ') | replace('Z', '') -%}
    {%- else -%}
        {%- set text = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    cast('{{ text }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
