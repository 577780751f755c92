-- One row per game x date the pre-game context lists it on, the rows past the feeds'
-- horizon included (stg_nba_analytics__upcoming_player_game_context quarantines them:
-- macro within_horizon). Read only by macro moved_to_another_date, to tell that a game is
-- no longer on the date of its old runs, also when the context moved it weeks ahead; a
-- quarantined row never gives a name, a team, a tip-off, a slate or a season.
select distinct
    cast(game_id as {{ dbt.type_string() }}) as game_id,
    cast(game_date as date) as game_date
from {{ source('nba_analytics', 'upcoming_player_game_context') }}
where game_date is not null
