{{ config(materialized='view') }}
-- The best bets as published: one row per selected candidate with its display fields
-- and its current grade (read by best-bets/{date}.json and best-bets/all.json). The
-- grade is read from int_candidates_graded, which regrades pending dates, not from
-- int_best_bets_filtered, which rebuilds recent dates only.
select
    filtered.game_date,
    filtered.best_bet_rank,
    filtered.recommendation,
    filtered.points_line,
    graded.player_full_name,
    graded.team_abbr,
    graded.opponent_team_abbr,
    graded.actual_points,
    graded.grade
from {{ ref('int_best_bets_filtered') }} as filtered
inner join {{ ref('int_candidates_graded') }} as graded
    on
    filtered.player_lookup = graded.player_lookup
    and filtered.game_id = graded.game_id
    and filtered.system_id = graded.system_id
where filtered.is_selected
