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
cores. The clock is PROPS_CLOCK, so a new one re-parses nothing. One module fixture; every test
reads its results. Last, the three groups' builds are published at once into one new folder:
they take turns on its lock, and no manifest entry is lost (10 s).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

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
    publish(9.5, 12, "hit", wins=4)
    assert rehearsal.check_shown(run, shown) == ([], ["picks/2024-10-29.json"])
    publish(10.5, 12, "hit", wins=4)
    problems, _ = rehearsal.check_shown(run, shown)
    assert problems == ["picks/2024-10-29.json no longer shows what it showed before the tip-off: "
                        ".groups[0].picks[0].line was 9.5, is now 10.5"]
    file.unlink()
    assert rehearsal.check_shown(run, shown)[0] == ["picks/2024-10-29.json no longer shows what it showed before "
                                                    "the tip-off (it is gone)"]


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
