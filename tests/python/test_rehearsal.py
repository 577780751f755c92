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
               11:00  after-predictions  caught up: 10-30 published with no pick (no build
                                         that passed showed one before its tip-offs)

8 `make scheduled` runs, each with its freshness check and a build. Their dbt commands run as
forks of the session's dbt fork server (`make ... DBT=...`), which spares each the 4-5 s of CPU
of a dbt process's start: the fixture took 164 s instead of 230 s beside test_next_morning on 2
cores. The clock is PROPS_CLOCK, so a new one re-parses nothing. One module fixture; the tests of
the run read its results. Last, the three groups' builds are published at once into one new folder:
they take turns on its lock, and no manifest entry is lost (10 s). The other tests give the plan,
the checks and the command hand-made input (a truth, sites, a stand-in for make), each in a second.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline import PROJECT_DIR, make_dbt
from sample_data import feed, rehearsal

D1, D2 = dt.date(2024, 10, 29), dt.date(2024, 10, 30)


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("rehearsal")
    done = rehearsal.rehearse(out, start=D1, days=2, fail_day=2, every_morning=False, log=lines.append,
                              make_vars=(make_dbt(),))
    print("\n".join(lines))
    return out, done


@pytest.fixture(scope="module")
def results(rehearsed):
    return rehearsed[1]


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
        kinds = rehearsal.DATED if day == D1 else rehearsal.SHOWN  # D2 has no candidate: no admin/picks file
        assert {f"{kind}/{day}.json" for kind in kinds} <= set(morning.checked), day
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


def test_every_later_run_shows_the_picks_the_evening_run_published_before_the_games(results):
    """The last run before D1's tip-offs published its picks and best bets; the morning runs after the games
    (D1's and D2's) checked that those files still show them, results aside (check_shown found no problem:
    test_no_check_of_the_rehearsal_found_a_problem)."""
    shown = {"picks/2024-10-29.json", "best-bets/2024-10-29.json"}
    assert shown <= set(only(results, "morning", D1).checked)
    assert shown <= set(only(results, "morning", D2).checked)
    assert not shown & set(only(results, "evening", D1).checked)  # nothing was shown before it
    # the first morning checks D1's files twice: nothing pending (check_morning), and as D1's evening run showed them
    # (check_shown: what the evening published is what the next runs compare with)
    assert [only(results, "morning", D1).checked.count(path) for path in sorted(shown)] == [2, 2]


def test_the_shown_check_ignores_results_and_records_and_names_a_changed_pick(tmp_path):
    """check_shown on a hand-written picks file: the results and the records a morning run fills in change
    nothing; a pick's line, or a file gone, is a problem naming the file."""
    run = rehearsal.Rehearsal(tmp_path)
    file = tmp_path / "site" / "v1" / "picks" / "2024-10-29.json"
    file.parent.mkdir(parents=True)

    def publish(line: float, actual: int | None, result: str | None, wins: int) -> None:
        file.write_text(json.dumps({"date": "2024-10-29", "generated_at": "2026-11-26T00:00:00Z", "signal": "red",
                                    "groups": [{"id": 1, "record": {"season": {"wins": wins, "losses": 0}},
                                                "picks": [{"player": "A", "line": line, "direction": "OVER",
                                                           "actual": actual, "result": result}]}]}))

    publish(9.5, None, None, wins=3)
    shown = {D1: rehearsal.shown_files(run.dated_files(), D1)}
    assert shown[D1] == {"picks/2024-10-29.json": {"date": "2024-10-29", "signal": "red", "groups": [
        {"id": 1, "picks": [{"player": "A", "line": 9.5, "direction": "OVER"}]}]}}
    # the day before, shown and unchanged: every shown day is checked, the latest too
    earlier = file.with_name("2024-10-28.json")
    earlier.write_text(json.dumps({"date": "2024-10-28", "groups": []}))
    shown = {dt.date(2024, 10, 28): rehearsal.shown_files(run.dated_files(), dt.date(2024, 10, 28)), **shown}
    publish(9.5, 12, "hit", wins=4)
    assert rehearsal.check_shown(run, shown) == ([], ["picks/2024-10-28.json", "picks/2024-10-29.json"])
    publish(10.5, 12, "hit", wins=4)
    problems, _ = rehearsal.check_shown(run, shown)
    assert problems == ["picks/2024-10-29.json no longer shows what it showed before the tip-off: "
                        ".groups[0].picks[0].line was 9.5, is now 10.5"]
    # a pick added after the tip-off: the list differs in length, named whole
    document = json.loads(file.read_text())
    document["groups"][0]["picks"] = [{"player": "A", "line": 9.5, "direction": "OVER"}, {"player": "B"}]
    file.write_text(json.dumps(document))
    assert rehearsal.check_shown(run, shown)[0] == [
        "picks/2024-10-29.json no longer shows what it showed before the tip-off: .groups[0].picks was "
        '[{"player": "A", "line": 9.5, "direction": "OVER"}], is now [{"player": "A", "line": 9.5, "direction": '
        '"OVER"}, {"player": "B"}]']
    file.unlink()
    assert rehearsal.check_shown(run, shown)[0] == ["picks/2024-10-29.json no longer shows what it showed before "
                                                    "the tip-off (it is gone)"]


