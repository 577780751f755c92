"""sample_data.feed: the upstream rows loaded by a clock T, written into a target warehouse.

A hand-built truth (every expectation below is read off this table, not computed by
the feed's code):

    D1 2025-01-14  G1 (tip 01-15 00:00): a, b        G3 (tip 01:00): c, postponed, no box score
    D2 2025-01-15  G2 (tip 01-16 00:30): d           box scores only in sample_replay (the truth's last night)
    D3 2025-01-16  G5 (tip 01-17 00:00): f           no prediction at all

    prediction  player game system created        truth is_active
    p1          a      G1   X      D1 14:15       false (superseded by p2)
    p2          a      G1   X      D1 17:15       true
    p3          b      G1   X      D1 17:15       true
    p4          c      G3   X      D1 17:15       true
    p7          b      G1   Y      D1 14:15       false (withdrawn: no newer row)
    p5          d      G2   X      D2 17:15       true
    p8          d      G2   Y      D2 17:15       true   (model y_new, trained 01-15 07:30)

    registry: X registered 01-01 09:30; Y registered 01-15 09:30 (y_new; 2 h after training)
    odds: a/G1 at D1 13:00 (one line) and D1 17:00 (two lines); d/G2 at D2 17:00
    box scores (G1): a 24 pts in 30:00, b dnp 0/0, z inactive (no context row)
    tags: (D1, a, X), (D2, d, X), (D1, zz, X) with no prediction
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import duckdb
import pytest

from sample_data import feed, generate, live_replay, schema

D1, D2, D3 = dt.date(2025, 1, 14), dt.date(2025, 1, 15), dt.date(2025, 1, 16)
G1, G2, G3, G5 = "0022400601", "0022400610", "0022400602", "0022400620"
G6, G7 = "0022400603", "0022400611"  # tip-offs before midnight UTC (their own truth, below)
TIP = {G1: dt.datetime(2025, 1, 15, 0, 0), G3: dt.datetime(2025, 1, 15, 1, 0),
       G2: dt.datetime(2025, 1, 16, 0, 30), G5: dt.datetime(2025, 1, 17, 0, 0),
       G6: dt.datetime(2025, 1, 14, 23, 0), G7: dt.datetime(2025, 1, 15, 23, 0)}


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm))


def prediction(pid, player, game, day, system, created, active, file="x.cbm", trained=dt.datetime(2024, 12, 31, 7, 30)):
    return {"prediction_id": pid, "system_id": system, "player_lookup": player, "game_id": game, "game_date": day,
            "predicted_points": 20.0, "confidence_score": 0.7, "recommendation": "OVER", "current_points_line": 15.5,
            "is_active": active, "created_at": created, "model_file_name": file, "model_training_start_date": D1,
            "model_training_end_date": D1, "model_expected_mae": 5.0, "model_expected_hit_rate": 0.55,
            "model_trained_at": trained}


def context(player, game, day):
    return {"player_lookup": player, "player_full_name": player.upper(), "game_id": game, "game_date": day,
            "team_abbr": "AAA", "opponent_team_abbr": "BBB", "is_home": True, "game_start_at": TIP[game]}


def odds(player, game, day, line, snap):
    return {"game_date": day, "game_id": game, "player_lookup": player, "bookmaker": "draftkings",
            "points_line": line, "over_odds": -110, "under_odds": -110, "snapshot_at": snap}


def registry(system, file, registered):
    return {"system_id": system, "model_family": "catboost", "model_file_name": file, "training_start_date": D1,
            "training_end_date": D2, "eval_mae": 4.9, "eval_hit_rate_edge3": 0.58, "feature_count": 33,
            "loss_function": "RMSE", "is_production": True, "is_enabled": True, "registered_at": registered}


TRUTH = {
    feed.PRED: [
        prediction("p1", "a", G1, D1, "X", at(D1, 14, 15), False),
        prediction("p2", "a", G1, D1, "X", at(D1, 17, 15), True),
        prediction("p3", "b", G1, D1, "X", at(D1, 17, 15), True),
        prediction("p4", "c", G3, D1, "X", at(D1, 17, 15), True),
        prediction("p7", "b", G1, D1, "Y", at(D1, 14, 15), False, "y_old.cbm", dt.datetime(2024, 12, 1, 7, 30)),
        prediction("p5", "d", G2, D2, "X", at(D2, 17, 15), True),
        prediction("p8", "d", G2, D2, "Y", at(D2, 17, 15), True, "y_new.cbm", dt.datetime(2025, 1, 15, 7, 30)),
    ],
    feed.CTX: [context("a", G1, D1), context("b", G1, D1), context("c", G3, D1), context("d", G2, D2),
               context("f", G5, D3)],
    feed.TAGS: [{"game_date": D1, "player_lookup": "a", "system_id": "X", "signal_tags": ["high_edge"]},
                {"game_date": D2, "player_lookup": "d", "system_id": "X", "signal_tags": []},
                {"game_date": D1, "player_lookup": "zz", "system_id": "X", "signal_tags": ["pace_up"]}],
    feed.REG: [registry("X", "x.cbm", dt.datetime(2025, 1, 1, 9, 30)),
               registry("Y", "y_new.cbm", dt.datetime(2025, 1, 15, 9, 30))],
    feed.ODDS: [odds("a", G1, D1, 15.5, at(D1, 13)), odds("a", G1, D1, 15.5, at(D1, 17)),
                odds("a", G1, D1, 16.5, at(D1, 17)), odds("d", G2, D2, 20.5, at(D2, 17))],
    feed.SUM: [
        {"player_lookup": "a", "player_full_name": "A", "game_id": G1, "game_date": D1, "team_abbr": "AAA",
         "opponent_team_abbr": "BBB", "points": 24, "minutes_played": 30.0, "player_status": "active"},
        {"player_lookup": "b", "player_full_name": "B", "game_id": G1, "game_date": D1, "team_abbr": "AAA",
         "opponent_team_abbr": "BBB", "points": 0, "minutes_played": 0.0, "player_status": "dnp"},
        {"player_lookup": "z", "player_full_name": "Z", "game_id": G1, "game_date": D1, "team_abbr": "BBB",
         "opponent_team_abbr": "AAA", "points": None, "minutes_played": None, "player_status": "inactive"},
    ],
    # the truth's own live table (a live snapshot): never read by the feed
    feed.LIVE: [(G2, D2, "d", 99, "40:00", "in_progress", 3, "01:00", at(D2, 23))],
}
REPLAY_FINALS = [(G2, D2, "d", 31, 36.5, TIP[G2])]


@pytest.fixture(scope="module")
def truth(tmp_path_factory):
    path = tmp_path_factory.mktemp("truth") / "truth.duckdb"
    schema.load_tables(path, TRUTH)
    live_replay.write_finals(path, REPLAY_FINALS)
    return path


def rows(path, table, cols="*"):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select {cols} from {table} order by all").fetchall()
    finally:
        con.close()


def load(truth, tmp_path, clock, name="target.duckdb"):
    target = tmp_path / name
    feed.load_at(truth, target, clock)
    return target


def ids(path):
    return {pid: active for pid, active in rows(path, feed.PRED, "prediction_id, is_active")}


# ---------------------------------------------------------------- clocks


def test_before_the_first_run_of_the_day(truth, tmp_path):
    t = load(truth, tmp_path, at(D1, 12))
    assert ids(t) == {}
    assert rows(t, feed.CTX) == [] and rows(t, feed.TAGS) == [] and rows(t, feed.ODDS) == []
    assert rows(t, feed.SUM) == [] and rows(t, feed.LIVE) == []
    # X registered on 01-01; Y has no prediction yet, so no row
    assert rows(t, feed.REG, "system_id, model_file_name") == [("X", "x.cbm")]


def test_between_two_runs(truth, tmp_path):
    t = load(truth, tmp_path, at(D1, 15))
    # p1 is superseded by the 17:15 run, not loaded yet: still active; p7 was withdrawn
    assert ids(t) == {"p1": True, "p7": False}
    # the first run of D1 (14:15) brought D1's context rows, the postponed game's too
    assert rows(t, feed.CTX, "player_lookup") == [("a",), ("b",), ("c",)]
    assert rows(t, feed.TAGS) == []  # tags come with the 17:15 run they belong to
    assert rows(t, feed.ODDS, "points_line, snapshot_at") == [(15.5, at(D1, 13))]
    # Y as it stood: the model of its newest prediction (y_old, trained 12-01 07:30) + the
    # truth row's 2 h registration delay
    assert rows(t, feed.REG, "system_id, model_file_name, registered_at") == [
        ("X", "x.cbm", dt.datetime(2025, 1, 1, 9, 30)), ("Y", "y_old.cbm", dt.datetime(2024, 12, 1, 9, 30))]
    assert rows(t, feed.SUM) == [] and rows(t, feed.LIVE) == []
    # Y's row from the moment its first prediction (p7) was made, not after it
    first_run = load(truth, tmp_path, at(D1, 14, 15), "first_run.duckdb")
    assert rows(first_run, feed.REG, "system_id, model_file_name") == [("X", "x.cbm"), ("Y", "y_old.cbm")]


def test_after_tip_off(truth, tmp_path):
    t = load(truth, tmp_path, dt.datetime(2025, 1, 15, 0, 40))
    assert ids(t) == {"p1": False, "p2": True, "p3": True, "p4": True, "p7": False}
    assert rows(t, feed.TAGS, "game_date, player_lookup") == [(D1, "a")]
    assert len(rows(t, feed.ODDS)) == 3
    assert rows(t, feed.SUM) == []  # box scores arrive the next morning
    # G1 tipped off 40 minutes ago: period 2 (from 00:30), 3/8 of the game: 24 x 3 // 8 = 9
    # points, 1800 s x 3 // 8 = 675 s; b did not play; G3 (postponed) and G2 show nothing
    assert rows(t, feed.LIVE) == [
        (G1, D1, "a", 9, "11:15", "in_progress", 2, "06:00", dt.datetime(2025, 1, 15, 0, 30)),
        (G1, D1, "b", 0, "00:00", "in_progress", 2, "06:00", dt.datetime(2025, 1, 15, 0, 30)),
    ]


def test_a_game_is_in_its_first_period_from_its_tip_off_on(truth, tmp_path):
    """At G1's tip-off itself (00:00): period 1, 1/8 of the game: a 24 x 1 // 8 = 3 points, 1800 s // 8 = 225 s."""
    t = load(truth, tmp_path, TIP[G1])
    assert rows(t, feed.LIVE) == [
        (G1, D1, "a", 3, "03:45", "in_progress", 1, "06:00", TIP[G1]),
        (G1, D1, "b", 0, "00:00", "in_progress", 1, "06:00", TIP[G1]),
    ]


