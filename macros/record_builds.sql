{#- on-run-end: the build log the publisher's gate reads (docs/publisher.md "Checks"). For
    every model, seed and snapshot this invocation built successfully, one row in
    <target schema>_meta.model_builds: its relation (as the manifest names it), the
    invocation id and when its build finished; earlier rows of the same relations are
    replaced, so the table holds the last build of each relation. The publisher refuses an
    endpoint whose relations were last built by another invocation than the one whose
    run_results.json it gates on (a build older than the marts). -#}
{% macro record_builds(results) %}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'seed', 'snapshot') -%}{{ return('') }}{%- endif -%}
    {%- set built, relations = [], [] -%}
    {%- for result in results if result.node.resource_type in ('model', 'seed', 'snapshot')
        and result.status == 'success' and result.node.relation_name -%}
        {%- set finished = result.timing | map(attribute='completed_at') | select | list -%}
        {%- set at = (finished | last) if finished else run_started_at -%}
        {%- do relations.append(dbt.string_literal(result.node.relation_name)) -%}
        {%- do built.append('select ' ~ relations[-1] ~ ' as relation, ' ~ dbt.string_literal(invocation_id)
            ~ ' as invocation_id, cast(' ~ dbt.string_literal(at.strftime('%Y-%m-%d %H:%M:%S.%f')) ~ ' as '
            ~ dbt.type_timestamp() ~ ') as finished_at') -%}
    {%- endfor -%}
    {%- if not built -%}{{ return('') }}{%- endif -%}
    {%- set log = api.Relation.create(database=target.database, schema=target.schema ~ '_meta',
        identifier='model_builds') -%}
    {%- do adapter.create_schema(log) -%}
    {%- do run_query('create table if not exists ' ~ log ~ ' (relation ' ~ dbt.type_string() ~ ', invocation_id '
        ~ dbt.type_string() ~ ', finished_at ' ~ dbt.type_timestamp() ~ ')') -%}
    {#- rewritten whole rather than with delete + insert: the BigQuery emulator has no DELETE -#}
    {%- do run_query('create or replace table ' ~ log ~ ' as select relation, invocation_id, finished_at from ' ~ log
        ~ ' where relation not in (' ~ (relations | join(', ')) ~ ') union all ' ~ (built | join(' union all '))) -%}
    {{ return('') }}
{% endmacro %}
