{{ config(bigquery_table_layout('date')) }}
-- best-bets/{date}.json. One row per game date x best bet; a date without best bets
-- (e.g. the champion BLOCKED) is one row with null pick columns (picks: []).
with calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

best_bets as (
    select
        filtered.game_date,
        filtered.best_bet_rank,
        filtered.recommendation,
        filtered.points_line,
        scored.player_full_name,
        scored.team_abbr,
        scored.opponent_team_abbr,
        graded.actual_points,
        graded.grade
    from {{ ref('int_best_bets_filtered') }} as filtered
    inner join {{ ref('int_candidates_scored') }} as scored
        on filtered.player_lookup = scored.player_lookup
        and filtered.game_id = scored.game_id
        and filtered.system_id = scored.system_id
    inner join {{ ref('int_candidates_graded') }} as graded
        on filtered.player_lookup = graded.player_lookup
        and filtered.game_id = graded.game_id
        and filtered.system_id = graded.system_id
    where filtered.is_selected
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
