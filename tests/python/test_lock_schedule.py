"""The lock when the schedule moves (contract §3 Lock at tip-off): tip-offs given late or out of their date, games
postponed, moved weeks ahead, brought forward or moved back, and days whose games are predicted at different times,
on the hand-built fixture tests/warehouses/pick_engine/ (test_lock.py's docstring: three days, every game tips off at
23:30 UTC on its date). Each test builds its own warehouse; most compare the daily builds with a --full-refresh of the
same sources, table for table. Split from test_lock.py so that the two halves run on both test workers.
"""

from __future__ import annotations

from pipeline import Run, fixture_run
from test_daily_cycle import build_against_a_full_refresh
from test_lock import COLUMNS, LOCKS_DAY_3, C, P, a_game_days_later, build
from test_pick_engine import BEST_BETS, D1, D2, D3, EXPECTED_PICKS, JOKIC

def test_a_tip_off_given_after_the_game_was_fixed_keeps_each_prediction_shown_once(tmp_path):
    """Review J: Cunningham's game has no start time, so it locks at the end of day 1 (00:00). A re-run at 23:40
    (rerun-001, pe-001 deactivated), seen by the 23:45 build, is its candidate, fixed by the 00:00 run; later the
    context gives the real tip-off, 23:30. rerun-001 is then late by the context but a candidate by the record:
    admin/predictions listed it twice, a duplicate key that stopped every build (--full-refresh too: the record keeps
    it) and every publish. It is shown once, as the candidate it was fixed as; pe-001, the candidate the rules give now
    (created before 23:30, 28.5 on 20.5: edge 8.0), missed the lock.
    Review K: the tip-off comes on 01-14, after a game on 01-12 has taken the incremental window past day 1. The daily
    run must still equal a full refresh: it used to keep day 1 as the 01-13 run left it (no pe-001 in admin/predictions;
    int_candidates_selected still held rerun-001), as nothing rebuilt day 1 again. A fixed game's lock time that changes
    is now logged (int_game_moves.locks_at) and rebuilds its date, as a move does. The same day, day 1's runs change
    upstream: a run backfilled on 01-13 (late: shown, never a candidate) and a run deleted. No daily run used to read
    day 1's source rows again (staging's window had left it): admin/predictions lacked the backfill and kept the deleted
    run. Staging now restages a date whose rows changed (the log of the feed's dates,
    stg_nba_predictions__date_changes), and every fact rebuilds from it.
    Contract §4: his public picks of day 1 give tipoff null (the game locked with none; the 23:30 given later is not
    the one it locked at) and home null (his context row's is_home is null from the start); Jokić's keep his game's."""
    run = fixture_run(tmp_path, "pick_engine")
    cunningham = "0022400501"
    run.execute(f"update {C} set game_start_at = null where game_id = '{cunningham}'",
                f"update {C} set is_home = null where player_lookup = 'cadecunningham'")
    run.execute(f"update {P} set is_active = false where prediction_id = 'pe-001'",
                f"insert into {P} ({COLUMNS}) select 'rerun-001', system_id, player_lookup, game_id, game_date, 26.0,"
                f" 0.8, 'OVER', 20.5, true, timestamp '{D1} 23:40:00' from {P} where prediction_id = 'pe-001'")
    build(run, clock=f"{D1} 23:45:00")  # the last build before the lock sees the re-run
    build(run, clock=f"{D2} 00:00:00")
    # a log from before the release that added locks_at: the run appends the column, and the record's lock time is
    # the baseline, so nothing is logged for a tip-off that did not change
    run.execute("alter table props_intermediate.int_game_moves drop column locks_at",
                *a_game_days_later("X512", "2025-01-12"))
    build(run, clock="2025-01-13 06:00:00")
    logged = "select game_id, game_date::varchar, locks_at::varchar from props_intermediate.int_game_moves"
    assert run.query(logged) == []
    run.execute(f"update {C} set game_start_at = timestamp '{D1} 23:30:00' where game_id = '{cunningham}'",
                # day 1's runs changed upstream too, weeks late: a backfilled run of Jokic, a run of Brunson deleted
                f"insert into {P} ({COLUMNS}) select 'backfill-002', system_id, player_lookup, game_id, game_date,"
                f" 21.0, 0.9, 'UNDER', 25.5, true, timestamp '2025-01-13 20:00:00' from {P} where prediction_id = 'pe-002'",
                f"delete from {P} where prediction_id = 'pe-003'")
    assert build_against_a_full_refresh(run, clock="2025-01-14 06:00:00")[1] == []
    assert run.query(logged) == [(cunningham, D1, f"{D1} 23:30:00")]
    assert run.query("select prediction_id, is_late from props_admin.admin_predictions"
                     " where prediction_id in ('backfill-002', 'pe-002', 'pe-003') order by 1") == [
        ("backfill-002", True), ("pe-002", False)]
    assert run.publish("--all-dates", "--only", "admin_predictions,public_picks,public_best_bets") == 0
    shown = sorted((p["prediction_id"], p["late"], p["missed_lock"], p["edge"])
                   for p in run.document(f"admin/predictions/{D1}.json")["predictions"]
                   if p["player_lookup"] == "cadecunningham" and p["system_id"] == "catboost_v9")
    assert shown == [("pe-001", False, True, 8.0), ("rerun-001", False, False, 5.5)]
    # contract §4: tipoff is the one the game locked at, null when the schedule gave none (the record keeps that null,
    # not the 23:30 given later), and home is null when the context does not say (his row's is_home, nulled above)
    best_bets = run.document(f"best-bets/{D1}.json")["picks"]
    picks = [*best_bets, *(p for group in run.document(f"picks/{D1}.json")["groups"] for p in group["picks"])]
    assert "Cade Cunningham" in [pick["player"] for pick in best_bets]  # rerun-001: OVER, edge 5.5 (>= 5)
    assert {(pick["tipoff"], pick["home"]) for pick in picks if pick["player"] == "Cade Cunningham"} == {(None, None)}
    assert {(pick["tipoff"], pick["home"]) for pick in picks if pick["player"] == JOKIC["player"]} == {
        (JOKIC["tipoff"], JOKIC["home"])}


