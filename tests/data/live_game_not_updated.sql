{%- set fix -%}
    the live feed (nba_raw.live_boxscores) has sent nothing new on this game, in progress, for
    more than var live_stall_minutes minutes at the run's clock: live-grading/{date}.json shows
    its picks as they were at game_updated_at. The upstream live loader has stalled or lost the
    game: tell the prediction pipeline's on-call. Nothing to do here: the other games go on
    publishing, and the warning ends when the game's rows move again or turn final
{%- endset %}
{{ config(severity='warn', meta={'fix': fix.split() | join(' ')}) }}
{#- docs/live_grading.md "A stalled feed": a game of the live date that the feed shows in
    progress but has not updated for more than var live_stall_minutes minutes at the run's
    clock (macro run_clock). A warning, never a failure: the cycle goes on publishing the
    games that move (a failed build would publish none of them), and on-call sees the line
    in every cycle's log (and, in `make live-night`, in each cycle's own line). -#}
with games_in_progress as (
    select distinct
        game_id,
        game_date,
        game_period,
        game_clock,
        game_updated_at,
        {#- the datediff macro renders longer than the line limit #}
        {{ dbt.datediff('game_updated_at', run_clock(), 'minute') }} as minutes_without_update  -- noqa: LT05
    from {{ ref('int_live_boxscores') }}
    where game_status = 'in_progress'
)

select *
from games_in_progress
where minutes_without_update > {{ var('live_stall_minutes') }}
