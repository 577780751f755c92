{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- contract §3 Best bets. One row per candidate (player x game x system) of every date, with
-- either is_selected (and its rank) or the first failing filter_reason:
--   not_production   the system is not production-enabled (registry)
--   not_player_best  another production candidate of the player has a higher edge
--   model_blocked    the champion is BLOCKED going into the day (its health as of the day
--                    before: 7 days ending the day before): no best bets that day
--   edge_floor       edge < best_bets_edge_floor (3)
--   over_edge_floor  OVER with edge < best_bets_over_edge_floor (5)
--   bench_under      UNDER with line < best_bets_bench_under_line_below (12)
--   player_blacklist the player's graded best bets this season before the day: at least
--                    blacklist_min_graded (8) with hit rate < blacklist_hit_rate_below (40)
-- The blacklist counts the player's best bets that passed the edge and line filters
-- (whether or not the model was blocked or he was already blacklisted), so it does not
-- depend on itself and a blacklisted player can earn his way back.
-- Survivors are ranked by edge (composite, then player break ties); no daily cap.
-- Incremental by game_date: the dates rebuilt are computed from their season's
-- candidates (the blacklist reads the season before the day).
with candidates as (
    select
        graded.*,
        coalesce(models.is_production and models.is_enabled, false) as is_eligible
    from {{ ref('int_candidates_graded') }} as graded
    left join {{ ref('int_models_described') }} as models
        on graded.system_id = models.system_id
    where {{ rebuilt_history('graded.game_date') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by game_date, player_lookup
            order by
                case when is_eligible then 0 else 1 end asc,
                edge desc,
                composite_score desc,
                system_id asc
        ) as player_rank,
        -- the edge and line filters, written once: the blacklist's history counts the
        -- candidates they pass, and the first one failed is the candidate's filter_reason
        case
            when edge < {{ var('best_bets_edge_floor') }} then 'edge_floor'
            when recommendation = 'OVER' and edge < {{ var('best_bets_over_edge_floor') }}
                then 'over_edge_floor'
            when recommendation = 'UNDER'
                and points_line < {{ var('best_bets_bench_under_line_below') }}
                then 'bench_under'
        end as line_filter_reason
    from candidates
),

calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

champion_state as (
    select
        game_date,
        state_entering_day as champion_state
    from {{ ref('int_market_signals_daily') }}
    where system_id = {{ champion_system_id() }}
),

shadow_daily as (
    select
        ranked.player_lookup,
        ranked.game_date,
        calendar.season_label,
        case when ranked.grade = 'win' then 1 else 0 end as wins,
        case when ranked.grade = 'loss' then 1 else 0 end as losses
    from ranked
    inner join calendar on ranked.game_date = calendar.game_date
    where ranked.is_eligible and ranked.player_rank = 1 and ranked.line_filter_reason is null
),

shadow_history as (
    select
        player_lookup,
        game_date,
        coalesce(sum(wins) over (
            partition by player_lookup, season_label order by game_date
            rows between unbounded preceding and 1 preceding
        ), 0) as prior_wins,
        coalesce(sum(losses) over (
            partition by player_lookup, season_label order by game_date
            rows between unbounded preceding and 1 preceding
        ), 0) as prior_losses
    from shadow_daily
),

filtered as (
    select
        ranked.*,
        champion_state.champion_state,
        coalesce(shadow_history.prior_wins, 0) as prior_best_bet_wins,
        coalesce(shadow_history.prior_losses, 0) as prior_best_bet_losses,
        case
            when not ranked.is_eligible then 'not_production'
            when ranked.player_rank > 1 then 'not_player_best'
            when champion_state.champion_state = 'BLOCKED' then 'model_blocked'
            when ranked.line_filter_reason is not null then ranked.line_filter_reason
            when coalesce(shadow_history.prior_wins + shadow_history.prior_losses, 0)
                >= {{ var('blacklist_min_graded') }}
                and {{ hit_rate_pct('shadow_history.prior_wins', 'shadow_history.prior_losses') }}
                < {{ var('blacklist_hit_rate_below') }}
                then 'player_blacklist'
        end as filter_reason
    from ranked
    left join champion_state on ranked.game_date = champion_state.game_date
    left join shadow_history
        on ranked.player_lookup = shadow_history.player_lookup
        and ranked.game_date = shadow_history.game_date
),

ordered as (
    select
        *,
        row_number() over (
            partition by game_date, case when filter_reason is null then 0 else 1 end
            order by edge desc, composite_score desc, player_lookup asc
        ) as best_bet_order
    from filtered
)

select
    game_date,
    player_lookup,
    game_id,
    system_id,
    prediction_id,
    player_full_name,
    team_abbr,
    opponent_team_abbr,
    recommendation,
    points_line,
    american_odds,
    predicted_points,
    confidence_score,
    edge,
    composite_score,
    edge_tier,
    is_eligible,
    cast(player_rank as {{ dbt.type_bigint() }}) as player_rank,
    champion_state,
    cast(prior_best_bet_wins as {{ dbt.type_bigint() }}) as prior_best_bet_wins,
    cast(prior_best_bet_losses as {{ dbt.type_bigint() }}) as prior_best_bet_losses,
    filter_reason,
    filter_reason is null as is_selected,
    cast(case when filter_reason is null then best_bet_order end as {{ dbt.type_bigint() }})
        as best_bet_rank
from ordered
where {{ rebuilt_dates() }}
