"""Live grading end to end on the hand-built fixture tests/warehouses/live/ (see its README).

Night 2025-02-10, replayed by sample_data.live_replay from replay/final_boxscores.csv:
BOS-NYK tips off at 00:00 UTC (slot 0), LAL-DEN at 01:00 (slot 2), so steps 0..7:

    step   0      1      2      3      4      5      6      7
    BOS    sched  Q1     Q2     Q3     Q4     final  final  final
    LAL    sched  sched  sched  Q1     Q2     Q3     Q4     final

In period p a player has floor(final x (2p - 1) / 8) points. Nine champion candidates,
fewer than 10, so no signal and only the ANY groups; the eight with edge >= 5 are in
"All Picks" (Porter, edge 4, is in no group: not shown). In composite order:

    rank  player      line  pick   final           Q1  Q2  Q3  Q4
    1     Jokić       29.5  UNDER  24 (LAL-DEN)     3   9  15  21
    2     Tatum       26.5  OVER   31 (BOS-NYK)     3  11  19  27
    3     Brunson     27.5  UNDER  40               5  15  25  35
    4     Brown       23.5  UNDER  20               2   7  12  17
    5     Reaves      18.0  OVER   18 (push)        2   6  11  15
    6     Holiday     12.5  OVER   DNP: 0, 00:00    0   0   0   0
    7     LeBron      24.5  OVER   12               1   4   7  10
    8     Porziņģis   16.5  OVER   inactive: never in the feed

OVER is trending_correct above the line, trending_incorrect more than 5 below it from Q4
on; UNDER is trending_correct below the line, trending_incorrect more than 5 above it.
Statuses of every step are read from int_live_picks_graded (a view over the live source:
each replayed snapshot shows at once); the whole live cycle (dbt build --selector live,
then publish --group live) runs at steps 4, 5 and 7, and once more on an unchanged
snapshot.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from pipeline import FIXTURES, NO_UNIT, PROJECT_DIR, Run, copy_run, fixture_run, holding
from sample_data import live_replay
from sample_data.clock import sample_clock
from sample_data.fixture import read_csv

NIGHT = "2025-02-10"
ORDER = ["nikolajokic", "jaysontatum", "jalenbrunson", "jaylenbrown", "austinreaves", "jrueholiday",
         "lebronjames", "kristapsporzingis"]
LIVE_MODELS = {"stg_nba_raw__live_boxscores", "int_live_boxscores", "int_live_picks_graded", "public_live_grading",
               "public_live_grading__picks"}

P, IP, TC, TI = "pending", "in_progress", "trending_correct", "trending_incorrect"
C, I, PUSH, VOID = "correct", "incorrect", "push", "void"  # noqa: E741 - I = incorrect, beside C

# (status, points in the feed) per pick, in ORDER; points None = not compared (pending).
EXPECTED_STEPS = {
    0: [(P, None)] * 8,
    1: [(P, None), (IP, 3), (TC, 5), (TC, 2), (P, None), (IP, 0), (P, None), (P, None)],
    2: [(P, None), (IP, 11), (TC, 15), (TC, 7), (P, None), (IP, 0), (P, None), (P, None)],
    3: [(TC, 3), (IP, 19), (TC, 25), (TC, 12), (IP, 2), (IP, 0), (IP, 1), (P, None)],
    4: [(TC, 9), (TC, 27), (TI, 35), (TC, 17), (IP, 6), (TI, 0), (IP, 4), (P, None)],
    5: [(TC, 15), (C, 31), (I, 40), (C, 20), (IP, 11), (VOID, 0), (IP, 7), (VOID, None)],
    6: [(TC, 21), (C, 31), (I, 40), (C, 20), (IP, 15), (VOID, 0), (TI, 10), (VOID, None)],
    7: [(C, 24), (C, 31), (I, 40), (C, 20), (PUSH, 18), (VOID, 0), (I, 12), (VOID, None)],
}


# contract §4 additions, from the fixture's context (tests/warehouses/live): the game, its
# tip-off and the home flag of each player; pick_id = 'pk' + 16 hex of md5(game_id|player).
CONTEXT = {row["player_full_name"]: row for row in read_csv(
    "nba_analytics.upcoming_player_game_context", FIXTURES / "live" / "nba_analytics.upcoming_player_game_context.csv")}


def pick(player, team, game_status, prediction, line, direction, actual, minutes, status):
    context = CONTEXT[player]
    pick_id = "pk" + hashlib.md5(f"{context['game_id']}|{context['player_lookup']}".encode()).hexdigest()[:16]
    return {"player": player, "team": team, "game_status": game_status, "prediction": prediction, "line": line,
            "direction": direction, "actual": actual, "minutes": minutes, "status": status, "pick_id": pick_id,
            "tipoff": context["game_start_at"].strftime("%Y-%m-%dT%H:%M:%SZ"), "home": context["is_home"]}


def summary(total, graded, pending, correct, incorrect, trending_correct, trending_incorrect, win_rate,
            in_progress, push, void, win_rate_low, win_rate_high):
    return {"total": total, "graded": graded, "pending": pending, "correct": correct, "incorrect": incorrect,
            "trending_correct": trending_correct, "trending_incorrect": trending_incorrect, "win_rate": win_rate,
            "in_progress": in_progress, "push": push, "void": void, "win_rate_low": win_rate_low,
            "win_rate_high": win_rate_high}


# Win rate's Wilson 95 % interval (z 1.96), by hand: 2 of 3 = 20.77-93.85 %, 3 of 5 = 23.07-88.24 % (1 dp shown).
# Minutes: Q2 = 3/8, Q3 = 5/8, Q4 = 7/8 of the final seconds (Jokić 35:00 -> 13:07 in Q2).
EXPECTED_DOCUMENTS = {
    4: {"updated_at": "2025-02-11T01:50:00Z", "date": NIGHT,
        "summary": summary(8, 0, 1, 0, 0, 3, 2, None, 2, 0, 0, None, None),
        "picks": [
            pick("Nikola Jokić", "DEN", "in_progress", 23.0, 29.5, "UNDER", 9, "13:07", TC),
            pick("Jayson Tatum", "BOS", "in_progress", 33.0, 26.5, "OVER", 27, "33:15", TC),
            pick("Jalen Brunson", "NYK", "in_progress", 21.0, 27.5, "UNDER", 35, "31:30", TI),
            pick("Jaylen Brown", "BOS", "in_progress", 17.0, 23.5, "UNDER", 17, "29:45", TC),
            pick("Austin Reaves", "LAL", "in_progress", 24.0, 18.0, "OVER", 6, "11:15", IP),
            pick("Jrue Holiday", "BOS", "in_progress", 18.0, 12.5, "OVER", 0, "00:00", TI),
            pick("LeBron James", "LAL", "in_progress", 30.0, 24.5, "OVER", 4, "12:45", IP),
            pick("Kristaps Porziņģis", "BOS", "in_progress", 22.0, 16.5, "OVER", None, None, P),
        ]},
    5: {"updated_at": "2025-02-11T02:20:00Z", "date": NIGHT,
        "summary": summary(8, 3, 0, 2, 1, 1, 0, 66.7, 2, 0, 2, 20.8, 93.9),
        "picks": [
            pick("Nikola Jokić", "DEN", "in_progress", 23.0, 29.5, "UNDER", 15, "21:52", TC),
            pick("Jayson Tatum", "BOS", "final", 33.0, 26.5, "OVER", 31, "38:00", C),
            pick("Jalen Brunson", "NYK", "final", 21.0, 27.5, "UNDER", 40, "36:00", I),
            pick("Jaylen Brown", "BOS", "final", 17.0, 23.5, "UNDER", 20, "34:00", C),
            pick("Austin Reaves", "LAL", "in_progress", 24.0, 18.0, "OVER", 11, "18:45", IP),
            pick("Jrue Holiday", "BOS", "final", 18.0, 12.5, "OVER", None, "00:00", VOID),
            pick("LeBron James", "LAL", "in_progress", 30.0, 24.5, "OVER", 7, "21:15", IP),
            pick("Kristaps Porziņģis", "BOS", "final", 22.0, 16.5, "OVER", None, None, VOID),
        ]},
    7: {"updated_at": "2025-02-11T03:20:00Z", "date": NIGHT,
        "summary": summary(8, 5, 0, 3, 2, 0, 0, 60.0, 0, 1, 2, 23.1, 88.2),
        "picks": [
            pick("Nikola Jokić", "DEN", "final", 23.0, 29.5, "UNDER", 24, "35:00", C),
            pick("Jayson Tatum", "BOS", "final", 33.0, 26.5, "OVER", 31, "38:00", C),
            pick("Jalen Brunson", "NYK", "final", 21.0, 27.5, "UNDER", 40, "36:00", I),
            pick("Jaylen Brown", "BOS", "final", 17.0, 23.5, "UNDER", 20, "34:00", C),
            pick("Austin Reaves", "LAL", "final", 24.0, 18.0, "OVER", 18, "30:00", PUSH),
            pick("Jrue Holiday", "BOS", "final", 18.0, 12.5, "OVER", None, "00:00", VOID),
            pick("LeBron James", "LAL", "final", 30.0, 24.5, "OVER", 12, "34:00", I),
            pick("Kristaps Porziņģis", "BOS", "final", 22.0, 16.5, "OVER", None, None, VOID),
        ]},
}


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """The fixture warehouse with its finals installed, snapshot 0, everything the live path reads built."""
    run = fixture_run(tmp_path_factory.mktemp("live"), "live")
    live_replay.write_finals(run.warehouse, live_replay.read_finals_csv(FIXTURES / "live" / "replay" / "final_boxscores.csv"))
    live_replay.apply_step(run.warehouse, 0)
    run.dbt("build", "--select", "+public_live_grading", "+int_candidates_graded", "model_codenames", *NO_UNIT)
    return run


def live_cycle(run, step, capsys) -> dict:
    """Replay a snapshot, run one live cycle (dbt + publisher); the publisher's JSON report."""
    live_replay.apply_step(run.warehouse, step)
    run.dbt("build", "--selector", "live")
    capsys.readouterr()
    assert run.publish("--group", "live", "--json") == 0
    return json.loads(capsys.readouterr().out)


