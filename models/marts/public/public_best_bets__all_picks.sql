-- best-bets/all.json, parts `today` and `weeks[].days[].picks` (publish declaration of
-- public_best_bets__all): one row per best bet of the season up to the latest game date.
select
    game_date as day_date,
    best_bet_rank as pick_rank,
    cast(player_full_name as {{ dbt.type_string() }}) as player,
    cast(team_abbr as {{ dbt.type_string() }}) as team,
    cast(opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    cast(recommendation as {{ dbt.type_string() }}) as direction,
    cast(points_line as {{ type_double() }}) as line,
    cast(
        case when grade in ('win', 'loss', 'push') then actual_points end
        as {{ dbt.type_bigint() }}
    ) as actual,
    cast({{ public_result('grade') }} as {{ dbt.type_string() }}) as result
from {{ ref('int_best_bets_season_to_date') }}
