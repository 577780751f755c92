{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- contract §3 Edge, signed margin, composite score and edge tier of every candidate,
-- with the player's display name, team and opponent from the pre-game context, the game's
-- tip-off (macro game_tipoffs: the earliest start of its context rows, one time for all its
-- players, the time its candidates were fixed at; null without one), and
-- the price the pick pays (contract §3 Payout):
--   the price of the pick's direction (over_odds for OVER, under_odds for UNDER) at
--   exactly the pick's line, from the newest odds snapshot at or before the prediction's
--   created_at, any book; a null price is no price (that row is skipped); several books
--   at that snapshot: the first bookmaker by name. No such row: var default_american_odds
--   (-110). price_line_role says whether that line is the book's main line in that
--   snapshot (the most balanced one: smallest gap between the over and under implied
--   probabilities; ties: the lower line) or one of its alternate lines.
-- pick_id (macro pick_id): the public id of the player's game, the same in every file.
-- Grain: one row per player x game x system (same as int_candidates_selected).
-- Incremental by game_date; the context and the odds of a game carry its date. A run also
-- rebuilds from the first date whose game moved since its last build (fact_table_config
-- rebuild_moved_games, int_game_moves).
with candidates as (
    select * from {{ ref('int_candidates_selected') }}
    where {{ rebuilt_dates() }}
),

context as (
    select * from {{ ref('stg_nba_analytics__upcoming_player_game_context') }}
    where {{ rebuilt_dates() }}
),

tipoffs as (
    {{ game_tipoffs(where=rebuilt_dates()) | indent(4) }}
),

odds as (
    select
        *,
        row_number() over (
            partition by snapshot_at, bookmaker, player_lookup, game_id
            order by
                abs(
                    {{ implied_probability('over_odds') }}
                    - {{ implied_probability('under_odds') }}
                ) asc nulls last,
                points_line asc
        ) as balance_rank
    from {{ ref('stg_nba_raw__odds_player_points_props') }}
    where {{ rebuilt_dates() }}
),

prices as (
    select
        candidates.player_lookup,
        candidates.game_id,
        candidates.system_id,
        odds.bookmaker,
        odds.snapshot_at,
        case when odds.balance_rank = 1 then 'main' else 'alternate' end as line_role,
        case
            when candidates.recommendation = 'OVER' then odds.over_odds
            else odds.under_odds
        end as american_odds,
        row_number() over (
            partition by candidates.player_lookup, candidates.game_id, candidates.system_id
            order by odds.snapshot_at desc, odds.bookmaker asc
        ) as price_rank
    from candidates
    inner join odds
        on candidates.player_lookup = odds.player_lookup
        and candidates.game_id = odds.game_id
        and candidates.points_line = odds.points_line
        and candidates.created_at >= odds.snapshot_at
    where
        case
            when candidates.recommendation = 'OVER' then odds.over_odds
            else odds.under_odds
        end is not null
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
    {{ pick_id('measured.game_id', 'measured.player_lookup') }} as pick_id,
    context.player_full_name,
    context.team_abbr,
    context.opponent_team_abbr,
    context.is_home,
    tipoffs.game_start_at,
    measured.locks_at,
    measured.predicted_points,
    measured.confidence_score,
    measured.recommendation,
    measured.points_line,
    measured.created_at,
    measured.signed_margin,
    measured.edge,
    {{ composite_score('measured.edge', 'measured.confidence_score') }} as composite_score,
    {{ edge_tier('measured.edge') }} as edge_tier,
    cast(
        coalesce(prices.american_odds, {{ var('default_american_odds') }})
        as {{ dbt.type_bigint() }}
    ) as american_odds,
    prices.american_odds is not null as has_book_price,
    prices.bookmaker as price_bookmaker,
    prices.snapshot_at as price_snapshot_at,
    prices.line_role as price_line_role
from measured
left join context
    on measured.player_lookup = context.player_lookup
    and measured.game_id = context.game_id
left join tipoffs
    on measured.game_id = tipoffs.game_id
left join prices
    on measured.player_lookup = prices.player_lookup
    and measured.game_id = prices.game_id
    and measured.system_id = prices.system_id
    and prices.price_rank = 1