def compiled_model(run, name: str) -> tuple[str, str]:
    """A model's relation and its SQL as dbt compiled it for the night."""
    node = next(n for n in json.loads((run.root / "target" / "manifest.json").read_text())["nodes"].values()
                if n.get("name") == name)
    return node["relation_name"], (run.root / "target" / "compiled" / "nba_props" / node["original_file_path"]).read_text()


def snapshot(run, step) -> None:
    """Replay a snapshot and read it as a cycle's first model does (int_live_boxscores, a table):
    the live views downstream then grade it, without the 4-5 s of a `dbt build`."""
    live_replay.apply_step(run.warehouse, step)
    relation, sql = compiled_model(run, "int_live_boxscores")
    run.execute(f"create or replace table {relation} as {sql}")


def statuses(run) -> list[tuple]:
    return run.query(f"""
        select player_lookup, live_status, points from props_intermediate.int_live_picks_graded
        where game_date = '{NIGHT}' order by pick_rank""")


def test_statuses_at_every_step_worked_by_hand(night):
    for step, expected in EXPECTED_STEPS.items():
        snapshot(night, step)
        rows = statuses(night)
        assert [r[0] for r in rows] == ORDER, step
        got = [(status, points if want is not None else None) for (_, status, points), (_, want) in zip(rows, expected)]
        assert got == expected, f"step {step}"


