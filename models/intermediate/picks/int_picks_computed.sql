{{ config(materialized='view') }}
-- The picks of every day as this run's rules compute them from the candidates fixed at
-- tip-off, in the shape of the record (int_picks_locked): each subset's members within
-- its top_n (list_id = subset_id) and the selected best bets (list_id = 'best_bets').
-- Grain: one row per game_date x list_id x player x game.
{%- set candidate = ['player_lookup', 'game_id', 'system_id', 'prediction_id', 'recommendation',
    'points_line', 'cast(american_odds as ' ~ dbt.type_bigint() ~ ') as american_odds'] %}
select
    game_date,
    cast(subset_id as {{ dbt.type_string() }}) as list_id,
    cast(subset_rank as {{ dbt.type_bigint() }}) as pick_rank,
    {{ candidate | join(', ') }},
    top_n
from {{ ref('int_subset_members_ranked') }}
where top_n is null or subset_rank <= top_n

union all

select
    game_date,
    cast('best_bets' as {{ dbt.type_string() }}) as list_id,
    cast(best_bet_rank as {{ dbt.type_bigint() }}) as pick_rank,
    {{ candidate | join(', ') }},
    cast(null as {{ dbt.type_bigint() }}) as top_n
from {{ ref('int_best_bets_filtered') }}
where is_selected
