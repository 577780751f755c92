-- One row per player x game: the latest live state (newest updated_at) of each player-game;
-- rows sent at the same instant: the most points, then the most minutes (as a number: '10:00'
-- is more than '9:59', which text would order first).
-- game_date is in the window's partition (a game has one date, so the grain is the same)
-- so that a filter on game_date is pushed below the window: the live cycle, which reads
-- one date, scans one partition of the source instead of all of them.
with source as (
    select * from {{ source('nba_raw', 'live_boxscores') }}
    where {{ within_horizon('game_date', days_ahead=0) }}
),

renamed as (
    select
        cast(game_id as {{ dbt.type_string() }}) as game_id,
        cast(game_date as date) as game_date,
        {{ fold_player_lookup('player_lookup') }} as player_lookup,
        cast(points as {{ dbt.type_bigint() }}) as points,
        cast(minutes as {{ dbt.type_string() }}) as minutes_clock,
        lower({{ trim_whitespace('game_status') }}) as game_status,
        cast(period as {{ dbt.type_bigint() }}) as period,
        cast(clock as {{ dbt.type_string() }}) as clock,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from source
),

measured as (
    select
        *,
        {{ clock_to_minutes('minutes_clock') }} as minutes_played
    from renamed
),

ranked as (
    select
        *,
        row_number() over (
            partition by game_date, player_lookup, game_id
            order by
                updated_at desc, points desc,
                minutes_played desc nulls last, minutes_clock asc nulls last
        ) as update_rank
    from measured
)

select
    game_id,
    game_date,
    player_lookup,
    points,
    minutes_clock,
    minutes_played,
    game_status,
    period,
    clock,
    updated_at
from ranked
where update_rank = 1
