{#- Source freshness judged against the game calendar (contract §1): the `loaded_at_query` of
    every source table (models/staging/_sources.yml). dbt computes a source's age as
    (the moment it runs) - (the value returned here); its warn/error thresholds apply to it.

    The age is the plain one, run_clock() - max(loaded_at), when a day that may have games
    lies after the source's newest row, up to the clock's date:
      - a scheduled game day: a game_date of the schedule (nba_analytics
        .upcoming_player_game_context, which lists games before they are played);
      - or a day past the schedule's last game that lies inside a season (seasons seed,
        start_date .. end_date): nothing says it has no games, so it is judged (fail safe).
    Otherwise every day since the newest row is a known day without games (the All-Star
    break: the schedule goes on after it; the off-season: outside every season) and the
    source is fresh (age 0): no new rows were due.
    relation: the source table (`this`); loaded_at: its loaded-at expression. -#}
{% macro calendar_loaded_at_query(relation, loaded_at) -%}
{#- before the first build the seasons seed is not loaded yet: every day past the schedule is judged -#}
{#- (the seed is looked up in the graph: ref() is not available to a source's query) -#}
{%- set seed = graph.nodes['seed.' ~ project_name ~ '.seasons'] -%}
{%- set seasons = adapter.get_relation(seed.database, seed.schema, seed.alias or seed.name) -%}
{%- set has_seasons = seasons is not none -%}
{#- an empty table (a truncated or failed load) is as old as can be: due and stale whenever a
    game day has passed, alike on both engines (no null reaches greatest()) -#}
{%- set newest_loaded_at -%}
    coalesce(cast(max({{ loaded_at }}) as timestamp), cast('1970-01-01 00:00:00' as timestamp))
{%- endset %}
with newest as (
    select
        {{ newest_loaded_at }} as loaded_at,
        cast({{ newest_loaded_at }} as date) as loaded_date
    from {{ relation }}
),

clock as (
    select
        {{ run_clock() }} as now_at,
        cast({{ run_clock() }} as date) as today
),

schedule as (
    select distinct cast(game_date as date) as game_date
    from {{ source('nba_analytics', 'upcoming_player_game_context') }}
),

reach as (
    select
        newest.loaded_date,
        coalesce(max(schedule.game_date), newest.loaded_date) as last_scheduled
    from newest
    left join schedule on true
    group by newest.loaded_date
),

due as (
    select
        exists (
            select 1 from schedule, newest, clock
            where schedule.game_date > newest.loaded_date and schedule.game_date <= clock.today
        )
        or exists (
            {%- if has_seasons %}
            select 1 from {{ seasons }} as seasons, reach, clock
            where
                seasons.start_date <= clock.today
                and seasons.end_date > greatest(reach.loaded_date, reach.last_scheduled)
                and greatest(reach.loaded_date, reach.last_scheduled) < clock.today
            {%- else %}
            select 1 from reach, clock
            where greatest(reach.loaded_date, reach.last_scheduled) < clock.today
            {%- endif %}
        ) as is_due
)

select
    case
        when due.is_due then {{ age_as_loaded_at('clock.now_at', 'newest.loaded_at') }}
        else {{ age_as_loaded_at('clock.now_at', 'clock.now_at') }}
    end as max_loaded_at
from newest, clock, due
{%- endmacro %}

{#- The timestamp whose age, measured by dbt at the warehouse's current time, is
    clock - loaded_at: current time - (clock - loaded_at). -#}
{% macro age_as_loaded_at(clock, loaded_at) -%}
    {{ return(adapter.dispatch('age_as_loaded_at', 'nba_props')(clock, loaded_at)) }}
{%- endmacro %}

{% macro default__age_as_loaded_at(clock, loaded_at) -%}
    current_timestamp - ({{ clock }} - cast({{ loaded_at }} as timestamp))
{%- endmacro %}

{% macro bigquery__age_as_loaded_at(clock, loaded_at) -%}
    timestamp_sub(
        current_timestamp(),
        interval timestamp_diff({{ clock }}, cast({{ loaded_at }} as timestamp), microsecond) microsecond
    )
{%- endmacro %}
