{{ config(materialized='view') }}
-- The best bets as published (read by best-bets/{date}.json and best-bets/all.json): one
-- row per best bet of int_picks_published (the locked record of a day whose last game has
-- tipped off, else this run's selection), with its display fields, the public codename of
-- the model that made it, and its current grade (int_candidates_graded regrades from the
-- box scores).
select
    picks.game_date,
    picks.pick_rank as best_bet_rank,
    picks.recommendation,
    picks.points_line,
    graded.pick_id,
    graded.player_full_name,
    graded.team_abbr,
    graded.opponent_team_abbr,
    graded.is_home,
    graded.game_start_at,
    models.codename,
    graded.actual_points,
    graded.grade
from {{ ref('int_picks_published') }} as picks
inner join {{ ref('int_candidates_graded') }} as graded
    on
    picks.player_lookup = graded.player_lookup
    and picks.game_id = graded.game_id
    and picks.system_id = graded.system_id
left join {{ ref('int_models_described') }} as models
    on picks.system_id = models.system_id
where picks.list_id = 'best_bets'
