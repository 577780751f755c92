"""gate: the build of run_results.json must have built the endpoint (build log) and run and passed every data test
of it and of everything upstream; failed or skipped nodes upstream block it (unless overridden, loudly)."""

import json

import pytest

from publisher.catalog import Endpoint, GateError, Part, gate, load_run_results, refusals

TESTS = frozenset({"test.p.not_null_int_scored_edge", "test.p.unique_picks_id"})
ENDPOINT = Endpoint("picks", '"wh"."public"."picks"', "picks/{date}.json", "public, max-age=300", "after-predictions",
                    {"date": "date"}, "public", frozenset({"model.p.int_scored", "seed.p.codes", "source.p.raw.odds"}),
                    "model.p.picks", tests=TESTS, parts={"picks__days": Part("model.p.picks__days", '"wh"."public"."days"')})
OTHER = Endpoint("models", '"wh"."public"."models"', "systems/models.json", "public, max-age=300", "daily", {}, "public",
                 frozenset(), "model.p.models")
BUILT = {'"wh"."public"."picks"': ("inv-1", "2026-02-21 17:00:00"), '"wh"."public"."days"': ("inv-1", "2026-02-21 16:59:00"),
         '"wh"."public"."models"': ("inv-1", "2026-02-21 16:58:00")}
PASSED = {"model.p.int_scored": "success", "test.p.not_null_int_scored_edge": "pass", "model.p.picks": "success",
          "test.p.unique_picks_id": "warn", "model.p.models": "success"}


def results_file(tmp_path, statuses, invocation="inv-1", which="build"):
    results = [{"unique_id": uid, "status": status, "message": f"{status} message\nsecond line"}
               for uid, status in statuses.items()]
    file = tmp_path / "run_results.json"
    file.write_text(json.dumps({"metadata": {"invocation_id": invocation}, "args": {"which": which}, "results": results}))
    return file


def causes(tmp_path, statuses, builds=BUILT, **kwargs):
    return refusals([ENDPOINT, OTHER], load_run_results(results_file(tmp_path, statuses, **kwargs)), builds, "log")


def test_a_build_that_built_and_tested_everything_passes_and_unrelated_failures_do_not_block(tmp_path):
    assert causes(tmp_path, PASSED) == {}
    assert causes(tmp_path, {**PASSED, "model.p.other_mart": "error", "test.p.on_other_mart": "fail"}) == {}


@pytest.mark.parametrize("uid", ["model.p.int_scored", "seed.p.codes", "test.p.not_null_int_scored_edge", "model.p.picks"])
@pytest.mark.parametrize("status", ["error", "fail", "skipped", "runtime error"])
def test_failed_or_skipped_upstream_blocks(tmp_path, uid, status):
    found = causes(tmp_path, {**PASSED, uid: status})
    file = tmp_path / "run_results.json"
    assert found == {f"{file}: 1 node(s) skipped: {uid}" if status == "skipped"
                     else f"{file}: {uid}: status '{status}': {status} message": {"picks"}}


def test_a_failed_test_comes_first_and_what_dbt_skipped_after_it_is_one_line_per_set_of_endpoints(tmp_path, capsys):
    """A staging test fails: dbt skips everything downstream, the marts among them, which this build therefore did not
    build either. On-call reads the failed test first, then one line per set of endpoints the skipped nodes block
    (both, picks only, signals only), not one line per skipped node and per relation the build log lacks."""
    staging = {"model.p.stg_odds", "test.p.range_stg_odds_price"}
    signals = Endpoint("signals", '"wh"."public"."signals"', "signals/{date}.json", "public, max-age=300", "g", {},
                       "public", frozenset({"model.p.int_scored", *staging}), "model.p.signals",
                       tests=frozenset({"test.p.range_stg_odds_price", "test.p.not_null_int_scored_edge"}))
    picks = Endpoint(**{**vars(ENDPOINT), "upstream": ENDPOINT.upstream | staging | {"model.p.picks__days"},
                        "tests": ENDPOINT.tests | {"test.p.range_stg_odds_price"}})
    skipped = ["model.p.int_scored", "test.p.not_null_int_scored_edge", "model.p.picks", "model.p.picks__days",
               "test.p.unique_picks_id", "model.p.signals"]
    file = results_file(tmp_path, {**PASSED, "model.p.stg_odds": "success", "test.p.range_stg_odds_price": "fail",
                                   **dict.fromkeys(skipped, "skipped")})
    before = {relation: ("inv-0", "2026-02-20 17:00:00") for relation in [*BUILT, '"wh"."public"."signals"']}
    found = gate([picks, signals], file, lambda: ("log", before), False)
    assert logged(capsys) == [
        f"FAILED run-results gate: {file}: test.p.range_stg_odds_price: status 'fail': fail message",
        f"FAILED run-results gate: {file}: 2 node(s) skipped: model.p.int_scored, test.p.not_null_int_scored_edge",
        f"FAILED run-results gate: {file}: 3 node(s) skipped: model.p.picks, model.p.picks__days, test.p.unique_picks_id",
        f"FAILED run-results gate: {file}: 1 node(s) skipped: model.p.signals",
        "FAILED run-results gate: 4 cause(s) above blocked 2 endpoint(s): picks, signals"]
    assert [len(found["picks"]), len(found["signals"])] == [3, 3]