def test_pending_is_a_null_result_or_the_value_pending_anywhere_and_a_file_added_is_a_change():
    document = {"picks": [{"result": "hit"}, {"result": None}], "days": [{"status": "pending", "note": "Pending"}]}
    assert list(rehearsal.pending_paths(document)) == [".picks[1].result", ".days[0].status"]
    assert rehearsal.check_unchanged({"a": b"1"}, {"a": b"1", "b": b"2"}, "the failed run") == [
        "the failed run changed the published files: b"]
    assert rehearsal.check_unchanged({"a": b"1"}, {"a": b"1"}, "the failed run") == []


def hand_made_truth(path: Path, predicted: str, tip_offs: str | None = None) -> None:
    """A truth holding what plan() reads: the predictions' dates (``predicted``: SQL VALUES rows of a date) and the
    context's tip-offs (rows of a date and a timestamp), in tables of those columns only."""
    with duckdb.connect(str(path)) as con:
        for table, columns in ((feed.PRED, "game_date date"), (feed.CTX, "game_date date, game_start_at timestamp")):
            con.execute(f"create schema if not exists {table.split('.')[0]}")
            con.execute(f"create table {table} ({columns})")
        con.execute(f"insert into {feed.PRED} values {predicted}")
        if tip_offs:
            con.execute(f"insert into {feed.CTX} values {tip_offs}")


def test_the_plan_of_two_days_with_a_bad_input_on_the_second(tmp_path):
    """plan() on a hand-made truth: game days from --start on, each with its evening run, a live cycle 90 minutes
    after its first tip-off (a day whose context gives no tip-off: after midnight), its morning run; hourly and
    daily on the first morning only (--short); the second evening gets the bad input, and its live cycle is
    followed by the republish five minutes later."""
    truth = tmp_path / "truth.duckdb"
    hand_made_truth(truth, "('2024-10-28'), ('2024-10-29'), ('2024-10-30'), ('2024-10-31')",
                    "('2024-10-29', '2024-10-29 23:30:00'), ('2024-10-29', '2024-10-29 23:00:00'), ('2024-10-30', null)")
    days = rehearsal.game_days(truth, D1, 2)
    assert days == [D1, D2]
    steps = rehearsal.plan(truth, days, fail_day=2, every_morning=False)
    assert [(f"{step.clock:%m-%d %H:%M}", step.what, step.group, step.day, step.inject) for step in steps] == [
        ("10-29 17:30", "evening", "after-predictions", D1, False),
        ("10-30 00:30", "live", "live", D1, False),
        ("10-30 11:00", "morning", "after-predictions", D1, False),
        ("10-30 11:05", "hourly", "hourly", D1, False),
        ("10-30 11:10", "daily", "daily", D1, False),
        ("10-30 17:30", "evening", "after-predictions", D2, True),
        ("10-31 01:30", "live", "live", D2, False),
        ("10-31 01:35", "republish", "after-predictions", D2, False),
        ("10-31 11:00", "morning", "after-predictions", D2, False)]


def test_the_rehearsal_names_a_failed_run_that_changed_files_a_republish_not_refused_and_a_run_not_caught_up(
        tmp_path, monkeypatch):
    """rehearse()'s own checks of the bad-input day, against a stand-in for make (no dbt, no publisher) that does
    each wrong: the failed evening run writes a file, the republish after it succeeds, and the next morning's dry
    run still plans an upload. Each is a problem of its step (the real rehearsal, above, finds none)."""
    run = rehearsal.Rehearsal(tmp_path)
    hand_made_truth(run.truth, "('2024-10-29'), ('2024-10-30')")
    warehouse = duckdb.connect(str(run.warehouse))  # what the bad input is written into
    warehouse.execute("create schema nba_predictions")
    warehouse.execute("create table nba_predictions.model_registry as select 's' as system_id, 'f' as model_file_name")
    warehouse.close()
    written = tmp_path / "site" / "v1" / "picks" / "2024-10-30.json"

    def make(self, number, target, group, clock, *extra, report=True):
        planned = []
        if target == "scheduled" and clock == dt.datetime(2024, 10, 30, 17, 30):  # the bad-input run
            written.parent.mkdir(parents=True, exist_ok=True)
            written.write_text("{}")
            return subprocess.CompletedProcess([], 2, "", "failed"), None
        if extra == ("PUBLISH_ARGS=--dry-run",):
            planned = [{"path": "picks/2024-10-30.json", "status": "created"}]
        return subprocess.CompletedProcess([], 0, "", ""), {"objects": planned}

    monkeypatch.setattr(rehearsal.Rehearsal, "make", make)
    monkeypatch.setattr(feed, "load_at", lambda *args, **kwargs: None)
    for check in ("check_morning", "check_shown"):
        monkeypatch.setattr(rehearsal, check, lambda *args: ([], []))
    monkeypatch.setattr(rehearsal, "shown_files", lambda *args: {})
    results = rehearsal.rehearse(tmp_path, start=D1, days=2, fail_day=2, every_morning=False, log=lambda line: None)
    problems = {(result.step.what, result.step.day): result.problems for result in results if result.problems}
    assert problems == {
        ("evening", D2): [f"the failed run changed the published files: {written}"],
        ("republish", D2): ["the after-predictions republish after the live cycle was NOT refused (its run state "
                            "holds a failed build)"],
        ("morning", D2): ["not caught up: a dry run still plans picks/2024-10-30.json"]}


