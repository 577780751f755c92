"""The daily cycle (`dbt build --selector daily_cycle`) gives the tables of a full build.

Most tables are incremental by date (bench/RESULTS.md "Scale"): a daily run rebuilds the
recent dates, and the dates still holding a pending grade, reading only the history it
needs (the season, or the last 30 days). A random warehouse spanning the end of 2023-24
and the start of 2024-25 is built fully up to the season's last night, then given its
next days as the upstream pipeline writes them (a night's predictions, context and
odds, and the previous night's box scores), one cycle per step: a new season, a normal
night, two nights at once (a skipped cycle), and a 6-day gap after which a night's rows,
pending since its own build and now older than facts_lookback_days, are graded (its
missing players void: the day after their game is over). After the last cycle every
table equals a full build of the same sources (floats to 9 significant digits: sums in
another order).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import duckdb

import random_warehouse
from pipeline import NO_UNIT, Run, copy_run, fixture_run, new_run
from sample_data.schema import load_tables, to_arrow

DATES = [
    "2024-04-08", "2024-04-09", "2024-04-10", "2024-04-12", "2024-04-14",  # end of 2023-24
    "2024-10-22", "2024-10-23", "2024-10-25", "2024-10-28", "2024-10-31",  # start of 2024-25
    "2024-11-01", "2024-11-04", "2024-11-06", "2024-11-12", "2024-11-13",
]
FIRST = "2024-04-14"  # built fully
CYCLES = ["2024-10-22", "2024-10-23", "2024-10-31", "2024-11-12", "2024-11-13"]
BOX_SCORES = "nba_analytics.player_game_summary"
# the live selector's mart and its part; the build log (which invocation built each relation: every
# cycle rebuilds a different set) that the publisher's gate reads, and the build times of each relation's inputs;
# the log of the prediction feed's dates (each run logs what it saw change: a history of the runs, not of the data),
# and what the last run before each tip-off saw of a game not fixed yet (int_predictions_sighted, and its copy by the
# last build that passed, predictions_sighted_passed, with what that build showed of the days not locked: the runs' too)
NOT_IN_CYCLE = {"public_live_grading", "public_live_grading__picks", "model_builds", "model_inputs",
                "stg_nba_predictions__date_changes", "int_predictions_sighted", "predictions_sighted_passed",
                "picks_shown_passed", "days_shown_passed", "groups_shown_passed", "candidates_shown_passed"}


def state(rows: dict[str, list[dict]], night: str) -> dict[str, list[dict]]:
    """The sources on `night` before its games: everything dated up to it, box scores before it."""
    cutoff = dt.date.fromisoformat(night)
    return {table: [r for r in table_rows if "game_date" not in r
                    or r["game_date"] < cutoff or (r["game_date"] == cutoff and table != BOX_SCORES)]
            for table, table_rows in rows.items()}


def add_rows(path, rows: dict[str, list[dict]], previous: str, night: str) -> None:
    """What the upstream pipeline wrote between two cycles (the registry is rewritten)."""
    old, new = state(rows, previous), state(rows, night)
    con = duckdb.connect(str(path))
    try:
        for table, table_rows in new.items():
            if table_rows and "game_date" not in table_rows[0]:
                continue
            seen = {id(r) for r in old[table]}
            incoming = [r for r in table_rows if id(r) not in seen]
            if incoming:
                con.register("incoming", to_arrow(table, incoming))
                con.execute(f"insert into {table} select * from incoming")
                con.unregister("incoming")
    finally:
        con.close()


def tables(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        names = con.execute("select table_schema, table_name from information_schema.tables "
                            "where table_schema like 'props%' and table_type = 'BASE TABLE'").fetchall()
        for schema, name in names:
            if name in NOT_IN_CYCLE:
                continue
            columns = con.execute("select column_name, data_type from information_schema.columns "
                                  "where table_schema = ? and table_name = ? order by ordinal_position",
                                  [schema, name]).fetchall()
            # when the run that wrote a row started differs between the cycles and the full build
            columns = [(c, t) for c, t in columns if c not in ("graded_at", "seen_at")]
            select = ", ".join(f'round("{c}", 9 - cast(ceil(log10(abs("{c}") + 1e-300)) as integer))'
                               if t == "DOUBLE" else f'"{c}"' for c, t in columns)
            out[f"{schema}.{name}"] = con.execute(f"select {select} from {schema}.{name} order by all").fetchall()
        return out
    finally:
        con.close()


def build_against_a_full_refresh(run: Run, clock: str, first: tuple[tuple[str, ...], ...] = ()
                                 ) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``run``'s incremental build at ``clock`` (`dbt build` without the unit tests, as the daily job runs it), after
    the builds ``first`` if any (each the arguments of one, e.g. a hand-made selection), and a --full-refresh of the
    same sources at the same clock, from a copy of its warehouse taken before them (in <run>/full-refresh/): the
    build's output, and the tables that differ between the two (none when the incremental builds are right). The
    full refresh is only the reference, so it runs the models alone (`dbt run`): the data tests are the build's
    under test, and testing the reference too cost about 3.5 s of each comparison."""
    full = copy_run(run, run.root / "full-refresh")
    for arguments in first:
        run.dbt("build", *NO_UNIT, *arguments, clock=clock)
    done = run.dbt("build", *NO_UNIT, clock=clock)
    full.dbt("run", "--full-refresh", clock=clock)
    built, expected = tables(run.warehouse), tables(full.warehouse)
    return done, sorted(name for name in built.keys() | expected.keys() if built.get(name) != expected.get(name))


