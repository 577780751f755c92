{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- SPEC §3 Grading. One row per candidate (player x game x system), never two:
--   void    the player did not play (status dnp/inactive, or minutes null/0 with 0
--           points), or he has no box-score row although box scores of a later date
--           are loaded (the "day after" rule, read from the data, never the clock);
--   pending no box score yet, or points unknown;
--   push    actual == line;  win  OVER and actual > line, or UNDER and actual < line;
--   loss    otherwise.
-- Price (SPEC §3 payout): the candidate's american_odds (int_candidates_scored: the book
-- price at the pick's line at or before the prediction, else -110).
-- profit_units: a win pays its payout, a loss costs 1, everything else 0.
-- Incremental: rebuilds the recent dates and every date still holding a pending grade.
-- A game's box scores carry its date, so they are read for those dates only.
{%- set rebuilt_dates = incremental_dates_filter(reopen="grade = 'pending'") %}
with candidates as (
    select * from {{ ref('int_candidates_scored') }}
    where 1 = 1
    {{- rebuilt_dates }}
),

box_scores as (
    select * from {{ ref('stg_nba_analytics__player_game_summary') }}
    where 1 = 1
    {{- rebuilt_dates }}
),

loaded as (
    select max(game_date) as last_loaded_date from box_scores
),

joined as (
    select
        candidates.player_lookup,
        candidates.game_id,
        candidates.system_id,
        candidates.game_date,
        candidates.prediction_id,
        candidates.recommendation,
        candidates.points_line,
        candidates.created_at,
        box_scores.player_lookup is not null as has_box_score,
        box_scores.points as actual_points,
        box_scores.minutes_played,
        box_scores.player_status,
        loaded.last_loaded_date,
        candidates.american_odds,
        candidates.has_book_price
    from candidates
    cross join loaded
    left join box_scores
        on candidates.player_lookup = box_scores.player_lookup
        and candidates.game_id = box_scores.game_id
),

graded as (
    select
        *,
        case
            when not has_box_score and last_loaded_date > game_date then 'void'
            when not has_box_score then 'pending'
            when player_status in ('dnp', 'inactive') then 'void'
            when coalesce(minutes_played, 0) = 0 and coalesce(actual_points, 0) = 0 then 'void'
            when actual_points is null then 'pending'
            when actual_points = points_line then 'push'
            when recommendation = 'OVER' and actual_points > points_line then 'win'
            when recommendation = 'UNDER' and actual_points < points_line then 'win'
            else 'loss'
        end as grade
    from joined
)

select
    player_lookup,
    game_id,
    system_id,
    game_date,
    prediction_id,
    recommendation,
    points_line,
    actual_points,
    minutes_played,
    player_status,
    grade,
    american_odds,
    has_book_price,
    {{ american_payout('american_odds') }} as win_payout,
    case
        when grade = 'win' then {{ american_payout('american_odds') }}
        when grade = 'loss' then -1.0
        else 0.0
    end as profit_units
from graded
