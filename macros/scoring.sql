{#- contract §1: confidence_score is 0-1; legacy systems wrote 0-100 (values > 1 are divided by 100). -#}
{% macro normalize_confidence(expr) -%}
    case
        when ({{ expr }}) > {{ var('confidence_percent_above') }}
            then cast({{ expr }} as {{ type_double() }}) / 100
        else cast({{ expr }} as {{ type_double() }})
    end
{%- endmacro %}

{#- contract §3 composite = 10 x edge + 0.5 x confidence (weights are vars), rounded to
    edge_decimals so that mathematically equal scores tie exactly (then player breaks it), as
    an exact decimal (macro round_float: a float's round() settles a half differently on
    DuckDB and BigQuery). -#}
{% macro composite_score(edge, confidence) -%}
    {{ round_float(
        var('composite_edge_weight') ~ ' * ' ~ edge ~ ' + ' ~ var('composite_confidence_weight')
        ~ ' * coalesce(' ~ confidence ~ ', 0)',
        var('edge_decimals'),
    ) }}
{%- endmacro %}

{#- contract §3 edge tiers: high (>= 5), medium (>= 3), low. -#}
{% macro edge_tier(edge) -%}
    case
        when {{ edge }} >= {{ var('edge_tier_high_min') }} then 'high'
        when {{ edge }} >= {{ var('edge_tier_medium_min') }} then 'medium'
        else 'low'
    end
{%- endmacro %}

{#- Deterministic order of candidates inside a ranking: composite score, then player. -#}
{% macro composite_order(prefix='') -%}
    {{ prefix }}composite_score desc, {{ prefix }}player_lookup asc, {{ prefix }}game_id asc
{%- endmacro %}

{#- contract §3 Edge, Composite score, Edge tiers and Payout: `candidates` (a select of the
    columns of int_candidates_selected, one row per player x game x system) with their
    display name, team and opponent, tip-off, edge, signed margin, composite score, edge
    tier and price, as int_candidates_scored documents them; the context and odds read are
    the dates the calling model rebuilds (macro rebuilt_dates). int_candidates_scored scores
    the candidates by the rules as the rows are now; int_candidates_locked, those a build
    that passed saw before the tip-off (macro sightings_decide). -#}
{% macro score_candidates(candidates) -%}
with candidates as (
    {{ candidates | indent(4) }}
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
        {{ round_float(
            'candidates.predicted_points - candidates.points_line', var('edge_decimals')
        ) }} as signed_margin,
        {{ round_float(
            'abs(candidates.predicted_points - candidates.points_line)', var('edge_decimals')
        ) }} as edge
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
{%- endmacro %}