def test_daily_cycles_equal_a_full_build(tmp_path):
    cycle = new_run(tmp_path / "cycle")
    rows = random_warehouse.build(cycle.warehouse, DATES, seed=23)
    cycle.warehouse.unlink()
    load_tables(cycle.warehouse, state(rows, FIRST))
    cycle.dbt("build", *NO_UNIT)
    previous = FIRST
    # every night at 18:00 UTC, after its 17:00 runs and before its tip-offs (00:00): the daily cycle on the nights
    # of CYCLES, which catch up the nights between; on those, the build after the predictions, which shows them (a
    # game no build showed before its tip-off takes no candidate: contract §3 Lock at tip-off)
    for night in DATES[DATES.index(FIRST) + 1:DATES.index(CYCLES[-1]) + 1]:
        add_rows(cycle.warehouse, rows, previous, night)
        group = "daily_cycle" if night in CYCLES else "after-predictions"
        cycle.dbt("build", "--selector", group, *NO_UNIT, clock=f"{night} 18:00:00")
        previous = night

    full = new_run(tmp_path / "full")
    load_tables(full.warehouse, state(rows, CYCLES[-1]))
    full.dbt("build", *NO_UNIT, clock=f"{CYCLES[-1]} 18:00:00")

    built, expected = tables(cycle.warehouse), tables(full.warehouse)
    assert sorted(built) == sorted(expected)
    different = [name for name in expected if built[name] != expected[name]]
    assert different == []
    # the cycles did run incrementally and the late voids were reached
    grades = dict(cycle.query("select grade, count(*) from props_intermediate.int_candidates_graded "
                              "where game_date = date '2024-11-06' group by grade"))
    assert grades.get("pending", 0) == 0 and grades.get("void", 0) > 0
    # the cycle's data tests read the recent rows only (macros/overrides/tests_window.sql), a full build's every
    # row: an incremental table's tests its last incremental_test_days (10) days, 2024-11-13 minus 10; the odds
    # view's tests the dates its reader int_candidates_scored rebuilt: facts_lookback_days (3) before the newest
    # date it held before the last cycle, 2024-11-12; the grades' tests also the rows the run wrote (below)
    graded = "models/intermediate/picks/_picks__models.yml/not_null_int_candidates_graded_grade.sql"
    assert ("where (game_date >= cast('2024-11-03' as date) or game_date is null or graded_at >= cast('"
            in compiled(cycle, graded))
    assert '."props_intermediate"."int_candidates_graded"\nwhere grade is null' in compiled(full, graded)
    odds = [path.read_text() for path in (cycle.root / "target" / "compiled").rglob("primary_key_stg_nba_raw__odds__*")]
    assert len(odds) == 1 and "where (game_date >= cast('2024-11-09' as date) or game_date is null)" in odds[0]
    # a stat correction of an old date (2024-10-23, 21 days before the last cycle): the tables downstream of the
    # grades rebuild that date, and their tests read it too (they used to read the last 10 days only: the
    # corrected record rows went untested until the next full build)
    # (30 points more turn a graded UNDER win or OVER loss around: lines are at most 29.5)
    cycle.execute(f"update {BOX_SCORES} set points = points + 30 where (player_lookup, game_id) in (select"
                  " player_lookup, game_id from props_intermediate.int_picks_published"
                  " where game_date = date '2024-10-23' and ((recommendation = 'UNDER' and grade = 'win')"
                  " or (recommendation = 'OVER' and grade = 'loss')) order by player_lookup limit 1)")
    cycle.dbt("build", "--selector", "daily_cycle")
    [published] = [path.read_text() for path in (cycle.root / "target" / "compiled").rglob(
        "primary_key_int_picks_published_*")]
    assert "where (game_date >= cast('2024-10-23' as date) or game_date is null)) dbt_subquery" in published
    # ... and the grades' own tests read every row the run wrote (graded_at, the run's start), the corrected
    # date's among them: they read the last 10 days, and the regraded rows went untested until a full build
    window = re.search(r"where (\(game_date >= .*\))\) dbt_subquery", compiled(cycle, graded)).group(1)
    assert "graded_at >=" in window
    [(regraded, on_the_date)] = cycle.query(
        f"select count(*) filter (where {window}), count(*) from props_intermediate.int_candidates_graded"
        " where game_date = date '2024-10-23'")
    assert regraded == on_the_date > 0
    # the cycle with --full-refresh rebuilds every date: its tests read every row (they used to read 10 days)
    cycle.dbt("compile", "--selector", "daily_cycle", "--full-refresh")
    assert '."props_intermediate"."int_candidates_graded"\nwhere grade is null' in compiled(cycle, graded)
    # review M: a run written weeks late for an old date (2024-10-23), with a recommendation staging refuses. The
    # cycle restages that date (the log of the feed's dates), and its tests read every date the run rebuilt: the
    # cycle fails on it, naming the row. They read the last 10 days only: the row reached admin_predictions
    # untested, and the next full build failed on it. Review N: the next cycle, nothing fixed, fails again (the
    # build log keeps staging's earlier build, its tests having failed): it used to pass without reading the row,
    # and admin_predictions took it in
    cycle.execute("insert into nba_predictions.player_prop_predictions select * replace ('late-buy' as prediction_id,"
                  " 'BUY' as recommendation) from nba_predictions.player_prop_predictions"
                  " where game_date = date '2024-10-23' and recommendation = 'OVER' limit 1")
    for _ in range(2):
        done = cycle.dbt("build", "--selector", "daily_cycle", check=False)
        assert done.returncode == 1
        assert ("BAD INPUT in source nba_predictions.player_prop_predictions (model"
                " stg_nba_predictions__player_prop_predictions), field recommendation, test accepted_values: 1 row(s),"
                " e.g. prediction_id=late-buy") in done.stdout
        assert cycle.query("select count(*) from props_admin.admin_predictions where prediction_id = 'late-buy'") == [
            (0,)]


