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
{%- set selected = 'select * from ' ~ ref('int_candidates_selected')
    ~ ' where ' ~ rebuilt_dates() %}
{{ score_candidates(selected) }}
