"""Small random warehouses for tests: the contract §1 source tables on chosen game dates.

Deterministic for a seed. Each day has two games; the champion (catboost_v9) predicts
8-14 players, a second system (xgboost_v2) some of them, with superseded runs, PASS and
NO_LINE rows, legacy 0-100 confidences, whole-number lines (pushes), players who did
not play (dnp row or no row at all), and odds rows at, above and after the pick's line.
Box scores exist for every date before `today` (the last date is tonight by default).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sample_data.schema import load_tables

TEAMS = ["ATL", "BOS", "CHI", "DAL", "DEN", "LAL", "MIA", "NYK", "PHX", "SAS"]


def _player(i: int) -> tuple[str, str]:
    names = ["Nikola Jokić", "Luka Dončić", "Alperen Şengün", "Kelly Oubre Jr.", "D'Angelo Russell"]
    name = names[i] if i < len(names) else f"Player Number{i}"
    from sample_data.generate import player_lookup

    return name, player_lookup(name)


def build(path: Path, dates: list[str], seed: int, today: str | None = None) -> dict[str, list[dict]]:
    """Write the warehouse to `path`; return the rows written per table."""
    rng = random.Random(seed)
    today = today or max(dates)
    tables: dict[str, list[dict]] = {
        "nba_predictions.player_prop_predictions": [],
        "nba_analytics.upcoming_player_game_context": [],
        "nba_analytics.player_game_summary": [],
        "nba_raw.odds_player_points_props": [],
        "nba_predictions.model_registry": [
            {"system_id": "catboost_v9", "model_family": "catboost", "is_production": True, "is_enabled": True,
             "training_end_date": dt.date(2024, 3, 31), "registered_at": dt.datetime(2024, 4, 1)},
            {"system_id": "xgboost_v2", "model_family": "xgboost", "is_production": True, "is_enabled": True,
             "training_end_date": dt.date(2024, 3, 31), "registered_at": dt.datetime(2024, 4, 1)},
        ],
    }
    pid = 0
    for day_index, day in enumerate(sorted(dates)):
        date = dt.date.fromisoformat(day)
        created = dt.datetime.combine(date, dt.time(17, 0))
        n_players = rng.randint(8, 14)
        # the day's market lean, so that signals vary
        lean = rng.choice([-3.0, -1.0, 0.0, 1.5])
        for k in range(n_players):
            name, lookup = _player((day_index * 3 + k) % 24)
            team, opp = TEAMS[k % 4 + (day_index % 2) * 4], TEAMS[(k + 1) % 4 + (day_index % 2) * 4]
            game_id = f"00224{day_index:03d}{k % 2:02d}"
            tables["nba_analytics.upcoming_player_game_context"].append({
                "player_lookup": lookup, "player_full_name": name, "game_id": game_id, "game_date": date,
                "team_abbr": team, "opponent_team_abbr": opp, "is_home": k % 2 == 0,
                "game_start_at": created + dt.timedelta(hours=7)})
            line = rng.choice([x + 0.5 for x in range(6, 30)] + [10.0, 15.0, 20.0])
            for system in ("catboost_v9", "xgboost_v2"):
                if system == "xgboost_v2" and rng.random() < 0.5:
                    continue
                pred = round(line + lean + rng.uniform(-8, 8), 1)
                rec = "OVER" if pred > line else "UNDER"
                if abs(pred - line) < 0.8:
                    rec = "PASS"
                current_line: float | None = line
                if rng.random() < 0.05:
                    rec, current_line = "NO_LINE", None
                conf = round(rng.uniform(0.5, 0.99), 3)
                if system == "xgboost_v2" and rng.random() < 0.3:
                    conf = round(conf * 100, 1)  # legacy 0-100 scale
                if rng.random() < 0.25:  # an earlier, superseded run
                    pid += 1
                    tables["nba_predictions.player_prop_predictions"].append({
                        "prediction_id": f"r-{pid:05d}", "system_id": system, "player_lookup": lookup,
                        "game_id": game_id, "game_date": date, "predicted_points": round(line + 9, 1),
                        "confidence_score": 0.99, "recommendation": "OVER", "current_points_line": line,
                        "is_active": False, "created_at": created - dt.timedelta(hours=3),
                        "model_training_end_date": dt.date(2024, 3, 31)})
                pid += 1
                tables["nba_predictions.player_prop_predictions"].append({
                    "prediction_id": f"r-{pid:05d}", "system_id": system, "player_lookup": lookup,
                    "game_id": game_id, "game_date": date, "predicted_points": pred, "confidence_score": conf,
                    "recommendation": rec, "current_points_line": current_line, "is_active": True,
                    "created_at": created, "model_training_end_date": dt.date(2024, 3, 31)})
            # odds: the pick's line before the prediction (sometimes), another line, a later snapshot
            if rng.random() < 0.6:
                over = rng.choice([-130, -120, -115, -110, -105, 100, 110, 125])
                tables["nba_raw.odds_player_points_props"].append({
                    "game_date": date, "game_id": game_id, "player_lookup": lookup, "bookmaker": "draftkings",
                    "points_line": line, "over_odds": over, "under_odds": -over if abs(over) != 100 else -120,
                    "snapshot_at": created - dt.timedelta(hours=1)})
            tables["nba_raw.odds_player_points_props"].append({
                "game_date": date, "game_id": game_id, "player_lookup": lookup, "bookmaker": "fanduel",
                "points_line": line + 1, "over_odds": 150, "under_odds": -180,
                "snapshot_at": created - dt.timedelta(hours=2)})
            tables["nba_raw.odds_player_points_props"].append({
                "game_date": date, "game_id": game_id, "player_lookup": lookup, "bookmaker": "betmgm",
                "points_line": line, "over_odds": 300, "under_odds": -400,
                "snapshot_at": created + dt.timedelta(hours=1)})
            if day >= today:
                continue
            roll = rng.random()
            if roll < 0.06:
                continue  # no box-score row at all
            if roll < 0.12:
                tables["nba_analytics.player_game_summary"].append({
                    "player_lookup": lookup, "player_full_name": name, "game_id": game_id, "game_date": date,
                    "team_abbr": team, "opponent_team_abbr": opp, "points": None, "minutes_played": None,
                    "player_status": "dnp"})
                continue
            points = max(0, int(round(line + rng.uniform(-9, 9))))
            tables["nba_analytics.player_game_summary"].append({
                "player_lookup": lookup, "player_full_name": name, "game_id": game_id, "game_date": date,
                "team_abbr": team, "opponent_team_abbr": opp, "points": points,
                "minutes_played": 0 if points == 0 else rng.randint(12, 38), "player_status": "active"})
    load_tables(path, tables)
    return tables


def truncate(rows: dict[str, list[dict]], last_day: str) -> dict[str, list[dict]]:
    """The same source rows without anything dated after `last_day`."""
    cutoff = dt.date.fromisoformat(last_day)
    return {
        table: [r for r in table_rows if "game_date" not in r or r["game_date"] <= cutoff]
        for table, table_rows in rows.items()
    }
