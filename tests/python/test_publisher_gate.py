"""gate: run_results.json statuses upstream of an endpoint block it."""

import json

import pytest

from publisher.catalog import Endpoint
from publisher.gate import GateError, blockers, load_run_results

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
    results = load_run_results(results_file(tmp_path, {
        "model.p.int_scored": "success", "test.p.not_null_int_scored_edge": "pass", "model.p.picks": "success",
        "test.p.warned": "warn", "model.p.other_mart": "error", "test.p.on_other_mart": "fail"}))
    assert results.generated_at == "2026-02-21T17:00:00Z"
    assert blockers(ENDPOINT, results) == []


@pytest.mark.parametrize("uid", ["model.p.int_scored", "seed.p.codes", "test.p.not_null_int_scored_edge",
                                 "unit_test.p.int_scored.t", "model.p.picks"])
@pytest.mark.parametrize("status", ["error", "fail", "skipped", "runtime error"])
def test_failed_or_skipped_upstream_blocks(tmp_path, uid, status):
    found = blockers(ENDPOINT, load_run_results(results_file(tmp_path, {uid: status, "model.p.x": "success"})))
    assert [(b.unique_id, b.status, b.message) for b in found] == [(uid, status, f"{status} message")]
    assert str(found[0]) == (f"{tmp_path / 'run_results.json'}: {uid}: status '{status}' (upstream of picks): "
                             f"{status} message")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(GateError, match="not found"):
        load_run_results(tmp_path / "run_results.json")
    (tmp_path / "run_results.json").write_text("{")
    with pytest.raises(GateError, match="unreadable"):
        load_run_results(tmp_path / "run_results.json")
