{{ config(materialized='view') }}
-- The picks of every day as this run's rules compute them from the candidates fixed at
-- tip-off, in the shape of the record (int_picks_locked): each subset's members
-- (list_id = subset_id) and the selected best bets (list_id = 'best_bets').
-- Grain: one row per game_date x list_id x player x game.
select
    game_date,
    cast(subset_id as {{ dbt.type_string() }}) as list_id,
    subset_rank as pick_rank,
    player_lookup,
    game_id,
    system_id,
    prediction_id,
    recommendation,
    points_line,
    american_odds,
    top_n
from {{ ref('int_subset_members_ranked') }}

union all

select
    game_date,
    'best_bets' as list_id,
    best_bet_rank as pick_rank,
    player_lookup,
    game_id,
    system_id,
    prediction_id,
    recommendation,
    points_line,
    american_odds,
    cast(null as {{ dbt.type_bigint() }}) as top_n
from {{ ref('int_best_bets_filtered') }}
where is_selected
