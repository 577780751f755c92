{#- The run's clock, as a TIMESTAMP literal (UTC): the environment variable PROPS_CLOCK when
    set (YYYY-MM-DD HH:MM:SS, UTC; for replays, tests and the demo: make CLOCK=... sets it),
    else the moment this dbt invocation started (run_started_at). The project never reads the
    machine clock anywhere else: source freshness is judged at this clock (macros/freshness.sql).
    Read at execution only: at parse time (execute false) no SQL dbt keeps depends on it, so a
    new clock re-parses nothing (a new --vars would make dbt parse the whole project again). -#}
{% macro run_clock() -%}
    {%- set configured = (env_var('PROPS_CLOCK', '') if execute else '') | string | trim -%}
    {%- if configured -%}
        {#- a month, day, hour, minute and second in range (a 13th month used to reach the
            database's cast, whose error does not name PROPS_CLOCK) -#}
        {%- if not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
            ~ '([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?Z?', configured) -%}
            {{ exceptions.raise_compiler_error("PROPS_CLOCK must be a UTC timestamp YYYY-MM-DD HH:MM:SS, got '" ~ configured ~ "'") }}
        {%- endif -%}
        {%- set text = configured | replace('T', ' ') | replace('Z', '') -%}
    {%- else -%}
        {%- set text = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    cast('{{ text }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The moment this dbt invocation really started, as a TIMESTAMP literal (never PROPS_CLOCK):
    stamps the rows a run changed (int_candidates_graded.graded_at, int_game_moves.seen_at),
    so that macro changed_since_last_build compares them with the build log's real times. -#}
{% macro run_start() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
