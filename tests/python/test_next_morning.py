"""Acceptance of issue #18: after `make demo`, tonight's final box scores land, and the
morning's `make scheduled GROUP=after-predictions DEST=...` (source freshness judged at the
sample's next-morning clock, on its calendar) leaves no pending result in that night's picks
and best-bets files.

`make demo` itself, on a short sample (TODAY=2024-10-31: opening night to a night with 13
best bets; the demo's clock is the sample's, tonight's games in progress), into a folder of
its own (DUCKDB_PATH, STATE_DIR, DEST). Tonight's finals (sample_replay.final_boxscores)
land as box scores with `python -m sample_data.live_replay --box-scores`, which prints the
morning run's clock. About 1.5 minutes on 2 shared cores (two dbt builds).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from pipeline import PROJECT_DIR
from sample_data.rehearsal import pending_paths

TONIGHT = "2024-10-31"


def make(root, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, DUCKDB_PATH=str(root / "warehouse.duckdb"), DBT_LOG_PATH=str(root / "logs"),
               DBT_TARGET="dev")
    env.pop("DBT_TARGET_PATH", None)
    return subprocess.run(["make", "-s", "--no-print-directory", *args, f"DEST={root / 'public'}",
                           f"ADMIN_DEST={root / 'public-admin'}", f"STATE_DIR={root / 'target'}"],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def document(root, path: str) -> dict:
    return json.loads((root / "public" / "v1" / path).read_text(encoding="utf-8"))


def pending(root, path: str) -> list[str]:
    return list(pending_paths(document(root, path)))


@pytest.fixture(scope="module")
def morning(tmp_path_factory):
    root = tmp_path_factory.mktemp("next_morning")
    demo = make(root, "demo", f"TODAY={TONIGHT}")
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    before = {kind: pending(root, f"{kind}/{TONIGHT}.json") for kind in ("picks", "best-bets")}
    landed = subprocess.run([sys.executable, "-m", "sample_data.live_replay", "--warehouse",
                             str(root / "warehouse.duckdb"), "--box-scores"], capture_output=True, text=True)
    assert landed.returncode == 0, landed.stderr
    clock = re.search(r"CLOCK='([^']+)'", landed.stdout).group(1)
    run = make(root, "scheduled", "GROUP=after-predictions", f"CLOCK={clock}")
    return root, before, clock, run


def test_tonight_was_pending_after_the_demo(morning):
    _, before, clock, _ = morning
    assert clock == "2024-11-01 11:00:00"
    assert before["picks"] and before["best-bets"]


def test_the_morning_run_passes_freshness_and_publishes(morning):
    root, _, _, run = morning
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-3000:]
    assert "ERROR STALE" not in run.stdout
    assert (root / "target" / "after-predictions" / "sources.json").is_file()  # its freshness, in its run state


def test_no_pending_result_in_that_nights_picks_and_best_bets(morning):
    root, _, _, _ = morning
    picks, best_bets = document(root, f"picks/{TONIGHT}.json"), document(root, f"best-bets/{TONIGHT}.json")
    assert pending(root, f"picks/{TONIGHT}.json") == [] and pending(root, f"best-bets/{TONIGHT}.json") == []
    results = [p["result"] for g in picks["groups"] for p in g["picks"]] + [p["result"] for p in best_bets["picks"]]
    assert best_bets["picks"] and set(results) <= {"hit", "miss", "push", "void"}
