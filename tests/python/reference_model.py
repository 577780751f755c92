"""An independent, pure-Python reading of contract §3 (candidates, signals, subsets, grading,
payout, windows), written from the spec without looking at the SQL. Tests compare what
the pipeline publishes with what this computes from the same source tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import unicodedata
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
CHAMPION = "catboost_v9"


def r1(x: float | None, digits: int = 1) -> float | None:
    """Round half away from zero on the decimal text, like the published numbers."""
    if x is None:
        return None
    q = Decimal(1).scaleb(-digits)
    d = Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)
    return float(d) + 0.0


SPECIAL = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


def fold(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.lower().translate(SPECIAL))
    return "".join(ch for ch in s if not unicodedata.combining(ch) and (ch.isascii() and ch.isalnum()))


def wilson(wins: int, n: int, z: float = 1.959963984540054) -> tuple[float | None, float | None]:
    if n == 0:
        return None, None
    p = wins / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return r1(max(0.0, 100 * (centre - half))), r1(min(100.0, 100 * (centre + half)))


def payout(odds: int) -> float:
    return 100 / abs(odds) if odds < 0 else odds / 100


def season_label(d: dt.date) -> str:
    y = d.year if d.month >= 10 else d.year - 1
    return f"{y}-{str(y + 1)[2:]}"


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Reference:
    def __init__(self, warehouse: Path | None = None, con: duckdb.DuckDBPyConnection | None = None):
        """Read the source tables of a warehouse file, or of an open connection."""
        own = con is None
        if con is None:
            con = duckdb.connect(str(warehouse), read_only=True)

        def rows(sql: str) -> list[dict]:
            cur = con.execute(sql)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

        self.predictions = rows("select * from nba_predictions.player_prop_predictions")
        # contract §3 Lock at tip-off: a game's tip-off from the context, the same for all its players (the
        # earliest start any of its rows gives), the end of its date without one
        self.tipoff: dict[str, dt.datetime] = {}
        for r in rows("select * from nba_analytics.upcoming_player_game_context"):
            if r["game_start_at"] is not None:
                known = self.tipoff.get(r["game_id"])
                self.tipoff[r["game_id"]] = r["game_start_at"] if known is None else min(known, r["game_start_at"])
        self.box = rows("select * from nba_analytics.player_game_summary")
        self.odds = rows("select * from nba_raw.odds_player_points_props")
        if own:
            con.close()
        self.subsets = [s for s in read_csv(ROOT / "seeds" / "subset_definitions.csv") if s["is_active"] == "true"]
        self.seasons = {s["season_label"]: dt.date.fromisoformat(s["start_date"])
                        for s in read_csv(ROOT / "seeds" / "seasons.csv")}
        self._candidates()
        self._signals()
        self._grade()
        self._members()

    def _candidates(self) -> None:
        latest: dict[tuple, dict] = {}
        def order(p: dict) -> tuple:  # among the rows created before tip-off: active first, then the newest
            return bool(p["is_active"]), p["created_at"], p["prediction_id"]

        for p in self.predictions:
            key = (fold(p["player_lookup"]), p["game_id"], p["system_id"])
            tipoff = self.tipoff.get(p["game_id"]) or dt.datetime.combine(p["game_date"] + dt.timedelta(days=1), dt.time())
            if p["created_at"] >= tipoff:
                continue  # late: never a candidate
            best = latest.get(key)
            if best is None or order(p) > order(best):
                latest[key] = p
        self.candidates = []
        for (player, game, system), p in latest.items():
            line = None if p["current_points_line"] is None else float(p["current_points_line"])
            if p["recommendation"] not in ("OVER", "UNDER") or line is None or not (0 < line <= 80):
                continue
            conf = float(p["confidence_score"])
            conf = conf / 100 if conf > 1 else conf
            pred = float(p["predicted_points"])
            edge = round(abs(pred - line), 6)
            self.candidates.append({
                "player": player, "game_id": game, "system": system, "date": p["game_date"],
                "direction": p["recommendation"], "line": line, "pred": pred, "conf": conf, "edge": edge,
                "composite": round(10 * edge + 0.5 * conf, 6), "created_at": p["created_at"]})

    def _signals(self) -> None:
        by_day: dict[tuple, list[dict]] = defaultdict(list)
        for c in self.candidates:
            by_day[(c["date"], c["system"])].append(c)
        self.signal: dict[tuple, tuple] = {}
        for key, cs in by_day.items():
            n = len(cs)
            if n < 10:
                self.signal[key] = (None, None)
                continue
            pct = r1(100 * sum(c["direction"] == "OVER" for c in cs) / n)
            high = sum(c["edge"] >= 5 for c in cs)
            colour = "RED" if pct < 25 else "YELLOW" if high < 3 or pct > 45 else "GREEN"
            self.signal[key] = (colour, pct)

    def _grade(self) -> None:
        box = {(fold(b["player_lookup"]), b["game_id"]): b for b in self.box}
        last_loaded = max((b["game_date"] for b in self.box), default=None)
        for c in self.candidates:
            b = box.get((c["player"], c["game_id"]))
            if b is None:
                grade = "void" if last_loaded is not None and last_loaded > c["date"] else "pending"
            elif b["player_status"] in ("dnp", "inactive"):
                grade = "void"
            elif b["minutes_played"] in (None, 0) and b["points"] == 0:
                grade = "void"
            elif b["points"] is None:
                grade = "pending"
            elif b["points"] == c["line"]:
                grade = "push"
            elif (c["direction"] == "OVER") == (b["points"] > c["line"]):
                grade = "win"
            else:
                grade = "loss"
            prices = [o for o in self.odds
                      if fold(o["player_lookup"]) == c["player"] and o["game_id"] == c["game_id"]
                      and float(o["points_line"]) == c["line"] and o["snapshot_at"] <= c["created_at"]]
            prices.sort(key=lambda o: (-o["snapshot_at"].timestamp(), o["bookmaker"]))
            odds = -110
            if prices:
                odds = prices[0]["over_odds"] if c["direction"] == "OVER" else prices[0]["under_odds"]
            c["grade"] = grade
            c["profit"] = payout(odds) if grade == "win" else -1.0 if grade == "loss" else 0.0

    def _members(self) -> None:
        self.members: dict[tuple, list[dict]] = {}
        dates = sorted({c["date"] for c in self.candidates})
        for s in self.subsets:
            for d in dates:
                colour, pct = self.signal.get((d, s["system_id"]), (None, None))
                keep = []
                for c in self.candidates:
                    if c["date"] != d or c["system"] != s["system_id"]:
                        continue
                    if s["min_edge"] and c["edge"] < float(s["min_edge"]):
                        continue
                    if s["min_confidence"] and c["conf"] < float(s["min_confidence"]):
                        continue
                    if s["direction"] != "ANY" and c["direction"] != s["direction"]:
                        continue
                    cond = s["signal_condition"]
                    if cond != "ANY" and not (colour in ("GREEN", "YELLOW") if cond == "GREEN_OR_YELLOW" else colour == cond):
                        continue
                    if s["pct_over_min"] and (pct is None or pct < float(s["pct_over_min"])):
                        continue
                    if s["pct_over_max"] and (pct is None or pct > float(s["pct_over_max"])):
                        continue
                    keep.append(c)
                keep.sort(key=lambda c: (-c["composite"], c["player"], c["game_id"]))
                if s["top_n"]:
                    keep = keep[: int(s["top_n"])]
                self.members[(s["public_id"], d)] = keep

    def stats(self, public_id: str, start: dt.date, end: dt.date) -> dict:
        picks = [c for (pid, d), cs in self.members.items() if pid == public_id and start <= d <= end for c in cs]
        wins = sum(c["grade"] == "win" for c in picks)
        losses = sum(c["grade"] == "loss" for c in picks)
        n = wins + losses
        low, high = wilson(wins, n)
        profit = sum(c["profit"] for c in picks)
        return {"picks": n, "wins": wins, "losses": losses,
                "hit_rate": r1(100 * wins / n) if n else None, "hit_rate_low": low, "hit_rate_high": high,
                "roi": r1(100 * profit / n) if n else None}

    def season_start(self, d: dt.date) -> dt.date:
        return self.seasons[season_label(d)]

    def windows(self, as_of: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
        start = self.season_start(as_of)
        return {
            "last_7_days": (max(start, as_of - dt.timedelta(days=6)), as_of),
            "last_30_days": (max(start, as_of - dt.timedelta(days=29)), as_of),
            "season": (start, as_of),
        }

    def performance(self, as_of: dt.date) -> dict:
        """The windows part of subsets/performance.json as of a date."""
        names = {s["public_id"]: s["public_name"] for s in self.subsets}
        out = {}
        for window, (start, end) in self.windows(as_of).items():
            out[window] = {
                "start_date": start.isoformat(), "end_date": end.isoformat(),
                "groups": [{"id": int(pid), "name": names[pid], "stats": self.stats(pid, start, end)}
                           for pid in sorted(names, key=int)],
            }
        return out

    def record(self, public_id: str, d: dt.date) -> dict:
        """The `record` of a group in picks/{d}.json."""
        start = self.season_start(d)
        month = max(start, d.replace(day=1))
        week = max(start, d - dt.timedelta(days=d.weekday()))

        def rec(first: dt.date) -> dict:
            s = self.stats(public_id, first, d)
            return {"wins": s["wins"], "losses": s["losses"], "pct": s["hit_rate"], "pct_low": s["hit_rate_low"],
                    "pct_high": s["hit_rate_high"]}

        return {"season": rec(start), "month": rec(month), "week": rec(week)}
