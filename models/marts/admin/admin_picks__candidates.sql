{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json, part `candidates`: every candidate of the day (any system) with
-- edge, composite, tier and its best-bet outcome (selected + rank, or the first failing
-- filter_reason). Incremental by date.
with filtered as (
    select * from {{ ref('int_best_bets_filtered') }}
    where {{ rebuilt_dates() }}
)

select
    filtered.game_date as date,
    cast(filtered.system_id as {{ dbt.type_string() }}) as system_id,
    cast(models.codename as {{ dbt.type_string() }}) as model,
    cast(filtered.player_lookup as {{ dbt.type_string() }}) as player_lookup,
    cast(filtered.game_id as {{ dbt.type_string() }}) as game_id,
    cast(filtered.player_full_name as {{ dbt.type_string() }}) as player,
    cast(filtered.team_abbr as {{ dbt.type_string() }}) as team,
    cast(filtered.opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    cast(filtered.recommendation as {{ dbt.type_string() }}) as direction,
    cast(filtered.points_line as {{ type_double() }}) as line,
    cast(filtered.predicted_points as {{ type_double() }}) as prediction,
    cast(filtered.confidence_score as {{ type_double() }}) as confidence,
    cast(filtered.edge as {{ type_double() }}) as edge,
    cast(filtered.composite_score as {{ type_double() }}) as composite,
    cast(filtered.edge_tier as {{ dbt.type_string() }}) as tier,
    filtered.is_selected,
    cast(filtered.best_bet_rank as {{ dbt.type_bigint() }}) as best_bet_rank,
    cast(filtered.filter_reason as {{ dbt.type_string() }}) as filter_reason
from filtered
left join {{ ref('int_models_described') }} as models on filtered.system_id = models.system_id