def test_next_morning(truth, tmp_path):
    before = load(truth, tmp_path, at(D2, 9, 59), "before.duckdb")
    assert rows(before, feed.SUM) == []
    t = load(truth, tmp_path, at(D2, 10))
    # G1's box scores at 10:00 the next day (the bench row z too); never G3's
    assert rows(t, feed.SUM, "player_lookup, game_id") == [("a", G1), ("b", G1), ("z", G1)]
    # G1 final since 02:00 (tip-off + 2 h)
    assert rows(t, feed.LIVE, "player_lookup, points, minutes, game_status, period, updated_at") == [
        ("a", 24, "30:00", "final", 4, dt.datetime(2025, 1, 15, 2, 0)),
        ("b", 0, "00:00", "final", 4, dt.datetime(2025, 1, 15, 2, 0)),
    ]
    # Y registered at 09:30: the truth row, from 09:30 itself
    assert rows(t, feed.REG, "system_id, model_file_name") == [("X", "x.cbm"), ("Y", "y_new.cbm")]
    registered = load(truth, tmp_path, at(D2, 9, 30), "registered.duckdb")
    assert rows(registered, feed.REG, "system_id, model_file_name, registered_at") == [
        ("X", "x.cbm", dt.datetime(2025, 1, 1, 9, 30)), ("Y", "y_new.cbm", at(D2, 9, 30))]


