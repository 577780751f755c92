{%- set fix -%}
    the box-score feed (nba_analytics.player_game_summary) has no row of this game, though a
    later date's box scores are loaded: its picks are void by absence (contract §3 Grading: no
    box-score row by the day after the game) and left out of every record. If the game was
    played, the feed missed it: tell the prediction pipeline's on-call; once its rows land, the
    next build regrades its picks (the grades' drift check) and the warning ends. If it was
    postponed, the context (nba_analytics.upcoming_player_game_context) moves it to its new date
{%- endset %}
{{ config(severity='warn', meta={'fix': fix.split() | join(' ')}) }}
{#- docs/decisions.md "Void by absence": a game whose candidates are void without a box-score
    row while the feed has no row of the game at all (in time: dated at most a day after it,
    macro box_score_in_time) was voided by a later date's box scores, not by its own players'
    rows: a feed outage, or a game that was never played, voids a whole night silently. A
    warning, never a failure: the void is the contract's rule, the on-call's cue is this line;
    said while the game's date is within var missing_box_scores_warn_days of the newest
    box-score date loaded (a game never played, e.g. postponed and never rescheduled, is not
    named all season). -#}
{%- set box_scores = ref('stg_nba_analytics__player_game_summary') -%}
with voided as (
    select
        game_date,
        game_id,
        count(*) as void_candidates
    from {{ ref('int_candidates_graded') }}
    where grade = 'void' and not has_box_score
    group by game_date, game_id
)

select
    voided.game_date,
    voided.game_id,
    voided.void_candidates
from voided
where
    voided.game_date >= (
        select {{ add_days('max(game_date)', -var('missing_box_scores_warn_days')) }}
        from {{ box_scores }}
    )
    and not exists (
        select 1
        from {{ box_scores }} as box_scores
        where
            box_scores.game_id = voided.game_id
            and {{ box_score_in_time('box_scores.game_date', 'voided.game_date') }}
    )