def test_a_tip_off_days_after_its_game_date_is_ignored(tmp_path):
    """Review J: Cunningham's game (day 1, 01-06) is given a tip-off of 01-10 23:30 under its old date, and a game
    dated 01-10 (X510, a copy of day 3's) takes the newest date on; daily builds from 01-06 12:00 to 01-11 06:00.
    The game's lock used to wait for 01-10 23:30, when the record's window had left day 1: it was fixed with no
    candidate, and a --full-refresh gave day 1 other picks. Such a start time is ignored now, named by a warning:
    the game locks at the end of day 1 (01-07 00:00) with its 5 candidates, and the daily builds equal a full
    refresh. The builds: 01-07 12:00 (day 1 locks, or did not), 01-10 21:00 (X510 takes the window past day 1),
    01-11 06:00 (the old lock time has passed)."""
    run = fixture_run(tmp_path, "pick_engine")
    cunningham = "0022400501"
    run.execute(
        f"update {C} set game_start_at = timestamp '2025-01-10 23:30:00' where game_id = '{cunningham}'",
        *a_game_days_later("X510", "2025-01-10", tip_off="20:00"))
    for clock in ("2025-01-07 12:00:00", "2025-01-10 21:00:00"):
        build(run, clock=clock)
    done, differing = build_against_a_full_refresh(run, clock="2025-01-11 06:00:00")
    [warning] = [line for line in done.stdout.splitlines() if "test tipoff_not_past_its_date" in line]
    assert "WARNING (the run goes on) in source nba_analytics.upcoming_player_game_context" in warning
    assert "field game_start_at, test tipoff_not_past_its_date: 4 row(s)" in warning
    assert differing == []
    assert run.query("select candidate_count, locks_at::varchar from props_intermediate.int_games_locked"
                     f" where game_id = '{cunningham}'") == [(5, "2025-01-07 00:00:00")]


def test_a_tip_off_before_its_game_date_locks_the_game_then(tmp_path):
    """Review K: Cunningham's game (dated 01-06) is given a tip-off of 01-05 23:30; its runs came on 01-06 at
    17:00, after it. The start time is kept (only one past the day after the date is ignored), so the game locks
    at 01-05 23:30 and those runs are late: no candidate, no pick. Ignoring it, as 79e8c09 did, locked the game at
    the end of 01-06 with 5 candidates made after the real tip-off."""
    run = fixture_run(tmp_path, "pick_engine")
    cunningham = "0022400501"
    run.execute(f"update {C} set game_start_at = timestamp '2025-01-05 23:30:00' where game_id = '{cunningham}'")
    build(run, clock=f"{D2} 06:00:00")
    assert run.query("select candidate_count, locks_at::varchar from props_intermediate.int_games_locked"
                     f" where game_id = '{cunningham}'") == [(0, "2025-01-05 23:30:00")]
    assert run.query(f"select count(*) from props_intermediate.int_picks_locked where game_id = '{cunningham}'") == [(0,)]


