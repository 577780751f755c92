{%- set fix -%}
    a price no book quotes for a player's points at the line a model compared with (a typo
    upstream, e.g. +11000 for +110), which would multiply the pick's payout and every ROI that
    counts it: correct the odds row named (nba_raw.odds_player_points_props: bookmaker,
    snapshot_at, player_lookup, game_id, points_line); a date more than facts_lookback_days
    back then needs dbt build --vars '{rebuild_from: DATE}' (a corrected odds row, unlike a
    prediction, is not logged); the limit is var pick_price_limit
{%- endset %}
{{ config(meta={'fix': fix.split() | join(' ')}) }}
{#- contract §3 Payout (docs/decisions.md "Price"): the book price a candidate pays
    (int_candidates_scored.american_odds, from the odds row named here) lies within
    [-pick_price_limit, +pick_price_limit]. A ladder's far lines may be priced beyond it
    (they are never read); the price at the pick's own line is not. -#}
select
    price_bookmaker as bookmaker,
    price_snapshot_at as snapshot_at,
    player_lookup,
    game_id,
    points_line,
    recommendation,
    american_odds,
    prediction_id
from {{ ref('int_candidates_scored') }}
where
    has_book_price
    and abs(american_odds) > {{ var('pick_price_limit') }}
