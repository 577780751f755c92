{#- A recorded column keeps its name and type (docs/decisions.md "Lock at tip-off: the record
    is what users saw").

    The append-only record and its logs, of game moves and of the feed's dates (macro
    locked_table_config: on_schema_change append_new_columns), append a column a release
    adds, but dbt ignores the rest. A column whose type a release changed took the run's rows
    in the old type: DuckDB cast them silently (a candidate's line of 24.5 recorded, and
    published, as 24); BigQuery refuses the insert (FLOAT64 into INT64), so that build failed,
    and every build after it, naming neither the column nor the fix. A column a release
    renamed was appended under its new name, null in every row recorded before: the lines of
    the locked days' candidates were gone, and every build failed at the public marts'
    not-null lines, the record already written. Now the model fails before it writes
    anything, naming the table, each column and the fix.

    This project override of dbt-core's dispatcher of the same name (dbt-core 1.12.0,
    global_project/macros/materializations/models/incremental/on_schema_change.sql) calls the
    adapter's implementation as that one does, then adds the check, only for models whose
    on_schema_change is append_new_columns. Both incremental materializations reach it:
    dbt-core's default__process_schema_changes (DuckDB) and dbt-bigquery's
    bigquery__process_schema_changes call check_for_schema_changes by name, and the root
    project's macro of a name comes first (tests/python/test_dbt_overrides.py pins them). -#}
{% macro check_for_schema_changes(source_relation, target_relation) %}
    {%- set changes = adapter.dispatch('check_for_schema_changes', 'dbt')(
        source_relation, target_relation) -%}
    {%- set lacking = changes['target_not_in_source'] | map(attribute='name') | list -%}
    {%- if config.get('on_schema_change') == 'append_new_columns'
        and (changes['new_target_types'] or lacking) -%}
        {%- set recorded = {} -%}
        {%- for column in changes['target_columns'] -%}
            {%- do recorded.update({column.name | lower: column.data_type}) -%}
        {%- endfor -%}
        {%- set problems = [] -%}
        {%- for change in changes['new_target_types'] -%}
            {%- do problems.append(change['column_name'] ~ ' recorded as '
                ~ recorded.get(change['column_name'] | lower) ~ ', now ' ~ change['new_type']) -%}
        {%- endfor -%}
        {%- for name in lacking -%}
            {%- do problems.append(name ~ ' recorded, not in the rows now') -%}
        {%- endfor -%}
        {%- do exceptions.raise_compiler_error(
            target_relation ~ ' is append-only (the record, or one of its logs: macro'
            ~ ' locked_table_config): a column it holds keeps its name and type, but this run\'s rows'
            ~ ' change ' ~ problems | length ~ ': ' ~ problems | join('; ') ~ '. Nothing was written'
            ~ ' to it. Keep the recorded name and type in the model (cast the column to its type), or'
            ~ ' change the recorded column by hand before this build, keeping every value it holds:'
            ~ ' rename it, or convert it to a type every recorded value converts to without loss'
            ~ ' (docs/deployment.md "A release that renames, drops or retypes a recorded column").'
        ) -%}
    {%- endif -%}
    {{ return(changes) }}
{% endmacro %}
