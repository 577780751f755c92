"""The morning after `make demo`: issue #18's acceptance (tonight's final box scores land and
the morning's `make scheduled GROUP=after-predictions DEST=...`, source freshness judged at
the sample's next-morning clock on its calendar, leaves no pending result in that night's
picks and best-bets files) and issue #22's (a stat correction 5 days back and one 40 days
back, both older than the incremental lookback, reach the published picks, best-bets and
performance files after the next scheduled runs).

`make demo` itself on a sample of six weeks (TODAY=2024-12-10; predictions from 2024-10-28;
the demo's clock is the sample's, tonight's first games in progress), into a folder of its own
(DUCKDB_PATH, STATE_DIR, DEST). Overnight, tonight's finals (sample_replay.final_boxscores)
land as box scores with `python -m sample_data.live_replay --box-scores`, which prints the
morning run's clock, and on each of the two past dates one best bet's player is corrected
so that the best bet's result flips. Then the morning's scheduled runs: after-predictions
(picks, best bets) and hourly (performance). The expected files are worked out here from
the files before and the new points alone (OVER wins above the line, UNDER below), plus
tonight's results as that night's files give them. About 2 minutes on 2 quiet cores
(three dbt builds).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys

import duckdb
import pytest

from pipeline import PROJECT_DIR, make_dbt
from sample_data.rehearsal import pending_paths

TONIGHT = "2024-12-10"
DAYS_BACK = (5, 40)


def make(root, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, DUCKDB_PATH=str(root / "warehouse.duckdb"), DBT_LOG_PATH=str(root / "logs"),
               DBT_TARGET="dev")
    env.pop("DBT_TARGET_PATH", None)
    return subprocess.run(["make", "-s", "--no-print-directory", *args, f"DEST={root / 'public'}",
                           f"ADMIN_DEST={root / 'public-admin'}", f"STATE_DIR={root / 'target'}", make_dbt()],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def site(root) -> dict[str, dict]:
    base = root / "public" / "v1"
    return {p.relative_to(base).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in base.rglob("*.json")
            if "schemas" not in p.parts}


def result(direction: str, line: float, actual: int) -> str:
    if actual == line:
        return "push"
    return "hit" if (actual > line) == (direction == "OVER") else "miss"


def wins_losses(results: list[str]) -> list[int]:
    return [results.count("hit"), results.count("miss")]


def correct_one_best_bet(con, before: dict, day: str) -> tuple[str, str, int]:
    """On ``day`` or the nearest earlier day with a graded best bet: that best bet's player
    scores so that its result flips, at no line of that player that night (no push). Returns
    (the day, the player, the new points)."""
    start = dt.date.fromisoformat(day)
    day, bet = next((d, b) for d in ((start - dt.timedelta(days=k)).isoformat() for k in range(7))
                    for b in before.get(f"best-bets/{d}.json", {}).get("picks", []) if b["result"] in ("hit", "miss"))
    lines = {p["line"] for g in before[f"picks/{day}.json"]["groups"] for p in g["picks"]
             if p["player"] == bet["player"]} | {bet["line"]}
    above = (bet["direction"] == "OVER") != (bet["result"] == "hit")
    points = math.ceil(max(lines)) + 2 if above else math.floor(min(lines)) - 2
    assert points >= 0 and result(bet["direction"], bet["line"], points) not in (bet["result"], "push")
    lookup = con.execute("select distinct player_lookup from nba_analytics.upcoming_player_game_context"
                         " where player_full_name = ? and game_date = ?", [bet["player"], day]).fetchall()
    assert len(lookup) == 1, (bet, lookup)
    changed = con.execute("update nba_analytics.player_game_summary set points = ? where player_lookup = ?"
                          " and game_date = ? returning 1", [points, lookup[0][0], day]).fetchall()
    assert changed, (bet, day)
    return day, bet["player"], points


@pytest.fixture(scope="module")
def morning(tmp_path_factory):
    root = tmp_path_factory.mktemp("next_morning")
    demo = make(root, "demo", f"TODAY={TONIGHT}")
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    before = site(root)
    landed = subprocess.run([sys.executable, "-m", "sample_data.live_replay", "--warehouse",
                             str(root / "warehouse.duckdb"), "--box-scores"], capture_output=True, text=True)
    assert landed.returncode == 0, landed.stderr
    clock = re.search(r"CLOCK='([^']+)'", landed.stdout).group(1)
    last_graded = dt.date.fromisoformat(before["subsets/performance.json"]["as_of"])
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        corrections = [correct_one_best_bet(con, before, (last_graded - dt.timedelta(days=back)).isoformat())
                       for back in DAYS_BACK]
    finally:
        con.close()
    runs = {group: make(root, "scheduled", f"GROUP={group}", f"CLOCK={clock}") for group in ("after-predictions", "hourly")}
    return root, before, clock, runs, corrections, site(root)


def test_tonight_was_pending_after_the_demo(morning):
    _, before, clock, _, _, _ = morning
    assert clock == "2024-12-11 11:00:00"
    assert list(pending_paths(before[f"picks/{TONIGHT}.json"])) and list(pending_paths(before[f"best-bets/{TONIGHT}.json"]))


def test_the_morning_runs_pass_freshness_and_publish(morning):
    root, _, _, runs, _, _ = morning
    for group, run in runs.items():
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-3000:]
        assert "ERROR STALE" not in run.stdout
        assert (root / "target" / group / "sources.json").is_file()  # its freshness, in its run state


def test_no_pending_result_in_that_nights_picks_and_best_bets(morning):
    after = morning[5]
    picks, best_bets = after[f"picks/{TONIGHT}.json"], after[f"best-bets/{TONIGHT}.json"]
    assert list(pending_paths(picks)) == [] and list(pending_paths(best_bets)) == []
    results = [p["result"] for g in picks["groups"] for p in g["picks"]] + [p["result"] for p in best_bets["picks"]]
    assert best_bets["picks"] and set(results) <= {"hit", "miss", "push", "void"}


def picks_of(document: dict, player: str) -> list[tuple]:
    """(group id, pick) of a player in a picks file (group None in a best-bets file)."""
    picks = [(g["id"], p) for g in document["groups"] for p in g["picks"]] if "groups" in document else \
        [(None, p) for p in document["picks"]]
    return [(group, p) for group, p in picks if p["player"] == player]


@pytest.mark.parametrize("back", DAYS_BACK)
def test_a_corrected_days_picks_and_best_bets_carry_the_new_points(morning, back):
    _, before, _, _, corrections, after = morning
    day, player, points = corrections[DAYS_BACK.index(back)]
    assert (dt.date.fromisoformat(TONIGHT) - dt.date.fromisoformat(day)).days > back  # older than any lookback
    for path in (f"picks/{day}.json", f"best-bets/{day}.json"):
        old, new = picks_of(before[path], player), picks_of(after[path], player)
        assert old, path
        assert [(g, p["pick_id"], p["line"]) for g, p in new] == [(g, p["pick_id"], p["line"]) for g, p in old]
        assert [(p["actual"], p["result"]) for _, p in new] == \
            [(points, result(p["direction"], p["line"], points)) for _, p in old], path


def test_the_season_records_count_the_regraded_picks_and_tonights(morning):
    _, before, _, _, corrections, after = morning
    groups: dict[int, list[int]] = {}  # group id -> [wins, losses] to add
    bets = [0, 0]
    for day, player, points in corrections:
        for path, delta in ((f"picks/{day}.json", None), (f"best-bets/{day}.json", bets)):
            for group, p in picks_of(before[path], player):
                old, new = wins_losses([p["result"]]), wins_losses([result(p["direction"], p["line"], points)])
                target = delta if delta is not None else groups.setdefault(group, [0, 0])
                target[0] += new[0] - old[0]
                target[1] += new[1] - old[1]
    for group in after[f"picks/{TONIGHT}.json"]["groups"]:  # tonight, graded this morning
        tonight = wins_losses([p["result"] for p in group["picks"]])
        groups.setdefault(group["id"], [0, 0])
        groups[group["id"]] = [groups[group["id"]][0] + tonight[0], groups[group["id"]][1] + tonight[1]]
    tonight_bets = wins_losses([p["result"] for p in after[f"best-bets/{TONIGHT}.json"]["picks"]])
    old_groups = {g["id"]: g["stats"] for g in before["subsets/performance.json"]["windows"]["season"]["groups"]}
    new_groups = {g["id"]: g["stats"] for g in after["subsets/performance.json"]["windows"]["season"]["groups"]}
    assert set(new_groups) == set(old_groups)
    for group, stats in old_groups.items():
        dw, dl = groups.get(group, [0, 0])
        assert (new_groups[group]["wins"], new_groups[group]["losses"]) == (stats["wins"] + dw, stats["losses"] + dl), group
    old_season = before["best-bets/all.json"]["record"]["season"]
    new_season = after["best-bets/all.json"]["record"]["season"]
    assert (new_season["wins"], new_season["losses"]) == \
        (old_season["wins"] + bets[0] + tonight_bets[0], old_season["losses"] + bets[1] + tonight_bets[1])
