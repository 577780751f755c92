-- best-bets/all.json: the season of best bets as of the latest game date d. One row per
-- best bet of d's season up to d (a season without any is one row with null pick
-- columns). Top-level columns repeat on every row: records (season, month, week,
-- last_10 = the ten most recent graded best bets, newest = latest date then rank),
-- current streak (W or L over graded best bets, pushes and voids skipped), totals.
-- Weeks (Monday, clamped to the season start) and days carry their own records; day
-- status: pending (no win, no loss), sweep (wins, no loss), miss (losses, no win), split.
-- Only days that have best bets are listed.
with calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

latest as (
    select * from calendar
    where game_date = (select max(all_dates.game_date) from calendar as all_dates)
),

season_bets as (
    select
        bets.game_date,
        bets.best_bet_rank,
        calendar.week_start,
        calendar.month_start,
        bets.recommendation,
        bets.points_line,
        bets.player_full_name,
        bets.team_abbr,
        bets.opponent_team_abbr,
        bets.actual_points,
        bets.grade,
        case when bets.grade = 'win' then 1 else 0 end as is_win,
        case when bets.grade = 'loss' then 1 else 0 end as is_loss,
        case when bets.grade = 'pending' then 1 else 0 end as is_pending
    from {{ ref('int_best_bets_published') }} as bets
    inner join calendar on bets.game_date = calendar.game_date
    inner join latest
        on
        calendar.season_label = latest.season_label
        and calendar.game_date <= latest.game_date
),

graded_by_recency as (
    select
        *,
        row_number() over (order by game_date desc, best_bet_rank asc) as recency
    from season_bets
    where grade in ('win', 'loss')
),

newest as (
    select grade from graded_by_recency
    where recency = 1
),

streak as (
    select
        newest.grade as streak_grade,
        coalesce(
            min(
                case when graded_by_recency.grade != newest.grade then graded_by_recency.recency end
            )
            - 1,
            count(*)
        ) as streak_count
    from graded_by_recency
    cross join newest
    group by newest.grade
),

totals as (
    select
        count(*) as total_picks,
        coalesce(sum(season_bets.is_win), 0) as season_wins,
        coalesce(sum(season_bets.is_loss), 0) as season_losses,
        coalesce(
            sum(case when season_bets.game_date >= latest.month_start then season_bets.is_win end),
            0
        )
            as month_wins,
        coalesce(
            sum(case when season_bets.game_date >= latest.month_start then season_bets.is_loss end),
            0
        )
            as month_losses,
        coalesce(
            sum(case when season_bets.game_date >= latest.week_start then season_bets.is_win end), 0
        )
            as week_wins,
        coalesce(
            sum(case when season_bets.game_date >= latest.week_start then season_bets.is_loss end),
            0
        )
            as week_losses
    from latest
    left join season_bets on true
),

last_10 as (
    select
        coalesce(sum(case when grade = 'win' then 1 else 0 end), 0) as wins,
        coalesce(sum(case when grade = 'loss' then 1 else 0 end), 0) as losses
    from graded_by_recency
    where recency <= 10
),

weeks as (
    select
        week_start,
        sum(is_win) as wins,
        sum(is_loss) as losses,
        sum(is_pending) as pending
    from season_bets
    group by week_start
),

days as (
    select
        game_date,
        sum(is_win) as wins,
        sum(is_loss) as losses,
        sum(is_pending) as pending
    from season_bets
    group by game_date
)

select
    latest.game_date as date,
    cast(latest.season_label as {{ dbt.type_string() }}) as season,
    cast(totals.season_wins as {{ dbt.type_bigint() }}) as record_season_wins,
    cast(totals.season_losses as {{ dbt.type_bigint() }}) as record_season_losses,
    {{ hit_rate_pct('totals.season_wins', 'totals.season_losses') }} as record_season_pct,
    cast(totals.month_wins as {{ dbt.type_bigint() }}) as record_month_wins,
    cast(totals.month_losses as {{ dbt.type_bigint() }}) as record_month_losses,
    {{ hit_rate_pct('totals.month_wins', 'totals.month_losses') }} as record_month_pct,
    cast(totals.week_wins as {{ dbt.type_bigint() }}) as record_week_wins,
    cast(totals.week_losses as {{ dbt.type_bigint() }}) as record_week_losses,
    {{ hit_rate_pct('totals.week_wins', 'totals.week_losses') }} as record_week_pct,
    cast(last_10.wins as {{ dbt.type_bigint() }}) as record_last_10_wins,
    cast(last_10.losses as {{ dbt.type_bigint() }}) as record_last_10_losses,
    {{ hit_rate_pct('last_10.wins', 'last_10.losses') }} as record_last_10_pct,
    cast(
        case streak.streak_grade when 'win' then 'W' when 'loss' then 'L' end
        as {{ dbt.type_string() }}
    ) as streak_type,
    cast(coalesce(streak.streak_count, 0) as {{ dbt.type_bigint() }}) as streak_count,
    cast(totals.total_picks as {{ dbt.type_bigint() }}) as total_picks,
    cast(totals.season_wins + totals.season_losses as {{ dbt.type_bigint() }}) as graded,
    cast(
        case when season_bets.game_date = latest.game_date then season_bets.best_bet_rank end
        as {{ dbt.type_bigint() }}
    ) as today_rank,
    season_bets.week_start,
    cast(weeks.wins as {{ dbt.type_bigint() }}) as week_wins,
    cast(weeks.losses as {{ dbt.type_bigint() }}) as week_losses,
    cast(weeks.pending as {{ dbt.type_bigint() }}) as week_pending,
    {{ hit_rate_pct('weeks.wins', 'weeks.losses') }} as week_pct,
    season_bets.game_date as day_date,
    cast(case
        when days.game_date is null then null
        when days.wins = 0 and days.losses = 0 then 'pending'
        when days.losses = 0 then 'sweep'
        when days.wins = 0 then 'miss'
        else 'split'
    end as {{ dbt.type_string() }}) as day_status,
    cast(days.wins as {{ dbt.type_bigint() }}) as day_wins,
    cast(days.losses as {{ dbt.type_bigint() }}) as day_losses,
    cast(days.pending as {{ dbt.type_bigint() }}) as day_pending,
    season_bets.best_bet_rank as pick_rank,
    cast(season_bets.player_full_name as {{ dbt.type_string() }}) as player,
    cast(season_bets.team_abbr as {{ dbt.type_string() }}) as team,
    cast(season_bets.opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    cast(season_bets.recommendation as {{ dbt.type_string() }}) as direction,
    cast(season_bets.points_line as {{ type_double() }}) as line,
    cast(
        case when season_bets.grade in ('win', 'loss', 'push') then season_bets.actual_points end
        as {{ dbt.type_bigint() }}
    ) as actual,
    cast({{ public_result('season_bets.grade') }} as {{ dbt.type_string() }}) as result
from latest
cross join totals
cross join last_10
left join streak on true
left join season_bets on true
left join weeks on season_bets.week_start = weeks.week_start
left join days on season_bets.game_date = days.game_date
