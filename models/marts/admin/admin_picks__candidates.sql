{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json, part `candidates`: every candidate of the day (any system) with
-- edge, composite, tier and its best-bet outcome (macro best_bet_outcome: selected + rank
-- when it is a published best bet, else the first failing filter_reason). Incremental by
-- date.
with filtered as (
    select * from {{ ref('int_best_bets_filtered') }}
    where {{ rebuilt_dates() }}
),

published as (
    select * from {{ ref('int_picks_published') }}
    where list_id = 'best_bets' and {{ rebuilt_dates() }}
),

outcomes as (
    select
        filtered.*,
        published.pick_rank as published_rank,
        {{ best_bet_outcome('published.pick_rank', 'filtered.filter_reason') }} as outcome
    from filtered
    left join published
        on filtered.game_date = published.game_date
        and filtered.player_lookup = published.player_lookup
        and filtered.game_id = published.game_id
        and filtered.system_id = published.system_id
)

select
    outcomes.game_date as date,
    outcomes.system_id,
    models.codename as model,
    outcomes.player_lookup,
    outcomes.game_id,
    outcomes.player_full_name as player,
    outcomes.team_abbr as team,
    outcomes.opponent_team_abbr as opponent,
    outcomes.recommendation as direction,
    outcomes.points_line as line,
    outcomes.predicted_points as prediction,
    outcomes.confidence_score as confidence,
    outcomes.edge,
    outcomes.composite_score as composite,
    outcomes.edge_tier as tier,
    outcomes.outcome = 'selected' as is_selected,
    outcomes.published_rank as best_bet_rank,
    cast(
        case when outcomes.outcome != 'selected' then outcomes.outcome end
        as {{ dbt.type_string() }}
    ) as filter_reason
from outcomes
left join {{ ref('int_models_described') }} as models on outcomes.system_id = models.system_id
