{#- A recorded column keeps the type it was recorded with (docs/decisions.md "Lock at tip-off:
    the record is what users saw").

    The append-only record and its logs, of game moves and of the feed's dates (macro
    locked_table_config: on_schema_change append_new_columns), append a column a release
    adds, but dbt ignores a column whose type a release changed: the run's rows were inserted
    into the old type. DuckDB cast them silently (a line of 24.5 recorded as 24 in an INTEGER
    column, which grades another result); BigQuery refuses the insert (FLOAT64 into INT64), so
    that build failed, and every build after it, with a message naming neither the column nor
    the fix. Now the model fails before it writes anything, naming the table, each column,
    both types and the fix.

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
    {%- if config.get('on_schema_change') == 'append_new_columns' and changes['new_target_types'] -%}
        {%- set recorded = {} -%}
        {%- for column in changes['target_columns'] -%}
            {%- do recorded.update({column.name | lower: column.data_type}) -%}
        {%- endfor -%}
        {%- set changed = [] -%}
        {%- for change in changes['new_target_types'] -%}
            {%- do changed.append(change['column_name'] ~ ' (recorded '
                ~ recorded.get(change['column_name'] | lower) ~ ', this run ' ~ change['new_type'] ~ ')') -%}
        {%- endfor -%}
        {%- do exceptions.raise_compiler_error(
            target_relation ~ ' is append-only (the record, or one of its logs: macro'
            ~ ' locked_table_config), and its columns keep the type they were recorded with; this'
            ~ ' run gives ' ~ changed | length ~ ' of them another type: ' ~ changed | join(', ')
            ~ '. Nothing was written to it. Keep the recorded type in the model (cast the column to'
            ~ ' it), or, when every recorded value converts to the new type without loss, change the'
            ~ ' recorded column\'s type by hand before this build (docs/deployment.md "A release that'
            ~ ' changes a recorded column\'s type").'
        ) -%}
    {%- endif -%}
    {{ return(changes) }}
{% endmacro %}
