{#- The live date of the live-grading path (SPEC §4 live-grading/{date}.json): var
    live_date (YYYY-MM-DD) when set, else the latest game_date present in
    nba_raw.live_boxscores. Resolved once when the model is compiled and returned as a DATE
    literal, so the live models filter on a constant: BigQuery reads one partition of the
    live source (the lookup itself reads partition metadata only). An empty live source
    gives a null date, hence no rows and no document. -#}
{% macro live_date() -%}
    {%- set configured = (var('live_date', '') or '') | string | trim -%}
    {%- if configured -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', configured) -%}
            {{ exceptions.raise_compiler_error("var live_date must be a date YYYY-MM-DD, got '" ~ configured ~ "'") }}
        {%- endif -%}
        {{- return("cast('" ~ configured ~ "' as date)") -}}
    {%- endif -%}
    {%- if not execute -%}
        {{- return('cast(null as date)') -}}
    {%- endif -%}
    {%- set relation = source('nba_raw', 'live_boxscores') -%}
    {%- set latest = run_query(latest_partition_date_query(relation, 'game_date')).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {#- an unpartitioned table has no partition metadata: read the column instead -#}
        {%- set latest = run_query(default__latest_partition_date_query(relation, 'game_date')).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if latest is none -%}
        {{- return('cast(null as date)') -}}
    {%- endif -%}
    {{- return("cast('" ~ (latest | string)[:10] ~ "' as date)") -}}
{%- endmacro %}
