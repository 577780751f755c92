{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json. Rows of two kinds per game date:
--   candidate rows: one per candidate (any system) x subset it qualified for (one row
--   with null subset columns when none), with edge, composite, tier and its best-bet
--   outcome (selected + rank, or the first failing filter_reason);
--   count rows: one per best-bet outcome (selected or a filter reason) with its count.
-- Incremental by date.
with filtered as (
    select * from {{ ref('int_best_bets_filtered') }}
    where 1 = 1
    {{- incremental_dates_filter() }}
),

scored as (
    select * from {{ ref('int_candidates_scored') }}
    where 1 = 1
    {{- incremental_dates_filter() }}
),

models as (
    select * from {{ ref('int_models_described') }}
),

subsets as (
    select
        members.player_lookup,
        members.game_id,
        members.system_id,
        definitions.public_id,
        definitions.subset_id,
        members.subset_rank
    from {{ ref('int_subset_members_ranked') }} as members
    inner join {{ ref('subset_definitions') }} as definitions
        on members.subset_id = definitions.subset_id
    where 1 = 1
    {{- incremental_dates_filter('members.game_date') }}
),

candidate_rows as (
    select
        filtered.game_date as date,
        filtered.system_id,
        models.codename as model,
        filtered.player_lookup,
        filtered.game_id,
        scored.player_full_name as player,
        scored.team_abbr as team,
        scored.opponent_team_abbr as opponent,
        filtered.recommendation as direction,
        filtered.points_line as line,
        filtered.predicted_points as prediction,
        scored.confidence_score as confidence,
        filtered.edge,
        filtered.composite_score as composite,
        filtered.edge_tier as tier,
        filtered.is_selected,
        filtered.best_bet_rank,
        filtered.filter_reason,
        subsets.subset_id,
        subsets.public_id as subset_public_id,
        subsets.subset_rank,
        cast(null as {{ dbt.type_string() }}) as count_outcome,
        cast(null as {{ dbt.type_bigint() }}) as count_candidates
    from filtered
    inner join scored
        on filtered.player_lookup = scored.player_lookup
        and filtered.game_id = scored.game_id
        and filtered.system_id = scored.system_id
    left join models on filtered.system_id = models.system_id
    left join subsets
        on filtered.player_lookup = subsets.player_lookup
        and filtered.game_id = subsets.game_id
        and filtered.system_id = subsets.system_id
),

count_rows as (
    select
        game_date as date,
        cast(null as {{ dbt.type_string() }}) as system_id,
        cast(null as {{ dbt.type_string() }}) as model,
        cast(null as {{ dbt.type_string() }}) as player_lookup,
        cast(null as {{ dbt.type_string() }}) as game_id,
        cast(null as {{ dbt.type_string() }}) as player,
        cast(null as {{ dbt.type_string() }}) as team,
        cast(null as {{ dbt.type_string() }}) as opponent,
        cast(null as {{ dbt.type_string() }}) as direction,
        cast(null as {{ type_double() }}) as line,
        cast(null as {{ type_double() }}) as prediction,
        cast(null as {{ type_double() }}) as confidence,
        cast(null as {{ type_double() }}) as edge,
        cast(null as {{ type_double() }}) as composite,
        cast(null as {{ dbt.type_string() }}) as tier,
        cast(null as boolean) as is_selected,
        cast(null as {{ dbt.type_bigint() }}) as best_bet_rank,
        cast(null as {{ dbt.type_string() }}) as filter_reason,
        cast(null as {{ dbt.type_string() }}) as subset_id,
        cast(null as {{ dbt.type_bigint() }}) as subset_public_id,
        cast(null as {{ dbt.type_bigint() }}) as subset_rank,
        coalesce(filter_reason, 'selected') as count_outcome,
        count(*) as count_candidates
    from filtered
    group by game_date, coalesce(filter_reason, 'selected')
),

unioned as (
    select * from candidate_rows
    union all
    select * from count_rows
)

select
    date,
    cast(system_id as {{ dbt.type_string() }}) as system_id,
    cast(model as {{ dbt.type_string() }}) as model,
    cast(player_lookup as {{ dbt.type_string() }}) as player_lookup,
    cast(game_id as {{ dbt.type_string() }}) as game_id,
    cast(player as {{ dbt.type_string() }}) as player,
    cast(team as {{ dbt.type_string() }}) as team,
    cast(opponent as {{ dbt.type_string() }}) as opponent,
    cast(direction as {{ dbt.type_string() }}) as direction,
    cast(line as {{ type_double() }}) as line,
    cast(prediction as {{ type_double() }}) as prediction,
    cast(confidence as {{ type_double() }}) as confidence,
    cast(edge as {{ type_double() }}) as edge,
    cast(composite as {{ type_double() }}) as composite,
    cast(tier as {{ dbt.type_string() }}) as tier,
    is_selected,
    cast(best_bet_rank as {{ dbt.type_bigint() }}) as best_bet_rank,
    cast(filter_reason as {{ dbt.type_string() }}) as filter_reason,
    cast(subset_id as {{ dbt.type_string() }}) as subset_id,
    cast(subset_public_id as {{ dbt.type_bigint() }}) as subset_public_id,
    cast(subset_rank as {{ dbt.type_bigint() }}) as subset_rank,
    cast(count_outcome as {{ dbt.type_string() }}) as count_outcome,
    cast(count_candidates as {{ dbt.type_bigint() }}) as count_candidates
from unioned
