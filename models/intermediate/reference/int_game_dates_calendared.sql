-- One row per game date with predictions, and per day already locked (macro recorded_days:
-- int_days_locked as it stood when the run began; a locked day stays in the calendar, so in
-- every record and window, when its predictions are deleted or re-run upstream; contract §3
-- Lock at tip-off): its season (label from the season_label macro, opening night from the
-- seasons seed), Monday of its week and 1st of its month, each clamped so that no period
-- reaches back into the previous season; and the moment the day locks (contract §3 Lock at
-- tip-off): the latest lock time of its games, those with predictions and those the pre-game
-- context lists for the date (a night game predicted in a later run than an afternoon game
-- must not find its day locked at the afternoon tip-off) (macro lock_time: the game's tip-off
-- in the pre-game context, macro game_tipoffs, else the end of the game date: also for a game
-- the context lacks, and for a locked day none of whose games is known any more). A game
-- the context has moved to another date (macro moved_to_another_date) no longer counts for
-- its old one.
with predicted_games as (
    select distinct
        runs.game_date,
        runs.game_id
    from {{ ref('stg_nba_predictions__player_prop_predictions') }} as runs
    where not {{ moved_to_another_date('runs.game_id', 'runs.game_date') }}
),

game_dates as (
    select game_date from predicted_games
    union distinct
    {{ recorded_days() }}
),

games as (
    select distinct
        game_date,
        game_id
    from (
        select
            game_date,
            game_id
        from predicted_games
        union all
        select
            context.game_date,
            context.game_id
        from {{ ref('stg_nba_analytics__upcoming_player_game_context') }} as context
        inner join game_dates on context.game_date = game_dates.game_date
    ) as known_games
),

game_locks as (
    {{ day_lock_times('games') }}
),

labelled as (
    select
        game_date,
        {{ season_label('game_date') }} as season_label
    from game_dates
),

seasons as (
    select * from {{ ref('seasons') }}
)

select
    labelled.game_date,
    labelled.season_label,
    seasons.start_date as season_start,
    case
        when
            {{ week_start_monday('labelled.game_date') }} < seasons.start_date
            then seasons.start_date
        else {{ week_start_monday('labelled.game_date') }}
    end as week_start,
    case
        when {{ month_start('labelled.game_date') }} < seasons.start_date then seasons.start_date
        else {{ month_start('labelled.game_date') }}
    end as month_start,
    -- a locked day none of whose games is known any more: locked at the end of its date
    coalesce(game_locks.day_locks_at, {{ lock_time('null', 'labelled.game_date') }}) as day_locks_at
from labelled
left join seasons
    on labelled.season_label = seasons.season_label
left join game_locks
    on labelled.game_date = game_locks.game_date