def test_the_command_refuses_a_bad_input_day_past_its_days_and_fails_on_any_problem(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as usage:
        rehearsal.main(["--out", str(tmp_path), "--days", "2", "--fail-day", "3"])
    assert usage.value.code == 2 and "--fail-day between 0 and --days" in capsys.readouterr().err
    step = rehearsal.Step(dt.datetime(2024, 10, 29, 17, 30), "after-predictions", "evening", D1)
    found = [rehearsal.Result(1, step, 0, 1.0, None, ["picks/2024-10-29.json missing"])]
    monkeypatch.setattr(rehearsal, "rehearse", lambda *args, **kwargs: found)
    assert rehearsal.main(["--out", str(tmp_path)]) == 1
    assert "1 problem(s)" in capsys.readouterr().out
    found[0].problems.clear()
    assert rehearsal.main(["--out", str(tmp_path)]) == 0
    assert "no problem" in capsys.readouterr().out


def test_a_truth_too_short_for_the_run_is_one_line_naming_it_and_its_fix(tmp_path, monkeypatch, capsys):
    """`make rehearsal DAYS=10` after a shorter rehearsal reuses the truth, which has too few days: one line naming
    the truth by its full path and the fix (it was a traceback). A relative --out is the folder under the working
    directory, where the truth is: the make runs, which work in the project folder, used to get another one."""
    from sample_data.schema import load_tables

    monkeypatch.chdir(tmp_path)
    (tmp_path / "reh").mkdir()
    load_tables(tmp_path / "reh" / "truth.duckdb", {})  # no game day at all
    assert rehearsal.main(["--out", "reh", "--days", "3", "--fail-day", "0"]) == 1
    assert capsys.readouterr().err == (
        f"error: only 0 game days with predictions from 2024-10-29 in {tmp_path}/reh/truth.duckdb, which is reused "
        "when present (--seed and --start too): delete it to generate one for this run\n")


def test_a_postponed_games_picks_may_stay_pending_until_a_later_dates_box_scores_are_loaded(tmp_path):
    """check_morning on a hand-made warehouse: D1 predicted games g1 and g2, box scores of D1 hold g1 only (g2
    was postponed). The morning after D1, its files may say pending (g2 may be played a day late); once the box
    scores of D2 are loaded, a pending D1 file is a problem again."""
    run = rehearsal.Rehearsal(tmp_path)
    con = duckdb.connect(str(run.warehouse))
    for table in (feed.PRED, feed.SUM):
        con.execute(f"create schema if not exists {table.split('.')[0]}")
        con.execute(f"create table {table} (game_date date, game_id varchar)")
    con.execute(f"insert into {feed.PRED} values ('2024-10-29', 'g1'), ('2024-10-29', 'g2'), ('2024-10-30', 'g3')")
    con.execute(f"insert into {feed.SUM} values ('2024-10-29', 'g1')")
    con.execute("create schema props_intermediate")
    con.execute(f"create table {rehearsal.RECORDED_CANDIDATES} as"
                " select * from (values (date '2024-10-29'), (date '2024-10-30')) as recorded(game_date)")
    con.close()
    for kind in rehearsal.DATED:
        file = tmp_path / ("site-admin" if kind.startswith("admin") else "site") / "v1" / kind / "2024-10-29.json"
        file.parent.mkdir(parents=True)
        file.write_text(json.dumps({"picks": [{"result": "hit"}, {"result": None}]}))
    problems, checked = rehearsal.check_morning(run)
    assert problems == [] and checked == [f"{kind}/2024-10-29.json" for kind in rehearsal.DATED]
    con = duckdb.connect(str(run.warehouse))
    con.execute(f"insert into {feed.SUM} values ('2024-10-30', 'g3')")
    con.close()
    problems, _ = rehearsal.check_morning(run)
    assert problems[0] == ("picks/2024-10-29.json still says pending (1 times, e.g. .picks[1].result) though the "
                           "box scores of 2024-10-29 are loaded")
    assert len(problems) == 3 + 3  # D1's three files pending; D2's three files missing
    assert sum("missing" in problem for problem in problems) == 3
    # D2 with no candidate in the record (no build that passed showed it): no admin/picks file is due, and a public
    # file of it that lists a pick is a problem
    con = duckdb.connect(str(run.warehouse))
    con.execute(f"delete from {rehearsal.RECORDED_CANDIDATES} where game_date = '2024-10-30'")
    con.close()
    shown = tmp_path / "site" / "v1" / "best-bets" / "2024-10-30.json"
    shown.write_text(json.dumps({"picks": [{"player": "A", "result": "hit"}]}))
    problems, _ = rehearsal.check_morning(run)
    assert [problem for problem in problems if "2024-10-30" in problem] == [
        "picks/2024-10-30.json missing: its box scores are loaded",
        "best-bets/2024-10-30.json shows 1 pick(s), though no build that passed showed a pick of 2024-10-30 before"
        " its tip-offs (no candidate of it in the record)"]


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


def test_the_next_good_run_caught_up_with_no_pick_for_the_day_no_build_showed(rehearsed, results):
    """D2's only build before its tip-offs failed, so no file showed its picks: the record has no candidate of D2
    (contract §3 Lock at tip-off), and the morning run publishes D2's public files listing none (it used to publish
    the picks of the rows created before the tip-offs, which nobody had seen, with their results); admin/picks, a
    file of the candidates, has no D2 file."""
    morning = only(results, "morning", D2)
    assert morning.returncode == 0 and "caught up: a dry run plans no upload" in morning.checked
    uploaded = morning.uploaded()
    site = rehearsed[0] / "site" / "v1"
    for kind in rehearsal.SHOWN:
        assert uploaded[f"{kind}/2024-10-30.json"] == "created"
        assert morning.pending[f"{kind}/2024-10-30.json"] == 0
        assert list(rehearsal.players(json.loads((site / kind / "2024-10-30.json").read_text()))) == []
    assert "admin/picks/2024-10-30.json" not in uploaded
    assert list(rehearsal.players(json.loads((site / "best-bets" / "2024-10-29.json").read_text()))) != []


def test_three_publishes_at_once_into_one_folder_wait_for_each_other_and_lose_no_manifest_entry(rehearsed, tmp_path):
    """The groups' last builds published at once into an empty folder: the folder's lock makes
    them take turns, and the last manifest lists every object of the three."""
    out, _ = rehearsed
    env = dict(os.environ, DUCKDB_PATH=str(out / "warehouse.duckdb"), DBT_TARGET="dev")
    env.pop("DBT_TARGET_PATH", None)
    runs = [subprocess.Popen(["make", "-s", "--no-print-directory", "publish", f"GROUP={group}", f"DEST={tmp_path / 'site'}",
                              f"ADMIN_DEST={tmp_path / 'site-admin'}", f"STATE_DIR={out / 'target'}", "LOCK_WAIT=120",
                              f"REPORT={tmp_path / group}.json"], cwd=PROJECT_DIR, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for group in ("after-predictions", "hourly", "daily")]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errors
    for site in (tmp_path / "site", tmp_path / "site-admin"):  # every group publishes into both
        listed = set(json.loads((site / "v1" / "manifest.json").read_text())["objects"])
        stored = {str(p.relative_to(site / "v1")) for p in (site / "v1").rglob("*.json")} - {"manifest.json"}
        assert listed == stored
    published = set()
    for group in ("after-predictions", "hourly", "daily"):
        report = json.loads((tmp_path / f"{group}.json").read_text())
        published |= {o["path"] for o in report["objects"]}
    assert {"picks/2024-10-30.json", "subsets/performance.json", "systems/models.json"} <= published


def test_the_summary_lines_keep_their_columns_whatever_the_group():
    """The summary's columns line up under each other for every group: the label's column used to be 40 wide, and
    'after-predictions' (44 with the clock and the step) pushed its line's exit status 4 columns right."""
    steps = [rehearsal.Step(dt.datetime(2024, 10, 30, 1), "live", "live", dt.date(2024, 10, 29)),
             rehearsal.Step(dt.datetime(2024, 10, 31, 0, 35), "after-predictions", "republish", dt.date(2024, 10, 30))]
    lines = [rehearsal.line(rehearsal.Result(number, step, 0, 12.5, None)) for number, step in enumerate(steps, 1)]
    assert lines[1].startswith("  2  2024-10-31 00:35 republish after-predictions exit 0")
    assert lines[0].index("exit 0") == lines[1].index("exit 0") and lines[0].index("12.5s") == lines[1].index("12.5s")
