{{ config(bigquery_table_layout('date')) }}
-- best-bets/{date}.json. One row per game date x best bet; a date without best bets
-- (e.g. the champion BLOCKED) is one row with null pick columns (picks: []).
with calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

best_bets as (
    select * from {{ ref('int_best_bets_published') }}
)

select
    calendar.game_date as date,
    cast(calendar.season_label as {{ dbt.type_string() }}) as season,
    best_bets.best_bet_rank as pick_rank,
    cast(best_bets.player_full_name as {{ dbt.type_string() }}) as player,
    cast(best_bets.team_abbr as {{ dbt.type_string() }}) as team,
    cast(best_bets.opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    cast(best_bets.recommendation as {{ dbt.type_string() }}) as direction,
    cast(best_bets.points_line as {{ type_double() }}) as line,
    cast(
        case when best_bets.grade in ('win', 'loss', 'push') then best_bets.actual_points end
        as {{ dbt.type_bigint() }}
    ) as actual,
    cast({{ public_result('best_bets.grade') }} as {{ dbt.type_string() }}) as result
from calendar
left join best_bets on calendar.game_date = best_bets.game_date