def test_an_under_more_than_5_above_its_line_is_trending_incorrect_in_any_period(night, tmp_path):
    """Brunson's UNDER 27.5 in Q3 (step 3; an OVER waits for Q4 to trend incorrect: LeBron at steps 5 and 6). With
    33 points, 5.5 above the line, he is trending_incorrect already; with 32, 4.5 above, in progress (above the line:
    no longer trending correct, not yet more than 5 above). Every UNDER of the fixture went past line + 5 in Q4 only."""
    run = copy_run(night, tmp_path / "under")
    shutil.copytree(night.root / "target", run.root / "target")
    snapshot(run, 3)
    relation, _ = compiled_model(run, "int_live_boxscores")
    seen = []
    for points in (33, 32):
        run.execute(f"update {relation} set points = {points} where player_lookup = 'jalenbrunson'")
        seen += [(status, points, period) for player, status, points, period in run.query(
            "select player_lookup, live_status, points, game_period from props_intermediate.int_live_picks_graded"
            f" where game_date = '{NIGHT}'") if player == "jalenbrunson"]
    assert seen == [(TI, 33, 3), (IP, 32, 3)]


@pytest.mark.parametrize("step", [4, 5])
def test_live_cycle_document_worked_by_hand(night, capsys, step):
    report = live_cycle(night, step, capsys)
    assert report["ok"]
    assert night.document(f"live-grading/{NIGHT}.json") == EXPECTED_DOCUMENTS[step]
    ran = json.loads((night.root / "target" / "run_results.json").read_text())["results"]
    models = {r["unique_id"].split(".")[-1] for r in ran if r["unique_id"].startswith("model.")}
    assert models == LIVE_MODELS  # never a season table


