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

# Slowest first, from `--durations=0` of a full run (seconds of setup + calls per file, 2026-11-25, -n 2 on an otherwise
# idle machine; test_lock_schedule.py after a7f3e80 trimmed it). `-n 3` was measured too: 813 s against 788 s for
# `-n 2` (the suite keeps both cores busy, 1.87 of 2). test_properties copies the pick_engine fixture that
# test_bad_inputs builds (pipeline.built_once): a few files later than its seconds say, it finds the build done
# instead of waiting for it. test_preview copies test_demo's. A file not listed runs after these, in collection order.
SLOWEST_FIRST = [
    "test_lock_schedule.py",  # 409
    "test_lock.py",  # 186
    "test_bigquery_emulator.py",  # 183
    "test_daily_cycle.py",  # 97
    "test_rehearsal.py",  # 84
    "test_bad_inputs.py",  # 76
    "test_live_grading.py",  # 75
    "test_bad_day.py",  # 60
    "test_demo.py",  # 57
    "test_next_morning.py",  # 42
    "test_properties.py",  # 52
    "test_track_record.py",  # 33
    "test_freshness.py",  # 30
    "test_publisher_gcs.py",  # 21
    "test_preview.py",  # 20
    "test_generator.py",  # 19
    "test_feed.py",  # 18
    "test_ops.py",  # 13
    "test_quality_gates.py",  # 12
    "test_bigquery_compile.py",  # 12
    "test_pick_engine.py",  # 10
    "test_docs_site.py",  # 9
    "test_odds_ladder.py",  # 8
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
