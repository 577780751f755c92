"""The schedule rehearsed (sample_data/rehearsal.py, `make rehearsal`): two game days of the
sample replayed on a simulated clock, every run the documented `make scheduled GROUP=...`.

The short plan (hourly and daily on the first morning only), on a truth generated from
opening night (predictions start on 2024-10-28):

    2024-10-29 17:30  after-predictions  the first build; 10-29 picks published, pending
    2024-10-30 00:30  live               10-29 games in progress
               11:00  after-predictions  the morning run: 10-29 results (issue item 1)
               11:05  hourly, 11:10 daily
               17:30  after-predictions  a bad input: the build fails, nothing published
    2024-10-31 00:30  live               succeeds (its own run state)
               00:35  publish            after-predictions republished: refused (the issue's bypass)
               11:00  after-predictions  caught up: 10-30 published with its results

About 2.5 minutes on 2 quiet cores, 4 when they are shared (8 `make scheduled` runs, each
with its freshness check and a full dbt parse, since the clock var changes every run); one
module fixture, every test reads its results.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sample_data import rehearsal

D1, D2 = dt.date(2024, 10, 29), dt.date(2024, 10, 30)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    lines: list[str] = []
    out = rehearsal.rehearse(tmp_path_factory.mktemp("rehearsal"), start=D1, days=2, fail_day=2,
                             every_morning=False, log=lines.append)
    print("\n".join(lines))
    return out


def only(results, what: str, day: dt.date) -> rehearsal.Result:
    found = [r for r in results if r.step.what == what and r.step.day == day]
    assert len(found) == 1, (what, day, [r.step.label for r in results])
    return found[0]


def test_the_plan_and_exit_codes(results):
    assert [(r.step.what, r.step.group, r.step.day) for r in results] == [
        ("evening", "after-predictions", D1), ("live", "live", D1),
        ("morning", "after-predictions", D1), ("hourly", "hourly", D1), ("daily", "daily", D1),
        ("evening", "after-predictions", D2), ("live", "live", D2), ("republish", "after-predictions", D2),
        ("morning", "after-predictions", D2)]
    failing = {(r.step.what, r.step.day) for r in results if r.returncode != 0}
    assert failing == {("evening", D2), ("republish", D2)}


def test_no_check_of_the_rehearsal_found_a_problem(results):
    problems = [f"{r.step.label}: {p}" for r in results for p in r.problems]
    assert problems == []


def test_after_each_morning_no_dated_file_whose_box_scores_exist_says_pending(results):
    for day in (D1, D2):
        morning = only(results, "morning", day)
        assert {f"{kind}/{day}.json" for kind in rehearsal.DATED} <= set(morning.checked), day
        assert {f"{kind}/2024-10-28.json" for kind in rehearsal.DATED} <= set(morning.checked), day
        assert all(count == 0 for path, count in morning.pending.items() if path[-15:-5] <= str(day)), morning.pending


def test_the_morning_run_carries_yesterdays_results(results):
    evening, morning = only(results, "evening", D1), only(results, "morning", D1)
    assert evening.pending["picks/2024-10-29.json"] > 0  # published before the games
    assert evening.pending["best-bets/2024-10-29.json"] > 0
    uploaded = morning.uploaded()
    assert uploaded["picks/2024-10-29.json"] == "updated"
    assert uploaded["best-bets/2024-10-29.json"] == "updated"
    assert "picks/2024-10-28.json" not in uploaded  # unchanged files are not uploaded


def test_a_failed_build_publishes_nothing_and_its_publish_is_refused_after_a_live_cycle(results):
    failed = only(results, "evening", D2)
    assert failed.returncode != 0 and failed.report is None  # stopped before the publisher
    assert "picks/2024-10-30.json" not in failed.pending
    live = only(results, "live", D2)
    assert live.returncode == 0
    refused = only(results, "republish", D2)
    assert refused.returncode != 0
    assert refused.report is not None and not refused.report["ok"]
    assert refused.uploaded() == {}
    failed_endpoints = {e["name"] for e in refused.report["endpoints"] if e["status"] == "failed"}
    assert {"public_picks", "public_best_bets", "admin_picks"} <= failed_endpoints


def test_the_next_good_run_caught_up(results):
    morning = only(results, "morning", D2)
    assert morning.returncode == 0 and "caught up: a dry run plans no upload" in morning.checked
    uploaded = morning.uploaded()
    for kind in rehearsal.DATED:
        assert uploaded[f"{kind}/2024-10-30.json"] == "created"
        assert morning.pending[f"{kind}/2024-10-30.json"] == 0
