"""Acceptance of issue #22 (drift): a stat correction 5 days back and one 40 days back, both
older than the incremental lookback (facts_lookback_days), reach the published picks,
best-bets and performance files after the next scheduled runs (after-predictions, then
hourly).

`make demo` on a sample of six weeks (TODAY=2024-12-10, predictions from 2024-10-28) into a
folder of its own; then, in the warehouse, one best bet's player scores differently on each
of the two dates (its hit becomes a miss, or its miss a hit). The expected files are worked out here from the
published files before the correction and the new points alone: every pick of that player
on that date is regraded by the rule (OVER wins above the line, UNDER below), and every
record that counts those picks moves by the same wins and losses. About 2 minutes on 2
shared cores (three dbt builds).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess

import duckdb
import pytest

from pipeline import PROJECT_DIR

TONIGHT = "2024-12-10"
DAYS_BACK = (5, 40)


def make(root, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, DUCKDB_PATH=str(root / "warehouse.duckdb"), DBT_LOG_PATH=str(root / "logs"),
               DBT_TARGET="dev")
    env.pop("DBT_TARGET_PATH", None)
    return subprocess.run(["make", "-s", "--no-print-directory", *args, f"DEST={root / 'public'}",
                           f"ADMIN_DEST={root / 'public-admin'}", f"STATE_DIR={root / 'target'}"],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def site(root) -> dict[str, dict]:
    base = root / "public" / "v1"
    return {p.relative_to(base).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in base.rglob("*.json")
            if "schemas" not in p.parts}


def result(direction: str, line: float, actual: int) -> str:
    if actual == line:
        return "push"
    return "hit" if (actual > line) == (direction == "OVER") else "miss"


def wins_losses(results: list[str]) -> tuple[int, int]:
    return results.count("hit"), results.count("miss")


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrections")
    demo = make(root, "demo", f"TODAY={TONIGHT}")
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    before = site(root)
    last_graded = dt.date.fromisoformat(before["subsets/performance.json"]["as_of"])
    corrections = {}  # date -> (player, new points), the 5-day one first
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        for back in DAYS_BACK:
            # the day `back` days before the last graded one, or the nearest earlier day with a graded best bet
            day, bet = next((d, b) for d in ((last_graded - dt.timedelta(days=back + k)).isoformat() for k in range(7))
                            for b in before.get(f"best-bets/{d}.json", {}).get("picks", []) if b["result"] in ("hit", "miss"))
            lines = {p["line"] for g in before[f"picks/{day}.json"]["groups"] for p in g["picks"]
                     if p["player"] == bet["player"]} | {bet["line"]}
            # the best bet's result flips, at no line of that player that night (no push)
            above = (bet["direction"] == "OVER") != (bet["result"] == "hit")
            points = math.ceil(max(lines)) + 2 if above else math.floor(min(lines)) - 2
            assert points >= 0 and result(bet["direction"], bet["line"], points) not in (bet["result"], "push")
            lookup = con.execute("select distinct player_lookup from nba_analytics.upcoming_player_game_context"
                                 " where player_full_name = ? and game_date = ?", [bet["player"], day]).fetchall()
            assert len(lookup) == 1, (bet, lookup)
            changed = con.execute("update nba_analytics.player_game_summary set points = ? where player_lookup = ?"
                                  " and game_date = ? returning 1", [points, lookup[0][0], day]).fetchall()
            assert changed, (bet, day)
            corrections[day] = (bet["player"], points)
    finally:
        con.close()
    runs = [make(root, "scheduled", f"GROUP={group}", "CLOCK=sample") for group in ("after-predictions", "hourly")]
    for run in runs:
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return before, site(root), corrections


def corrected_picks(document: dict, corrections: dict, day: str, groups: bool) -> list[tuple]:
    player, _ = corrections[day]
    picks = [(g["id"], p) for g in document["groups"] for p in g["picks"]] if groups else \
        [(None, p) for p in document["picks"]]
    return [(group, p) for group, p in picks if p["player"] == player]


@pytest.mark.parametrize("back", DAYS_BACK)
def test_the_days_picks_and_best_bets_carry_the_corrected_points(corrected, back):
    before, after, corrections = corrected
    day = list(corrections)[DAYS_BACK.index(back)]
    _, points = corrections[day]
    for path, groups in ((f"picks/{day}.json", True), (f"best-bets/{day}.json", False)):
        old = corrected_picks(before[path], corrections, day, groups)
        new = corrected_picks(after[path], corrections, day, groups)
        assert old, path
        assert [(g, p["pick_id"], p["line"]) for g, p in new] == [(g, p["pick_id"], p["line"]) for g, p in old]
        assert [(p["actual"], p["result"]) for _, p in new] == \
            [(points, result(p["direction"], p["line"], points)) for _, p in old], path


def test_the_season_records_move_by_the_regraded_picks(corrected):
    before, after, corrections = corrected
    delta: dict[int, list[int]] = {}  # group id -> [wins, losses] to add
    bets = [0, 0]
    for day, (_, points) in corrections.items():
        for group, p in corrected_picks(before[f"picks/{day}.json"], corrections, day, True):
            w0, l0 = wins_losses([p["result"]])
            w1, l1 = wins_losses([result(p["direction"], p["line"], points)])
            delta.setdefault(group, [0, 0])
            delta[group][0] += w1 - w0
            delta[group][1] += l1 - l0
        for _, p in corrected_picks(before[f"best-bets/{day}.json"], corrections, day, False):
            w0, l0 = wins_losses([p["result"]])
            w1, l1 = wins_losses([result(p["direction"], p["line"], points)])
            bets[0] += w1 - w0
            bets[1] += l1 - l0
    assert abs(bets[0]) + abs(bets[1]) >= 4  # each date's best bet flipped: a win and a loss moved per date
    old_groups = {g["id"]: g["stats"] for g in before["subsets/performance.json"]["windows"]["season"]["groups"]}
    new_groups = {g["id"]: g["stats"] for g in after["subsets/performance.json"]["windows"]["season"]["groups"]}
    assert set(new_groups) == set(old_groups)
    for group, stats in old_groups.items():
        dw, dl = delta.get(group, [0, 0])
        assert (new_groups[group]["wins"], new_groups[group]["losses"]) == (stats["wins"] + dw, stats["losses"] + dl), group
    old_season = before["best-bets/all.json"]["record"]["season"]
    new_season = after["best-bets/all.json"]["record"]["season"]
    assert (new_season["wins"], new_season["losses"]) == (old_season["wins"] + bets[0], old_season["losses"] + bets[1])
