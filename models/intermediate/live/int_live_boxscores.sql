-- The live box scores of the live date only (macro live_date(): var live_date, else the
-- latest game_date of the live source, as a constant), so a live cycle reads one date.
-- Grain: one row per player x game of that date (the newest state, see staging).
-- Adds the GAME's state, read from all its rows: the most advanced status (final >
-- in_progress > scheduled; a player row lagging behind never holds the game back), the
-- highest period, the clock of the newest row, the newest update. Rows of one game sent at the
-- same instant: the highest period, then the least time left on the clock, as a number ('9:59'
-- is later than '10:00', which text would order first).
with live as (
    select * from {{ ref('stg_nba_raw__live_boxscores') }}
    where game_date = {{ live_date() }}
),

measured as (
    select
        *,
        case game_status when 'final' then 2 when 'in_progress' then 1 else 0 end as status_order,
        row_number() over (
            partition by game_id
            order by
                updated_at desc, period desc,
                {{ clock_to_minutes('clock') }} asc nulls last, clock asc nulls last,
                player_lookup asc
        ) as newest_in_game
    from live
),

games as (
    select
        game_id,
        max(status_order) as game_status_order,
        max(period) as game_period,
        max(case when newest_in_game = 1 then clock end) as game_clock,
        max(updated_at) as game_updated_at
    from measured
    group by game_id
)

select
    measured.game_date,
    measured.game_id,
    measured.player_lookup,
    measured.points,
    measured.minutes_clock,
    measured.minutes_played,
    measured.game_status as player_game_status,
    measured.updated_at,
    case games.game_status_order
        when 2 then 'final'
        when 1 then 'in_progress'
        else 'scheduled'
    end as game_status,
    games.game_period,
    games.game_clock,
    games.game_updated_at
from measured
inner join games
    on measured.game_id = games.game_id
