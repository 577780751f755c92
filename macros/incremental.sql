{#- Incremental daily facts and the BigQuery layout of the big tables.

    DuckDB: replace_dates by game_date. BigQuery: tables partitioned by day on their date
    column and clustered; the facts are incremental by insert_overwrite of a STATIC list
    of game_date partitions, computed when the model runs (see
    macros/overrides/bigquery_insert_overwrite.sql): cheaper than dynamic insert_overwrite (no
    scripting, the target's partitions are pruned) and it runs on the emulator. -#}

{#- True when this run of an incremental model rebuilds only recent dates: dbt's
    is_incremental(), except false when compiling offline (var offline: true, e.g.
    `dbt compile --target bigquery --no-populate-cache --vars '{offline: true}'`), where no
    warehouse can be asked whether the table exists. -#}
{% macro incremental_run() -%}
    {%- if var('offline', false) -%}
        {{ return(false) }}
    {%- endif -%}
    {#- a unit test has no `this`: it tests the full (non-incremental) query -#}
    {%- if this is none -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{%- endmacro %}

{#- First game date an incremental run rebuilds, as a SQL expression: the earliest of
      - var rebuild_from, when set (it moves the start earlier, never later: a date a log
        names before it is still rebuilt, where a later rebuild_from used to skip it for good);
      - facts_lookback_days days before the newest date already built;
      - the first date holding a row that matches `reopen` (a condition on the built table,
        e.g. "grade = 'pending'": a row still waiting for data is rebuilt until it has it,
        however long ago);
      - `extra`: a scalar SQL subquery giving another date to rebuild from (null: none; e.g.
        int_candidates_graded's dates whose box scores changed since they were graded);
      - the first date int_candidates_graded regraded since this model's last build, or
        since the oldest build of the tables it was built from when older (a stat correction
        of any age: every model downstream of the grades rebuilds from there, macro
        changed_since_last_build), unless its meta has rebuild_regrades false (fact_table_config);
      - for a model whose config has meta rebuild_moved_games (fact_table_config), the first
        date whose game the context moved, moved on or moved back, or whose fixed game's lock
        time changed, since then (int_game_moves, the same macro changed_since_last_build):
        its rows must change however old the date, as a full refresh would have them (a moved
        game's runs leave the date, a game moved back is picked there again, a new tip-off
        makes other runs late or candidates by the rules);
      - for a model whose meta has rebuild_moved_games or rebuild_changed_dates (the staging
        of the predictions), the first date whose prediction rows changed upstream since then
        (the log stg_nba_predictions__date_changes, the same macro: runs written, deleted,
        activated or deactivated for a date older than the window; a date left with no row is
        emptied, as a full refresh leaves it).
    meta: the config meta of the model whose start is asked (default: the model being built;
    a test's reader gives its own, macros/overrides/tests_window.sql). The incremental
    strategies ask it again for the dates to replace (rebuild_partition_literals): from the
    same logs, so a date logged and left with no row is deleted too.
    A table with no dated row yet (its first build found nothing: a deployment before the
    feeds' first rows, a record built before the first tip-off) rebuilds every date, as a
    first build does: its start is 0001-01-01, never null (a null start matched no date, so
    such a table stayed empty on every later run).
    date_column: the table's date column (default: the model's own, fact_table_config's). -#}
{% macro incremental_rebuild_start(relation=none, date_column=none, reopen=none, extra=none, meta=none) -%}
    {%- set column = date_column or incremental_date_column() -%}
    {%- set built = relation if relation is not none else this -%}
    {%- set starts = [add_days('max(' ~ column ~ ')', -1 * var('facts_lookback_days'))] -%}
    {%- if var('rebuild_from') -%}
        {%- do starts.append("cast('" ~ var('rebuild_from') ~ "' as date)") -%}
    {%- endif -%}
    {%- if reopen -%}
        {%- do starts.append('min(case when ' ~ reopen ~ ' then ' ~ column ~ ' end)') -%}
    {%- endif -%}
    {%- if extra -%}
        {%- do starts.append(extra) -%}
    {%- endif -%}
    {%- set meta = meta if meta is not none else (config.get('meta') or {}) -%}
    {%- set changes = [] -%}
    {%- if meta.get('rebuild_regrades', true) -%}
        {%- do changes.append(changed_since_last_build(built, 'int_candidates_graded', 'graded_at', check_column=true)) -%}
    {%- endif -%}
    {%- if meta.get('rebuild_moved_games') -%}
        {%- do changes.append(changed_since_last_build(built, 'int_game_moves', 'seen_at')) -%}
    {%- endif -%}
    {%- if meta.get('rebuild_moved_games') or meta.get('rebuild_changed_dates') -%}
        {%- do changes.append(changed_since_last_build(built, 'stg_nba_predictions__date_changes', 'seen_at')) -%}
    {%- endif -%}
    {%- do starts.extend(changes | select | list) -%}
    coalesce(
        (
            select least(
                {%- for start in starts %}
                coalesce({{ start }}, max({{ column }})){{ ',' if not loop.last }}
                {%- endfor %}
            )
            from {{ built }}
        ),
        cast('0001-01-01' as date)
    )
{%- endmacro %}

{#- The first game_date of the rows the model `model_name` (int_candidates_graded, int_game_moves,
    stg_nba_predictions__date_changes) wrote since the last build of `built` (the
    incremental table whose rebuild start is asked: the model being built, or a test's
    reader, macros/overrides/tests_window.sql): rows whose
    `stamp_column` (the start of the run that wrote them, macro run_start) is after that table's
    last build in the build log, <target schema>_meta.model_builds (macros/record_builds.sql), or
    than the oldest build among the tables it was built from, when older (model_inputs, beside
    it): a table rebuilt from a table upstream built before the change (a hand-made selection
    that left it out) takes the change in again once they are both built after it. As
    a scalar subquery. So a regrade (int_candidates_graded.graded_at), a game moved
    (int_game_moves.seen_at) or a date changed upstream (stg_nba_predictions__date_changes
    .seen_at) reaches every model downstream, also when the run that wrote it did not build
    them (the daily group's selector, a run killed or failed halfway): the writer finds
    nothing left to write after it. A model the log does not name reads every row as newer.
    None for the model itself, in a unit test, before the model or the log exist, or, with
    check_column, when the model lacks the column (int_candidates_graded built before graded_at:
    the release note in docs/deployment.md rebuilds it). Looked up in the graph, not through
    ref(): a model need not depend on it (one that rebuilds on moves does: fact_table_config). -#}
{% macro changed_since_last_build(built, model_name, stamp_column, check_column=false) -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none or built is none or built.identifier == node.alias -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
    {%- set log = adapter.get_relation(target.database, target.schema ~ '_meta', 'model_builds') -%}
    {%- if relation is none or log is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if check_column -%}
        {%- if stamp_column not in relation_columns(relation) | map(attribute='name') | map('lower') | list -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endif -%}
    {%- set inputs = adapter.get_relation(target.database, target.schema ~ '_meta', 'model_inputs') -%}
    {%- set name = dbt.string_literal(built | string) -%}
    {%- set last_build -%}
        (
            select coalesce(min(builds.built_at), cast('1970-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
            from (
                select finished_at as built_at from {{ log }} where relation = {{ name }}
                {%- if inputs is not none %}
                union all
                select inputs_built_at as built_at from {{ inputs }} where relation = {{ name }}
                {%- endif %}
            ) as builds
        )
    {%- endset -%}
    {{ return("(select min(changed.game_date) from " ~ relation ~ " as changed where changed." ~ stamp_column
        ~ " > " ~ last_build ~ ")") }}
{%- endmacro %}

{#- The date column of the incremental model being built: its BigQuery partition field,
    else its unique_key (both set by fact_table_config), else game_date. -#}
{% macro incremental_date_column() -%}
    {%- set partition_by = config.get('partition_by') -%}
    {%- if partition_by -%}
        {{ return(partition_by['field']) }}
    {%- endif -%}
    {%- set unique_key = config.get('unique_key') -%}
    {{ return(unique_key if unique_key is string else 'game_date') }}
{%- endmacro %}

{#- The value of a DATE expression as a DATE literal, read when the model is compiled
    (just before it runs): a filter on a constant reaches below a DISTINCT or an UNNEST
    (staging views) and prunes DuckDB's row groups and BigQuery's partitions, where a
    filter on a subquery is applied after them. 'cast(null as date)' for a null. -#}
{% macro date_literal(expression) -%}
    {%- set values = invocation_cache() -%}
    {%- set key = 'date_literal ' ~ node_key() ~ ' ' ~ expression -%}
    {%- if key in values -%}
        {{- return(values[key]) -}}
    {%- endif -%}
    {%- set query -%}
        select {{ expression }} as value
    {%- endset -%}
    {%- set value = run_query(query).columns[0].values()[0] -%}
    {%- set literal = 'cast(null as date)' if value is none else "cast('" ~ (value | string)[:10] ~ "' as date)" -%}
    {%- do values.update({key: literal}) -%}
    {{- return(literal) -}}
{%- endmacro %}

{#- A dict for values asked at compile time, kept for the current dbt invocation only: a
    model that writes rebuilt_dates() four times, or a table with five tests, asks the
    warehouse once (each asking costs dbt about 10 ms). The caller's key says how far a value
    holds: for the node being compiled or run (node_key(): its SQL is compiled before it
    writes anything) or for the whole run (a tested table's window, tests_window.sql). Kept
    in `graph`, the one dict dbt-core 1.12 shares between the contexts of an invocation's
    nodes (tests/python/test_dbt_overrides.py pins it), and emptied when a new invocation
    (the same process running dbt again, dbtRunner) first asks. -#}
{% macro invocation_cache() -%}
    {%- if graph.get('nba_props_invocation') != invocation_id -%}
        {%- do graph.update({'nba_props_invocation': invocation_id, 'nba_props_values': {}}) -%}
    {%- endif -%}
    {{ return(graph['nba_props_values']) }}
{%- endmacro %}

{#- The node being compiled or run, as a key of invocation_cache(). -#}
{% macro node_key() -%}
    {{ return(model.unique_id if model is mapping and model.get('unique_id') else '(no node)') }}
{%- endmacro %}

{#- The columns of the relation `relation` (dbt's Column: name, dtype), asked of the warehouse once
    for the node being compiled or run (invocation_cache, node_key): a relation it reads does not
    change while its SQL is compiled. -#}
{% macro relation_columns(relation) -%}
    {%- set values = invocation_cache() -%}
    {%- set key = 'columns ' ~ node_key() ~ ' ' ~ relation -%}
    {%- if key not in values -%}
        {%- do values.update({key: adapter.get_columns_in_relation(relation)}) -%}
    {%- endif -%}
    {{ return(values[key]) }}
{%- endmacro %}

{#- The condition that keeps, on an incremental run, only the dates the run rebuilds:
    `<date_column> >= <first date rebuilt>` (incremental_rebuild_start, as a literal, so it
    prunes; reopen: see there); `true` on a full refresh and a first build. A null date is
    kept: it must reach the not_null test that names it, never vanish behind a filter. Used
    as `where {{ rebuilt_dates() }}` or `where is_active and {{ rebuilt_dates() }}`. -#}
{% macro rebuilt_dates(date_column='game_date', reopen=none, extra=none) -%}
    {%- if incremental_run() -%}
        ({{ date_column }} >= {{ date_literal(incremental_rebuild_start(reopen=reopen, extra=extra)) }} or {{ date_column }} is null)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The condition for models whose rows of a date read earlier dates of the same season
    (season-to-date records, windows clamped to the season): on an incremental run keep
    the dates from the opening night of the season of the first date rebuilt
    (int_game_dates_calendared); lookback_days: from that many days before the first date
    rebuilt instead (windows of at most that many days, never before the season start).
    The model then writes only the dates rebuilt_dates() keeps. Full refresh and first
    build: `true`. -#}
{% macro rebuilt_history(date_column='game_date', lookback_days=none) -%}
    {#- ref() outside the branch: dbt records the dependency while parsing, when the
        incremental branch is not rendered -#}
    {%- set calendar = ref('int_game_dates_calendared') -%}
    {%- if incremental_run() -%}
    {%- set first_read -%}
    (
        select min({{ 'season_start' if lookback_days is none else 'greatest(season_start, ' ~ add_days('game_date', -1 * lookback_days) ~ ')' }})
        from {{ calendar }}
        where game_date >= {{ incremental_rebuild_start() }}
    )
    {%- endset -%}
        {{ date_column }} >= {{ date_literal(first_read) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Config of a big table on BigQuery: partitioned by day on the DATE column `date_column`,
    clustered by `cluster_by` (at most 4 columns). Nothing elsewhere. Use (a positional
    dict: config() refuses empty keyword arguments, which DuckDB would give it):
    {{ config(bigquery_table_layout('game_date', ['system_id', 'player_lookup'])) }} -#}
{% macro bigquery_table_layout(date_column, cluster_by=none) -%}
    {%- if target.type != 'bigquery' -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set layout = {'partition_by': {'field': date_column, 'data_type': 'date', 'granularity': 'day'}} -%}
    {%- if cluster_by -%}
        {%- do layout.update({'cluster_by': cluster_by}) -%}
    {%- endif -%}
    {{ return(layout) }}
{%- endmacro %}

{#- Config shared by the incremental fact tables (grain includes the DATE column
    date_column, game_date unless given). Both targets replace the same dates: every date
    the run wrote, and every date from incremental_rebuild_start() on, so a date of the
    window that lost all its rows (a game moved to another day, a run deleted upstream)
    is emptied, as a full refresh would leave it. rebuild_moved_games (every fact but the
    staging tables, which keep the feed's rows as they are): also every date whose game was
    moved, moved on or moved back, or whose fixed game's lock time changed, and every date
    whose prediction rows changed upstream, since the table's last build (int_game_moves,
    stg_nba_predictions__date_changes, incremental_rebuild_start). Such a table must be
    downstream of both logs, so that a run writes them before it (int_candidates_selected
    depends on int_game_moves, the staging of the predictions on the other;
    test_bigquery_compile.py checks every such table). rebuild_changed_dates (the staging of
    the predictions): the second log only. rebuild_regrades=false (a table neither upstream
    nor downstream of int_candidates_graded, so neither before nor after it in a run:
    today the staging of the signal tags, test_bigquery_compile.py): no grades' dates. Such
    a table's rows never depend on a grade, and, built while the grades are written, it
    would read a regrade when it replaces its dates that it did not read when it computed
    them, and delete the dates between (review of stop 59).
    DuckDB: the strategy replace_dates below (unique_key: the date column).
    BigQuery: insert_overwrite of those date_column partitions, as a static list (meta
    rebuild_partitions: see macros/overrides/bigquery_insert_overwrite.sql), clustered. -#}
{% macro fact_table_config(cluster_by, date_column='game_date', rebuild_moved_games=true,
    rebuild_changed_dates=false, rebuild_regrades=true) -%}
    {%- set common = {'materialized': 'incremental', 'on_schema_change': 'fail', 'meta': {}} -%}
    {%- if target.type == 'bigquery' -%}
        {%- do common.update(bigquery_table_layout(date_column, cluster_by)) -%}
        {%- do common.update({'incremental_strategy': 'insert_overwrite'}) -%}
        {%- do common['meta'].update({'rebuild_partitions': true}) -%}
    {%- else -%}
        {%- do common.update({'incremental_strategy': 'replace_dates', 'unique_key': date_column}) -%}
    {%- endif -%}
    {%- if rebuild_moved_games -%}
        {%- do common['meta'].update({'rebuild_moved_games': true}) -%}
    {%- endif -%}
    {%- if rebuild_changed_dates -%}
        {%- do common['meta'].update({'rebuild_changed_dates': true}) -%}
    {%- endif -%}
    {%- if not rebuild_regrades -%}
        {%- do common['meta'].update({'rebuild_regrades': false}) -%}
    {%- endif -%}
    {{ return(common) }}
{%- endmacro %}

{#- The dates an incremental fact run replaces, on both targets (DuckDB: replace_dates below;
    BigQuery: the static partition list of macros/overrides/bigquery_insert_overwrite.sql):
    the dates of the temp table the run built, plus the target's dates from
    incremental_rebuild_start() on, as a list of DATE literals (never empty: a run that
    rebuilds nothing gets `cast(null as date)`, which matches no date). -#}
{% macro rebuild_partition_literals(tmp_relation, target_relation, partition_by) -%}
    {%- set field = partition_by.field -%}
    {%- set query -%}
        select distinct {{ field }} as partition_date from {{ tmp_relation }}
        where {{ field }} is not null
        union distinct
        select distinct {{ field }} from {{ target_relation }}
        where {{ field }} >= {{ incremental_rebuild_start(target_relation) }}
        order by 1
    {%- endset -%}
    {%- set literals = [] -%}
    {%- for value in run_query(query).columns[0].values() -%}
        {%- do literals.append("date '" ~ (value | string)[:10] ~ "'") -%}
    {%- endfor -%}
    {{ return(literals or ['cast(null as date)']) }}
{%- endmacro %}

{#- Incremental strategy replace_dates (dbt custom strategy: config incremental_strategy
    'replace_dates' calls get_incremental_replace_dates_sql): delete the dates the run wrote
    and the target's dates from the first date it rebuilds on (incremental_rebuild_start),
    read once as a list of DATE literals, the list the BigQuery path overwrites
    (rebuild_partition_literals), then insert the new rows. dbt's delete+insert deleted
    only the dates present in the new rows, so a date of the window left without rows kept
    its stale ones. unique_key: the date column. -#}
{% macro get_incremental_replace_dates_sql(arg_dict) -%}
    {%- set target_relation, temp_relation = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    {%- set column = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set dates = rebuild_partition_literals(temp_relation, target_relation, {'field': column}) -%}
    delete from {{ target_relation }}
    where {{ column }} in ({{ dates | join(', ') }});

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{%- endmacro %}

