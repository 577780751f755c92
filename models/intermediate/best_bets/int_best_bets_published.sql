{{ config(materialized='view') }}
-- The best bets as published (read by best-bets/{date}.json and best-bets/all.json): the
-- best bets of int_picks_published (the locked record of a day whose last game has tipped
-- off, else this run's selection) with their display fields, current grade, and the public
-- codename of the model that made each, and whether its day is locked.
select
    picks.game_date,
    picks.pick_rank as best_bet_rank,
    picks.recommendation,
    picks.points_line,
    picks.pick_id,
    picks.player_full_name,
    picks.team_abbr,
    picks.opponent_team_abbr,
    picks.is_home,
    picks.game_start_at,
    models.codename,
    picks.actual_points,
    picks.grade,
    picks.is_locked
from {{ ref('int_picks_published') }} as picks
left join {{ ref('int_models_described') }} as models
    on picks.system_id = models.system_id
where picks.list_id = 'best_bets'
