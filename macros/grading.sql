{#- contract §3 Grading of one pick against its box-score row: the rule shared by the nightly
    grading (int_candidates_graded) and live grading once a game is final
    (int_live_picks_graded), so both always agree.
      void     the player did not play: status dnp / inactive, or minutes null or 0 with
               0 points;
      pending  the row has no points yet;
      push     points == line;  win  OVER above the line, UNDER below it;  loss otherwise.
    has_row: whether the player has a row; no_row: the grade when he has none (the caller
    decides: void once the game is over, else pending). status: the row's player status
    (the live feed has none). -#}
{% macro box_score_grade(has_row, no_row, direction, line, points, minutes, status=none) -%}
    case
        when not {{ has_row }} then {{ no_row }}
        {%- if status is not none %}
        when {{ status }} in ('dnp', 'inactive') then 'void'
        {%- endif %}
        when coalesce({{ minutes }}, 0) = 0 and {{ points }} = 0 then 'void'
        when {{ points }} is null then 'pending'
        when {{ points }} = {{ line }} then 'push'
        when {{ direction }} = 'OVER' and {{ points }} > {{ line }} then 'win'
        when {{ direction }} = 'UNDER' and {{ points }} < {{ line }} then 'win'
        else 'loss'
    end
{%- endmacro %}

{#- contract §3 Grading: whether a box-score row (its date `box_score_date`) counts for a pick
    of the game date `game_date`: only a row that came by the day after the game. A game
    played later still under its game_id (postponed for weeks) has no row for the picks of
    its first date: they are void (docs/decisions.md "Grading and payout"). A game played a
    day late is graded on the game as played. -#}
{% macro box_score_in_time(box_score_date, game_date) -%}
    {{ box_score_date }} <= {{ add_days(game_date, 1) }}
{%- endmacro %}
