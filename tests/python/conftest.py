"""Test scheduling, and the folders where the session keeps dbt's parse states and its shared builds.

`make test` spreads the test files over two workers (pytest-xdist, --dist loadfile
--no-loadscope-reorder), each taking the next file when it is free. Handing out the slowest
files first keeps the two busy to the end (a slow file started last left one worker idle for
about 3 minutes); the order never changes a result.

The pipeline folders of a session share dbt's parse state (pipeline.Run.dbt) through a folder
the workers share, so that the project is not parsed whole by every folder; each worker runs
its dbt commands, and those of the tests' `make` runs (pipeline.make_dbt), as forks of one
process that imported dbt and parsed the project once (dbt_forkserver.py). The files that
start from the same built warehouse (the demo's, the pick_engine fixture's) copy it from the
session's one build (pipeline.built_once)."""

from __future__ import annotations

import os

import pytest

import pipeline

# Slowest first, in the order of a full run's `--durations=0` on 2026-11-25 (788 s with -n 2). The seconds beside
# each file (setup + calls) are those of a run on 2026-11-29 (1,131 s wall for 2,222 s of tests, -n 2, an otherwise
# idle machine): test_lock.py grew from 186 s; the order was not sorted again by them (the first two start together,
# one on each worker, and a file's seconds depend on whether it builds a run built_once or copies it). `-n 3` was
# measured on 2026-11-25: 813 s against 788 s for `-n 2` (the suite keeps both cores busy, 1.87 of 2).
# test_properties copies the pick_engine fixture that test_bad_inputs builds (pipeline.built_once): a few files later
# than its seconds say, it finds the build done instead of waiting for it. test_preview copies test_demo's. A file not
# listed runs after these, in collection order.
SLOWEST_FIRST = [
    "test_lock_schedule.py",  # 463
    "test_lock.py",  # 540
    "test_bigquery_emulator.py",  # 246
    "test_daily_cycle.py",  # 156
    "test_rehearsal.py",  # 70
    "test_bad_inputs.py",  # 144
    "test_live_grading.py",  # 94
    "test_bad_day.py",  # 94
    "test_demo.py",  # 29
    "test_next_morning.py",  # 44
    "test_properties.py",  # 63
    "test_track_record.py",  # 37
    "test_freshness.py",  # 55
    "test_publisher_gcs.py",  # 22
    "test_preview.py",  # 19
    "test_generator.py",  # 20
    "test_feed.py",  # 22
    "test_ops.py",  # 37
    "test_quality_gates.py",  # 12
    "test_bigquery_compile.py",  # 14
    "test_pick_engine.py",  # 12
    "test_docs_site.py",  # 9
    "test_odds_ladder.py",  # 7
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order is kept


@pytest.fixture(scope="session", autouse=True)
def session_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One folder per session for dbt's parse states and one for the runs built once, in the session's
    base temp folder, which the xdist workers' own base folders (popen-gw0, ...) sit in."""
    base = tmp_path_factory.getbasetemp()
    session = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    pipeline.PARSE_STATES = session / "dbt-parse-states"
    pipeline.BUILT_ONCE = session / "built-once"
