{#- contract §3 Lock at tip-off ("Only what a user could have seen counts"; docs/decisions.md
    "Lock at tip-off: what a build that passed saw").

    int_predictions_sighted holds what a run saw of the games not fixed yet, but a run whose
    files the publisher refuses (a failed test upstream of any mart it built) showed nobody what
    it saw. So the sightings a later run starts from, and that decide the candidates of a game
    that has tipped off, are those of the last build that passed: the on-run-end hook
    keep_sightings copies int_predictions_sighted to <target schema>_meta.predictions_sighted_passed
    when the build built the day's pick files and passed the publisher's gate for every
    published mart it built. With them it copies what that build showed of every day not locked
    yet, as its rules computed it (macro shown_copies): the record locks a day with those (int_days_shown),
    so a rule changed after the day's last build that passed never reaches a day users saw. -#}

{#- The copies keep_sightings keeps, with its sightings, of what a build that passed showed of the
    days not locked at its end, by name: the node copied, and whether the copy holds only those days
    (a seed has no date: it is copied whole). The candidates let the record tell whether a day it
    locks has the candidates the build computed the day from (int_days_shown). The days' copy is
    written last, and dropped first: a hook stopped halfway leaves no days' copy, and the record
    then computes the day (int_days_shown is empty), as before any build kept one. -#}
{% macro shown_copies() -%}
    {{ return({
        'picks_shown_passed': ('model', 'int_picks_computed', true),
        'candidates_shown_passed': ('model', 'int_candidates_graded', true),
        'groups_shown_passed': ('seed', 'subset_definitions', false),
        'days_shown_passed': ('model', 'int_market_signals_daily', true),
    }) }}
{%- endmacro %}

{#- Where keep_sightings keeps the copy `identifier`: <target schema>_meta.<identifier>. -#}
{% macro kept_copy(identifier='predictions_sighted_passed') -%}
    {{ return(api.Relation.create(database=target.database, schema=target.schema ~ '_meta',
        identifier=identifier)) }}
{%- endmacro %}

{#- The copy `identifier` the last build that passed kept (macro keep_sightings), as a relation;
    none before any build kept one, when compiling (offline), and in a unit test. -#}
{% macro copy_passed(identifier='predictions_sighted_passed') -%}
    {%- if not execute or this is none or var('offline', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set copy = kept_copy(identifier) -%}
    {{ return(adapter.get_relation(copy.database, copy.schema, copy.identifier)) }}
{%- endmacro %}

{#- The copy of int_predictions_sighted the last build that passed kept; none when it is unlike the
    feed's staging in a prediction column (macro unlike, prediction_columns: kept before a release that
    added or changed one), as before any build kept one (int_predictions_sighted, int_candidates_locked). -#}
{% macro sightings_passed() -%}
    {%- set feed = ref('stg_nba_predictions__player_prop_predictions') -%}
    {%- set copy = copy_passed('predictions_sighted_passed') -%}
    {{ return(none if copy is none or unlike(copy, feed, prediction_columns()) else copy) }}
{%- endmacro %}

{#- True when the relation `relation` lacks a column of the relation `model` (of those named in `names`,
    when given), or holds it with another type (names in any case): a table kept before a release that
    added or changed one, which this run's rows cannot be read beside. -#}
{% macro unlike(relation, model, names=none) -%}
    {%- set kept = {} -%}
    {%- for column in relation_columns(relation) -%}
        {%- do kept.update({column.name | lower: column.dtype | lower}) -%}
    {%- endfor -%}
    {%- for column in relation_columns(model)
        if names is none or column.name | lower in names -%}
        {%- if kept.get(column.name | lower) != column.dtype | lower -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- True when the rows a build that passed saw before a tip-off decide the game's candidates
    (int_candidates_locked): a build that passed has kept its sightings (sightings_passed),
    and the record is not being rebuilt from the sources (var rebuild_record, `make
    rebuild-record`: the sources keep no trace of what was seen when, so created_at decides,
    as on a warehouse's first build). -#}
{% macro sightings_decide() -%}
    {{ return(not var('rebuild_record', false) and sightings_passed() is not none) }}
{%- endmacro %}

{#- The copy `identifier` (shown_copies) of `model` (a relation) that the last build that passed kept, as
    a relation the record may read: none when no build that passed kept one, when the record is rebuilt
    from the sources (var rebuild_record: nothing says what was shown), and when the copy lacks a column
    the model has now or holds it with another type (a release that added or changed one). -#}
{% macro usable_copy(identifier, model) -%}
    {%- set copy = none if var('rebuild_record', false) else copy_passed(identifier) -%}
    {{ return(none if copy is none or unlike(copy, model) else copy) }}
{%- endmacro %}

{#- True when every copy of shown_copies is usable (usable_copy): the record locks a day as the last
    build that passed showed it only from all of them, its facts, picks and groups alike, never from
    some (int_days_shown). A copy that is not (a release added or changed a column of its model)
    makes every open day computed by this run's rules, as before the copies existed. -#}
{% macro shown_copies_usable() -%}
    {#- every ref() first: dbt's parse sees each of them (the caller depends on every copied node) -#}
    {%- set models = {} -%}
    {%- for identifier, (resource, name, dated) in shown_copies().items() -%}
        {%- do models.update({identifier: ref(name)}) -%}
    {%- endfor -%}
    {%- for identifier, model in models.items() -%}
        {%- if usable_copy(identifier, model) is none -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}

{#- The rows of `model` (a relation) as the last build that passed showed them: its copy `identifier`
    (usable_copy), with the model's columns in the model's order; no row (the model's, `where false`)
    when that copy is not usable. -#}
{% macro shown_rows(identifier, model) -%}
    {%- set copy = usable_copy(identifier, model) -%}
    {%- if copy is none -%}
        select * from {{ model }} where false
    {%- else -%}
        select {{ relation_columns(model) | map(attribute='name') | join(', ') }} from {{ copy }}
    {%- endif -%}
{%- endmacro %}

{#- on-run-end: keep this build's sightings (int_predictions_sighted) as the ones the next runs
    start from, when the build showed them: it built int_predictions_sighted and a public mart of
    the group that publishes the day's picks before its games (var picks_publish_group: picks,
    best bets), and every published mart it built, public or admin, would pass the publisher's
    run-results gate (publisher/catalog.py refusals: no node upstream, nor the model, nor a data
    test on any of them, failed or was skipped, and every such data test ran). Any of them, not
    only the pick files: the publisher uploads nothing of a run that refuses one endpoint
    (publisher/run.py), so an admin mart's failed test leaves the site as it was. A build of no
    such mart (the hourly, daily and live groups, a hand-made `--select`), or an --empty one,
    keeps nothing: it showed no pick. Otherwise the previous copy stays, and the log says why. -#}
{% macro keep_sightings(results) %}
    {#- --empty builds every table without a row: it showed nothing -#}
    {%- if not execute or flags.WHICH not in ('build', 'run') or flags.EMPTY -%}{{ return('') }}{%- endif -%}
    {%- set sighted = 'model.' ~ project_name ~ '.int_predictions_sighted' -%}
    {%- set picks = 'model.' ~ project_name ~ '.int_picks_published' -%}
    {%- set statuses = {} -%}
    {%- for result in results -%}
        {%- do statuses.update({result.node.unique_id: result.status}) -%}
    {%- endfor -%}
    {%- if statuses.get(sighted) != 'success' -%}{{ return('') }}{%- endif -%}
    {#- every published mart this build built (public and admin: the publisher uploads nothing of a run
        when it refuses any of its endpoints), every node upstream of them, and the public ones of the pick
        files -#}
    {%- set upstream, checked, publishing = {}, {}, [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.unique_id in statuses
        and (node.config.meta or {}).get('publish') -%}
        {%- do upstream_nodes(node.unique_id, upstream) -%}
        {%- do checked.update(upstream[node.unique_id]) -%}
        {%- do checked.update({node.unique_id: true}) -%}
        {%- if node.fqn[1:3] == ['marts', 'public'] and picks in upstream[node.unique_id]
            and node.config.meta.publish.get('group') == var('picks_publish_group') -%}
            {%- do publishing.append(node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not publishing -%}{{ return('') }}{%- endif -%}
    {%- set tests_on = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' -%}
        {%- for parent in node.depends_on.nodes -%}
            {%- do tests_on.setdefault(parent, []).append(node.unique_id) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set failed, causes = [], [] -%}
    {%- for node_id in checked -%}
        {%- for uid in [node_id] + tests_on.get(node_id, []) -%}
            {%- if uid not in statuses and uid != node_id -%}
                {%- do causes.append(uid ~ ' did not run') -%}
            {%- elif statuses.get(uid) == 'skipped' -%}
                {%- do causes.append(uid ~ ': skipped') -%}
            {%- elif statuses.get(uid) in ('error', 'fail', 'runtime error') -%}
                {%- do failed.append(uid ~ ': ' ~ statuses[uid]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- what failed first: the rest (skipped, did not run) follows from it -#}
    {%- set causes = (failed | unique | list) + (causes | unique | list) -%}
    {%- if causes -%}
        {%- do log('NOT KEPT: the rows this build saw before the tip-offs (int_predictions_sighted): the publisher'
            ~ ' refuses the files of this build (' ~ causes[0] ~ (' and ' ~ (causes | length - 1) ~ ' more' if causes | length > 1
            else '') ~ '); the record keeps to what the last build that passed saw', info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set node = graph.nodes[sighted] -%}
    {%- set kept = kept_copy() -%}
    {%- do adapter.create_schema(kept) -%}
    {%- do run_query('create or replace table ' ~ kept ~ ' as select * from ' ~ node.relation_name) -%}
    {#- what it showed of the days not locked yet (int_days_locked as this build left it), from the first of
        them on (a constant: BigQuery reads those partitions only) -#}
    {%- set locked = graph.nodes['model.' ~ project_name ~ '.int_days_locked'].relation_name -%}
    {%- set not_locked = 'game_date not in (select game_date from ' ~ locked ~ ')' -%}
    {%- set first_open = run_query('select min(game_date) from '
        ~ graph.nodes['model.' ~ project_name ~ '.int_game_dates_calendared'].relation_name
        ~ ' where ' ~ not_locked).columns[0].values()[0] -%}
    {%- set open_days = 'false' if first_open is none
        else "game_date >= cast('" ~ (first_open | string)[:10] ~ "' as date) and " ~ not_locked -%}
    {%- do run_query('drop table if exists ' ~ kept_copy('days_shown_passed')) -%}
    {%- for identifier, (resource, name, dated) in shown_copies().items() -%}
        {%- do run_query('create or replace table ' ~ kept_copy(identifier) ~ ' as select * from '
            ~ graph.nodes[resource ~ '.' ~ project_name ~ '.' ~ name].relation_name
            ~ (' where ' ~ open_days if dated else '')) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}

{#- Sets upstream[unique_id] to a dict whose keys are the unique_ids of every node (and source) the node `unique_id`
    depends on, through any number of nodes, and the same for every node upstream of it
    (publisher/catalog.py upstream_ids). -#}
{% macro upstream_nodes(unique_id, upstream) %}
    {%- if unique_id not in upstream -%}
        {%- set found = {} -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- for parent in (node.depends_on.nodes if node else []) -%}
            {%- do upstream_nodes(parent, upstream) -%}
            {%- do found.update(upstream[parent]) -%}
            {%- do found.update({parent: true}) -%}
        {%- endfor -%}
        {%- do upstream.update({unique_id: found}) -%}
    {%- endif -%}
{% endmacro %}
