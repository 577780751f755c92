"""Track record (issue 4): published figures equal an independent recomputation.

A random warehouse spans the end of the 2023-24 season and the start of 2024-25; the
pipeline's subsets/performance.json and the picks files' records are compared with
tests/python/reference_model.py (pure Python, written from contract §3) at several as-of
dates, including the season opening night. The same figures come out of a warehouse
truncated after the as-of date (no future leakage), and an incremental build, day
chunk by day chunk, gives the same fact tables as a full build.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

import random_warehouse
from pipeline import NO_UNIT, new_run
from reference_model import Reference

DATES = [
    "2024-04-08", "2024-04-09", "2024-04-10", "2024-04-12", "2024-04-14",  # end of 2023-24
    "2024-10-22", "2024-10-23", "2024-10-25", "2024-10-28", "2024-10-31",  # start of 2024-25
    "2024-11-01", "2024-11-04", "2024-11-06",
]
AS_OF_DATES = ["2024-04-14", "2024-10-22", "2024-10-31", "2024-11-04"]


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    run = new_run(tmp_path_factory.mktemp("track_record_full"))
    rows = random_warehouse.build(run.warehouse, DATES, seed=11)
    run.dbt("build", *NO_UNIT)
    return run, rows


def performance(run, as_of: str) -> dict:
    assert run.publish("--only", "public_subsets__performance", "--as-of", as_of) == 0
    return run.document("subsets/performance.json")


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_performance_equals_recomputation(full, as_of):
    run, _ = full
    doc = performance(run, as_of)
    reference = Reference(run.warehouse)
    assert doc["as_of"] == as_of
    assert doc["model"] == "926A"
    assert doc["windows"] == reference.performance(dt.date.fromisoformat(as_of))


def test_season_opening_night_reads_nothing_of_the_previous_season(full):
    run, _ = full
    doc = performance(run, "2024-10-22")
    for window in doc["windows"].values():
        assert window["start_date"] == "2024-10-22"
    reference = Reference(run.warehouse)
    april = [c for c in reference.candidates if c["date"].month == 4 and c["grade"] in ("win", "loss")]
    assert april, "the fixture must have graded picks in the previous season"


def test_records_in_every_picks_file_equal_recomputation(full):
    run, _ = full
    assert run.publish("--only", "public_picks", "--all-dates") == 0
    reference = Reference(run.warehouse)
    checked = 0
    for day in DATES:
        doc = run.document(f"picks/{day}.json")
        for group in doc["groups"]:
            assert group["record"] == reference.record(str(group["id"]), dt.date.fromisoformat(day)), (day, group["id"])
            checked += 1
    assert checked == 9 * len(DATES)


def test_default_as_of_is_the_latest_graded_date(full):
    run, _ = full
    assert run.publish("--only", "public_subsets__performance") == 0
    # the last date is tonight (no box scores): the latest graded date is the one before
    assert run.document("subsets/performance.json")["as_of"] == "2024-11-04"


def test_truncated_warehouse_publishes_the_same_figures(full, tmp_path):
    run, rows = full
    as_of = "2024-10-25"
    expected = performance(run, as_of)
    truncated = new_run(tmp_path / "truncated")
    from sample_data.schema import load_tables

    load_tables(truncated.warehouse, random_warehouse.truncate(rows, as_of))
    truncated.dbt("build", *NO_UNIT)
    assert performance(truncated, as_of) == expected


def fact_rows(path, table: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * from {table} order by all").fetchall()
    finally:
        con.close()


def test_incremental_day_chunks_equal_full_build(full, tmp_path):
    run, rows = full
    step = new_run(tmp_path / "incremental")
    from sample_data.schema import TABLES, load_tables

    load_tables(step.warehouse, random_warehouse.truncate(rows, "2024-04-14"))
    step.dbt("build", "--select", "+int_subset_results_daily", "--indirect-selection", "cautious", *NO_UNIT)
    con = duckdb.connect(str(step.warehouse))
    try:
        for last_day in ("2024-10-25", DATES[-1]):
            previous = con.execute("select max(game_date) from props_intermediate.int_subset_results_daily").fetchall()[0][0]
            for table in TABLES:
                new_rows = [r for r in random_warehouse.truncate(rows, last_day).get(table, [])
                            if "game_date" in r and r["game_date"] > previous]
                if new_rows:
                    from sample_data.schema import to_arrow

                    con.register("incoming", to_arrow(table, new_rows))
                    con.execute(f"insert into {table} select * from incoming")
                    con.unregister("incoming")
            con.close()
            step.dbt("build", "--select", "+int_subset_results_daily", "--indirect-selection", "cautious", *NO_UNIT)
            log = json.loads((step.root / "target" / "run_results.json").read_text())
            assert any(r["unique_id"].endswith("int_subset_results_daily") for r in log["results"])
            con = duckdb.connect(str(step.warehouse))
    finally:
        con.close()
    table = "props_intermediate.int_subset_results_daily"
    assert fact_rows(step.warehouse, table) == fact_rows(run.warehouse, table)