def test_a_champion_switched_after_the_night_locked_keeps_the_nights_live_picks(night, tmp_path, capsys):
    """The night locked with catboost_v9 as champion (the module's build runs after its last tip-off); the next
    morning var champion_system_id names xgboost_v2. The live cycles that rewrite the night's file until the next
    night's first tip-off used to pick xgboost_v2's picks of it: none, so the file lost its 8 graded picks while
    picks/{date}.json kept them (contract §3: a locked day keeps its champion). They grade the recorded champion's."""
    run = copy_run(night, tmp_path / "switched")
    live_replay.apply_step(run.warehouse, 5)
    run.dbt("build", "--selector", "live", "--vars", json.dumps({"champion_system_id": "xgboost_v2"}))
    assert [r[0] for r in statuses(run)] == ORDER
    capsys.readouterr()
    assert run.publish("--group", "live") == 0
    assert [p["player"] for p in run.document(f"live-grading/{NIGHT}.json")["picks"]] == [
        p["player"] for p in EXPECTED_DOCUMENTS[5]["picks"]]


def test_a_snapshot_landing_during_the_cycle_does_not_split_the_document(night, capsys):
    """The feed overwrites the live source every few minutes, so a new snapshot can land between
    the part's build and the root's. The cycle reads the source once (int_live_boxscores is a
    table), so the root built after step 5 landed still says the snapshot its picks were graded
    on: step 4's updated_at and summary, not step 5's 02:20."""
    live_cycle(night, 4, capsys)
    live_replay.apply_step(night.warehouse, 5)  # lands after the part, before the root
    relation, sql = compiled_model(night, "public_live_grading")
    night.execute(f"create or replace table {relation} as {sql}")
    (updated_at, total, trending_correct, in_progress), = night.query(
        "select strftime(updated_at, '%Y-%m-%dT%H:%M:%SZ'), summary_total, summary_trending_correct,"
        f" summary_in_progress from {relation}")
    assert updated_at == EXPECTED_DOCUMENTS[4]["updated_at"] == "2025-02-11T01:50:00Z"
    assert (total, trending_correct, in_progress) == (8, 3, 2)


def test_summary_counters_add_up_to_total_at_every_step(night):
    """contract §4: every pick has one status and a counter for every status shown, so the
    counters add up to total; each counter equals the statuses of EXPECTED_STEPS. The mart's
    SQL (the document's summary columns), as dbt compiled it for the night, is run at each step
    on the step's snapshot (snapshot()), with its part's compiled SQL in place of the part's table,
    which the summary counts (a `dbt run` of both would give the same rows, 3-4 s later)."""
    counters = {P: "pending", C: "correct", I: "incorrect", TC: "trending_correct", TI: "trending_incorrect",
                IP: "in_progress", PUSH: "push", VOID: "void"}
    names = list(counters.values())
    _, mart_sql = compiled_model(night, "public_live_grading")
    part_relation, part_sql = compiled_model(night, "public_live_grading__picks")
    assert part_relation in mart_sql
    mart_sql = mart_sql.replace(part_relation, f"({part_sql})")
    for step, expected in EXPECTED_STEPS.items():
        snapshot(night, step)
        (row,) = night.query(f"select distinct summary_total, {', '.join('summary_' + n for n in names)}"
                             f" from ({mart_sql})")
        got = dict(zip(names, row[1:]))
        assert {counters[s]: sum(status == s for status, _ in expected) for s in counters} == got, f"step {step}"
        assert sum(got.values()) == row[0] == 8, f"step {step}"


def test_final_snapshot_then_unchanged_snapshot_uploads_nothing(night, capsys):
    live_cycle(night, 7, capsys)
    doc = night.document(f"live-grading/{NIGHT}.json")
    assert doc == EXPECTED_DOCUMENTS[7]
    assert list(doc) == ["updated_at", "date", "summary", "picks"]
    report = live_cycle(night, 7, capsys)  # the feed sends the same snapshot again
    assert report["ok"] and report["manifest"] == {"public": "unchanged"}
    assert {o["status"] for o in report["objects"]} == {"unchanged"}
    assert [(e["created"], e["updated"]) for e in report["endpoints"]] == [(0, 0)] * len(report["endpoints"])


