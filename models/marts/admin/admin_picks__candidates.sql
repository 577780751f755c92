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
    cast(outcomes.system_id as {{ dbt.type_string() }}) as system_id,
    cast(models.codename as {{ dbt.type_string() }}) as model,
    cast(outcomes.player_lookup as {{ dbt.type_string() }}) as player_lookup,
    cast(outcomes.game_id as {{ dbt.type_string() }}) as game_id,
    cast(outcomes.player_full_name as {{ dbt.type_string() }}) as player,
    cast(outcomes.team_abbr as {{ dbt.type_string() }}) as team,
    cast(outcomes.opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    cast(outcomes.recommendation as {{ dbt.type_string() }}) as direction,
    cast(outcomes.points_line as {{ type_double() }}) as line,
    cast(outcomes.predicted_points as {{ type_double() }}) as prediction,
    cast(outcomes.confidence_score as {{ type_double() }}) as confidence,
    cast(outcomes.edge as {{ type_double() }}) as edge,
    cast(outcomes.composite_score as {{ type_double() }}) as composite,
    cast(outcomes.edge_tier as {{ dbt.type_string() }}) as tier,
    outcomes.outcome = 'selected' as is_selected,
    cast(outcomes.published_rank as {{ dbt.type_bigint() }}) as best_bet_rank,
    cast(
        case when outcomes.outcome != 'selected' then outcomes.outcome end
        as {{ dbt.type_string() }}
    ) as filter_reason
from outcomes
left join {{ ref('int_models_described') }} as models on outcomes.system_id = models.system_id