def test_tags_come_with_the_run_before_the_tip_off_not_with_an_in_game_re_run(tmp_path):
    """Its own truth, three players of G1 (tip 01-15 00:00), each with a tags row of system X:
    - a: an early run at 14:15 and the 17:15 run, superseded in the truth by an in-game re-run at 00:45 (generate's
      late runs); the tags belong to the 17:15 run (the newest before the tip-off, none active), so they show from
      17:15 on: not from 00:45 (the newest active run), nor from 14:15 (the oldest before the tip-off);
    - b: an active run at 14:15 and a re-run at 17:15 the upstream deactivated: the tags belong to the active run,
      shown from 14:15;
    - c: an early run at 14:15 and an active run made at the tip-off itself (00:00, not before it): the tags belong
      to the early run, shown from 14:15."""
    truth = tmp_path / "truth.duckdb"
    tip = TIP[G1]
    schema.load_tables(truth, {
        feed.PRED: [prediction("early", "a", G1, D1, "X", at(D1, 14, 15), False),
                    prediction("pre", "a", G1, D1, "X", at(D1, 17, 15), False),
                    prediction("in-game", "a", G1, D1, "X", dt.datetime(2025, 1, 15, 0, 45), True),
                    prediction("b-active", "b", G1, D1, "X", at(D1, 14, 15), True),
                    prediction("b-rerun", "b", G1, D1, "X", at(D1, 17, 15), False),
                    prediction("c-early", "c", G1, D1, "X", at(D1, 14, 15), False),
                    prediction("c-at-tip", "c", G1, D1, "X", tip, True)],
        feed.CTX: [context(player, G1, D1) for player in "abc"],
        feed.TAGS: [{"game_date": D1, "player_lookup": player, "system_id": "X", "signal_tags": ["high_edge"]}
                    for player in "abc"],
    })
    assert rows(load(truth, tmp_path, at(D1, 14, 14), "noon.duckdb"), feed.TAGS) == []
    before = load(truth, tmp_path, at(D1, 17, 14), "before.duckdb")
    assert rows(before, feed.TAGS, "player_lookup") == [("b",), ("c",)]
    evening = load(truth, tmp_path, at(D1, 18), "evening.duckdb")
    # superseded after the clock: still active then (pre by the in-game re-run, c-early by c-at-tip)
    assert ids(evening) == {"early": False, "pre": True, "b-active": True, "b-rerun": False, "c-early": True}
    assert rows(evening, feed.TAGS, "player_lookup, signal_tags") == [(p, ["high_edge"]) for p in "abc"]
    night = load(truth, tmp_path, dt.datetime(2025, 1, 15, 1), "night.duckdb")
    assert ids(night) == {"early": False, "pre": False, "in-game": True, "b-active": True, "b-rerun": False,
                          "c-early": False, "c-at-tip": True}
    assert rows(night, feed.TAGS, "player_lookup, signal_tags") == [(p, ["high_edge"]) for p in "abc"]