def test_a_night_in_one_process(night, tmp_path):
    """`make live-night` (ops/live_night.py): dbt parses once, then the cycle of `make live` every --every seconds.
    Between two cycles the warehouse is free (another process replays the next snapshot into it) and the next cycle
    publishes it: the documents worked by hand. The night's clock is 46 min past the feed's last update of LAL-DEN,
    in progress at step 5: the first cycle's line says so (1 warning) and the cycle publishes. A cycle whose build
    fails (a game status outside the accepted values) is said at once, publishes nothing, and the night exits 1."""
    def night_process(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "ops.live_night", "--project-dir", str(PROJECT_DIR), *args, "--",
             "--dest", str(night.root / "site"), "--admin-dest", str(night.root / "site-admin"), "-q"],
            cwd=PROJECT_DIR, env={**night.env(), "PROPS_CLOCK": clock}, stdout=(tmp_path / "dbt.log").open("w"), stderr=subprocess.PIPE, text=True)

    def wait_for(process: subprocess.Popen, prefix: str) -> str:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith(prefix):
                return line.strip()
        raise AssertionError(f"no line {prefix!r}; dbt's output: {(tmp_path / 'dbt.log').read_text()[-3000:]}")

    live_replay.apply_step(night.warehouse, 5)
    assert sample_clock(str(night.warehouse)) == "2025-02-11 02:20:00"  # the newest live update: LAL-DEN in Q3
    clock = "2025-02-11 03:06:00"  # 46 min on: the feed has stopped updating LAL-DEN, in progress (a warning)
    lock = tmp_path / "warehouse.lock"
    forgotten = tmp_path / "run_results.json"  # a full build's results, which a live build makes untrue (--forget)
    forgotten.write_text("{}")
    process = night_process("--cycles", "2", "--every", "12", "--lock", str(lock), "--forget", str(forgotten))
    # the warehouse is free while the night waits for its next cycle: the next snapshot is written then, under the
    # night's lock, taken as soon as cycle 1 lets it go (on a loaded machine, cycle 1 can last the 12 s: cycle 2
    # would start at once and read the old snapshot, or find the file in use)
    holding(lock, process, "(cycle 1)")
    with lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # waits for cycle 1 to end; cycle 2 then waits for this block
        held.seek(0)
        assert "(cycle 1)" in held.read()
        assert re.fullmatch(r"live cycle 1: ok in [0-9.]+ s \(1 warning\(s\): the WARNING lines above\)",
                            wait_for(process, "live cycle 1:"))
        assert night.document(f"live-grading/{NIGHT}.json") == EXPECTED_DOCUMENTS[5]  # published all the same
        assert not forgotten.exists()
        live_replay.apply_step(night.warehouse, 7)
    assert re.fullmatch(r"live cycle 2: ok in [0-9.]+ s", wait_for(process, "live cycle 2:"))  # every game final
    assert wait_for(process, "live night:") == "live night: 2 cycle(s), 0 failed" and process.wait(60) == 0
    assert night.document(f"live-grading/{NIGHT}.json") == EXPECTED_DOCUMENTS[7]

    night.execute(f"update {live_replay.LIVE_TABLE} set game_status = 'halftime' where player_lookup = 'jaysontatum'")
    process = night_process("--cycles", "1", "--every", "0")
    failed = wait_for(process, "live cycle 1:")
    assert failed.startswith("live cycle 1: FAILED in ") and failed.endswith(": dbt build failed (its failures are listed above)")
    assert wait_for(process, "live night:") == "live night: 1 cycle(s), 1 failed" and process.wait(60) == 1
    output = (tmp_path / "dbt.log").read_text()
    [bad] = [line for line in output.splitlines() if "BAD INPUT" in line]  # the table, the field and the row
    assert "in source nba_raw.live_boxscores" in bad and "field game_status, test accepted_values: 1 row(s)" in bad
    assert "player_lookup=jaysontatum" in bad and "game_status=halftime" in bad
    assert "\x1b" not in output  # dbt's lines uncoloured in a file (ops.dbt_cli.colours_on_a_terminal_only)
    assert night.document(f"live-grading/{NIGHT}.json") == EXPECTED_DOCUMENTS[7]  # nothing published
    live_replay.apply_step(night.warehouse, 7)


def warnings_of(run, data_test: str, clock: str) -> list[str]:
    """The WARNING line of the data test tests/data/``data_test``.sql at ``clock`` (an empty list when it passes)."""
    done = run.dbt("test", "--select", data_test, clock=clock)
    return [line.partition("WARNING (the run goes on) ")[2] for line in done.stdout.splitlines()
            if "WARNING (the run goes on)" in line and data_test in line]