POSTPONED = "0022400504"  # day 2's game of 9 champion candidates (test_pick_engine.py)


def postpone(run: Run, new_runs_at: str) -> None:
    """Day 2's game is played a day late under its game_id, as the upstream writes it: the context moves it to day 3
    (tip-off 01:00 UTC), day 2's runs are deactivated, day-3 runs (moved-013...) are written at ``new_runs_at``, and
    the box scores (set aside in main.played_later, out of the feed until the game is played) come dated day 3."""
    run.execute(
        f"update nba_analytics.upcoming_player_game_context set game_date = '{D3}', game_start_at = '2025-01-09 01:00:00'"
        f" where game_id = '{POSTPONED}'",
        f"update {P} set is_active = false where game_id = '{POSTPONED}'",
        f"insert into {P} ({COLUMNS}) select 'moved-' || substr(prediction_id, 4), system_id, player_lookup, game_id,"
        f" date '{D3}', predicted_points, confidence_score, recommendation, current_points_line, true,"
        f" timestamp '{new_runs_at}' from {P} where game_id = '{POSTPONED}'",
        f"insert into nba_analytics.player_game_summary select * replace (date '{D3}' as game_date) from main.played_later",
        "drop table main.played_later")


def postponed_run(tmp_path, first_clock: str, new_runs_at: str) -> Run:
    """The fixture built at ``first_clock`` without the game's box scores, then the postponement, a build at 21:00 on
    day 3 (after the day-3 runs), then the next morning's daily run, which must equal a --full-refresh of the same
    sources table for table."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(f"create table main.played_later as select * from nba_analytics.player_game_summary"
                f" where game_id = '{POSTPONED}'",
                f"delete from nba_analytics.player_game_summary where game_id = '{POSTPONED}' or game_date = '{D3}'")
    build(run, clock=first_clock)
    postpone(run, new_runs_at)
    build(run, clock=f"{D3} 21:00:00")  # after the day-3 runs, before the new tip-off: a build shows them
    assert build_against_a_full_refresh(run, clock="2025-01-09 06:00:00")[1] == []
    return run


def grades(run: Run) -> list[tuple]:
    return run.query("select prediction_id, game_date::varchar, grade from props_intermediate.int_candidates_graded"
                     f" where game_id = '{POSTPONED}' order by 1")


# the fixture's box scores of the game, by hand: Mitchell UNDER 27.5, 22 points: win; Banchero dnp: void; Mobley
# UNDER 15.5, 16: loss; Young OVER 20.5, 21; Brown UNDER 9.5, 3; Wagner OVER 17.5, 20; Garland UNDER 19.5, 17; Suggs
# UNDER 13.5, 12; Allen OVER 12.5, 14: wins
POSTPONED_GRADES = ["win", "void", "loss", "win", "win", "win", "win", "win", "win"]


def test_a_game_played_a_day_late_under_its_id_keeps_its_locked_picks(tmp_path):
    """A postponement (contract §1: predictions for postponed games) known only after the game's tip-off on paper:
    the 00:30 run fixed it on day 2. A daily run used to stop on int_candidates_selected's key (the day-2 rows stayed:
    DuckDB's delete+insert replaced only the dates the run wrote, day 2 had none left); like BigQuery's partitions,
    every date of the window is replaced now, so the run equals a full refresh (postponed_run). The picks users saw
    (day 2, locked) stay, graded on the game as played (box scores by the day after day 2); the day-3 runs came
    after the game was fixed, so they are no candidates."""
    run = postponed_run(tmp_path, first_clock=f"{D3} 00:30:00", new_runs_at=f"{D3} 17:00:00")
    assert grades(run) == [(f"pe-{n:03d}", D2, grade) for n, grade in zip(range(13, 22), POSTPONED_GRADES)]
    # the rules' candidates today are the day-3 runs (no candidate: the game was fixed before they came);
    # day 3's admin file shows each as having missed the lock (the PASS, moved-105, is no candidate)
    assert run.query("select distinct game_date::varchar from props_intermediate.int_candidates_selected"
                     f" where game_id = '{POSTPONED}'") == [(D3,)]
    assert run.publish("--all-dates", "--only", "admin_predictions") == 0
    missed = sorted(p["prediction_id"] for p in run.document(f"admin/predictions/{D3}.json")["predictions"]
                    if p["missed_lock"])
    assert missed == [f"moved-{n:03d}" for n in range(13, 22)]


def test_a_game_postponed_before_its_tip_off_moves_its_picks_to_its_new_day(tmp_path):
    """The same postponement known at noon on day 2, before the game's tip-off, and the day-3 runs written at 20:00:
    nothing was fixed on day 2, so the game's candidates are the day-3 runs, published and locked on day 3 and graded
    on the game as played; day 2 shows none of its players."""
    run = postponed_run(tmp_path, first_clock=f"{D2} 12:00:00", new_runs_at=f"{D2} 20:00:00")
    assert grades(run) == [(f"moved-{n:03d}", D3, grade) for n, grade in zip(range(13, 22), POSTPONED_GRADES)]
    assert run.query("select distinct game_date::varchar, is_locked from props_intermediate.int_picks_published"
                     f" where game_id = '{POSTPONED}'") == [(D3, True)]



LATER, LATER_TIP_OFF = "2025-01-28", "2025-01-29 01:00:00"


def played_on_its_new_date(run: Run) -> None:
    """The moved game is predicted again on its new date (LATER: day 2's pe- runs copied as later-NNN), shown by the
    build at 18:00, and played (the box scores set aside in main.played_later, dated LATER); the morning after, the
    daily build must equal a --full-refresh of the same sources table for table."""
    run.execute(
        f"insert into {P} ({COLUMNS}) select 'later-' || substr(prediction_id, 4), system_id, player_lookup, game_id,"
        f" date '{LATER}', predicted_points, confidence_score, recommendation, current_points_line, true,"
        f" timestamp '{LATER} 17:00:00' from {P} where game_id = '{POSTPONED}' and prediction_id like 'pe-%'")
    build(run, clock=f"{LATER} 18:00:00")  # the build after the runs shows them
    run.execute(f"insert into nba_analytics.player_game_summary select * replace (date '{LATER}' as game_date)"
                " from main.played_later",
                "drop table main.played_later")
    assert build_against_a_full_refresh(run, clock="2025-01-29 06:00:00")[1] == []


def test_a_game_postponed_beyond_the_horizon_waits_for_its_new_date(tmp_path):
    """A postponement by three weeks (contract §3 Lock at tip-off, a game moved to a later date): at noon on day 2 the
    context moves the game to 01-28 (tip-off 01-29 01:00), past the feeds' horizon (var max_days_ahead: quarantined),
    while its day-2 runs stay active. Day 2 keeps another game (X505, a copy of day 3's). Every build used to stop
    from then on: the day-2 runs became candidates without a name (not_null on int_candidates_scored), and the failure
    stayed once day 2 left the incremental window. The day-2 runs are no candidates now (their game is not on day 2),
    day 2 locks at X505's tip-off with X505's picks only, and the game is fixed at its new tip-off with the runs of
    its new date, graded on the game as played; the incremental runs equal a full refresh."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(
        f"insert into {C} select * replace ('X505' as game_id, date '{D2}' as game_date,"
        f" timestamp '{D2} 23:30:00' as game_start_at) from {C} where game_id = '0022400505'",
        f"insert into {P} select * replace ('x-' || prediction_id as prediction_id, 'X505' as game_id,"
        f" date '{D2}' as game_date, timestamp '{D2} 17:00:00' as created_at) from {P} where game_id = '0022400505'",
        f"create table main.played_later as select * from nba_analytics.player_game_summary where game_id = '{POSTPONED}'",
        f"delete from nba_analytics.player_game_summary where game_id = '{POSTPONED}' or game_date = '{D3}'")
    build(run, clock=f"{D2} 12:00:00")
    run.execute(f"update {C} set game_date = '{LATER}', game_start_at = '{LATER_TIP_OFF}' where game_id = '{POSTPONED}'")
    build(run, clock=f"{D3} 06:00:00")
    assert run.query("select count(*) from props_intermediate.int_candidates_selected"
                     f" where game_id = '{POSTPONED}'") == [(0,)]
    assert run.query("select distinct game_id from props_intermediate.int_picks_locked"
                     f" where game_date = '{D2}'") == [("X505",)]
    assert run.query(f"select count(*) from props_intermediate.int_games_locked where game_id = '{POSTPONED}'") == [(0,)]
    # day 2's admin file shows the game's active runs (its 9 and its PASS, pe-105) as moved to its new date, with no
    # edge: the on-call sees why they left the day; X505's runs have not moved
    assert run.publish("--all-dates", "--only", "admin_predictions") == 0
    shown = {p["prediction_id"]: (p["moved_to"], p["late"], p["edge"])
             for p in run.document(f"admin/predictions/{D2}.json")["predictions"] if p["game_id"] == POSTPONED}
    assert shown == {f"pe-{n:03d}": (LATER, False, None) for n in [*range(13, 22), 105]}
    assert {p["moved_to"] for p in run.document(f"admin/predictions/{D2}.json")["predictions"]
            if p["game_id"] == "X505"} == {None}
    # the game comes within the horizon, is predicted again on its new date, and played
    played_on_its_new_date(run)
    assert run.query("select prediction_id, game_date::varchar, grade from props_intermediate.int_candidates_graded"
                     f" where game_id = '{POSTPONED}' order by 1") == [
        (f"later-{n:03d}", LATER, grade) for n, grade in zip(range(13, 22), POSTPONED_GRADES)]
    assert run.query("select game_date::varchar, candidate_count from props_intermediate.int_games_locked"
                     f" where game_id = '{POSTPONED}'") == [(LATER, 9)]


def test_a_fixed_game_moved_weeks_later_and_predicted_again_leaves_its_first_date(tmp_path):
    """Day 2's game is fixed at its tip-off; a game on 01-12 takes the incremental window past day 2; then the
    context moves the game to 01-28, where it is predicted again and played; the next daily build (01-29) sees both.
    The daily builds between, while the new date is past the horizon, are those of
    test_a_fixed_game_moved_after_its_date_left_the_window_shows_as_moved_in_admin. Every daily build used to fail
    from the new runs on: day 2 had left the window, so int_candidates_selected kept its rows of the game beside the
    new date's (a duplicate player x game x system), and a full refresh was the only way out.
    Each fact now rebuilds from the first date whose game the log of moves (int_game_moves) saw move since its last
    build: the daily builds pass and equal a full refresh, and the picks fixed on day 2 stay, void (no box score by
    the day after)."""
    run = fixture_run(tmp_path, "pick_engine")
    later_game = "2025-01-12"
    run.execute(
        *a_game_days_later("X512", later_game),
        f"create table main.played_later as select * from nba_analytics.player_game_summary where game_id = '{POSTPONED}'",
        f"delete from nba_analytics.player_game_summary where game_id = '{POSTPONED}'")
    build(run, clock=f"{D3} 06:00:00")
    assert run.query(f"select game_date::varchar, candidate_count from props_intermediate.int_games_locked"
                     f" where game_id = '{POSTPONED}'") == [(D2, 9)]
    build(run, clock="2025-01-13 06:00:00")
    run.execute(f"update {C} set game_date = '{LATER}', game_start_at = '{LATER_TIP_OFF}' where game_id = '{POSTPONED}'")
    played_on_its_new_date(run)  # the first build to see the move also sees the new date's runs
    assert run.query("select distinct game_date::varchar, grade from props_intermediate.int_candidates_graded"
                     f" where game_id = '{POSTPONED}'") == [(D2, "void")]
    assert run.query("select distinct game_date::varchar from props_intermediate.int_candidates_selected"
                     f" where game_id = '{POSTPONED}'") == [(LATER,)]


def test_a_fixed_game_moved_after_its_date_left_the_window_shows_as_moved_in_admin(tmp_path):
    """Review K: day 2's game is fixed, graded and locked; a game on 01-12 takes the window past day 2; on 01-14 the
    context moves the game to 01-28. admin/predictions of day 2 must show its fixed candidates and its active PASS
    (pe-105) as moved, as a full refresh does: the daily run used to keep them without moved_to, and without
    pe-105, since nothing else rebuilt day 2 (its box scores were in). Every table must equal a full refresh, also
    once the feeds' horizon reaches the new date."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(*a_game_days_later("X512", "2025-01-12"))
    build(run, clock=f"{D3} 06:00:00")
    build(run, clock="2025-01-13 06:00:00")
    run.execute(f"update {C} set game_date = '{LATER}', game_start_at = '{LATER_TIP_OFF}' where game_id = '{POSTPONED}'")
    # every table equals a full refresh: int_market_signals_daily and int_best_bets_filtered used to keep day 2's
    # rows of the moved game (no published file differed: day 2's are read from the record)
    assert build_against_a_full_refresh(run, clock="2025-01-14 06:00:00")[1] == []
    admin = "props_admin.admin_predictions"
    assert run.query(f"select prediction_id, is_late, moved_to::varchar from {admin} where game_id = '{POSTPONED}'"
                     " order by 1") == [(f"pe-{n:03d}", False, LATER) for n in [*range(13, 22), 105]]
    # review L: on 01-27 the feeds' horizon reaches 01-28, so the game's context rows are read again: day 2's moved
    # rows take the player's name from them (pe-105's was null while they were quarantined), as a full refresh does.
    # The same night a run of day 1 is backfilled: staging restages day 1 (the log of the feed's dates), and every
    # fact rebuilds from it, before day 2, where the log of moves alone would start
    run.execute(f"insert into {P} ({COLUMNS}) select 'backfill-002', system_id, player_lookup, game_id, game_date,"
                f" 21.0, 0.9, 'UNDER', 25.5, true, timestamp '2025-01-26 20:00:00' from {P} where prediction_id = 'pe-002'")
    assert build_against_a_full_refresh(run, clock="2025-01-27 06:00:00")[1] == []
    assert run.query(f"select player from {admin} where prediction_id = 'pe-105'") == [("Max Strus",)]
    assert run.query(f"select date::varchar, is_late from {admin} where prediction_id = 'backfill-002'") == [(D1, True)]


def test_a_game_moved_away_and_back_after_its_date_left_the_window_counts_there_again(tmp_path):
    """Review K: at noon on day 2 the context moves day 2's only game to 01-28 (its day-2 runs stay active), so day 2
    has no game and locks nothing (the 20:00 build, before the tip-off, shows that: no file shows the game's picks); a
    game on 01-12 takes the window past day 2; on 01-14 the context puts the game back on day 2 (the move was an
    upstream error). The daily run must equal a full refresh: day 2 is a day again, locked at once (its tip-off has
    passed) and its game fixed, with no candidate: no build showed a run of it before its tip-off (within the
    incremental window too: a known gap until the record took what a build that passed saw, and the days locked since
    counted the game's runs, picks no file showed). The daily run used to leave day 2 out for good: no row of a moved
    game was left to rebuild from, so 13 tables differed from a full refresh (int_days_locked, public_picks,
    public_signals, the candidates...).
    Review L: an operator first builds the log alone (`--select int_game_moves`), then the candidates and what follows
    them (`--select int_candidates_selected+`), which rebuilds day 2 from int_game_dates_calendared as the 01-13 run
    left it (a table upstream, not selected). The daily run after them must still equal a full refresh: it used to take
    the move as done by those tables (built after it), and 10 tables kept day 2 wrong for good (public_picks, the
    record's int_days_locked...)."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(*a_game_days_later("X512", "2025-01-12", prefix="y-"))
    build(run, clock=f"{D2} 12:00:00")
    run.execute(f"update {C} set game_date = '{LATER}', game_start_at = '{LATER_TIP_OFF}' where game_id = '{POSTPONED}'")
    build(run, clock=f"{D2} 20:00:00")  # before the tip-off: the site stops showing the game's picks
    build(run, clock="2025-01-13 06:00:00")
    locked_days = "select distinct game_date::varchar from props_intermediate.int_days_locked order by 1"
    assert run.query(locked_days) == [(D1,), (D3,), ("2025-01-12",)]
    run.execute(f"update {C} set game_date = '{D2}', game_start_at = '{D2} 23:30:00' where game_id = '{POSTPONED}'")
    by_hand = (("--select", "int_game_moves"), ("--select", "int_candidates_selected+"))
    assert build_against_a_full_refresh(run, clock="2025-01-14 06:00:00", first=by_hand)[1] == []
    assert run.query(locked_days) == [(D1,), (D2,), (D3,), ("2025-01-12",)]
    assert run.query("select game_date::varchar, candidate_count from props_intermediate.int_games_locked"
                     f" where game_id = '{POSTPONED}'") == [(D2, 0)]
    # the game's day-2 runs are candidates by the rules again; fixed without them, they missed the lock (admin)
    assert run.query("select count(*) from props_intermediate.int_candidates_selected"
                     f" where game_id = '{POSTPONED}' and game_date = '{D2}'") == [(9,)]
    assert run.query("select prediction_id, is_missed_lock, moved_to from props_admin.admin_predictions"
                     f" where game_id = '{POSTPONED}' order by 1") == [
        (f"pe-{n:03d}", True, None) for n in range(13, 22)]


def test_a_day_whose_only_game_moves_later_publishes_no_file(tmp_path):
    """Day 2's only game is moved to day 3 before its tip-off, its day-2 runs left active, and nobody predicts it
    again. Day 2 has no game left: it is in no record and no published date. The market signals used to keep it
    from the day-2 runs while the calendar dropped it: a day published as provisional on every run, never locked,
    with picks and signals files but no best bets."""
    run = fixture_run(tmp_path, "pick_engine")
    build(run, clock=f"{D2} 12:00:00")
    run.execute(f"update {C} set game_date = '{D3}', game_start_at = '2025-01-09 01:00:00'"
                f" where game_id = '{POSTPONED}'")
    build(run, clock="2025-01-10 06:00:00")
    assert run.query("select distinct game_date::varchar from props_intermediate.int_days_locked"
                     " order by 1") == [(D1,), (D3,)]
    assert run.query("select distinct game_date::varchar from props_intermediate.int_days_published"
                     " order by 1") == [(D1,), (D3,)]
    assert run.publish("--all-dates") == 0
    assert sorted(str(path.relative_to(run.site)) for path in run.site.rglob(f"{D2}.json")) == []
    assert sorted(path.name for path in (run.site / "picks").glob("*.json")) == [f"{D1}.json", f"{D3}.json"]


def test_a_day_locks_at_its_last_game_even_before_that_game_is_predicted(tmp_path):
    """A Christmas-style slate: an afternoon game (17:30) predicted at 14:15, the night game (23:30) predicted at 18:00
    only (shown by the 18:15 build). The hourly run at 17:45 is past the first tip-off but not the day's last: the day
    must not lock then (it used to: its lock time was the last tip-off among the games with predictions, so the night
    game's picks were never published). The pre-game context lists both games, so the day locks at 23:30, and its picks
    and best bets are the fixture's own (the afternoon game's runs are PASS: no candidate)."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(
        "insert into nba_analytics.upcoming_player_game_context values"
        f" ('lebronjames', 'LeBron James', '0022400599', date '{D3}', 'LAL', 'GSW', true, timestamp '{D3} 17:30:00'),"
        f" ('stephencurry', 'Stephen Curry', '0022400599', date '{D3}', 'GSW', 'LAL', false, timestamp '{D3} 17:30:00')",
        f"insert into {P} ({COLUMNS}) values"
        f" ('xmas-1', 'catboost_v9', 'lebronjames', '0022400599', date '{D3}', 25.0, 0.5, 'PASS', 25.5, true,"
        f" timestamp '{D3} 14:15:00'),"
        f" ('xmas-2', 'catboost_v9', 'stephencurry', '0022400599', date '{D3}', 27.0, 0.5, 'PASS', 26.5, true,"
        f" timestamp '{D3} 14:15:00')",
        f"create table main.night_runs as select * from {P} where game_id = '0022400505'",
        f"delete from {P} where game_id = '0022400505'")
    build(run, clock=f"{D3} 17:45:00")
    assert run.query(f"select count(*) from props_intermediate.int_days_locked where game_date = '{D3}'") == [(0,)]
    run.execute(f"insert into {P} select * replace (timestamp '{D3} 18:00:00' as created_at) from main.night_runs",
                "drop table main.night_runs")
    build(run, clock=f"{D3} 18:15:00")  # the build after the night runs shows them
    build(run, clock="2025-01-09 06:00:00")
    assert run.publish("--all-dates") == 0
    picks = {g["id"]: g["picks"] for g in run.document(f"picks/{D3}.json")["groups"]}
    assert picks == EXPECTED_PICKS[D3]
    assert run.document(f"best-bets/{D3}.json")["picks"] == BEST_BETS[D3]


D4, EARLY_GAME = "2025-01-09", "0022400601"


def dated_files(run: Run) -> list[str]:
    """The published {date} files dated day 4, by path."""
    return sorted(str(path.relative_to(run.site)) for path in run.site.rglob(f"{D4}.json"))


def test_an_early_prediction_for_tomorrow_waits_until_tonight_has_tipped_off(tmp_path):
    """Contract §4 Current slate: the feeds may run up to two days ahead (var max_days_ahead). A champion prediction
    for day 4 written at 11:00 on day 3 (LeBron James OVER 24.5 at 32.0: edge 7.5, a best bet by the rules) used to
    make day 4 the newest date at once: latest.json named day 4 for picks, signals and best bets, and
    best-bets/all.json's date and today were day 4's, with tonight's three best bets out of `today`. Day 4 is the
    slate only once day 3's last game has tipped off (23:30); until then no public file is dated day 4 (admin
    files are)."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(
        "insert into nba_analytics.upcoming_player_game_context values ('lebronjames', 'LeBron James',"
        f" '{EARLY_GAME}', date '{D4}', 'LAL', 'GSW', true, timestamp '2025-01-10 00:30:00')",
        f"insert into {P} ({COLUMNS}) values ('early-1', 'catboost_v9', 'lebronjames', '{EARLY_GAME}', date '{D4}',"
        f" 32.0, 0.8, 'OVER', 24.5, true, timestamp '{D3} 11:00:00')")
    build(run)  # 12:00 on day 3
    assert run.publish("--all-dates") == 0
    assert dated_files(run) == []
    assert run.document("latest.json")["dates"] == {"picks": D3, "signals": D3, "best-bets": D3}
    all_bets = run.document("best-bets/all.json")
    assert (all_bets["date"], all_bets["today"], all_bets["total_picks"]) == (D3, BEST_BETS[D3], 12)
    assert (run.admin_site / "admin" / "picks" / f"{D4}.json").is_file()

    build(run, clock=f"{D3} 23:30:00")  # tonight's last tip-off: day 3 locks, day 4 is the slate
    assert run.publish("--all-dates") == 0
    assert dated_files(run) == [f"best-bets/{D4}.json", f"picks/{D4}.json", f"signals/{D4}.json"]
    assert run.document("latest.json")["dates"] == {"picks": D4, "signals": D4, "best-bets": D4}
    all_bets = run.document("best-bets/all.json")
    assert (all_bets["date"], [bet["player"] for bet in all_bets["today"]], all_bets["total_picks"]) == (
        D4, ["LeBron James"], 13)


def test_a_game_moved_to_an_earlier_date_is_picked_on_that_date_only(tmp_path):
    """Day 2's game is brought forward to day 1 (contract §3 Lock at tip-off, a game moved to another date): its day-2
    runs, written at 10:00 on day 1, stay active; at noon the context moves the game to day 1 (tip-off 23:30). Those
    runs used to stay candidates on day 2, listed there with the new tip-off and locked at it, and day 2 stayed a day of
    its own (locked, with the old runs' signal) after the game was predicted again for day 1. Now the game has no
    candidate until runs of its new date come (early-NNN, 17:00, shown by the 17:30 build): it is picked, locked and
    graded on day 1 only; day 2 has no game left, so no record; the daily run equals a full refresh."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(f"update {P} set created_at = timestamp '{D1} 10:00:00' where game_id = '{POSTPONED}'")
    build(run, clock=f"{D1} 11:00:00")
    assert run.query("select distinct game_date::varchar from props_intermediate.int_candidates_selected"
                     f" where game_id = '{POSTPONED}'") == [(D2,)]
    run.execute(
        f"update {C} set game_date = '{D1}', game_start_at = timestamp '{D1} 23:30:00' where game_id = '{POSTPONED}'",
        f"update nba_analytics.player_game_summary set game_date = '{D1}' where game_id = '{POSTPONED}'")
    build(run, clock=f"{D1} 12:00:00")
    assert run.query("select count(*) from props_intermediate.int_candidates_selected"
                     f" where game_id = '{POSTPONED}'") == [(0,)]
    run.execute(
        f"insert into {P} ({COLUMNS}) select 'early-' || substr(prediction_id, 4), system_id, player_lookup, game_id,"
        f" date '{D1}', predicted_points, confidence_score, recommendation, current_points_line, true,"
        f" timestamp '{D1} 17:00:00' from {P} where game_id = '{POSTPONED}'")
    build(run, clock=f"{D1} 17:30:00")  # the build after the runs shows them
    assert build_against_a_full_refresh(run, clock=LOCKS_DAY_3)[1] == []
    assert grades(run) == [(f"early-{n:03d}", D1, grade) for n, grade in zip(range(13, 22), POSTPONED_GRADES)]
    assert run.query("select distinct game_date::varchar from props_intermediate.int_days_locked"
                     " order by 1") == [(D1,), (D3,)]
    assert run.query("select distinct game_date::varchar from props_intermediate.int_picks_published"
                     f" where game_id = '{POSTPONED}'") == [(D1,)]


def test_a_tip_off_the_tolerance_allows_two_days_after_its_date_is_still_sighted(tmp_path):
    """With tipoff_days_after_date 1, a tip-off may fall two days after its game date (macro tipoff_not_past_its_date):
    day 3's game (01-08) tips off 01-10 23:30. The 01-10 12:00 build is the last before it, and sees its ten runs of
    the champion; the 00:05 build fixes the game from them. The sightings read the dates from the clock's day before
    on, whatever the tolerance: the game was never sighted and was fixed with no candidate."""
    run = fixture_run(tmp_path, "pick_engine")
    tolerance = ("--vars", '{"tipoff_days_after_date": 1}')
    run.execute(f"update {C} set game_start_at = timestamp '2025-01-10 23:30:00' where game_id = '0022400505'")
    build(run, *tolerance, clock="2025-01-10 12:00:00")
    build(run, *tolerance, clock="2025-01-11 00:05:00")
    assert run.query("select game_id, count(*) from props_intermediate.int_candidates_locked"
                     f" where game_date = date '{D3}' and system_id = 'catboost_v9' group by game_id") == [
        ("0022400505", 10)]