def test_a_date_without_predictions_gets_its_context_6_hours_before_tip_off(truth, tmp_path):
    assert ("f",) not in rows(load(truth, tmp_path, at(D3, 17, 59), "a.duckdb"), feed.CTX, "player_lookup")
    assert ("f",) in rows(load(truth, tmp_path, at(D3, 18), "b.duckdb"), feed.CTX, "player_lookup")


def test_tonights_finals_come_from_sample_replay(truth, tmp_path):
    t = load(truth, tmp_path, dt.datetime(2025, 1, 16, 1, 0))
    # G2 tipped off at 00:30: period 2; 31 x 3 // 8 = 11 points, 2190 s x 3 // 8 = 821 s
    live = rows(t, feed.LIVE, "game_id, player_lookup, points, minutes, game_status, period")
    assert (G2, "d", 11, "13:41", "in_progress", 2) in live
    assert rows(t, feed.SUM, "distinct game_id") == [(G1,)]  # no box score for the last night yet


def test_a_game_that_tips_off_before_midnight_utc_is_live_on_its_own_date(tmp_path):
    """Its own truth: G6 (D1, tip 23:00 on D1) with e's box score (16 points in 32:00) and G7 (D2, tip 23:00 on D2)
    in sample_replay (g, the same line). At 23:40 of its date a game is in period 2 (from 23:30): 3/8 of the game,
    16 x 3 // 8 = 6 points, 1920 s x 3 // 8 = 720 s. The clock's date is the game's own, not the day after."""
    truth = tmp_path / "truth.duckdb"
    schema.load_tables(truth, {
        feed.CTX: [context("e", G6, D1), context("g", G7, D2)],
        feed.SUM: [{"player_lookup": "e", "player_full_name": "E", "game_id": G6, "game_date": D1, "team_abbr": "AAA",
                    "opponent_team_abbr": "BBB", "points": 16, "minutes_played": 32.0, "player_status": "active"}],
    })
    live_replay.write_finals(truth, [(G7, D2, "g", 16, 32.0, TIP[G7])])
    assert rows(load(truth, tmp_path, at(D1, 23, 40), "d1.duckdb"), feed.LIVE) == [
        (G6, D1, "e", 6, "12:00", "in_progress", 2, "06:00", at(D1, 23, 30))]
    assert rows(load(truth, tmp_path, at(D2, 23, 40), "d2.duckdb"), feed.LIVE) == [
        (G6, D1, "e", 16, "32:00", "final", 4, "00:00", at(D2, 1)),
        (G7, D2, "g", 6, "12:00", "in_progress", 2, "06:00", at(D2, 23, 30))]


