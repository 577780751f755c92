{#- Source freshness judged against the game calendar (contract §1): the `loaded_at_query` of
    every source table (models/staging/_sources.yml). dbt computes a source's age as
    (the moment it runs) - (the value returned here); its warn/error thresholds apply to it.

    Days without games do not age a feed: the age is run_clock() - max(loaded_at), less
    one day for every day after the newest row's date, up to the clock's date, that is a
    known day without games; never below 0. A day may have games when it is
      - a scheduled game day: a game_date of the schedule (nba_analytics
        .upcoming_player_game_context, which lists games before they are played);
      - or a day past the schedule's last game that lies inside a season or its postseason
        (seasons seed, start_date .. end_date + var freshness_postseason_days: the play-in,
        the playoffs, the Finals), unless the days_without_games seed lists it: nothing
        says it has no games, so it counts (fail safe).
    Every other day is known to have none: a day the schedule went on after (a day off, the
    All-Star break, once the schedule lists the next game), a day the days_without_games
    seed lists (int_days_without_games: known ahead from the league's published schedule,
    for an upstream whose schedule lists a day's games only on that day), the off-season
    (past every postseason). So on the first game day after a break, or the morning after a
    day off, a feed is as old as on any game day after the last one (a day's predictions
    are not due at midnight: the thresholds allow for each feed's own time of day), and a
    feed that missed a game day ages as before.
    An empty table (a truncated or failed load) is as old as can be: loaded in 1970, and
    no day since is quiet.
    Rows past the feeds' horizon (macro horizon_date: a next season's row loaded by mistake,
    which staging quarantines) count for nothing here either: neither as the newest row nor
    as a scheduled game day (a context row dated months ahead used to make every day until
    then look quiet, so an outage of every feed passed).
    The newest rows' day is the game date they were loaded for (never after the day they
    were loaded on: predictions written early for tomorrow count on their own day): a game
    night runs past midnight UTC, and its last live updates and in-game re-runs, stamped
    with the next day, belong to it. Read by their stamp, they made that next day the newest
    row's, so a day without games after a game night did not count: on the game day after
    it the live feed warned all evening (42 h 30 min old at tonight's tip-off, 18 h 30 min
    after a game night), and a night's re-run at 03:00 made the predictions 35 h old at
    14:10, an hour from their error threshold (21 h without it; 11 h now).
    relation: the source table (`this`); loaded_at: its loaded-at expression; game_date: the
    game-date column of a feed stamped with a time (none: the day of loaded_at); days_ahead:
    its horizon (macro horizon_date; 0 for the box scores and live rows, as in staging). -#}
{% macro calendar_loaded_at_query(relation, loaded_at, game_date=none, days_ahead=none) -%}
{#- before the first build the seeds (and int_days_without_games, before the first daily or full
    build) are not there yet: every day past the schedule counts -#}
{%- set seasons = node_relation('seed', 'seasons') -%}
{%- set listed = node_relation('model', 'int_days_without_games') if seasons is not none else none -%}
{%- set newest_loaded_at -%}
    coalesce(cast(max({{ loaded_at }}) as timestamp), cast('1970-01-01 00:00:00' as timestamp))
{%- endset %}
with newest as (
    select
        {{ newest_loaded_at }} as loaded_at,
        {%- if game_date %}
        {#- a row without a load time is no load: DuckDB's least() skips a null, BigQuery's is null -#}
        coalesce(max(case when {{ loaded_at }} is not null then least(
            coalesce(cast({{ game_date }} as date), cast({{ loaded_at }} as date)),
            cast({{ loaded_at }} as date)
        ) end), cast('1970-01-01' as date)) as loaded_date,
        {%- else %}
        cast({{ newest_loaded_at }} as date) as loaded_date,
        {%- endif %}
        max({{ loaded_at }}) is null as is_empty
    from {{ relation }}
    where {{ within_horizon('cast(' ~ loaded_at ~ ' as date)', days_ahead) }}
),

clock as (
    select
        {{ run_clock() }} as now_at,
        cast({{ run_clock() }} as date) as today
),

schedule as (
    select distinct cast(game_date as date) as game_date
    from {{ source('nba_analytics', 'upcoming_player_game_context') }}
    where {{ within_horizon('cast(game_date as date)') }}
),

scheduled_days as (
    select max(schedule.game_date) as last_scheduled
    from schedule
),

{#- the days after the newest row, up to the clock's date, that may have games: scheduled
    game days, and the days past both the newest row and the schedule's last game that lie
    inside a season -#}
game_days as (
    select count(*) as days
    from schedule, newest, clock
    where schedule.game_date > newest.loaded_date and schedule.game_date <= clock.today
),

unscheduled as (
    select
        case
            when scheduled_days.last_scheduled > newest.loaded_date then scheduled_days.last_scheduled
            else newest.loaded_date
        end as after_date
    from scheduled_days, newest
),

unscheduled_game_days as (
    {%- if seasons is not none %}
    {#- the days d with after_date < d <= today inside [start_date, last_day], last_day the
        end of the postseason (the conditions below make the overlap non-empty; no argument
        of greatest/least is null) -#}
    {%- set last_day = add_days('seasons.end_date', var('freshness_postseason_days')) %}
    select coalesce(sum({{ dbt.datediff(
        'greatest(unscheduled.after_date, ' ~ add_days('seasons.start_date', -1) ~ ')',
        'least(clock.today, ' ~ last_day ~ ')', 'day') }}), 0) as days
    from {{ seasons }} as seasons, unscheduled, clock
    where
        unscheduled.after_date < clock.today
        and seasons.start_date <= clock.today
        and {{ last_day }} > unscheduled.after_date
    {%- else %}
    select
        case
            when unscheduled.after_date < clock.today
                then {{ dbt.datediff('unscheduled.after_date', 'clock.today', 'day') }}
            else 0
        end as days
    from unscheduled, clock
    {%- endif %}
),

{#- of those, the days the days_without_games seed lists (int_days_without_games: known ahead
    to have no game; a row outside every season's window has no season_label and is ignored,
    and a day is in one row only: tests/data/days_without_games_overlap.sql) -#}
listed_quiet_days as (
    {%- if listed is not none %}
    select coalesce(sum({{ dbt.datediff(
        'greatest(unscheduled.after_date, ' ~ add_days('listed.first_day', -1) ~ ')',
        'least(clock.today, listed.last_day)', 'day') }}), 0) as days
    from {{ listed }} as listed, unscheduled, clock
    where
        listed.season_label is not null
        and unscheduled.after_date < clock.today
        and unscheduled.after_date < listed.last_day
        and listed.first_day <= clock.today
    {%- else %}
    select 0 as days
    {%- endif %}
),

aged as (
    select
        newest.loaded_at,
        case
            when not newest.is_empty and newest.loaded_date < clock.today
                then {{ dbt.datediff('newest.loaded_date', 'clock.today', 'day') }}
                - game_days.days - unscheduled_game_days.days + listed_quiet_days.days
            else 0
        end as quiet_days
    from newest, clock, game_days, unscheduled_game_days, listed_quiet_days
),

shifted as (
    select {{ add_days_to_timestamp('aged.loaded_at', 'aged.quiet_days') }} as loaded_at
    from aged
)

select
    case
        when shifted.loaded_at < clock.now_at
            then {{ age_as_loaded_at('clock.now_at', 'shifted.loaded_at') }}
        else {{ age_as_loaded_at('clock.now_at', 'clock.now_at') }}
    end as max_loaded_at
from shifted, clock
{%- endmacro %}

{#- A seed's or a model's relation in the warehouse, or none before its first build (looked up in
    the graph: ref() is not available to a source's loaded_at_query). -#}
{% macro node_relation(resource_type, name) -%}
    {%- set node = graph.nodes[resource_type ~ '.' ~ project_name ~ '.' ~ name] -%}
    {{ return(adapter.get_relation(node.database, node.schema, node.alias or node.name)) }}
{%- endmacro %}

{#- The timestamp whose age, measured by dbt at the warehouse's current time, is
    clock - loaded_at: current time - (clock - loaded_at). -#}
{% macro age_as_loaded_at(clock, loaded_at) -%}
    {{ return(adapter.dispatch('age_as_loaded_at', 'nba_props')(clock, loaded_at)) }}
{%- endmacro %}

{#- the difference in microseconds: an interval of whole days, subtracted from a time with a
    zone, counts calendar days of the session's zone (71 h over a spring DST change) -#}
{% macro default__age_as_loaded_at(clock, loaded_at) -%}
    current_timestamp
    - to_microseconds(epoch_us({{ clock }}) - epoch_us(cast({{ loaded_at }} as timestamp)))
{%- endmacro %}

{% macro bigquery__age_as_loaded_at(clock, loaded_at) -%}
    timestamp_sub(
        current_timestamp(),
        interval timestamp_diff({{ clock }}, cast({{ loaded_at }} as timestamp), microsecond) microsecond
    )
{%- endmacro %}

{#- on-run-end of `dbt source freshness`: one line per source past a threshold, with its age on
    the game calendar (the age dbt judged: days without games not counted, macro
    calendar_loaded_at_query) and its thresholds, so on-call sees at once which feed stopped
    and for how long (dbt's own lines say only ERROR STALE, and the timestamps of sources.json
    are shifted by the quiet days: not the newest row's):

      STALE source nba_predictions.player_prop_predictions: newest row 90 h 45 min old on the
        game calendar (days without games not counted), past its error threshold of 36 h (warn after 22 h) -#}
{% macro report_stale_sources(results) %}
    {%- if not execute or flags.WHICH not in ('freshness', 'source') -%}{{ return('') }}{%- endif -%}
    {%- set units = {'minute': ' min', 'hour': ' h', 'day': ' days'} -%}
    {%- for result in results | sort(attribute='node.unique_id')
        if result.node.resource_type == 'source' and result.status in ('warn', 'error') -%}
        {%- set levels = ['error', 'warn'] if result.status == 'error' else ['warn', 'error'] -%}
        {%- set after = {} -%}
        {%- for level in levels -%}
            {%- set threshold = result.node.freshness[level ~ '_after'] -%}
            {%- if threshold and threshold.count -%}
                {%- do after.update({level: threshold.count ~ units.get(threshold.period | string, ' ' ~ threshold.period)}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set age = result.age | int -%}
        {%- set old = 'no row at all (an empty table counts as loaded in 1970)' if age > 20 * 365 * 86400
            else 'newest row ' ~ (age // 3600) ~ ' h ' ~ (age % 3600 // 60) ~ ' min old on the game calendar'
            ~ ' (days without games not counted)' -%}
        {{ log(('STALE' if result.status == 'error' else 'FRESHNESS WARNING (the run goes on)') ~ ' source '
            ~ result.node.source_name ~ '.' ~ result.node.name ~ ': ' ~ old ~ ', past its ' ~ levels[0]
            ~ ' threshold of ' ~ after.get(levels[0]) ~ (' (' ~ levels[1] ~ ' after ' ~ after[levels[1]] ~ ')'
            if levels[1] in after else ''), info=true) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