def stalled_games(run, clock: str) -> list[str]:
    return warnings_of(run, "live_game_not_updated", clock)


def test_a_game_the_feed_stops_updating_is_named_by_a_warning(night):
    """Step 4 (01:50): BOS-NYK in Q4, LAL-DEN in Q2, both updated at 01:50. At 02:35 the feed is 45 min silent,
    var live_stall_minutes: nothing said; at 02:36, 46 min: one warning line naming both games (the run goes on).
    At step 5 (02:20, BOS-NYK final) and 03:06 only LAL-DEN is named: a final game is never stalled."""
    snapshot(night, 4)
    assert stalled_games(night, "2025-02-11 02:35:00") == []
    [line] = stalled_games(night, "2025-02-11 02:36:00")
    assert line.startswith("in source nba_raw.live_boxscores (model int_live_boxscores), field (row), "
                           "test live_game_not_updated: 2 row(s), e.g. ")
    for game, period in (("0022400801", 4), ("0022400802", 2)):
        assert (f"game_id={game}, game_date={NIGHT}, game_period={period}, game_clock=06:00, "
                "game_updated_at=2025-02-11 01:50:00, minutes_without_update=46") in line
    assert "-- fix: the live feed (nba_raw.live_boxscores) has sent nothing new on this game" in line
    snapshot(night, 5)
    [line] = stalled_games(night, "2025-02-11 03:06:00")
    assert "1 row(s), e.g. game_id=0022400802, game_date=2025-02-10, game_period=3," in line
    snapshot(night, 7)


def games_not_in_feed(run, clock: str) -> list[str]:
    return warnings_of(run, "live_game_not_in_feed", clock)


def test_a_game_the_feed_never_shows_started_is_named_by_a_warning(night):
    """The context has BOS-NYK tip off at 00:00 UTC, LAL-DEN at 01:00 (both dated 02-10). Step 0: the feed lists both
    games as scheduled. At 00:45 BOS-NYK tipped off 45 min ago, var live_stall_minutes: nothing said; at 00:46, 46
    min: one row (LAL-DEN has not tipped off). A feed with nothing on the night (the loader never started: the live
    date would stay last night's), at 01:46: both games, 106 and 46 min. At 04:01, 241 min after BOS-NYK's tip-off,
    past var live_watch_hours (4 h: every game is over, the box scores grade it): LAL-DEN alone, 181 min. Step 3
    (BOS-NYK in Q3, LAL-DEN in Q1) at 01:46: nothing said; step 2 (LAL-DEN still scheduled) at 01:46: LAL-DEN."""
    snapshot(night, 0)
    assert games_not_in_feed(night, "2025-02-11 00:45:00") == []
    [line] = games_not_in_feed(night, "2025-02-11 00:46:00")
    assert line.startswith("in source nba_analytics.upcoming_player_game_context, nba_raw.live_boxscores (model "
                           "stg_nba_analytics__upcoming_player_game_context, stg_nba_raw__live_boxscores), field "
                           "(row), test live_game_not_in_feed: 1 row(s), e.g. game_id=0022400801, "
                           f"game_date={NIGHT}, game_start_at=2025-02-11 00:00:00, minutes_since_tip_off=46, "
                           "feed_shows=scheduled -- fix: this game tipped off"), line
    night.execute(f"delete from {live_replay.LIVE_TABLE} where game_date = '{NIGHT}'")
    [line] = games_not_in_feed(night, "2025-02-11 01:46:00")
    assert "test live_game_not_in_feed: 2 row(s), e.g. " in line
    for game, tip_off, minutes in (("0022400801", "00:00", 106), ("0022400802", "01:00", 46)):
        assert (f"game_id={game}, game_date={NIGHT}, game_start_at=2025-02-11 {tip_off}:00, "
                f"minutes_since_tip_off={minutes}, feed_shows=nothing") in line
    [line] = games_not_in_feed(night, "2025-02-11 04:01:00")
    assert ": 1 row(s), e.g. game_id=0022400802, game_date=2025-02-10, game_start_at=2025-02-11 01:00:00, " \
           "minutes_since_tip_off=181, feed_shows=nothing -- fix:" in line
    snapshot(night, 3)
    assert games_not_in_feed(night, "2025-02-11 01:46:00") == []
    snapshot(night, 2)
    [line] = games_not_in_feed(night, "2025-02-11 01:46:00")
    assert ": 1 row(s), e.g. game_id=0022400802, game_date=2025-02-10, game_start_at=2025-02-11 01:00:00, " \
           "minutes_since_tip_off=46, feed_shows=scheduled -- fix:" in line
    snapshot(night, 7)


