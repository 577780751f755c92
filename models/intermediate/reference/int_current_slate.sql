-- The current slate (contract §4 Current slate): the first game date after the last day
-- that has locked at the run's clock (its last tip-off passed, contract §3 Lock at tip-off),
-- else, every known day being locked, that last day. Known days: the dates with predictions
-- (int_game_dates_calendared, their lock) and the dates the pre-game context lists without
-- predictions yet (locked at their own last tip-off, so a day the models skipped does not
-- hold the next one back). A day before the last locked one that has not locked (a game
-- given a later tip-off under its old date) moves nothing. The public {date} endpoints show
-- no date after it: a prediction written early for tomorrow (the feeds may run up to var
-- max_days_ahead days ahead) waits until tonight's last game has tipped off, instead of
-- taking latest.json and best-bets/all.json's today from tonight. latest_date: the last date
-- with predictions up to the slate, the date of best-bets/all.json. One row.
with predicted_days as (
    select
        game_date,
        day_locks_at
    from {{ ref('int_game_dates_calendared') }}
),

context_only_games as (
    select distinct
        context.game_date,
        context.game_id
    from {{ ref('stg_nba_analytics__upcoming_player_game_context') }} as context
    left join predicted_days on context.game_date = predicted_days.game_date
    where predicted_days.game_date is null
),

known_days as (
    select
        game_date,
        day_locks_at
    from predicted_days
    union all
    {{ day_lock_times('context_only_games') }}
),

locked as (
    select max(game_date) as locked_through
    from known_days
    where day_locks_at <= {{ run_clock() }}
),

slate as (
    select
        locked.locked_through,
        coalesce(
            min(
                case
                    when
                        locked.locked_through is null
                        or known_days.game_date > locked.locked_through
                        then known_days.game_date
                end
            ),
            locked.locked_through
        ) as slate_date
    from locked
    left join known_days on true
    group by locked.locked_through
)

select
    slate.locked_through,
    slate.slate_date,
    max(predicted_days.game_date) as latest_date
from slate
left join predicted_days on slate.slate_date >= predicted_days.game_date
group by slate.locked_through, slate.slate_date
