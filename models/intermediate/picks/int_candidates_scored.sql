{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- SPEC §3 Edge, signed margin, composite score and edge tier of every candidate,
-- with the player's display name, team and opponent from the pre-game context.
-- Grain: one row per player x game x system (same as int_candidates_selected).
-- Incremental by game_date; the context of a game carries its date.
with candidates as (
    select * from {{ ref('int_candidates_selected') }}
    where 1 = 1
    {{- incremental_dates_filter() }}
),

context as (
    select * from {{ ref('stg_nba_analytics__upcoming_player_game_context') }}
    where 1 = 1
    {{- incremental_dates_filter() }}
),

measured as (
    select
        candidates.*,
        round(
            candidates.predicted_points - candidates.points_line, {{ var('edge_decimals') }}
        ) as signed_margin,
        round(
            abs(candidates.predicted_points - candidates.points_line), {{ var('edge_decimals') }}
        ) as edge
    from candidates
)

select
    measured.prediction_id,
    measured.system_id,
    measured.player_lookup,
    measured.game_id,
    measured.game_date,
    context.player_full_name,
    context.team_abbr,
    context.opponent_team_abbr,
    measured.predicted_points,
    measured.confidence_score,
    measured.recommendation,
    measured.points_line,
    measured.created_at,
    measured.signed_margin,
    measured.edge,
    {{ composite_score('measured.edge', 'measured.confidence_score') }} as composite_score,
    {{ edge_tier('measured.edge') }} as edge_tier
from measured
left join context
    on measured.player_lookup = context.player_lookup
    and measured.game_id = context.game_id
