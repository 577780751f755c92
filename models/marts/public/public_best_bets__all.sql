-- best-bets/all.json, the document's root: one row, the season as of the latest game date d
-- up to the current slate (contract §4 Current slate).
-- Records, each with its hit rate and Wilson 95 % interval (season, month, week, last_10 =
-- the ten most recent graded best bets, newest = latest date, then latest tip-off (macro
-- lock_time: the end of the date when the context has none), then rank), current streak
-- (W or L over graded best bets, pushes and voids skipped), totals; a graded best bet
-- counts once its day is locked (is_win, is_loss).
-- Its weeks, days and picks are parts at their own grain (publish declaration, `from:`),
-- built and tested before this model:
-- depends_on: {{ ref('public_best_bets__all_weeks') }}
-- depends_on: {{ ref('public_best_bets__all_days') }}
-- depends_on: {{ ref('public_best_bets__picks') }}
with calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

latest as (
    select * from calendar
    where game_date = {{ latest_public_date() }}
),

season_bets as (
    select * from {{ ref('int_best_bets_season_to_date') }}
),

graded_by_recency as (
    select
        *,
        row_number() over (
            order by
                game_date desc,
                {{ lock_time('game_start_at', 'game_date') }} desc,
                best_bet_rank asc
        ) as recency
    from season_bets
    where is_win = 1 or is_loss = 1
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
    -- the ten most recent graded picks: the record's name (last_10) says how many, so the
    -- number is its definition (contract §3 Windows), not a threshold to tune
    where recency <= 10
)

select
    latest.game_date as date,
    cast(latest.season_label as {{ dbt.type_string() }}) as season,
    cast(totals.season_wins as {{ dbt.type_bigint() }}) as record_season_wins,
    cast(totals.season_losses as {{ dbt.type_bigint() }}) as record_season_losses,
    {{ hit_rate_with_interval('totals.season_wins', 'totals.season_losses', 'record_season_pct') }},
    cast(totals.month_wins as {{ dbt.type_bigint() }}) as record_month_wins,
    cast(totals.month_losses as {{ dbt.type_bigint() }}) as record_month_losses,
    {{ hit_rate_with_interval('totals.month_wins', 'totals.month_losses', 'record_month_pct') }},
    cast(totals.week_wins as {{ dbt.type_bigint() }}) as record_week_wins,
    cast(totals.week_losses as {{ dbt.type_bigint() }}) as record_week_losses,
    {{ hit_rate_with_interval('totals.week_wins', 'totals.week_losses', 'record_week_pct') }},
    cast(last_10.wins as {{ dbt.type_bigint() }}) as record_last_10_wins,
    cast(last_10.losses as {{ dbt.type_bigint() }}) as record_last_10_losses,
    {{ hit_rate_with_interval('last_10.wins', 'last_10.losses', 'record_last_10_pct') }},
    cast(
        case streak.streak_grade when 'win' then 'W' when 'loss' then 'L' end
        as {{ dbt.type_string() }}
    ) as streak_type,
    cast(coalesce(streak.streak_count, 0) as {{ dbt.type_bigint() }}) as streak_count,
    cast(totals.total_picks as {{ dbt.type_bigint() }}) as total_picks,
    cast(totals.season_wins + totals.season_losses as {{ dbt.type_bigint() }}) as graded
from latest
cross join totals
cross join last_10
left join streak on true
