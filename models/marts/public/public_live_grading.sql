-- live-grading/{date}.json, the document's root: one row, the live date, with its summary
-- (the win rate with its Wilson 95 % interval);
-- its picks come from the part public_live_grading__picks (a night without picks is
-- published with picks: []). The summary counts the statuses of those very rows, so it
-- always agrees with the picks published beside it (the live view is evaluated once).
-- The live date is the one of int_live_boxscores (var live_date, else the latest date of
-- the live source with a game started, macro live_date); updated_at is the newest live
-- update of that date (data, never the clock), so an unchanged snapshot gives an identical
-- document.
with live as (
    select * from {{ ref('int_live_boxscores') }}
),

picks as (
    select
        date as game_date,
        status as live_status
    from {{ ref('public_live_grading__picks') }}
),

nights as (
    select
        game_date,
        max(updated_at) as updated_at
    from live
    group by game_date
),

summary as (
    select
        game_date,
        count(*) as total,
        sum(case when live_status in ('correct', 'incorrect') then 1 else 0 end) as graded,
        sum(case when live_status = 'pending' then 1 else 0 end) as pending,
        sum(case when live_status = 'correct' then 1 else 0 end) as correct,
        sum(case when live_status = 'incorrect' then 1 else 0 end) as incorrect,
        sum(case when live_status = 'trending_correct' then 1 else 0 end) as trending_correct,
        sum(case when live_status = 'trending_incorrect' then 1 else 0 end) as trending_incorrect,
        sum(case when live_status = 'in_progress' then 1 else 0 end) as in_progress,
        sum(case when live_status = 'push' then 1 else 0 end) as push,
        sum(case when live_status = 'void' then 1 else 0 end) as void
    from picks
    group by game_date
)

select
    nights.game_date as date,
    cast(nights.updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(coalesce(summary.total, 0) as {{ dbt.type_bigint() }}) as summary_total,
    cast(coalesce(summary.graded, 0) as {{ dbt.type_bigint() }}) as summary_graded,
    cast(coalesce(summary.pending, 0) as {{ dbt.type_bigint() }}) as summary_pending,
    cast(coalesce(summary.correct, 0) as {{ dbt.type_bigint() }}) as summary_correct,
    cast(coalesce(summary.incorrect, 0) as {{ dbt.type_bigint() }}) as summary_incorrect,
    cast(coalesce(summary.trending_correct, 0) as {{ dbt.type_bigint() }})
        as summary_trending_correct,
    cast(coalesce(summary.trending_incorrect, 0) as {{ dbt.type_bigint() }})
        as summary_trending_incorrect,
    cast(coalesce(summary.in_progress, 0) as {{ dbt.type_bigint() }}) as summary_in_progress,
    cast(coalesce(summary.push, 0) as {{ dbt.type_bigint() }}) as summary_push,
    cast(coalesce(summary.void, 0) as {{ dbt.type_bigint() }}) as summary_void,
    {{ hit_rate_with_interval('summary.correct', 'summary.incorrect', 'summary_win_rate') }}
from nights
left join summary
    on nights.game_date = summary.game_date