def test_final_snapshot_equals_the_nightly_grading(night):
    """Load the night's box scores as the nightly pipeline would, grade, and compare."""
    live_replay.apply_step(night.warehouse, -1)
    rows = read_csv("nba_analytics.player_game_summary", FIXTURES / "live" / "replay" / "nba_analytics.player_game_summary.csv")
    con = duckdb.connect(str(night.warehouse))
    try:
        con.execute(f"delete from nba_analytics.player_game_summary where game_date = '{NIGHT}'")
        columns = list(rows[0])
        con.executemany(f"insert into nba_analytics.player_game_summary ({', '.join(columns)}) "
                        f"values ({', '.join('?' for _ in columns)})", [list(r.values()) for r in rows])
    finally:
        con.close()
    night.dbt("run", "--select", "int_candidates_graded")
    compared = night.query("""
        select live.player_lookup, live.live_status, nightly.grade,
               case when live.live_status in ('correct', 'incorrect', 'push') then live.points end,
               case when nightly.grade in ('win', 'loss', 'push') then nightly.actual_points end
        from props_intermediate.int_live_picks_graded as live
        left join props_intermediate.int_candidates_graded as nightly
            on live.player_lookup = nightly.player_lookup and live.game_id = nightly.game_id
            and nightly.system_id = 'catboost_v9'
        order by live.pick_rank""")
    as_nightly = {"correct": "win", "incorrect": "loss", "push": "push", "void": "void"}
    assert [r[0] for r in compared] == ORDER
    assert [(as_nightly.get(r[1], r[1]), r[3]) for r in compared] == [(r[2], r[4]) for r in compared]
    assert [r[2] for r in compared] == ["win", "win", "loss", "win", "push", "void", "loss", "void"]


# ----------------------------------------------------------------------------- the replay itself


def finals_of_the_fixture():
    return live_replay.read_finals_csv(FIXTURES / "live" / "replay" / "final_boxscores.csv")


def test_replay_sequence():
    finals = finals_of_the_fixture()
    assert live_replay.slots(finals) == {"0022400801": 0, "0022400802": 2}
    assert live_replay.step_count(finals) == 8
    first, last = live_replay.snapshot(finals, 0), live_replay.snapshot(finals, 7)
    assert {(r.game_status, r.points, r.minutes, r.period) for r in first} == {("scheduled", 0, "00:00", 0)}
    assert {r.game_status for r in last} == {"final"}
    assert {(r.player_lookup, r.points, r.minutes) for r in last} == {
        (f.player_lookup, f.points, f"{int(f.minutes_played):02d}:00") for f in finals}
    with pytest.raises(ValueError, match="steps 0..7"):
        live_replay.snapshot(finals, 8)
    # a negative step counts from the last: -1 is step 7, -8 step 0
    assert (live_replay.resolved_step(finals, -1), live_replay.resolved_step(finals, -8)) == (7, 0)
    # a game's slot is its earliest tip-off, whatever its other rows say
    later_row = [finals[0]._replace(tipoff_at=finals[0].tipoff_at + dt.timedelta(hours=1)), *finals[1:]]
    assert live_replay.slots(later_row) == {"0022400801": 0, "0022400802": 2}
    # with no night named, the latest night of the finals is the one replayed
    night_before = [f._replace(game_date=f.game_date - dt.timedelta(days=1)) for f in finals]
    assert live_replay.night_of([*night_before, *finals], None, "finals") == finals


