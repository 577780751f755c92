{{ config(**fact_table_config(cluster_by=['subset_id', 'system_id'])) }}
-- contract §3 Subset membership: the ONLY place subset rules are applied. Both the
-- published picks and every performance figure read this model, so a record always
-- describes the picks users saw.
-- Grain: one row per subset x game_date x candidate that qualifies, with its rank
-- (1 = best composite score; ties broken by player, then game), also those ranked past
-- the subset's top_n: int_picks_computed keeps the first top_n (the picks), admin/picks
-- lists the others as qualified, not published.
-- Computed on every run for the dates rebuilt, from the candidates fixed at tip-off
-- (int_candidates_graded); a locked day's members are those of the record
-- (int_picks_locked, read through int_picks_published).
-- Incremental by game_date: a day's membership reads that day's candidates and signal.
with subsets as (
    select * from {{ ref('subset_definitions') }}
    where is_active
),

candidates as (
    select * from {{ ref('int_candidates_graded') }}
    where {{ rebuilt_dates() }}
),

signals as (
    select * from {{ ref('int_market_signals_daily') }}
    where {{ rebuilt_dates() }}
),

qualified as (
    select
        subsets.subset_id,
        subsets.top_n,
        candidates.*,
        signals.signal,
        signals.pct_over
    from candidates
    inner join subsets
        on candidates.system_id = subsets.system_id
    left join signals
        on candidates.game_date = signals.game_date
        and candidates.system_id = signals.system_id
    where
        (subsets.min_edge is null or candidates.edge >= subsets.min_edge)
        and (
            subsets.min_confidence is null or candidates.confidence_score >= subsets.min_confidence
        )
        and (subsets.direction = 'ANY' or candidates.recommendation = subsets.direction)
        and coalesce(
            case subsets.signal_condition
                when 'ANY' then true
                when 'GREEN_OR_YELLOW' then signals.signal in ('GREEN', 'YELLOW')
                else signals.signal = subsets.signal_condition
            end,
            false
        )
        and (subsets.pct_over_min is null or signals.pct_over >= subsets.pct_over_min)
        and (subsets.pct_over_max is null or signals.pct_over <= subsets.pct_over_max)
),

ranked as (
    select
        *,
        row_number() over (
            partition by subset_id, game_date
            order by {{ composite_order() }}
        ) as subset_rank
    from qualified
)

select
    subset_id,
    game_date,
    player_lookup,
    game_id,
    system_id,
    prediction_id,
    cast(subset_rank as {{ dbt.type_bigint() }}) as subset_rank,
    composite_score,
    edge,
    recommendation,
    points_line,
    american_odds,
    signal,
    pct_over,
    cast(top_n as {{ dbt.type_bigint() }}) as top_n
from ranked
