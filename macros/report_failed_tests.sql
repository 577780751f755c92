{#- on-run-end: for every data test that failed (or errored), log the model and the
    source table it reads, the field(s) the test checks and up to 5 offending rows, so
    the on-call engineer sees at once which table, row and field broke the build (a row
    shows its first 8 columns and the tested field(s) wherever they stand):

      BAD INPUT in source nba_predictions.player_prop_predictions
        (model stg_nba_predictions__player_prop_predictions), field confidence_score,
        test accepted_range: 1 row(s), e.g. prediction_id='p-9', confidence_score=1.5

    A test with severity warn that found rows (the feeds' horizon: quarantined rows; an
    ambiguous prediction run) is logged the same way, as WARNING: the run goes on. A rule
    over the whole row (expression_is_true on a model or seed, no column) is named by its
    expression, its fields are the columns it reads, shown wherever they stand. A test
    whose config has `meta: {fix: ...}` ends its line with that fix; one with `meta: {input:
    ...}` (a check of vars) names that input instead of the tables it reads. A seed is named by its
    file (seed seeds/subset_definitions.csv), and a failed test of a seed alone ends with its
    fix: correct the row in that file; a failed test of the rows of a source table (or of
    the staging view that reads it) ends with the upstream's: have it correct the rows. A
    test that errored on a table the warehouse does not
    have yet is counted instead: one NOT BUILT line per such table, with its fix (one full
    build first); one that errored on tables that exist is a TEST ERROR, with dbt's message. -#}
{% macro report_failed_tests(results) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set not_built = {} -%}
    {%- for result in results if result.node.resource_type == 'test' and result.status in ('fail', 'error', 'warn') -%}
        {%- set node = result.node -%}
        {%- set test_name = node.test_metadata.name if node.test_metadata else node.name -%}
        {%- set kwargs = node.test_metadata.kwargs if node.test_metadata else {} -%}
        {%- set fields = (kwargs.get('column_names') or ([node.column_name] if node.column_name else [])) | list -%}
        {#- a rule over the whole row (expression_is_true on a model) names its rule and, once its
            rows are read, the columns the rule reads as its fields -#}
        {%- set rule = kwargs.get('expression') if not fields else none -%}
        {%- set model_names = [] -%}
        {%- set tables = [] -%}
        {%- set seed_files = [] -%}
        {%- set unbuilt = [] -%}
        {%- for parent_id in node.depends_on.nodes -%}
            {%- set parent = graph.nodes.get(parent_id) -%}
            {#- an errored test that reads a table this warehouse does not have yet (a scheduled group
                run before the first full build of a new deployment: the daily group checks the
                record's tables against the seeds it loads) is no bad input -#}
            {%- if result.status == 'error' and parent and parent.config.materialized != 'ephemeral'
                and adapter.get_relation(parent.database, parent.schema, parent.alias or parent.name) is none -%}
                {%- do unbuilt.append(parent.name) -%}
            {%- endif -%}
            {%- if parent and parent.resource_type == 'seed' -%}
                {%- do seed_files.append(parent.original_file_path) -%}
            {%- elif parent_id.startswith('source.') -%}
                {%- set source = graph.sources[parent_id] -%}
                {%- do tables.append(source.source_name ~ '.' ~ source.name) -%}
            {%- elif parent -%}
                {%- do model_names.append(parent.name) -%}
                {%- for source_id in parent.depends_on.nodes if source_id.startswith('source.') -%}
                    {%- set source = graph.sources[source_id] -%}
                    {%- do tables.append(source.source_name ~ '.' ~ source.name) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if unbuilt -%}
            {%- for name in unbuilt -%}
                {%- do not_built.setdefault(name, []).append(test_name) -%}
            {%- endfor -%}
            {%- continue -%}
        {%- endif -%}
        {%- set where = 'source ' ~ (tables | unique | join(', ')) ~ ((' (model ' ~ (model_names | join(', ')) ~ ')') if model_names else '')
            if tables else 'model ' ~ (model_names | join(', ')) -%}
        {#- a seed is a file an analyst edits: named by its path, and a test of the seed alone says the fix -#}
        {%- set where = 'seed ' ~ (seed_files | join(', ')) ~ ((', ' ~ where) if tables or model_names else '')
            if seed_files else where -%}
        {#- a test of a var, not of a table's rows, names the var's file (meta input) -#}
        {%- set where = (node.config.meta or {}).get('input') or where -%}
        {#- the fix: a test that could not run says so; else the test's own (meta fix); else, for
            a failed test of a seed alone or of a source's rows, whoever corrects those rows -#}
        {%- set fix = none -%}
        {%- if result.status == 'error' -%}
            {%- set fix = 'the test could not run: run it alone (dbt test --select ' ~ node.name
                ~ ') and correct its SQL, or the warehouse access it lacks' -%}
        {%- elif (node.config.meta or {}).get('fix') -%}
            {%- set fix = node.config.meta.fix -%}
        {%- elif result.status == 'fail' and seed_files and not (tables or model_names) -%}
            {%- set fix = 'correct the row in ' ~ (seed_files | join(', '))
                ~ ' (its columns: docs/contract.md §2), then run dbt build' -%}
        {%- elif result.status == 'fail' and tables and not seed_files -%}
            {%- set fix = 'have the upstream correct the row(s) of ' ~ (tables | unique | join(', '))
                ~ ' (docs/bad_inputs.md: each bad input and its rule); the next run catches up' -%}
        {%- endif -%}
        {%- set sample = [] -%}
        {%- if result.status in ('fail', 'warn') and node.compiled_code -%}
            {%- set sample_sql = report_sample_sql(node) -%}
            {%- set rows = run_query(sample_sql) -%}
            {%- for column in rows.column_names if rule and modules.re.search(
                '(?<![a-z0-9_])' ~ modules.re.escape(column | lower) ~ '(?![a-z0-9_])', rule | lower) -%}
                {%- do fields.append(column) -%}
            {%- endfor -%}
            {%- set tested = fields | map('lower') | list -%}
            {%- set shown = rows.column_names[:8] | list -%}
            {%- for column in rows.column_names[8:] if column | lower in tested -%}
                {%- do shown.append(column) -%}
            {%- endfor -%}
            {%- for row in rows.rows -%}
                {%- set cells = [] -%}
                {%- for column in shown -%}
                    {%- do cells.append(column ~ '=' ~ (row[column] | string)) -%}
                {%- endfor -%}
                {%- do sample.append(cells | join(', ')) -%}
            {%- endfor -%}
        {%- endif -%}
        {#- a test whose own query failed on tables that exist is no input's fault: said as such -#}
        {%- set label = 'TEST ERROR' if result.status == 'error' else 'BAD INPUT' if result.status == 'fail'
            else ('QUARANTINED (left out of every file; the run goes on)' if test_name == 'not_after_horizon'
            else 'WARNING (the run goes on)') -%}
        {%- set message = label
            ~ ' in ' ~ where ~ ', field ' ~ ((fields | join(', ')) or '(row)')
            ~ ', test ' ~ test_name ~ (' (' ~ rule ~ ')' if rule else '')
            ~ ': ' ~ ('its query failed' if result.status == 'error' else (result.failures | string) ~ ' row(s)')
            ~ (', e.g. ' ~ (sample | join(' | ')) if sample else '')
            ~ (' -- ' ~ ((result.message | string).split('\n') | map('trim') | reject('equalto', '') | join(' '))
                if result.status == 'error' else '')
            ~ (' -- fix: ' ~ fix if fix else '') -%}
        {{ log(message, info=True) }}
    {%- endfor -%}
    {#- one line per table not built, however many tests read it -#}
    {%- for name, tests in not_built | dictsort -%}
        {{ log('NOT BUILT: ' ~ name ~ ', which this warehouse does not have yet (read by ' ~ tests | length
            ~ ' data test(s): ' ~ (tests | unique | sort | join(', ')) ~ ') -- fix: run one full build first'
            ~ ' (make build; a new deployment starts with one: docs/deployment.md "Schedules"), then the'
            ~ ' scheduled runs', info=True) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}

{#- Up to 5 offending rows of a failed test, as whole rows of the tested model when the
    test only returns the offending values or keys (not_null, unique, accepted_values,
    relationships on one column; primary_key: every row of a repeated key, so two rows
    that disagree are both shown), else the test's own rows. The model's rows are the ones
    the test's `where` config keeps (a PASS row without predicted_points is allowed, so it
    is never shown as the example of the OVER row that failed). -#}
{% macro report_sample_sql(node) %}
    {%- set test_name = node.test_metadata.name if node.test_metadata else '' -%}
    {%- set source_ids = [] -%}
    {%- for parent_id in node.depends_on.nodes if parent_id.startswith('source.') -%}
        {%- do source_ids.append(parent_id) -%}
    {%- endfor -%}
    {%- set model = graph.nodes.get(node.attached_node) if node.attached_node
        else (graph.sources[source_ids[0]] if source_ids else none) -%}
    {%- set column = node.column_name -%}
    {%- set scope = node.config.where -%}
    {%- set tested = none if not model else model.relation_name if not scope
        else '(select * from ' ~ model.relation_name ~ ' where ' ~ scope ~ ')' -%}
    {%- if model and test_name == 'primary_key' -%}
        {%- set keys = node.test_metadata.kwargs.get('column_names') or [] -%}
        {%- set matches, order = [], [] -%}
        {%- for key in keys -%}
            {%- do matches.append('tested.' ~ key ~ ' is not distinct from failing.' ~ key) -%}
            {%- do order.append('tested.' ~ key) -%}
        {%- endfor -%}
        {{ return('select tested.* from ' ~ tested ~ ' as tested inner join (' ~ node.compiled_code
            ~ ') as failing on ' ~ (matches | join(' and ')) ~ ' order by ' ~ (order | join(', ')) ~ ' limit 5') }}
    {%- elif model and column and test_name == 'not_null' -%}
        {{ return('select * from ' ~ tested ~ ' as tested where ' ~ column ~ ' is null limit 5') }}
    {%- elif model and column and test_name in ('unique', 'accepted_values', 'relationships') -%}
        {%- set probe = run_query('select * from (' ~ node.compiled_code ~ ') as failing limit 0') -%}
        {%- set value_column = probe.column_names[0] -%}
        {{ return('select * from ' ~ tested ~ ' as tested where ' ~ column ~ ' in (select ' ~ value_column
            ~ ' from (' ~ node.compiled_code ~ ') as failing) limit 5') }}
    {%- endif -%}
    {{ return('select * from (' ~ node.compiled_code ~ ') as failing limit 5') }}
{% endmacro %}
