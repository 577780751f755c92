{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- SPEC §3 Candidates. One row per player x game x system: the latest active
-- prediction (newest created_at among is_active rows; prediction_id breaks exact
-- ties), kept only when it recommends OVER or UNDER and has a valid line.
-- PASS, NO_LINE, superseded runs and invalid lines never become candidates.
-- Incremental by game_date (a game, so every run of it, has one date).
with predictions as (
    select * from {{ ref('stg_nba_predictions__player_prop_predictions') }}
    where is_active and {{ rebuilt_dates() }}
),

latest as (
    select
        *,
        row_number() over (
            partition by player_lookup, game_id, system_id
            order by created_at desc, prediction_id desc
        ) as run_rank
    from predictions
)

select
    prediction_id,
    system_id,
    player_lookup,
    game_id,
    game_date,
    predicted_points,
    confidence_score,
    recommendation,
    points_line,
    created_at
from latest
where
    run_rank = 1
    and recommendation in ('OVER', 'UNDER')
    and points_line > {{ var('line_min_exclusive') }}
    and points_line <= {{ var('line_max') }}
