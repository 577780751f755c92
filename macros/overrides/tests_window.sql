{#- The relation a data test reads: dbt's get_where_subquery (the test's `where` config),
    plus one rule of this project. On a run through one of the selectors of var
    incremental_test_selectors (the daily cycle, selectors.yml), a test of an incremental
    table reads only its last var('incremental_test_days') days (its newest date minus that
    many days, on the table's date column), and every date from the first one the run
    rebuilt for a game moved, for prediction rows changed upstream or for a regrade (a stat
    correction), however old (incremental_rebuild_start, asked as the table's own run asked
    it: the build log still holds the table's previous build until the run ends; once per
    table and run, below), and, for a table whose config says which column holds the start
    of the run that wrote the row (meta tests_window: {written_at: C}), every row this run
    wrote (C >= run_start(): int_candidates_graded, whose own reopened pending dates and
    stat corrections its start does not read, as the model's SQL adds them): the rows
    that run rebuilt, and not years of rows tested by earlier runs, so a daily run costs the
    same whatever the history, and a row restaged or regraded on an old date is tested by the
    run that wrote it (else it reached admin/predictions untested, and the next full build
    failed on it). A view that only
    incremental models read, each through rebuilt_dates() (no reopen, no extra), says so in
    its config (meta tests_window: {column: C, readers: [MODEL, ...]}): on such a run its
    tests read the rows whose C is on or after the first date those readers rebuild in this
    run (incremental_rebuild_start on each reader as it stands before the run rebuilds it:
    exactly the rows they will read; all rows when a reader is not built yet or is fully
    refreshed). A table the run rebuilds whole (--full-refresh) has every row tested, as on
    every other run (full builds, `make build`, CI, the other selectors). -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set recent = recent_rows_condition(relation) -%}
    {%- if recent -%}
        {%- do conditions.append(recent) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition keeping the recent rows of relation when the rule above applies, else ''. -#}
{% macro recent_rows_condition(relation) -%}
    {%- if not execute or relation is none or relation.identifier is not defined -%}
        {{ return('') }}
    {%- endif -%}
    {%- if invocation_args_dict.get('selector') not in var('incremental_test_selectors', []) -%}
        {{ return('') }}
    {%- endif -%}
    {#- Asked once per relation and invocation, not once per test (each asking is a query at
        compile time, the grades' lookup reading every graded row: about 10 ms of dbt's; 53 of the
        daily cycle's 76 asked again), in invocation_cache() (macros/incremental.sql). It holds
        for the whole run: a table's tests run after it is built and nothing else of the run
        writes it, a view's before its readers are built, and the logs the start reads are
        written at on-run-end. -#}
    {%- set windows = invocation_cache() -%}
    {%- set key = 'tests window ' ~ relation -%}
    {%- if key not in windows -%}
        {%- do windows.update({key: tests_window_condition(relation)}) -%}
    {%- endif -%}
    {{ return(windows[key]) }}
{%- endmacro %}

{#- recent_rows_condition's rule, asked afresh. -#}
{% macro tests_window_condition(relation) -%}
    {#- the test's own parents (model: the test node), not the whole graph: a loop in Jinja
        over every node, for every test of the run, cost about a second of a daily cycle -#}
    {%- for uid in model.depends_on.nodes if uid.startswith('model.') and uid in graph.nodes
        and (graph.nodes[uid].alias or graph.nodes[uid].name) == relation.identifier
        and graph.nodes[uid].schema == relation.schema -%}
        {%- set node = graph.nodes[uid] -%}
        {%- if node.config.materialized == 'incremental' -%}
            {%- if node_fully_refreshed(node) -%}
                {{ return('') }}
            {%- endif -%}
            {%- set column = incremental_node_date_column(node) -%}
            {%- if column is string -%}
                {%- set recent = '(select ' ~ add_days('max(' ~ column ~ ')', -1 * var('incremental_test_days')) ~ ' from ' ~ relation ~ ')' -%}
                {%- set rebuilt = incremental_rebuild_start(relation=relation, date_column=column, meta=node.config.meta) -%}
                {%- set written_at = (node.config.meta.get('tests_window') or {}).get('written_at') -%}
                {%- set written = ' or ' ~ written_at ~ ' >= ' ~ run_start() if written_at else '' -%}
                {{ return('(' ~ column ~ ' >= ' ~ date_literal('least(' ~ recent ~ ', ' ~ rebuilt ~ ')') ~ ' or ' ~ column ~ ' is null' ~ written ~ ')') }}
            {%- endif -%}
        {%- elif node.config.meta.get('tests_window') -%}
            {{ return(readers_window_condition(node.config.meta['tests_window'])) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}

{#- The date column of an incremental model node: its BigQuery partition field, else its
    unique_key (fact_table_config: the date column); none otherwise. -#}
{% macro incremental_node_date_column(node) -%}
    {%- set partition_by = node.config.get('partition_by') -%}
    {{ return(partition_by['field'] if partition_by else node.config.get('unique_key')) }}
{%- endmacro %}

{#- The rule of a view read only by incremental models (meta tests_window, see above): the
    condition keeping the rows of window.column from the first date the readers rebuild,
    or '' (every row) when any reader is missing, not incremental, not built yet or fully
    refreshed on this run. -#}
{% macro readers_window_condition(window) -%}
    {%- set starts = [] -%}
    {%- for name in window.get('readers', []) -%}
        {%- set reader = graph.nodes.get('model.' ~ project_name ~ '.' ~ name) -%}
        {%- if reader is none or reader.config.materialized != 'incremental' -%}
            {{ return('') }}
        {%- endif -%}
        {%- if node_fully_refreshed(reader) -%}
            {{ return('') }}
        {%- endif -%}
        {%- set built = adapter.get_relation(reader.database, reader.schema, reader.alias or reader.name) -%}
        {%- set reader_column = incremental_node_date_column(reader) -%}
        {%- if built is none or reader_column is not string -%}
            {{ return('') }}
        {%- endif -%}
        {%- do starts.append(incremental_rebuild_start(relation=built, date_column=reader_column,
            meta=reader.config.meta)) -%}
    {%- endfor -%}
    {%- if not starts or not window.get('column') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set first_day = starts[0] if starts | length == 1 else 'least(' ~ (starts | join(', ')) ~ ')' -%}
    {{ return('(' ~ window['column'] ~ ' >= ' ~ date_literal(first_day) ~ ' or ' ~ window['column'] ~ ' is null)') }}
{%- endmacro %}

{#- Whether this run rebuilds the incremental model node whole (--full-refresh, unless its
    config says full_refresh: false; or an offline compile, which asks the warehouse nothing):
    then its tests read every row. -#}
{% macro node_fully_refreshed(node) -%}
    {%- set full_refresh = node.config.get('full_refresh') -%}
    {{ return((flags.FULL_REFRESH if full_refresh is none else full_refresh) or var('offline', false)) }}
{%- endmacro %}
