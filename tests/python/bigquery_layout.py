"""The BigQuery layout the contract asks of the big tables (§1: partitioned by date, clustered), declared once for
the offline compile checks (test_bigquery_compile.py) and the emulator's DDL checks (test_bigquery_emulator.py):
model -> (partition column, cluster columns)."""

from __future__ import annotations

# the incremental tables, rebuilt by date (the daily cycle: bench/RESULTS.md "Scale")
FACT_TABLES: dict[str, tuple[str, list[str] | None]] = {
    "int_subset_results_daily": ("game_date", ["subset_id"]),
    "stg_nba_predictions__player_prop_predictions": ("game_date", ["system_id", "player_lookup"]),
    "stg_nba_predictions__pick_signal_tags": ("game_date", ["system_id", "signal_tag"]),
    "int_candidates_selected": ("game_date", ["system_id", "player_lookup"]),
    "int_candidates_scored": ("game_date", ["system_id", "player_lookup"]),
    "int_candidates_graded": ("game_date", ["system_id", "player_lookup"]),
    "int_market_signals_daily": ("game_date", ["system_id"]),
    "int_subset_members_ranked": ("game_date", ["subset_id", "system_id"]),
    "int_best_bets_filtered": ("game_date", ["system_id", "player_lookup"]),
    "int_model_health_daily": ("game_date", ["system_id"]),
    "int_signal_health_daily": ("game_date", ["signal_tag"]),
    "int_market_regime_daily": ("game_date", None),
    "int_subset_performance_windows": ("as_of_date", ["subset_id", "window_name"]),
    "int_edge_tier_performance_windows": ("as_of_date", ["edge_tier"]),
    "int_subset_performance_by_signal": ("as_of_date", ["subset_id", "signal"]),
    "admin_picks": ("date", None),  # the day root of admin/picks/{date}.json; its parts:
    "admin_picks__candidates": ("date", ["system_id"]),
    "admin_picks__candidate_subsets": ("date", ["system_id"]),
    "admin_picks__filter_counts": ("date", None),
    "admin_predictions": ("date", ["system_id"]),
    # the append-only record of the lock at tip-off (contract §3): an insert-only MERGE, never rewritten
    "int_candidates_locked": ("game_date", ["system_id", "player_lookup"]),
    "int_games_locked": ("game_date", ["game_id"]),
    "int_picks_locked": ("game_date", ["list_id"]),
    "int_groups_locked": ("game_date", ["subset_id"]),
    "int_days_locked": ("game_date", ["system_id"]),
    # the append-only logs of game moves and of the prediction feed's dates, insert-only like the record
    "int_game_moves": ("game_date", ["game_id"]),
    "stg_nba_predictions__date_changes": ("game_date", None),
    # the published picks, incremental by date
    "int_picks_published": ("game_date", ["list_id"]),
}
APPEND_ONLY = ("int_candidates_locked", "int_games_locked", "int_picks_locked", "int_groups_locked",
               "int_days_locked", "int_game_moves", "stg_nba_predictions__date_changes")
# the public marts, whole tables partitioned and clustered like the facts
PUBLISHED_TABLES: dict[str, tuple[str, list[str] | None]] = {
    "public_picks": ("date", ["group_id"]),  # the group root of picks/{date}.json; its part:
    "public_picks__picks": ("date", ["group_id"]),
    "public_signals": ("date", None),
    "public_best_bets": ("date", None),
    "public_best_bets__picks": ("date", None),
    "public_subsets__performance": ("as_of", ["window_name", "group_id"]),
}
LAYOUT = {**FACT_TABLES, **PUBLISHED_TABLES}
