{#- The live date of the live-grading path (contract §4 live-grading/{date}.json): var
    live_date (YYYY-MM-DD) when set, else the latest game_date of nba_raw.live_boxscores,
    up to the clock's date (macro horizon_date: a future-dated row never becomes the live
    date), that has a game started (a row not 'scheduled'); without one, the latest date.
    So the next night's games, listed after midnight UTC while tonight's are under way,
    wait until one of them starts. Returned as a DATE literal, resolved when the model is
    compiled (in a run: just before it executes), so the live models filter on a constant
    and BigQuery prunes to one partition. The lookup reads the game_date and game_status
    columns only (a few bytes a row: a season of one row per player and game stays within
    BigQuery's 10 MB minimum charge; INFORMATION_SCHEMA.PARTITIONS costs the same minimum
    and the BigQuery emulator does not have it). An empty live source gives a null date: no
    rows, no document. -#}
{% macro live_date() -%}
    {%- set configured = (var('live_date', '') or '') | string | trim -%}
    {%- if configured -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', configured) -%}
            {{ exceptions.raise_compiler_error("var live_date must be a date YYYY-MM-DD, got '" ~ configured ~ "'") }}
        {%- endif -%}
        {{- return("cast('" ~ configured ~ "' as date)") -}}
    {%- endif -%}
    {%- set started = "lower(" ~ trim_whitespace('game_status') ~ ") != 'scheduled'" -%}
    {{- return(latest_date_literal(source('nba_raw', 'live_boxscores'), where=within_horizon('game_date', days_ahead=0),
        preferred=started)) -}}
{%- endmacro %}

{#- The latest value of a DATE column of a relation as a literal, read when the model is
    compiled; 'cast(null as date)' when the relation is empty or not built yet (parse,
    compile on an empty warehouse, offline compile: var offline). Downstream live models
    read the date back from int_live_boxscores this way, so every live model of a run
    uses the same date even if the feed starts a new date in the middle of the run.
    preferred: a condition on the rows; the latest date among the rows meeting it, when any.
    aggregate: 'min' for the earliest date instead. -#}
{% macro latest_date_literal(relation, column='game_date', where='true', preferred=none, aggregate='max') -%}
    {%- if not execute or var('offline', false) -%}
        {{- return('cast(null as date)') -}}
    {%- endif -%}
    {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {{- return('cast(null as date)') -}}
    {%- endif -%}
    {%- set query -%}
        select
            {%- if preferred %}
            coalesce(max(case when {{ preferred }} then {{ column }} end), max({{ column }})) as latest_date
            {%- else %}
            {{ aggregate }}({{ column }}) as latest_date
            {%- endif %}
        from {{ relation }} where {{ where }}
    {%- endset -%}
    {%- set latest = run_query(query).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{- return('cast(null as date)') -}}
    {%- endif -%}
    {{- return("cast('" ~ (latest | string)[:10] ~ "' as date)") -}}
{%- endmacro %}