def test_a_first_build_before_the_feeds_first_rows_fills_on_the_next_run(tmp_path):
    """A deployment whose first build comes before the prediction feed's first rows (the pick_engine fixture, its
    predictions set aside): every table is built empty. The next run rebuilt from the newest date already built,
    which an empty table does not have, so it built nothing, then and on every later run until a --full-refresh.
    It rebuilds every date now, as a first build does: the champion's candidates are the fixture's 12, 9 and 10
    (test_pick_engine.py), and every table equals a --full-refresh of the same sources."""
    run = fixture_run(tmp_path / "first", "pick_engine")
    predictions = "nba_predictions.player_prop_predictions"
    run.execute(f"create table main.landed_later as select * from {predictions}", f"delete from {predictions}")
    run.dbt("build", *NO_UNIT, clock="2025-01-06 09:00:00")
    assert run.query("select count(*) from props_intermediate.int_candidates_selected") == [(0,)]
    run.execute(f"insert into {predictions} select * from main.landed_later", "drop table main.landed_later")
    _, differing = build_against_a_full_refresh(run, clock="2025-01-06 11:00:00")
    assert differing == []
    assert run.query("select game_date::varchar, count(*) from props_intermediate.int_candidates_selected"
                     " where system_id = 'catboost_v9' group by 1 order by 1") == [
        ("2025-01-06", 12), ("2025-01-07", 9), ("2025-01-08", 10)]


def compiled(run, path: str) -> str:
    """The SQL of a node as the run's last dbt command compiled it."""
    return (run.root / "target" / "compiled" / "nba_props" / path).read_text()