def test_replay_cli_refuses_a_bad_request_before_it_installs_finals(tmp_path, capsys):
    """`live_replay --finals CSV --step N` checks the step against the CSV's night before it installs the finals: a
    step out of range used to replace the warehouse's finals, then fail. A bad cell names its line and column; a
    missing CSV is one line, no traceback. A negative step out of range is named as given (it said "step -87")."""
    source = FIXTURES / "live" / "replay" / "final_boxscores.csv"
    warehouse = tmp_path / "w.duckdb"
    installed = live_replay.write_finals(warehouse, finals_of_the_fixture())
    header, first = source.read_text(encoding="utf-8").splitlines()[:2]
    one_row, bad_cell = tmp_path / "one.csv", tmp_path / "bad.csv"
    one_row.write_text(f"{header}\n{first}\n", encoding="utf-8")
    cells = first.split(",")
    cells[header.split(",").index("points")] = "abc"
    bad_cell.write_text(f"{header}\n{first}\n{','.join(cells)}\n", encoding="utf-8")

    def replay(*args: str) -> tuple[int, str]:
        code = live_replay.main(["--warehouse", str(warehouse), *args])
        return code, capsys.readouterr().err

    assert replay("--finals", str(one_row), "--step", "99") == (
        1, "error: step 99 out of range: this night has steps 0..5 (or -6..-1 from the last)\n")
    assert replay("--finals", str(one_row), "--step", "-100")[1].startswith("error: step -100 out of range")
    assert replay("--finals", str(bad_cell), "--step", "0") == (
        1, f"error: {bad_cell}: line 3: column points: invalid literal for int() with base 10: 'abc'\n")
    code, err = replay("--finals", str(tmp_path / "none.csv"), "--step", "0")
    assert code == 1 and err.startswith("error: [Errno 2] No such file or directory") and "none.csv" in err
    with duckdb.connect(str(warehouse), read_only=True) as con:  # the fixture's finals, as installed
        assert con.execute(f"select count(*) from {live_replay.REPLAY_TABLE}").fetchone() == (installed,)


def test_replay_points_and_minutes_only_grow():
    finals = finals_of_the_fixture()
    previous = {}
    for step in range(live_replay.step_count(finals)):
        for row in live_replay.snapshot(finals, step):
            key = (row.game_id, row.player_lookup)
            seconds = int(row.minutes[:2]) * 60 + int(row.minutes[3:])
            if key in previous:
                assert row.points >= previous[key][0] and seconds >= previous[key][1], (step, key)
            previous[key] = (row.points, seconds)
    holiday = [r for s in range(8) for r in live_replay.snapshot(finals, s) if r.player_lookup == "jrueholiday"]
    assert {(r.points, r.minutes) for r in holiday} == {(0, "00:00")}


def test_replaying_a_step_twice_writes_identical_rows(tmp_path):
    """apply_step replaces the night's live rows with the step's: written twice, the table holds the same 9 rows (one
    per player of the fixture's finals), not 18."""
    run = fixture_run(tmp_path, "live")
    finals = finals_of_the_fixture()
    live_replay.write_finals(run.warehouse, finals)
    night_rows = f"select * from {live_replay.LIVE_TABLE} where game_date = '{NIGHT}' order by all"
    assert live_replay.apply_step(run.warehouse, 5) == (dt.date.fromisoformat(NIGHT), 5, 9)
    once = run.query(night_rows)
    assert live_replay.apply_step(run.warehouse, 5) == (dt.date.fromisoformat(NIGHT), 5, 9)
    assert len(once) == 9 and run.query(night_rows) == once
    final_game = [r for r in live_replay.snapshot(finals, 7) if r.game_id == "0022400801"]
    assert {r.updated_at for r in final_game} == {dt.datetime(2025, 2, 11, 2, 20)}  # final since step 5


def test_the_next_night_listed_early_does_not_take_over_the_live_date(night, capsys, tmp_path):
    """After midnight UTC the feed may list the next night's games, still scheduled, while tonight's are under way:
    the live date stays tonight's, the latest date with a game started (it used to jump to the latest date present:
    an empty document for the next night, tonight's frozen at its last cycle, latest.json pointing at the empty one)."""
    live_cycle(night, 4, capsys)
    shutil.copytree(night.root, tmp_path / "copy")
    run = Run(tmp_path / "copy")
    run.execute("insert into nba_raw.live_boxscores values ('0022400999', date '2025-02-11', 'jaysontatum', null, null,"
                " 'scheduled', 0, null, timestamp '2025-02-11 01:55:00')")
    live_replay.apply_step(run.warehouse, 5)  # tonight goes on: BOS-NYK final, LAL-DEN in Q3
    run.dbt("build", "--selector", "live")
    assert run.publish("--group", "live") == 0
    assert not (run.site / "live-grading" / "2025-02-11.json").exists()
    assert run.document(f"live-grading/{NIGHT}.json") == EXPECTED_DOCUMENTS[5]
    assert run.document("latest.json")["dates"]["live-grading"] == NIGHT
