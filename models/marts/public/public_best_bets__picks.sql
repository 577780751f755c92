{{ config(bigquery_table_layout('date')) }}
-- The best-bet pick of contract §4, one shape for every file that lists best bets: part `picks`
-- of best-bets/{date}.json and parts `today` and `weeks[].days[].picks` of
-- best-bets/all.json (declared by public_best_bets and public_best_bets__all).
-- Grain: one row per game date x best bet (pick_rank), up to the current slate (contract §4).
select
    game_date as date,
    cast(best_bet_rank as {{ dbt.type_bigint() }}) as pick_rank,
    cast(player_full_name as {{ dbt.type_string() }}) as player,
    cast(team_abbr as {{ dbt.type_string() }}) as team,
    cast(opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    cast(recommendation as {{ dbt.type_string() }}) as direction,
    cast(points_line as {{ type_double() }}) as line,
    cast({{ public_actual('grade', 'actual_points') }} as {{ dbt.type_bigint() }}) as actual,
    cast({{ public_result('grade') }} as {{ dbt.type_string() }}) as result,
    cast(pick_id as {{ dbt.type_string() }}) as pick_id,
    cast(game_start_at as {{ dbt.type_timestamp() }}) as tipoff,
    is_home as home,
    cast(codename as {{ dbt.type_string() }}) as model
from {{ ref('int_best_bets_published') }}
where {{ not_after_current_slate('game_date') }}
