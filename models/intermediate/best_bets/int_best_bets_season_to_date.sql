-- The published best bets of the season of the latest game date d up to the current slate
-- (contract §4 Current slate: no date after it is public), up to d: the rows every
-- part of best-bets/all.json reads (season record, weeks, days, picks). Weeks start on
-- Monday, clamped to the season start (int_game_dates_calendared).
with calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

latest as (
    select * from calendar
    where game_date = {{ latest_public_date() }}
)

select
    calendar.season_label,
    bets.game_date,
    bets.best_bet_rank,
    bets.game_start_at,
    calendar.week_start,
    calendar.month_start,
    bets.recommendation,
    bets.points_line,
    bets.player_full_name,
    bets.team_abbr,
    bets.opponent_team_abbr,
    bets.actual_points,
    bets.grade,
    -- records count the locked picks (contract §3 Lock at tip-off): a win or a loss of a
    -- day not locked yet (an early game graded before the day's last tip-off) counts as
    -- pending until the day locks
    case when bets.grade = 'win' and bets.is_locked then 1 else 0 end as is_win,
    case when bets.grade = 'loss' and bets.is_locked then 1 else 0 end as is_loss,
    case
        when bets.grade = 'pending' or (bets.grade in ('win', 'loss') and not bets.is_locked) then 1
        else 0
    end as is_pending
from {{ ref('int_best_bets_published') }} as bets
inner join calendar on bets.game_date = calendar.game_date
inner join latest
    on
    calendar.season_label = latest.season_label
    and calendar.game_date <= latest.game_date