def test_more_than_three_skipped_nodes_are_counted(tmp_path):
    many = [f"model.p.int_{n}" for n in "abcde"]
    picks = Endpoint(**{**vars(ENDPOINT), "upstream": ENDPOINT.upstream | set(many)})
    file = results_file(tmp_path, {**PASSED, **dict.fromkeys(many, "skipped")})
    assert refusals([picks], load_run_results(file), BUILT, "log") == {
        f"{file}: 5 node(s) skipped: model.p.int_a, model.p.int_b, model.p.int_c and 2 more": {"picks"}}


def test_a_dbt_run_and_a_partial_selection_are_refused_naming_the_tests(tmp_path):
    file = tmp_path / "run_results.json"
    ran = {uid: status for uid, status in PASSED.items() if uid.startswith("model.")}
    assert causes(tmp_path, ran, which="run") == {
        f"{file} (`dbt run`, invocation inv-1): 2 data test(s) upstream did not run: test.p.not_null_int_scored_edge, "
        "test.p.unique_picks_id; publish after a `dbt build` that selects them (`dbt build --selector GROUP`)": {"picks"}}
    partial = {**ran, "test.p.unique_picks_id": "pass"}  # dbt build --select picks: its own test only
    assert list(causes(tmp_path, partial)) == [
        f"{file} (`dbt build`, invocation inv-1): 1 data test(s) upstream did not run: test.p.not_null_int_scored_edge; "
        "publish after a `dbt build` that selects them (`dbt build --selector GROUP`)"]


def test_a_build_older_than_the_marts_is_refused_naming_the_relation_and_both_invocations(tmp_path):
    file = tmp_path / "run_results.json"
    rebuilt = {**BUILT, '"wh"."public"."days"': ("inv-2", "2026-02-21 18:00:00")}  # a part, rebuilt by a later run
    assert causes(tmp_path, PASSED, rebuilt) == {
        f'"wh"."public"."days" was last built by invocation inv-2 (at 2026-02-21 18:00:00), not by the build of {file} '
        "(invocation inv-1): publish right after the build that builds it": {"picks"}}
    never = {k: v for k, v in BUILT.items() if k != '"wh"."public"."models"'}
    assert causes(tmp_path, PASSED, never) == {
        '"wh"."public"."models": no build of it in the build log log: run `dbt build`, which records it': {"models"}}


def logged(capsys):
    """The lines the publisher logged (stderr) since the last call."""
    return capsys.readouterr().err.splitlines()


def test_the_root_cause_is_logged_first_once_then_what_it_blocked(tmp_path, capsys):
    shared = Endpoint("signals", '"wh"."public"."signals"', "signals/{date}.json", "public, max-age=300", "g", {},
                      "public", frozenset({"model.p.int_scored"}), "model.p.signals",
                      tests=frozenset({"test.p.not_null_int_scored_edge"}))
    file = results_file(tmp_path, {**PASSED, "model.p.signals": "success", "test.p.not_null_int_scored_edge": "fail"})
    builds = {**BUILT, '"wh"."public"."signals"': ("inv-1", "x")}
    found = gate([ENDPOINT, OTHER, shared], file, lambda: ("log", builds), False)
    cause = f"run-results gate: {file}: test.p.not_null_int_scored_edge: status 'fail': fail message"
    assert logged(capsys) == [f"FAILED {cause}", "FAILED run-results gate: 1 cause(s) above blocked 2 endpoint(s): picks, signals"]
    assert found == {"picks": [cause], "signals": [cause]}


def test_override_only_warns(tmp_path, capsys):
    file = results_file(tmp_path, {**PASSED, "model.p.int_scored": "error"})
    assert gate([ENDPOINT], file, lambda: ("log", BUILT), True) == {}
    logs = logged(capsys)
    assert logs[0].startswith("WARNING: --allow-failed-upstream: ignoring run-results gate: ") and "int_scored" in logs[0]
    assert "run-results gate OVERRIDDEN (--allow-failed-upstream): 1 cause(s) ignored, 1 endpoint(s) published" in logs[2]
    assert gate([ENDPOINT], tmp_path / "missing.json", lambda: ("log", BUILT), True) == {}
    logs = logged(capsys)
    assert "not found" in logs[0] and "OVERRIDDEN" in logs[2]


def test_missing_run_results_or_build_log_blocks_everything(tmp_path):
    with pytest.raises(GateError, match="not found"):
        load_run_results(tmp_path / "run_results.json")
    assert "not found" in gate([ENDPOINT], tmp_path / "run_results.json", lambda: ("log", BUILT), False)["picks"][0]
    (tmp_path / "run_results.json").write_text("{")
    with pytest.raises(GateError, match="unreadable"):
        load_run_results(tmp_path / "run_results.json")

    def no_log():
        raise RuntimeError("Catalog Error: Table with name model_builds does not exist!")

    file = results_file(tmp_path, PASSED)
    assert gate([ENDPOINT, OTHER], file, no_log, False) == dict.fromkeys(["models", "picks"], [
        "run-results gate: cannot read the build log: Catalog Error: Table with name model_builds does not exist!; "
        "run `dbt build` (its on-run-end hook record_builds writes it)"])
