"""gate: run_results.json statuses upstream of an endpoint block it (unless overridden, loudly)."""

import json

import pytest

from publisher.catalog import Endpoint
from publisher.catalog import GateError, blockers, gate, load_run_results

ENDPOINT = Endpoint("picks", '"wh"."public"."picks"', "picks/{date}.json", "public, max-age=300", "after-predictions",
                    {"date": "date"}, "public", frozenset({"model.p.int_scored", "seed.p.codes", "source.p.raw.odds"}),
                    "model.p.picks", tests=frozenset({"test.p.not_null_int_scored_edge", "unit_test.p.int_scored.t"}))


def results_file(tmp_path, statuses):
    results = [{"unique_id": uid, "status": status, "message": f"{status} message\nsecond line"}
               for uid, status in statuses.items()]
    file = tmp_path / "run_results.json"
    file.write_text(json.dumps({"metadata": {"generated_at": "2026-02-21T17:00:00Z"}, "results": results}))
    return file


def test_all_good_and_unrelated_failures_do_not_block(tmp_path):
    file = results_file(tmp_path, {
        "model.p.int_scored": "success", "test.p.not_null_int_scored_edge": "pass", "model.p.picks": "success",
        "test.p.warned": "warn", "model.p.other_mart": "error", "test.p.on_other_mart": "fail"})
    assert blockers(ENDPOINT, load_run_results(file), file) == []
    assert gate([ENDPOINT], file, False, print) == {}


@pytest.mark.parametrize("uid", ["model.p.int_scored", "seed.p.codes", "test.p.not_null_int_scored_edge",
                                 "unit_test.p.int_scored.t", "model.p.picks"])
@pytest.mark.parametrize("status", ["error", "fail", "skipped", "runtime error"])
def test_failed_or_skipped_upstream_blocks(tmp_path, uid, status):
    file = results_file(tmp_path, {uid: status, "model.p.x": "success"})
    expected = f"{file}: {uid}: status '{status}' (upstream of picks): {status} message"
    assert blockers(ENDPOINT, load_run_results(file), file) == [expected]
    assert gate([ENDPOINT], file, False, print) == {"picks": [f"run-results gate: {expected}"]}


def test_override_only_warns(tmp_path):
    file = results_file(tmp_path, {"model.p.int_scored": "error"})
    logs = []
    assert gate([ENDPOINT], file, True, logs.append) == {}
    assert logs[0].startswith("WARNING: --allow-failed-upstream: publishing despite ") and "model.p.int_scored" in logs[0]
    assert "run-results gate OVERRIDDEN (--allow-failed-upstream): 1 failed or skipped upstream node(s) ignored" in logs[2]
    logs.clear()
    assert gate([ENDPOINT], tmp_path / "missing.json", True, logs.append) == {}
    assert "not found" in logs[0] and logs[2].endswith("ignored, and no readable run results")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(GateError, match="not found"):
        load_run_results(tmp_path / "run_results.json")
    assert "not found" in gate([ENDPOINT], tmp_path / "run_results.json", False, print)["picks"][0]
    (tmp_path / "run_results.json").write_text("{")
    with pytest.raises(GateError, match="unreadable"):
        load_run_results(tmp_path / "run_results.json")