def test_the_end_of_time_is_the_truth(truth, tmp_path):
    t = load(truth, tmp_path, dt.datetime(2026, 1, 1))
    for table in (feed.PRED, feed.CTX, feed.REG, feed.ODDS, feed.SUM):
        assert rows(t, table) == rows(truth, table), table
    # every tag but the one no prediction run carries
    assert [r for r in rows(truth, feed.TAGS) if r[1] != "zz"] == rows(t, feed.TAGS)


# ---------------------------------------------------------------- target warehouse


def digest(path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select table_schema || '.' || table_name from information_schema.tables "
                             "order by 1").fetchall()
        out = {}
        for (table,) in tables:
            data = repr(con.execute(f"select * from {table} order by all").fetchall())
            out[table] = hashlib.sha256(data.encode()).hexdigest()
        return out
    finally:
        con.close()


def test_a_truth_that_is_no_warehouse_is_refused_before_the_target_is_made(tmp_path):
    """A corrupt --truth: an error, and no target file (it used to leave a new empty warehouse behind, which the next
    step read as a target of its own)."""
    bad, target = tmp_path / "truth.duckdb", tmp_path / "target.duckdb"
    bad.write_bytes(b"not a duckdb file" * 100)
    with pytest.raises(duckdb.Error):
        feed.load_at(bad, target, dt.datetime(2024, 11, 1, 12))
    assert not target.exists()


def test_other_schemas_untouched_and_same_clock_same_tables(truth, tmp_path):
    target = tmp_path / "dbt.duckdb"
    con = duckdb.connect(str(target))
    con.execute("create schema props_staging")
    con.execute("create table props_staging.kept as select 42 as answer")
    con.execute("create schema nba_raw")
    con.execute("create table nba_raw.live_boxscores (stale varchar)")  # replaced
    con.close()
    assert feed.load_at(truth, target, at(D2, 12)).since is None
    first = digest(target)
    assert rows(target, "props_staging.kept") == [(42,)]
    assert rows(target, feed.LIVE, "count(*)") == [(2,)]
    assert feed.load_at(truth, target, at(D2, 12)).since == at(D2, 12)  # nothing new to write
    assert digest(target) == first
    assert set(first) == set(schema.TABLES) | {"props_staging.kept"}


