{%- set fix -%}
    this game tipped off (game_start_at of nba_analytics.upcoming_player_game_context) more than
    var live_stall_minutes minutes before the run's clock, yet the live feed
    (nba_raw.live_boxscores) has no row of it (feed_shows nothing) or shows it scheduled:
    live-grading/{date}.json cannot grade its picks (with no live row of tonight at all, it still
    shows last night). The upstream live loader has not picked the game up: tell the prediction
    pipeline's on-call (a game postponed or started late: the warning ends when the context moves
    it or the feed shows it in progress). Nothing to do here: the other games go on publishing
{%- endset %}
{{ config(severity='warn', meta={'fix': fix.split() | join(' ')}) }}
{#- docs/live_grading.md "A stalled feed": a game of the schedule (the context's tip-off,
    dated the run's clock's date or the day before) that tipped off more than var
    live_stall_minutes and at most var live_watch_hours before the run's clock (macro
    run_clock), which the live feed does not show started (no row of the game, or every row
    scheduled). live_game_not_updated names a game the feed stopped updating; this one names a
    game it never started, up to a whole night the feed sent nothing about (the live date then
    stays last night's, and the source's freshness, judged by the day, warns only after
    24 h). A warning, never a failure, as live_game_not_updated. After live_watch_hours every
    game is over: the morning's box scores grade it, and an old night without live rows (a
    replayed day) is not named. -#}
{#- Before the first build of the live staging view (a new deployment's first scheduled
    group, which reads the schedule and so selects this test too), live grading has never run
    on this warehouse: every game counts as started, nothing is said, rather than a NOT BUILT
    error that would stop the group (offline, for the compile checks, the view counts as
    built). -#}
{%- set schedule = ref('stg_nba_analytics__upcoming_player_game_context') -%}
{%- set live = ref('stg_nba_raw__live_boxscores') -%}
{%- set live_built = not execute or var('offline', false)
    or adapter.get_relation(live.database, live.schema, live.identifier) is not none -%}
{%- set clock_date = 'cast(' ~ run_clock() ~ ' as date)' -%}
{%- set nights = 'game_date >= ' ~ add_days(clock_date, -1) ~ ' and game_date <= ' ~ clock_date -%}
with tip_offs as (
    select
        game_id,
        game_date,
        min(game_start_at) as game_start_at
    from {{ schedule }}
    where {{ nights }} and game_start_at is not null
    group by game_id, game_date
),

tipped_off as (
    select
        *,
        {#- the datediff macro renders longer than the line limit #}
        {{ dbt.datediff('game_start_at', run_clock(), 'minute') }} as minutes_since_tip_off  -- noqa: LT05
    from tip_offs
),

in_feed as (
    {%- if live_built %}
    select
        game_id,
        max(case when game_status = 'scheduled' then 0 else 1 end) as has_started
    from {{ live }}
    where {{ nights }}
    group by game_id
    {%- else %}
    select
        game_id,
        1 as has_started
    from tip_offs
    {%- endif %}
)

select
    tipped_off.game_id,
    tipped_off.game_date,
    tipped_off.game_start_at,
    tipped_off.minutes_since_tip_off,
    case when in_feed.game_id is null then 'nothing' else 'scheduled' end as feed_shows
from tipped_off
left join in_feed
    on tipped_off.game_id = in_feed.game_id
where tipped_off.minutes_since_tip_off > {{ var('live_stall_minutes') }}
    and tipped_off.minutes_since_tip_off <= {{ var('live_watch_hours') }} * 60
    and coalesce(in_feed.has_started, 0) = 0
