{#- on-run-end: the build log the publisher's gate reads (docs/publisher.md "Checks"). For
    every model, seed and snapshot this invocation built successfully, and none of whose own
    data tests (the tests attached to it) failed in it, one row in
    <target schema>_meta.model_builds: its relation (as the manifest names it), the
    invocation id and when its build finished; earlier rows of the same relations are
    replaced, so the table holds the last build of each relation. The publisher refuses an
    endpoint whose relations were last built by another invocation than the one whose
    run_results.json it gates on (a build older than the marts).
    Beside it, <target schema>_meta.model_inputs: for the same relations, inputs_built_at,
    the oldest build among the tables it was built from (every table or incremental model
    upstream, through views: built in this invocation, or as the logs said before it; never
    logged: 0001-01-01), or its own build when older. Macro changed_since_last_build counts a
    change (a regrade, a game moved) as taken in by a table only when that table and every
    table it reads had been built after it: a table rebuilt from a stale table upstream (a
    hand-made `--select X+` that leaves out a table X reads) takes the change in again on a
    later run. A table whose tests failed keeps its earlier row: the next run rebuilds and
    tests the same dates again (the daily cycle's tests read the dates changed since a
    table's last build: macros/overrides/tests_window.sql), so a bad row stops every run
    until it is fixed upstream, where the run after a failed one used to pass without
    reading it (and its tables downstream took the row in untested). -#}
{% macro record_builds(results) %}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'seed', 'snapshot') -%}{{ return('') }}{%- endif -%}
    {%- set stamp = '%Y-%m-%d %H:%M:%S.%f' -%}
    {%- set finished_at, nodes, failed = {}, [], [] -%}
    {%- for result in results if result.node.resource_type == 'test' and result.status in ('fail', 'error') -%}
        {%- do failed.extend([result.node.attached_node] if result.node.attached_node else result.node.depends_on.nodes) -%}
    {%- endfor -%}
    {%- for result in results if result.node.resource_type in ('model', 'seed', 'snapshot')
        and result.status == 'success' and result.node.relation_name and result.node.unique_id not in failed -%}
        {%- set finished = result.timing | map(attribute='completed_at') | select | list -%}
        {%- do finished_at.update({result.node.relation_name: ((finished | last) if finished else run_started_at).strftime(stamp)}) -%}
        {%- do nodes.append(result.node) -%}
    {%- endfor -%}
    {%- if not nodes -%}{{ return('') }}{%- endif -%}
    {%- set log = api.Relation.create(database=target.database, schema=target.schema ~ '_meta',
        identifier='model_builds') -%}
    {%- set inputs_log = log.incorporate(path={'identifier': 'model_inputs'}) -%}
    {%- do adapter.create_schema(log) -%}
    {%- do run_query('create table if not exists ' ~ log ~ ' (relation ' ~ dbt.type_string() ~ ', invocation_id '
        ~ dbt.type_string() ~ ', finished_at ' ~ dbt.type_timestamp() ~ ')') -%}
    {%- do run_query('create table if not exists ' ~ inputs_log ~ ' (relation ' ~ dbt.type_string()
        ~ ', inputs_built_at ' ~ dbt.type_timestamp() ~ ')') -%}
    {#- each relation's time: its build in this invocation, else the older of its build and its inputs' as the
        logs held them before it -#}
    {%- set times = {} -%}
    {%- for row in run_query('select builds.relation, builds.finished_at, inputs.inputs_built_at from ' ~ log
        ~ ' as builds left join ' ~ inputs_log ~ ' as inputs on builds.relation = inputs.relation') -%}
        {%- set logged = [row[1].strftime(stamp)] -%}
        {%- if row[2] is not none -%}
            {%- do logged.append(row[2].strftime(stamp)) -%}
        {%- endif -%}
        {%- do times.update({row[0]: logged | min}) -%}
    {%- endfor -%}
    {%- do times.update(finished_at) -%}
    {%- set built, inputs, relations, oldest = [], [], [], {} -%}
    {%- for node in nodes -%}
        {%- do oldest_input(node.unique_id, times, oldest) -%}
        {%- do relations.append(dbt.string_literal(node.relation_name)) -%}
        {%- do built.append('select ' ~ relations[-1] ~ ' as relation, ' ~ dbt.string_literal(invocation_id)
            ~ ' as invocation_id, cast(' ~ dbt.string_literal(finished_at[node.relation_name]) ~ ' as '
            ~ dbt.type_timestamp() ~ ') as finished_at') -%}
        {%- do inputs.append('select ' ~ relations[-1] ~ ' as relation, cast(' ~ dbt.string_literal(
            [finished_at[node.relation_name], oldest[node.unique_id]] | min) ~ ' as ' ~ dbt.type_timestamp()
            ~ ') as inputs_built_at') -%}
    {%- endfor -%}
    {#- rewritten whole rather than with delete + insert: the BigQuery emulator has no DELETE -#}
    {%- do run_query('create or replace table ' ~ log ~ ' as select relation, invocation_id, finished_at from ' ~ log
        ~ ' where relation not in (' ~ (relations | join(', ')) ~ ') union all ' ~ (built | join(' union all '))) -%}
    {%- do run_query('create or replace table ' ~ inputs_log ~ ' as select relation, inputs_built_at from '
        ~ inputs_log ~ ' where relation not in (' ~ (relations | join(', ')) ~ ') union all '
        ~ (inputs | join(' union all '))) -%}
    {{ return('') }}
{% endmacro %}

{#- Sets oldest[unique_id] to the oldest time in `times` (relation name -> 'YYYY-MM-DD HH:MM:SS.ffffff') of the
    tables and incremental models upstream of the node `unique_id`, through any number of models (0001-01-01
    for one `times` lacks; 9999-12-31 when there is none), and the same for every model upstream of it. -#}
{% macro oldest_input(unique_id, times, oldest) %}
    {%- if unique_id not in oldest -%}
        {%- set found = ['9999-12-31 00:00:00.000000'] -%}
        {%- for parent in graph.nodes[unique_id].depends_on.nodes if parent.startswith('model.') and parent in graph.nodes -%}
            {%- if graph.nodes[parent].config.materialized in ('table', 'incremental') -%}
                {%- do found.append(times.get(graph.nodes[parent].relation_name) or '0001-01-01 00:00:00.000000') -%}
            {%- endif -%}
            {%- do oldest_input(parent, times, oldest) -%}
            {%- do found.append(oldest[parent]) -%}
        {%- endfor -%}
        {%- do oldest.update({unique_id: found | min}) -%}
    {%- endif -%}
{% endmacro %}