def test_rows_never_disappear_as_the_clock_moves(truth, tmp_path):
    clocks = [at(D1, 12), at(D1, 15), dt.datetime(2025, 1, 15, 0, 40), at(D2, 10), at(D2, 18),
              dt.datetime(2025, 1, 16, 1, 0), at(D3, 18), dt.datetime(2026, 1, 1)]
    assert_monotone(truth, tmp_path / "mono.duckdb", clocks, tmp_path / "scratch.duckdb")


def test_a_step_back_or_a_hand_edited_table_rewrites_everything(truth, tmp_path):
    target, scratch = tmp_path / "t.duckdb", tmp_path / "s.duckdb"
    for clock in (at(D2, 18), at(D1, 15)):  # backwards: from scratch
        assert feed.load_at(truth, target, clock).since is None
        feed.load_at(truth, scratch, clock, incremental=False)
        assert digest(target) == digest(scratch)
    assert ids(target) == {"p1": True, "p7": False}
    # a table written by someone else: no marker, so the next step starts from scratch
    con = duckdb.connect(str(target))
    con.execute(f"insert into {feed.ODDS} select * from {feed.ODDS}")
    con.execute(f"comment on table {feed.ODDS} is 'hand-edited'")
    con.close()
    assert feed.load_at(truth, target, at(D2, 18)).since is None
    feed.load_at(truth, scratch, at(D2, 18), incremental=False)
    assert digest(target) == digest(scratch)
    assert feed.load_at(truth, target, at(D3, 18)).since == at(D2, 18)  # continued


def test_another_truth_or_a_table_of_another_step_rewrites_everything(truth, tmp_path):
    """A target continues only the step whose marker every one of its seven tables holds, from the same truth file as
    it was then: another truth file, the same file written again (here with the same size: only its time tells), or
    one table marked by a step at another clock start from scratch."""
    target, scratch, own = tmp_path / "t.duckdb", tmp_path / "s.duckdb", tmp_path / "own.duckdb"
    shutil.copyfile(truth, own)
    assert feed.load_at(own, target, at(D2, 18)).since is None
    assert feed.load_at(truth, target, at(D3, 18)).since is None  # another file
    assert feed.load_at(own, target, at(D2, 18)).since is None
    size = own.stat().st_size
    changed = {**TRUTH, feed.ODDS: [*TRUTH[feed.ODDS], odds("d", G2, D2, 21.5, at(D2, 17))]}
    schema.load_tables(own, changed)  # the same path, written again
    live_replay.write_finals(own, REPLAY_FINALS)
    assert own.stat().st_size == size  # so the size alone would not tell
    assert feed.load_at(own, target, at(D3, 18)).since is None
    feed.load_at(own, scratch, at(D3, 18), incremental=False)
    assert digest(target) == digest(scratch)
    assert len(rows(target, feed.ODDS)) == 5
    # one table marked by a step of another clock (as if the step at 01-15 12:00 had written it alone)
    con = duckdb.connect(str(target))
    con.execute(f"comment on table {feed.ODDS} is '{feed._marker(feed._truth_id(own), at(D2, 12))}'")
    con.close()
    assert feed.load_at(own, target, dt.datetime(2026, 1, 1)).since is None


