{#- on-run-end: for every data test that failed (or errored), log the model and the
    source table it reads, the field(s) the test checks and up to 5 offending rows, so
    the on-call engineer sees at once which table, row and field broke the build:

      BAD INPUT in source nba_predictions.player_prop_predictions
        (model stg_nba_predictions__player_prop_predictions), field confidence_score,
        test accepted_range: 1 row(s), e.g. prediction_id='p-9', confidence_score=1.5
-#}
{% macro report_failed_tests(results) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- for result in results if result.node.resource_type == 'test' and result.status in ('fail', 'error') -%}
        {%- set node = result.node -%}
        {%- set test_name = node.test_metadata.name if node.test_metadata else node.name -%}
        {%- set kwargs = node.test_metadata.kwargs if node.test_metadata else {} -%}
        {%- set fields = kwargs.get('column_names') or ([node.column_name] if node.column_name else []) -%}
        {%- set model_names = [] -%}
        {%- set tables = [] -%}
        {%- for parent_id in node.depends_on.nodes -%}
            {%- set parent = graph.nodes.get(parent_id) -%}
            {%- if parent -%}
                {%- do model_names.append(parent.name) -%}
                {%- for source_id in parent.depends_on.nodes if source_id.startswith('source.') -%}
                    {%- set source = graph.sources[source_id] -%}
                    {%- do tables.append(source.source_name ~ '.' ~ source.name) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set where = 'source ' ~ (tables | unique | join(', ')) ~ ' (model ' ~ (model_names | join(', ')) ~ ')' if tables
            else 'model ' ~ (model_names | join(', ')) -%}
        {%- set sample = [] -%}
        {%- if result.status == 'fail' and node.compiled_code -%}
            {%- set rows = run_query('select * from (' ~ node.compiled_code ~ ') as failing limit 5') -%}
            {%- for row in rows.rows -%}
                {%- set cells = [] -%}
                {%- for column in rows.column_names[:8] -%}
                    {%- do cells.append(column ~ '=' ~ (row[column] | string)) -%}
                {%- endfor -%}
                {%- do sample.append(cells | join(', ')) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set message = 'BAD INPUT in ' ~ where ~ ', field ' ~ ((fields | join(', ')) or '(row)')
            ~ ', test ' ~ test_name ~ ': ' ~ (result.failures if result.failures is not none else result.status)
            ~ ' row(s)' ~ (', e.g. ' ~ (sample | join(' | ')) if sample else '')
            ~ (' -- ' ~ (result.message | string) if result.status == 'error' else '') -%}
        {{ log(message, info=True) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
