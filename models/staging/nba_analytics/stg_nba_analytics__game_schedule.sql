-- One row per game the pre-game context lists: its date there, the rows past the feeds'
-- horizon included (stg_nba_analytics__upcoming_player_game_context quarantines them:
-- macro within_horizon). Read only by macro moved_later, to tell that a postponed game is
-- no longer on its old date when the context moved it weeks ahead; a quarantined row
-- never gives a name, a team, a tip-off, a slate or a season.
select
    cast(game_id as {{ dbt.type_string() }}) as game_id,
    min(cast(game_date as date)) as game_date
from {{ source('nba_analytics', 'upcoming_player_game_context') }}
where game_date is not null
group by cast(game_id as {{ dbt.type_string() }})