def assert_monotone(truth, target, clocks, scratch=None):
    """Rows of the append-only tables only grow (predictions: apart from is_active); live
    keys (player x game) only grow; the registry never loses a system. With ``scratch``:
    each incremental step gives the tables of a step from scratch."""
    keys = {feed.PRED: "prediction_id, player_lookup, game_id, system_id, created_at",
            feed.CTX: "*", feed.TAGS: "game_date, player_lookup, system_id, signal_tags::varchar", feed.ODDS: "*", feed.SUM: "*",
            feed.LIVE: "game_id, player_lookup", feed.REG: "system_id"}
    seen: dict[str, set] = {table: set() for table in keys}
    for i, clock in enumerate(clocks):
        assert feed.load_at(truth, target, clock).since == (clocks[i - 1] if i else None)
        con = duckdb.connect(str(target), read_only=True)
        for table, cols in keys.items():
            now = set(con.execute(f"select {cols} from {table}").fetchall())
            assert seen[table] <= now, (table, clock, sorted(seen[table] - now)[:3])
            seen[table] = now
        con.close()
        if scratch is not None:
            feed.load_at(truth, scratch, clock, incremental=False)
            assert digest(target) == digest(scratch), clock


# ---------------------------------------------------------------- a generated season


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "truth.duckdb"
    schema.load_tables(path, generate.generate(seasons=1, seed=42, today=dt.date(2024, 11, 5)))
    return path


def test_generated_day_replays_in_order(generated, tmp_path):
    day = dt.date(2024, 11, 4)
    events = feed.events(generated, day)
    assert [e.at for e in events] == sorted(e.at for e in events)
    kinds = [e.what.split(" ")[0] for e in events]
    assert kinds[0] == "odds" and kinds[-1] == "final" and "prediction" in kinds and "tip-off:" in kinds
    # the first and the last clock of each kind of event, and a few in between
    firsts = {kind: e.at for kind, e in reversed(list(zip(kinds, events)))}
    lasts = {kind: e.at for kind, e in zip(kinds, events)}
    clocks = sorted({*firsts.values(), *lasts.values(), at(day, 9), at(day, 16), at(day, 23, 59),
                     dt.datetime(2025, 1, 1)})
    assert_monotone(generated, tmp_path / "gen.duckdb", clocks, tmp_path / "scratch.duckdb")
    target = tmp_path / "gen.duckdb"
    # at the end every prediction has the truth's is_active
    assert rows(target, feed.PRED, "prediction_id, is_active") == rows(generated, feed.PRED, "prediction_id, is_active")
    # one active row per player x game x system at any clock (the superseded run included)
    feed.load_at(generated, target, at(day, 16))
    con = duckdb.connect(str(target), read_only=True)
    bad, early_active = con.execute(f"""select
        (select count(*) from (select 1 from {feed.PRED} group by player_lookup, game_id, system_id
                               having count(*) filter (where is_active) <> 1)),
        (select count(*) from {feed.PRED} where game_date = ? and is_active and hour(created_at) = 14)""",
                                    [day]).fetchall()[0]
    con.close()
    assert bad == 0 and early_active > 0


def test_cli(truth, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        feed.main(["--help"])
    assert exc.value.code == 0
    assert "--truth" in capsys.readouterr().out
    target = tmp_path / "cli.duckdb"
    assert feed.main(["--truth", str(truth), "--target", str(target), "--at", "2025-01-14T15:00:00Z"]) == 0
    assert ids(target) == {"p1": True, "p7": False}
    assert feed.main(["--truth", str(truth), "--events", "2025-01-14"]) == 0
    out = capsys.readouterr().out
    assert "2025-01-15T10:00:00Z  final box scores (3 rows)" in out
    assert feed.main(["--truth", str(truth), "--target", str(truth), "--at", "2025-01-14T15:00:00Z"]) == 1


def test_events_with_a_target_is_refused_not_ignored(truth, tmp_path, capsys):
    """--events lists clocks and writes nothing: a --target (or --from-scratch) beside it was silently ignored, so a
    caller who meant a step got a listing and an untouched warehouse."""
    target = tmp_path / "events.duckdb"
    for extra in (["--target", str(target)], ["--from-scratch"]):
        with pytest.raises(SystemExit) as exc:
            feed.main(["--truth", str(truth), "--events", "2025-01-14", *extra])
        assert exc.value.code == 2
        assert "--events only reads --truth" in capsys.readouterr().err
    assert not target.exists()
