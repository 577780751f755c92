"""The record is what users saw (contract §3 Lock at tip-off), on the hand-built fixture
tests/warehouses/pick_engine/ (three days, every game tips off at 23:30 UTC on its date;
test_pick_engine.py has the picks worked by hand).

The clock is 2025-01-08 12:00 UTC: days 1 and 2 (01-06, 01-07) have tipped off and are
locked, day 3 (01-08, "tonight") is provisional. The warehouse also holds, from the start,
a late row: an active champion prediction for Cade Cunningham (day 1) created at 23:31,
one minute after tip-off, UNDER 20.5 at 5.0 (edge 15.5, far above his OVER's 8.0).
The tests where the schedule moves (tip-offs, postponed and moved games) are in test_lock_schedule.py.
"""

from __future__ import annotations

import json

import pytest

from pipeline import DBT_PROCESSES, NO_UNIT, Run, copy_run, fixture_run
from sample_data import rehearsal
from test_bad_inputs import project_copy
from test_daily_cycle import build_against_a_full_refresh
from test_pick_engine import BEST_BETS, EXPECTED_PICKS, EXPECTED_SIGNAL, D1, D2, D3

CLOCK = "2025-01-08 12:00:00"
LOCKS_DAY_3 = "2025-01-09 12:00:00"  # day 3's last game has tipped off
P = "nba_predictions.player_prop_predictions"
COLUMNS = ("prediction_id, system_id, player_lookup, game_id, game_date, predicted_points, confidence_score,"
           " recommendation, current_points_line, is_active, created_at")
LATE = (f"insert into {P} ({COLUMNS}) select 'late-001', system_id, player_lookup, game_id, game_date, 5.0,"
        " 0.99, 'UNDER', 20.5, true, timestamp '2025-01-06 23:31:00' from " + P + " where prediction_id = 'pe-001'")
C = "nba_analytics.upcoming_player_game_context"
# a champion change by var: xgboost_v2 (codename X02) for catboost_v9
NEW_CHAMPION_VARS = {"champion_system_id": "xgboost_v2"}
NEW_CHAMPION = ("--vars", json.dumps(NEW_CHAMPION_VARS))


def a_game_days_later(game_id: str, date: str, prefix: str = "x-", tip_off: str = "23:30") -> list[str]:
    """The statements that add a copy of day 3's game (0022400505) as ``game_id`` on ``date`` (tip-off ``tip_off``
    UTC, runs at 17:00, prediction ids prefixed ``prefix``): a newer date takes the incremental window past days
    1-3."""
    return [f"insert into {C} select * replace ('{game_id}' as game_id, date '{date}' as game_date,"
            f" timestamp '{date} {tip_off}:00' as game_start_at) from {C} where game_id = '0022400505'",
            f"insert into {P} select * replace ('{prefix}' || prediction_id as prediction_id, '{game_id}' as game_id,"
            f" date '{date}' as game_date, timestamp '{date} 17:00:00' as created_at)"
            f" from {P} where game_id = '0022400505'"]


RECORD_TABLES = ("int_candidates_locked", "int_games_locked", "int_picks_locked", "int_groups_locked",
                 "int_days_locked")
DAY_FILES = [f"{kind}/{day}.json" for kind in ("picks", "signals", "best-bets") for day in (D1, D2)]


def build(run: Run, *extra: str, clock: str = CLOCK) -> None:
    run.dbt("build", *NO_UNIT, *extra, clock=clock)


def record(run: Run) -> dict[str, list[tuple]]:
    return {table: sorted(run.query(f"select * from props_intermediate.{table}"), key=repr)
            for table in RECORD_TABLES}


def without_generated_at(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "generated_at"}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Run:
    run = fixture_run(tmp_path_factory.mktemp("lock"), "pick_engine")
    run.execute(LATE)
    build(run)
    assert run.publish("--all-dates") == 0
    return run


def test_days_before_the_clock_are_locked_tonight_is_provisional(published):
    assert published.query("select distinct game_date::varchar from props_intermediate.int_days_locked"
                           " order by 1") == [(D1,), (D2,)]
    assert published.query("select distinct is_locked from props_intermediate.int_picks_published"
                           f" where game_date = '{D3}'") == [(False,)]


def test_a_prediction_made_after_tip_off_is_never_a_candidate(published):
    """Cunningham's late UNDER (edge 15.5) would top every list: it is ignored, his OVER
    of 17:00 stays his pick, and the admin file shows the late row as late."""
    groups = {g["id"]: g["picks"] for g in published.document(f"picks/{D1}.json")["groups"]}
    assert {gid: [p["player"] for p in picks] for gid, picks in groups.items()} == {
        gid: [p["player"] for p in picks] for gid, picks in EXPECTED_PICKS[D1].items()}
    assert groups[1] == EXPECTED_PICKS[D1][1]  # Cunningham OVER 20.5, a hit
    assert published.document(f"best-bets/{D1}.json")["picks"] == BEST_BETS[D1]
    rows = {p["prediction_id"]: p for p in published.document(f"admin/predictions/{D1}.json")["predictions"]}
    assert (rows["late-001"]["late"], rows["late-001"]["edge"], rows["late-001"]["recommendation"]) == (True, None, "UNDER")
    assert (rows["pe-001"]["late"], rows["pe-001"]["recommendation"]) == (False, "OVER")


@pytest.fixture(scope="module")
def replayed(published, tmp_path_factory) -> tuple[Run, Run]:
    """After day 2 locked: change a rule, the registry and the champion's prediction of a
    locked game, then --full-refresh and republish."""
    run = copy_run(published, tmp_path_factory.mktemp("replay"), site=True)
    run.execute(
        # Top 5 now needs edge >= 7 (day 3: only SGA, 7.5, qualifies)
        "update props_reference.subset_definitions set min_edge = 7 where subset_id = 'v9_high_edge_top5'",
        # the champion is no longer enabled: no best bets on an unlocked day
        "update nba_predictions.model_registry set is_enabled = false where system_id = 'catboost_v9'",
        # Cunningham's day-1 prediction deactivated and re-created after tip-off
        f"update {P} set is_active = false where prediction_id = 'pe-001'",
        f"insert into {P} ({COLUMNS}) select 'pe-001-rerun', system_id, player_lookup, game_id, game_date, 12.0,"
        f" 0.9, 'UNDER', 20.5, true, timestamp '2025-01-07 09:00:00' from {P} where prediction_id = 'pe-001'")
    # the seed edit above stands in for an analyst's change of seeds/subset_definitions.csv
    build(run, "--full-refresh", "--exclude-resource-type", "seed")
    assert run.publish("--all-dates") == 0
    return published, run


def assert_locked_days_unchanged(before: Run, after: Run, current: tuple[str, ...] = ()) -> None:
    """Days 1 and 2 (locked) publish the same files, and the season records count the same picks (``current``: keys
    of subsets/performance.json that describe today, e.g. the champion's codename)."""
    for path in DAY_FILES:
        assert without_generated_at(after.document(path)) == without_generated_at(before.document(path)), path
    old, new = ({k: v for k, v in run.document("subsets/performance.json").items() if k not in current}
                for run in (before, after))
    assert new == old
    old, new = before.document("best-bets/all.json"), after.document("best-bets/all.json")
    assert (new["record"], new["streak"], new["graded"]) == (old["record"], old["streak"], old["graded"])
    assert [d for w in new["weeks"] for d in w["days"] if d["date"] != D3] == \
        [d for w in old["weeks"] for d in w["days"] if d["date"] != D3]


def test_locked_days_and_season_records_do_not_change(replayed):
    assert_locked_days_unchanged(*replayed)


def test_the_next_unlocked_day_follows_the_new_rules(replayed):
    _, after = replayed
    groups = {g["id"]: g["picks"] for g in after.document(f"picks/{D3}.json")["groups"]}
    assert [p["player"] for p in groups[2]] == ["Shai Gilgeous-Alexander"]  # Top 5 at edge >= 7
    assert [p["player"] for p in groups[3]] == ["Shai Gilgeous-Alexander", "Devin Booker", "Jalen Williams"]
    assert after.document(f"best-bets/{D3}.json")["picks"] == []  # the champion is not enabled


def test_a_record_first_built_before_any_tip_off_fills_when_games_lock(published, tmp_path):
    """The record's first build at 11:00 on day 1, before any tip-off, records nothing. The next build (the module's
    clock: days 1 and 2 have tipped off) recorded nothing either, then or ever: an empty record table rebuilt from
    its newest date, which it did not have, and every game was fixed with no candidate. Its record must be the one
    a first build at that clock makes (the module's fixture)."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(LATE)
    build(run, clock=f"{D1} 11:00:00")
    assert record(run) == {table: [] for table in RECORD_TABLES}
    build(run)
    assert run.query("select game_id, candidate_count from props_intermediate.int_games_locked order by 1") == [
        ("0022400501", 5), ("0022400502", 4), ("0022400503", 4), ("0022400504", 9), ("0022400506", 0)]
    assert record(run) == record(published)


def test_a_new_champion_changes_no_locked_day(published, tmp_path):
    """A changed var never changes a locked day (contract §3 Lock at tip-off). The champion becomes xgboost_v2
    (codename X02) after days 1 and 2 locked: their files keep catboost_v9's codename (926A), its signal and its
    best-bets status (they used to take the new champion's: model X02 on every past picks file, and a status a
    BLOCKED new champion would have turned to sitting_out beside the locked picks); tonight, provisional, is the
    new champion's."""
    run = copy_run(published, tmp_path / "new_champion")
    build(run, *NEW_CHAMPION)
    assert run.publish("--all-dates") == 0
    assert_locked_days_unchanged(published, run, current=("model",))
    assert [run.document(f"picks/{day}.json")["model"] for day in (D1, D2, D3)] == ["926A", "926A", "X02"]
    assert run.document("subsets/performance.json")["model"] == "X02"  # today's champion


def failed_on_vars(run: Run, edited: dict) -> str:
    """The one BAD INPUT line of a build at day 2, 06:00 with ``edited`` as --vars, which must fail."""
    done = run.dbt("build", *NO_UNIT, "--vars", json.dumps(edited), clock=f"{D2} 06:00:00", check=False)
    assert done.returncode != 0
    [line] = [line.partition("  ")[2] for line in done.stdout.splitlines() if "BAD INPUT" in line]
    return line


def test_a_champion_var_naming_no_system_fails_the_build_before_the_record(tmp_path):
    """A champion change with a typo (catboost_v09 for catboost_v9) in the first build after day 1's tip-off. That
    build failed on the public marts (their contracts refuse a null codename: nothing was published), but after the
    record had locked day 1 with the unknown system as its champion, no candidate and no signal. The next build, the
    var corrected, passed, and day 1's picks and signals files said for good what the record held: signal neutral,
    "Not enough picks today to read the market.", where the champion's 12 candidates give favorable (GREEN,
    balanced, 4 high-edge picks: test_pick_engine.py). Now a test of int_models_described fails first, naming the
    var and the fix, and dbt skips what follows it, the record included."""
    run = fixture_run(tmp_path, "pick_engine")
    build(run, clock=f"{D1} 12:00:00")  # before day 1's tip-offs: nothing is locked
    assert failed_on_vars(run, {"champion_system_id": "catboost_v09"}) == (
        "BAD INPUT in vars of dbt_project.yml (or --vars), field (row), test champion_is_a_known_system: 1 row(s), "
        "e.g. champion_system_id=catboost_v09 -- fix: var champion_system_id names no system of the model registry or "
        "the predictions: a typo (correct it in dbt_project.yml, or --vars), or feeds with no row of it yet (a "
        "deployment before the upstream's first run: wait for it); then run dbt build. The record locks no day until "
        "it does")
    assert run.query("select count(*) from props_intermediate.int_days_locked") == [(0,)]
    build(run, clock=f"{D2} 06:00:00")
    assert run.query("select system_id, signal from props_intermediate.int_days_locked"
                     f" where game_date = '{D1}' and is_champion") == [("catboost_v9", "GREEN")]
    assert run.publish("--all-dates") == 0
    signals = run.document(f"signals/{D1}.json")
    assert (signals["signal"], signals["metrics"], signals["note"]) == (
        EXPECTED_SIGNAL[D1], {"conditions": "balanced", "picks": 4}, None)
    assert run.document(f"picks/{D1}.json")["signal"] == EXPECTED_SIGNAL[D1]


def test_a_threshold_var_no_rule_can_mean_fails_the_build_before_the_record(tmp_path):
    """An analyst's edit that types the default price as -11 (for -110: each win without a book price would pay 9.09
    units into every ROI) and sets health_min_n_7d to 0 (a model with no graded pick in 7 days would be HEALTHY)
    changed no test's outcome, only what the record locked at each tip-off. Now tests/data/thresholds_are_consistent
    .sql fails on the staging view every model reads, one row per broken rule, naming the vars' file and the fix; dbt
    skips everything after it. A lever stays allowed (a BLOCKED bar of 80, above DEGRADING's 55, sits the champion
    out: test_pick_engine), and a var given as a string (--vars wilson_z: "1.96") is read as its number."""
    run = fixture_run(tmp_path, "pick_engine")
    edited = {"default_american_odds": -11, "health_min_n_7d": 0, "health_blocked_below": 80, "wilson_z": "1.96"}
    assert failed_on_vars(run, edited) == (
        "BAD INPUT in vars of dbt_project.yml (or --vars), field (row), test thresholds_are_consistent: 2 row(s), "
        "e.g. var_name=health_min_n_7d, var_value=0, must_be=at least 1: else a model with no graded pick in 7 days is "
        "HEALTHY | var_name=default_american_odds, var_value=-11, must_be=a price from +/-100 to +/-pick_price_limit "
        "(1000): a win pays 100/|odds| units, or odds/100 -- fix: correct the var in dbt_project.yml (or --vars; every "
        "threshold: docs/contract.md §3), then run dbt build. The record locks no day until it does")
    built = run.query("select table_name from information_schema.tables where table_schema = 'props_intermediate'")
    assert ("int_days_locked",) not in built and ("int_candidates_scored",) not in built


@pytest.mark.parametrize("refresh", [(), ("--full-refresh",)], ids=["daily", "full_refresh"])
def test_a_retired_group_and_a_new_one_change_no_locked_day(published, tmp_path, refresh):
    """A changed subset definition never changes a locked day (contract §3). After days 1 and 2 locked, Top 5
    (public id 2) is retired (is_active false) and a group is added (public id 10, Top 10's rules): the files of
    days 1 and 2 stay as they were, Top 5 with its locked picks and records, and without the new group; tonight,
    provisional, lists the groups active now, as do the groups' own pages (systems/subsets, subsets/performance,
    the dashboard). Both edits used to change every past picks file: Top 5 and its locked picks left them, and the
    new group joined them with no picks."""
    run = copy_run(published, tmp_path / "groups")
    run.execute(  # stands in for an analyst's edit of seeds/subset_definitions.csv
        "update props_reference.subset_definitions set is_active = false where subset_id = 'v9_high_edge_top5'",
        "insert into props_reference.subset_definitions select * replace ('v9_added' as subset_id, 10 as public_id,"
        " 'Added' as public_name) from props_reference.subset_definitions where subset_id = 'v9_high_edge_top10'")
    build(run, *refresh, "--exclude-resource-type", "seed")
    assert run.publish("--all-dates") == 0
    for path in DAY_FILES:
        assert without_generated_at(run.document(path)) == without_generated_at(published.document(path)), path
    groups = {day: {g["id"]: g for g in run.document(f"picks/{day}.json")["groups"]} for day in (D1, D2, D3)}
    assert list(groups[D1]) == list(groups[D2]) == list(range(1, 10))
    assert [p["player"] for p in groups[D1][2]["picks"]] == [p["player"] for p in EXPECTED_PICKS[D1][2]]
    assert list(groups[D3]) == [1, *range(3, 11)]
    assert groups[D3][10]["picks"] == groups[D3][3]["picks"]  # Top 10's rules, tonight
    assert [p["player"] for p in groups[D3][10]["picks"]] == [p["player"] for p in EXPECTED_PICKS[D3][3]] != []
    # the pages of the groups as they are now list the active ones: the retired group left them, the new one joined
    active = [1, *range(3, 11)]
    assert [g["id"] for g in run.document("systems/subsets.json")["groups"]] == active
    windows = run.document("subsets/performance.json")["windows"]
    assert {name: [g["id"] for g in window["groups"]] for name, window in windows.items()} == dict.fromkeys(windows, active)
    dashboard = run.document("admin/dashboard.json")
    assert [s["id"] for s in dashboard["subsets"]] == active and 2 not in {b["id"] for b in dashboard["by_signal"]}


@pytest.mark.parametrize("stopped_after", ["int_picks_locked", "int_groups_locked"])
def test_a_locking_run_stopped_halfway_then_a_group_edit_keeps_each_recorded_list_listed(published, tmp_path,
                                                                                          stopped_after):
    """The run that locks day 3 stops after the record's picks (or its groups) but before int_days_locked (killed,
    or a failed test below it), then Top 5 is retired and group 10 added, and the next run locks day 3. Day 3's
    file lists every group whose picks the record holds, with those picks: Top 5 with the picks of the first run,
    group 10 with the second run's. Groups recorded once per day used to drop group 10 (its 3 recorded picks
    counted in the records but shown in no file) and list Top 5 with no picks. No build kept what it showed of day 3
    (its copy dropped: a hook stopped halfway, or the release before the copies), so both runs compute day 3 with their
    own rules (with the copy, day 3 is the day as shown: test_rules_changed_between_the_last_tip_off_...)."""
    run = copy_run(published, tmp_path / "stopped")
    run.execute("drop table props_meta.days_shown_passed")
    build(run, "--select", f"+{stopped_after}", clock=LOCKS_DAY_3)
    assert run.query(f"select count(*) from props_intermediate.int_days_locked where game_date = '{D3}'") == [(0,)]
    run.execute(
        "update props_reference.subset_definitions set is_active = false where subset_id = 'v9_high_edge_top5'",
        "insert into props_reference.subset_definitions select * replace ('v9_added' as subset_id, 10 as public_id,"
        " 'Added' as public_name) from props_reference.subset_definitions where subset_id = 'v9_high_edge_top10'")
    build(run, "--exclude-resource-type", "seed", clock=LOCKS_DAY_3)
    assert run.publish("--all-dates") == 0
    provisional = {g["id"]: g["picks"] for g in published.document(f"picks/{D3}.json")["groups"]}
    groups = {g["id"]: g["picks"] for g in run.document(f"picks/{D3}.json")["groups"]}
    assert list(groups) == list(range(1, 11))
    assert [p["player"] for p in groups[2]] == [p["player"] for p in provisional[2]] != []
    assert [p["player"] for p in groups[10]] == [p["player"] for p in provisional[3]] != []


@pytest.mark.parametrize("refresh", [(), ("--full-refresh",)], ids=["daily", "full_refresh"])
def test_deleted_predictions_of_a_locked_day_change_no_published_number(published, tmp_path, refresh):
    """A deletion of predictions never changes a locked day (contract §3). Day 2's predictions are deleted upstream
    after it locked: its picks, best bets and signal stay, and so do the records that count them. The calendar
    used to lose the day with its predictions: the records dropped its picks, and best-bets/{date}.json had picks
    for a date its root no longer had (the publisher refused the endpoint)."""
    run = copy_run(published, tmp_path / "deleted")
    run.execute(f"delete from {P} where game_date = '{D2}'")
    build(run, *refresh)
    assert run.publish("--all-dates") == 0
    assert_locked_days_unchanged(published, run)


def test_a_game_takes_no_new_candidate_after_its_tip_off(published, tmp_path):
    """An xgboost_v2 prediction for Derrick White's day-1 game, created at 17:00
    (before the 23:30 tip-off) but landing after the run that fixed the game: no user saw
    it, so it is no candidate. The old rule fixed candidates key by key and appended it."""
    run = copy_run(published, tmp_path / "landed_late")
    run.execute(f"insert into {P} ({COLUMNS}) values ('landed-late-001', 'xgboost_v2', 'derrickwhite', "
                f"'0022400501', '{D1}', 30.0, 0.99, 'OVER', 10.0, true, timestamp '{D1} 17:00:00')")
    build(run, clock="2025-01-08 13:00:00")
    assert record(run)["int_candidates_locked"] == record(published)["int_candidates_locked"]
    assert run.query("select count(*) from props_intermediate.int_candidates_graded"
                     " where prediction_id = 'landed-late-001'") == [(0,)]
    assert run.query("select count(*) from props_intermediate.int_candidates_scored"
                     " where prediction_id = 'landed-late-001'") == [(1,)]  # a candidate by its own rows
    assert run.publish("--all-dates", "--only", "admin_predictions") == 0
    rows = {p["prediction_id"]: p for p in run.document(f"admin/predictions/{D1}.json")["predictions"]}
    assert (rows["landed-late-001"]["missed_lock"], rows["landed-late-001"]["late"]) == (True, False)
    assert (rows["late-001"]["missed_lock"], rows["late-001"]["late"]) == (False, True)
    assert [p for p, row in rows.items() if row["missed_lock"]] == ["landed-late-001"]


def test_a_game_fixed_without_candidates_takes_none_later(published, tmp_path):
    """A new day-3 game tips off at 20:00, before the day's other games (23:30), so its day
    is not locked yet. At the 21:00 run its only prediction is a PASS: the game is fixed
    with no candidate. Then an OVER for it, created at 19:00 (before tip-off) with an edge of
    19.5, lands: no user saw it, so it is no candidate. The old rule recorded candidates,
    not games, and took it at the 22:00 run."""
    game, player = "0022400599", "latelander"
    run = copy_run(published, tmp_path / "fixed_empty")
    run.execute(
        "insert into nba_analytics.upcoming_player_game_context (player_lookup, player_full_name, game_id,"
        " game_date, team_abbr, opponent_team_abbr, is_home, game_start_at) values ('latelander', 'Late Lander',"
        f" '{game}', '{D3}', 'MIA', 'ORL', true, timestamp '{D3} 20:00:00')",
        f"insert into {P} ({COLUMNS}) values ('fixed-empty-001', 'catboost_v9', '{player}', '{game}', '{D3}',"
        f" 12.0, 0.5, 'PASS', null, true, timestamp '{D3} 12:00:00')",
    )
    build(run, clock=f"{D3} 21:00:00")
    assert run.query(f"select candidate_count from props_intermediate.int_games_locked where game_id = '{game}'") == [(0,)]
    run.execute(f"insert into {P} ({COLUMNS}) values ('fixed-empty-002', 'catboost_v9', '{player}', '{game}',"
                f" '{D3}', 30.0, 0.9, 'OVER', 10.5, true, timestamp '{D3} 19:00:00')")
    build(run, clock=f"{D3} 22:00:00")
    assert run.query("select count(*) from props_intermediate.int_candidates_scored"
                     " where prediction_id = 'fixed-empty-002'") == [(1,)]  # a candidate by its own rows
    for table in ("int_candidates_locked", "int_candidates_graded"):
        assert run.query(f"select count(*) from props_intermediate.{table} where game_id = '{game}'") == [(0,)], table
    assert run.query(f"select count(*) from props_intermediate.int_games_locked where game_id = '{game}'") == [(1,)]
    # the admin file shows it as having missed the lock, with what the rules give it: edge |30.0 - 10.5| = 19.5,
    # composite 10 x 19.5 + 0.5 x 0.9 = 195.45, tier high; the PASS is no candidate, not shown
    assert run.publish("--all-dates", "--only", "admin_predictions") == 0
    rows = {p["prediction_id"]: p for p in run.document(f"admin/predictions/{D3}.json")["predictions"]}
    assert "fixed-empty-001" not in rows
    missed = rows["fixed-empty-002"]
    assert (missed["missed_lock"], missed["late"], missed["edge"], missed["composite"], missed["tier"]) == (
        True, False, 19.5, 195.45, "high")
    assert [p for p, row in rows.items() if row["missed_lock"]] == ["fixed-empty-002"]


@pytest.fixture(scope="module")
def before_day_3_tips_off(tmp_path_factory) -> Run:
    """pick_engine built and published at 22:00 on day 3, before its 23:30 tip-off."""
    run = fixture_run(tmp_path_factory.mktemp("before_tip_off"), "pick_engine")
    build(run, clock=f"{D3} 22:00:00")
    assert run.publish("--all-dates") == 0
    return run


def test_runs_overwritten_between_the_tip_off_and_the_next_build_keep_the_published_best_bets(
        before_day_3_tips_off, tmp_path):
    """Day 3 published at 22:00 with 3 best bets; at 23:40, after the 23:30 tip-off, the upstream overwrites the
    date's partition (the same runs re-inserted, stamped 23:40: late); the hourly build at 00:05 is the first after
    the tip-off. It used to fix the game with no candidate (the rows created before the tip-off were gone): the
    day's best bets, shown before the tip-off, left the day's file and its records. What the 22:00 run saw of the
    game (int_predictions_sighted) keeps them; once the game is fixed, the next run drops those rows."""
    shown = before_day_3_tips_off.document(f"best-bets/{D3}.json")["picks"]
    assert len(shown) == 3
    run = copy_run(before_day_3_tips_off, tmp_path / "overwritten")
    seen = run.query("select count(*) from props_intermediate.int_predictions_sighted")[0][0]
    assert seen == run.query(f"select count(distinct (player_lookup, game_id, system_id)) from {P}"
                             f" where game_date = '{D3}'")[0][0] > 0
    run.execute(f"create table main.overwritten as select * from {P} where game_date = '{D3}' and is_active",
                f"delete from {P} where game_date = '{D3}'",
                f"insert into {P} ({COLUMNS}) select 'rerun-' || prediction_id, system_id, player_lookup, game_id,"
                " game_date, predicted_points, confidence_score, recommendation, current_points_line, true,"
                f" timestamp '{D3} 23:40:00' from main.overwritten")
    run.dbt("build", "--selector", "hourly", clock="2025-01-09 00:05:00")
    run.dbt("build", "--selector", "after-predictions", clock="2025-01-09 11:00:00")
    assert run.publish("--all-dates", "--group", "after-predictions") == 0
    assert run.document(f"best-bets/{D3}.json")["picks"] == shown
    assert run.query("select count(*) from props_intermediate.int_candidates_locked"
                     " where prediction_id like 'rerun-%'") == [(0,)]
    assert run.query("select count(*) from props_intermediate.int_predictions_sighted") == [(0,)]


def test_runs_deleted_before_the_tip_off_are_no_candidates(before_day_3_tips_off, tmp_path):
    """What a run sees before a tip-off is replaced by the next run before it: day 3's top best bet, shown at 22:00,
    is deleted upstream at 22:30 (before the 23:30 tip-off); the 23:00 run no longer sees it, so the game is fixed
    at 00:05 without that player's runs (contract §3: the rows created before the tip-off that exist then)."""
    name = before_day_3_tips_off.document(f"best-bets/{D3}.json")["picks"][0]["player"]
    run = copy_run(before_day_3_tips_off, tmp_path / "deleted_before")
    [(player,)] = run.query(f"select distinct player_lookup from {C} where player_full_name = '{name}'")
    run.execute(f"delete from {P} where game_date = '{D3}' and player_lookup = '{player}'")
    build(run, clock=f"{D3} 23:00:00")
    build(run, clock="2025-01-09 00:05:00")
    assert run.query("select count(*) from props_intermediate.int_candidates_locked"
                     f" where player_lookup = '{player}' and game_date = '{D3}'") == [(0,)]
    assert run.publish("--all-dates") == 0
    assert name not in [pick["player"] for pick in run.document(f"best-bets/{D3}.json")["picks"]]


SGA_RERUN = (f"update {P} set is_active = false where prediction_id = 'pe-022'",
             f"insert into {P} ({COLUMNS}) select 'rerun-022', system_id, player_lookup, game_id, game_date, 23.5,"
             f" confidence_score, recommendation, current_points_line, true, timestamp '{D3} 22:40:00'"
             f" from {P} where prediction_id = 'pe-022'")
FIX_THE_REGISTRY = "delete from nba_predictions.model_registry where model_file_name like '%.retrained'"


def test_a_re_run_no_build_that_passed_showed_before_the_tip_off_is_no_candidate(before_day_3_tips_off, tmp_path):
    """Day 3 published at 22:00 with its 3 best bets, SGA's UNDER 24.5 first (edge 7.5). At 22:40 the champion
    re-runs SGA (23.5 on 24.5: edge 1.0, under the edge floor; his 17:00 row turns inactive), before the 23:30
    tip-off. The 23:00 build fails (a model registered twice: the rehearsal's bad input, upstream of the pick files)
    and the publisher refuses it, so the site shows the 22:00 best bets until the tip-off. The 00:05 build, the
    registry fixed, fixes the game from what the 22:00 build saw: the re-run, created before the tip-off but shown by
    no file, is no candidate (it used to be, and SGA left the day's best bets and records); admin/predictions flags
    it as having missed the lock. The failed build wrote its sightings (int_predictions_sighted is not downstream of
    the registry), but its hook kept the 22:00 ones and said so."""
    shown = before_day_3_tips_off.document(f"best-bets/{D3}.json")["picks"]
    assert [pick["player"] for pick in shown] == ["Shai Gilgeous-Alexander", "Devin Booker", "Jalen Williams"]
    run = copy_run(before_day_3_tips_off, tmp_path / "failed_evening")
    run.execute(*SGA_RERUN, rehearsal.BAD_INPUT)
    failed = run.dbt("build", *NO_UNIT, check=False, clock=f"{D3} 23:00:00")
    assert failed.returncode != 0
    [kept] = [line for line in failed.stdout.splitlines() if "NOT KEPT:" in line]
    assert "the rows this build saw before the tip-offs (int_predictions_sighted)" in kept
    assert "(test.nba_props.primary_key_stg_nba_predictions__model_registry_" in kept and ": fail and " in kept
    assert run.query("select count(*) from props_intermediate.int_predictions_sighted"
                     " where prediction_id = 'rerun-022'") == [(1,)]
    assert run.query("select count(*) from props_meta.predictions_sighted_passed"
                     " where prediction_id = 'rerun-022'") == [(0,)]
    run.execute(FIX_THE_REGISTRY)
    build(run, clock="2025-01-09 00:05:00")
    assert run.publish("--all-dates") == 0
    assert run.document(f"best-bets/{D3}.json")["picks"] == shown
    assert run.query("select prediction_id, is_missed_lock from props_admin.admin_predictions"
                     " where prediction_id in ('pe-022', 'rerun-022') order by 1") == [
        ("pe-022", False), ("rerun-022", True)]


def test_an_hourly_build_after_a_re_run_shows_no_pick_and_keeps_nothing(before_day_3_tips_off, tmp_path):
    """The same re-run of SGA at 22:40; the next build before the 23:30 tip-off is the hourly group's at 23:05, which
    passes, but publishes subsets/performance.json only: no file shows the re-run, so the build keeps nothing (var
    picks_publish_group) and the 00:05 build fixes the game from what the 22:00 build showed. So does a build of
    the sightings and all after them at 23:07 (`--select int_predictions_sighted+`): the pick files' upstream tests
    did not run, so the publisher would refuse its files. So does a whole `dbt build --empty` at 23:10 (the floor
    bench/scale.py measures, run by hand on this warehouse): it passes (the champion's test used to fail it, finding
    no champion in an empty registry), but every table built without a row showed nothing, and it keeps nothing
    (its empty sightings, kept, would fix the game with no candidate)."""
    shown = before_day_3_tips_off.document(f"best-bets/{D3}.json")["picks"]
    run = copy_run(before_day_3_tips_off, tmp_path / "hourly_only")
    run.execute(*SGA_RERUN)
    run.dbt("build", "--selector", "hourly", clock=f"{D3} 23:05:00")
    assert run.query("select count(*) from props_intermediate.int_predictions_sighted"
                     " where prediction_id = 'rerun-022'") == [(1,)]
    kept = "select count(*) from props_meta.predictions_sighted_passed"
    assert run.query(f"{kept} where prediction_id = 'rerun-022'") == [(0,)]
    kept_at_22 = run.query(kept)
    partial = run.dbt("build", "--select", "int_predictions_sighted+", *NO_UNIT, clock=f"{D3} 23:07:00")
    [not_kept] = [line for line in partial.stdout.splitlines() if "NOT KEPT:" in line]
    assert " did not run and " in not_kept
    assert run.query(f"{kept} where prediction_id = 'rerun-022'") == [(0,)]
    run.dbt("build", "--empty", *NO_UNIT, clock=f"{D3} 23:10:00")
    assert run.query(kept) == kept_at_22 != [(0,)]
    build(run, clock="2025-01-09 00:05:00")
    assert run.publish("--all-dates") == 0
    assert run.document(f"best-bets/{D3}.json")["picks"] == shown


def test_a_build_whose_admin_file_the_publisher_refuses_showed_nothing_and_keeps_nothing(before_day_3_tips_off,
                                                                                           tmp_path):
    """The same re-run of SGA at 22:40. The 23:00 build's pick files pass the gate, but a data test on admin/predictions
    fails (a singular test added to a copy of the project): the publisher refuses that endpoint and so uploads nothing
    of the run, and the site shows the 22:00 best bets until the 23:30 tip-off. The hook keeps nothing, naming the
    test (it used to check the public pick files only, and kept the re-run, which the next build fixed the game from:
    SGA left the day's best bets and records, as in the failed-evening test above)."""
    shown = before_day_3_tips_off.document(f"best-bets/{D3}.json")["picks"]
    run = copy_run(before_day_3_tips_off, tmp_path / "admin_refused", site=True)
    run.execute(*SGA_RERUN)
    project = project_copy(tmp_path)
    (project / "tests" / "data" / "admin_predictions_refused.sql").write_text(
        f"select prediction_id from {{{{ ref('admin_predictions') }}}} where date = '{D3}'\n")
    failed = DBT_PROCESSES.run(["build", *NO_UNIT, "--project-dir", str(project)],
                               {**run.env(), "PROPS_CLOCK": f"{D3} 23:00:00"}, run.root)
    assert failed.returncode != 0
    [kept] = [line for line in failed.stdout.splitlines() if "NOT KEPT:" in line]
    assert "(test.nba_props.admin_predictions_refused: fail)" in kept, kept
    assert run.publish("--all-dates") == 1  # its manifest's gate: admin_predictions refused, nothing uploaded
    assert run.document(f"best-bets/{D3}.json")["picks"] == shown
    assert run.query("select count(*) from props_meta.predictions_sighted_passed"
                     " where prediction_id = 'rerun-022'") == [(0,)]  # what fixes the game (the failed-evening test)


RULES_CHANGED_AT_23_45 = (
    # the prediction pipeline turns the champion's is_production off: none of its best bets is eligible
    "update nba_predictions.model_registry set is_production = false where system_id = 'catboost_v9'",
    # an analyst's seed edit (stands in for seeds/subset_definitions.csv): Top 5 needs edge >= 7, SGA's 7.5 only
    "update props_reference.subset_definitions set min_edge = 7 where subset_id = 'v9_high_edge_top5'",
    # and retires Top 10 (group 3) for a new group 10 with its rules
    "insert into props_reference.subset_definitions select * replace ('v9_added' as subset_id, 10 as public_id,"
    " 'Added' as public_name) from props_reference.subset_definitions where subset_id = 'v9_high_edge_top10'",
    "update props_reference.subset_definitions set is_active = false where subset_id = 'v9_high_edge_top10'")


def day_3_as_shown(run: Run) -> dict:
    """Day 3's published picks, best bets and champion."""
    return {"groups": {g["id"]: [p["player"] for p in g["picks"]] for g in run.document(f"picks/{D3}.json")["groups"]},
            "best_bets": run.document(f"best-bets/{D3}.json")["picks"],
            "model": run.document(f"picks/{D3}.json")["model"],
            "signal": run.document(f"signals/{D3}.json")}


def test_rules_changed_between_the_last_tip_off_and_the_next_build_leave_the_day_as_shown(before_day_3_tips_off,
                                                                                         tmp_path):
    """Day 3 published at 22:00: Top 5 holds 3 players, 3 best bets, champion 926A (catboost_v9). Its last game tips
    off at 23:30; at 23:45 the champion's is_production is turned off, Top 5 is given an edge floor of 7, Top 10 is
    retired for a new group 10, and the 00:05 build, the first after the tip-off, runs with champion_system_id
    xgboost_v2. It used to lock day 3 with those rules: no best bet, Top 5 down to SGA, Top 10 gone and group 10
    listed, model X02 and xgboost_v2's signal, none of which any user saw
    (contract §3: a rule change applies to days not yet locked). The record takes the day as the 22:00 build, the
    last that passed, showed it (int_days_shown). (A day not locked yet follows the new rules:
    test_the_next_unlocked_day_follows_the_new_rules.) A deliberate rebuild of the record (make rebuild-record)
    computes the day with the new rules: nothing in the sources says what was shown."""
    shown = day_3_as_shown(before_day_3_tips_off)
    assert (len(shown["groups"][2]), len(shown["best_bets"]), shown["model"]) == (3, 3, "926A")
    assert list(shown["groups"]) == list(range(1, 10)) and shown["groups"][3] != []
    run = copy_run(before_day_3_tips_off, tmp_path / "rules_changed")
    run.execute(*RULES_CHANGED_AT_23_45)
    build(run, "--exclude-resource-type", "seed", *NEW_CHAMPION, clock="2025-01-09 00:05:00")
    assert run.publish("--all-dates") == 0
    after = day_3_as_shown(run)
    assert {k: v for k, v in after.items() if k != "signal"} == {k: v for k, v in shown.items() if k != "signal"}
    assert {k: v for k, v in after["signal"].items() if k != "generated_at"} == {
        k: v for k, v in shown["signal"].items() if k != "generated_at"}
    champion_locked = ("select system_id from props_intermediate.int_days_locked"
                       f" where game_date = '{D3}' and is_champion")
    assert run.query(champion_locked) == [("catboost_v9",)]
    # make rebuild-record instead of the 00:05 build: the sources keep no trace of what was shown, so the rebuilt
    # record computes day 3 with this run's rules; the copies the 22:00 build kept, which hold day 3, are not read
    rebuilt = copy_run(before_day_3_tips_off, tmp_path / "rebuilt")
    rebuilt.execute(*RULES_CHANGED_AT_23_45)
    rebuild = ("--vars", json.dumps({**NEW_CHAMPION_VARS, "rebuild_record": True}))
    build(rebuilt, "--full-refresh", "--exclude-resource-type", "seed", *rebuild, clock="2025-01-09 00:05:00")
    assert rebuilt.query(champion_locked) == [("xgboost_v2",)]


@pytest.mark.parametrize("copy_edit", [
    "delete from props_meta.candidates_shown_passed where prediction_id = 'pe-022'",
    "alter table props_meta.days_shown_passed drop column over_count",
    "alter table props_meta.picks_shown_passed drop column top_n",
    "alter table props_meta.groups_shown_passed drop column public_description",
    "alter table props_meta.picks_shown_passed alter column pick_rank type double",
], ids=["a_candidate_changed", "the_days_copy_older_than_the_model", "the_picks_copy_older_than_the_model",
        "the_groups_copy_older_than_the_seed", "the_picks_copy_of_another_type"])
def test_a_day_not_as_the_build_that_showed_it_follows_this_runs_rules(before_day_3_tips_off, tmp_path, copy_edit):
    """The same registry change at 23:45, but what the 22:00 build kept cannot be the day that locks: one of the
    day's candidates is not among those it computed the day from (taken out of its copy here: as a game moved away
    since, or a candidate lost), or one of its copies lacks a column the model has now or holds it with another
    type (a release that added or changed one: the build must not fail on it, nor every build after it). The 00:05
    build computes day 3 whole with its own rules: no best bet (the champion not in production), and the groups as
    before (the registry flag decides no group). A day locked from some copies and not others used to be recorded:
    with the picks' copy unusable, day 3 kept the 22:00 facts and lost every pick of every group; with the groups'
    copy unusable, or the picks' copy of another type, it kept the 22:00 best bets."""
    run = copy_run(before_day_3_tips_off, tmp_path / "not_as_shown")
    run.execute(RULES_CHANGED_AT_23_45[0], copy_edit)
    build(run, clock="2025-01-09 00:05:00")
    assert run.publish("--all-dates") == 0
    assert run.document(f"best-bets/{D3}.json")["picks"] == []
    assert day_3_as_shown(run)["groups"] == {
        group: [pick["player"] for pick in picks] for group, picks in EXPECTED_PICKS[D3].items()}


@pytest.mark.parametrize("change", ["drop column confidence_score", "alter column confidence_score type varchar"],
                         ids=["added", "changed"])
def test_sightings_kept_before_a_release_that_changed_a_prediction_column_are_not_read(before_day_3_tips_off,
                                                                                        tmp_path, change):
    """A release adds or changes a prediction column (macro prediction_columns): the sightings the 22:00 build kept,
    its copy and int_predictions_sighted as it left them, lack it or hold it with another type (confidence_score,
    dropped from both or made text here). The 00:05 build used to fail at int_predictions_sighted or after it (no
    such column in the copy; text beside numbers) and, keeping no sightings, so did every build after it. It now
    reads neither, as a warehouse's first build: day 3's games, all of whose runs were created before the 23:30
    tip-off, are fixed with the same candidates by created_at, the day locks with the 3 best bets worked by hand, and
    the build keeps a copy like the feed's staging for the next."""
    run = copy_run(before_day_3_tips_off, tmp_path / "sightings_before_a_release")
    run.execute(f"alter table props_meta.predictions_sighted_passed {change}",
                f"alter table props_intermediate.int_predictions_sighted {change}")
    build(run, clock="2025-01-09 00:05:00")
    assert run.publish("--all-dates") == 0
    assert run.document(f"best-bets/{D3}.json")["picks"] == BEST_BETS[D3]
    assert run.query("select data_type from information_schema.columns where table_schema = 'props_meta'"
                     " and table_name = 'predictions_sighted_passed' and column_name = 'confidence_score'") == [
        ("DOUBLE",)]


@pytest.mark.parametrize(("older", "named", "fix"), [
    ("alter column points_line type integer", "points_line recorded as INTEGER, now DOUBLE",
     "alter column points_line type double"),
    ("rename column points_line to line", "line recorded, not in the rows now", "rename column line to points_line"),
], ids=["retyped", "renamed"])
def test_a_release_that_renames_or_retypes_a_recorded_column_stops_at_the_record_until_it_is_changed_by_hand(
        before_day_3_tips_off, tmp_path, older, named, fix):
    """The record of candidates as an earlier release left it meets this release's candidates: its points_line an
    INTEGER (days 1 and 2 recorded whole), or named line. The build that locks day 3 used to pass. Retyped, DuckDB
    cast day 3's lines into the old type: best-bets/2025-01-08.json published SGA's 24.5 as 24 (Booker 12, J.
    Williams 14; BigQuery refuses FLOAT64 into INT64, so every build failed, naming neither the column nor the fix).
    Renamed, points_line was appended, null for the 22 candidates of days 1 and 2, and that build and every one after
    it failed at the public marts' not-null lines, the record written. The record's first model now fails before
    writing, naming the column and the fix; once the recorded column is changed by hand as docs/deployment.md says,
    the next build locks day 3 with the best bets worked by hand."""
    run = copy_run(before_day_3_tips_off, tmp_path / "record_of_an_older_release")
    run.execute(f"alter table props_intermediate.int_candidates_locked {older}")
    failed = run.dbt("build", *NO_UNIT, clock=LOCKS_DAY_3, check=False)
    assert failed.returncode == 1
    assert "ERROR creating sql incremental model props_intermediate.int_candidates_locked" in failed.stdout
    assert f"this run's rows change 1: {named}. Nothing was written to it." in failed.stdout
    assert run.query(f"select count(*) from props_intermediate.int_candidates_locked where game_date = '{D3}'") == [
        (0,)]
    run.execute(f"alter table props_intermediate.int_candidates_locked {fix}")
    build(run, clock=LOCKS_DAY_3)
    assert run.publish("--all-dates", "--only", "public_best_bets") == 0
    assert run.document(f"best-bets/{D3}.json")["picks"] == BEST_BETS[D3]


def test_a_game_no_build_showed_before_its_tip_off_takes_no_candidate(published, tmp_path):
    """A game dated 01-05 that neither feed listed until days 1 and 2 had locked, its runs stamped 17:00 on 01-05
    (before its 23:30 tip-off), with its box scores: no build showed its picks, so it is fixed with none, and the
    top-5 group's season and month records of days 1 and 2 stay as published (they used to count its picks: 2-1
    became 4-2)."""
    run = copy_run(published, tmp_path / "unknown_game")
    run.execute(*a_game_days_later("X505", "2025-01-05"),
                "insert into nba_analytics.player_game_summary select player_lookup, player_full_name, game_id,"
                f" game_date, team_abbr, opponent_team_abbr, 0, 30, 'active' from {C} where game_id = 'X505'")
    build(run, clock="2025-01-08 13:00:00")
    assert run.query("select candidate_count from props_intermediate.int_games_locked where game_id = 'X505'") == [
        (0,)]
    # admin/predictions shows the on-call its runs as candidates by created_at that missed the lock
    [(missed, by_created_at)] = run.query(
        "select count(*) filter (where is_missed_lock), (select count(*) from props_intermediate.int_candidates_selected"
        " where game_id = 'X505') from props_admin.admin_predictions where game_id = 'X505'")
    assert missed == by_created_at > 0
    assert run.publish("--all-dates") == 0
    for day in (D1, D2):
        before, after = (r.document(f"picks/{day}.json")["groups"][1]["record"] for r in (published, run))
        assert after == before, day


def test_a_graded_pick_of_a_day_not_locked_yet_counts_in_no_record(published, tmp_path):
    """Day 3 is provisional at the clock; a box score of its best bet SGA (UNDER 24.5, 20
    points: a hit) lands before the day's last tip-off. The pick shows its result, but the
    records count the locked picks only: all.json's records, streak and graded stay those
    of days 1 and 2 (5-2, W 1), and day 3 stays pending, 0-0 with its 3 picks pending."""
    run = copy_run(published, tmp_path / "early_box_score")
    run.execute("insert into nba_analytics.player_game_summary (player_lookup, player_full_name, game_id, game_date,"
                " team_abbr, opponent_team_abbr, points, minutes_played, player_status) values ('shaigilgeousalexander',"
                f" 'Shai Gilgeous-Alexander', '0022400505', '{D3}', 'OKC', 'PHX', 20, 34, 'active')")
    build(run)
    assert run.publish("--all-dates") == 0
    sga = run.document(f"best-bets/{D3}.json")["picks"][0]
    assert (sga["player"], sga["actual"], sga["result"]) == ("Shai Gilgeous-Alexander", 20, "hit")
    before, after = published.document("best-bets/all.json"), run.document("best-bets/all.json")
    assert (after["record"], after["streak"], after["graded"]) == (before["record"], before["streak"], before["graded"])
    assert after["record"]["season"] == {"wins": 5, "losses": 2, "pct": 71.4, "pct_low": 35.9, "pct_high": 91.8}
    [week] = after["weeks"]
    assert week["record"] == {"wins": 5, "losses": 2, "pending": 3, "pct": 71.4, "pct_low": 35.9, "pct_high": 91.8}
    day3 = week["days"][0]
    assert (day3["date"], day3["status"], day3["record"]) == (D3, "pending", {"wins": 0, "losses": 0, "pending": 3})


def test_a_box_score_correction_regrades_a_locked_pick(published, tmp_path):
    """Jokić's day-1 UNDER 25.5 was a hit with 20 points; corrected to 30, a miss."""
    run = copy_run(published, tmp_path / "corrected")
    run.execute("update nba_analytics.player_game_summary set points = 30 where player_lookup = 'nikolajokic'")
    build(run)
    assert run.publish("--all-dates") == 0
    jokic = [p for p in run.document(f"picks/{D1}.json")["groups"][1]["picks"] if p["player"] == "Nikola Jokić"]
    assert [(p["actual"], p["result"]) for p in jokic] == [(30, "miss")]
    # Top 5 as of day 2 was 5-2 (test_pick_engine.py); Jokić's hit is now a miss: 4-3
    top5 = run.document("subsets/performance.json")["windows"]["season"]["groups"][1]["stats"]
    assert (top5["wins"], top5["losses"]) == (4, 3)
    assert record(run)["int_picks_locked"] == record(published)["int_picks_locked"]


def test_a_correction_regraded_by_a_run_that_built_nothing_downstream_reaches_the_records(published, tmp_path):
    """The same correction, first seen by a run that rebuilds the grades and nothing downstream of them (the daily
    group's selector, or a run killed after the grades); the next build must still count it. With no lookback
    (facts_lookback_days 0), only the regrade can make the records rebuild day 1. They used to rebuild from the dates
    regraded in their own run only: the grades then held the correction, their drift check had nothing left to find,
    and the records kept Jokić's hit (Top 5 at 5-2) for good."""
    run = copy_run(published, tmp_path / "corrected_daily")
    run.execute("update nba_analytics.player_game_summary set points = 30 where player_lookup = 'nikolajokic'")
    no_lookback = ("--vars", json.dumps({"facts_lookback_days": 0}))
    build(run, *no_lookback, "--select", "int_candidates_graded")
    assert run.query("select distinct grade from props_intermediate.int_candidates_graded"
                     " where player_lookup = 'nikolajokic'") == [("loss",)]
    build(run, *no_lookback)
    assert run.publish("--all-dates") == 0
    top5 = run.document("subsets/performance.json")["windows"]["season"]["groups"][1]["stats"]
    assert (top5["wins"], top5["losses"]) == (4, 3)


def test_the_rebuild_command_reproduces_the_record_on_unchanged_sources(published, tmp_path):
    """make rebuild-record (--full-refresh with rebuild_record) rewrites the five record tables from the sources. Every
    table is first marked with something only such a rewrite removes (an append-only build, --full-refresh without the
    var included, keeps every row as it is): a value moved by 100 on every row, a group that never was."""
    run = copy_run(published, tmp_path / "rebuilt")
    run.execute(*(f"update props_intermediate.{table} set {column} = {column} + 100" for table, column in (
        ("int_candidates_locked", "predicted_points"), ("int_games_locked", "candidate_count"),
        ("int_picks_locked", "points_line"), ("int_days_locked", "candidate_count"))),
        f"insert into props_intermediate.int_groups_locked values (date '{D1}', 'planted')")
    marked = record(run)
    assert all(marked[table] != rows for table, rows in record(published).items())
    run.dbt("build", "--full-refresh", *NO_UNIT, "--vars", json.dumps({"rebuild_record": True}), clock=CLOCK)
    assert record(run) == record(published)
    assert all(record(published).values())


def test_prediction_rows_re_dated_upstream_for_an_old_date_reach_every_table(tmp_path):
    """Review M: after a game on 01-12 has taken the incremental window past days 1-3, upstream re-dates day 2's only
    game (0022400504: its context and its ten runs, ids kept) to 01-13, leaving day 2 with no prediction row. Staging
    saw day 2 change but kept its rows (the dates it replaced left out a date older than its window): every build
    stopped on staging's primary key, the ids on both dates, while a --full-refresh passed; and no fact dropped an
    emptied date. The log of the feed's dates (stg_nba_predictions__date_changes) now names day 2: staging empties
    it, every fact rebuilds from it, and the daily build equals a full refresh. The build after it used to stop on
    admin_predictions' key: the candidates fixed on day 2, shown there, also showed on 01-13 as having missed the
    lock, a candidate of a date out of the window being unknown to the run.
    Then day 1's game loses its context rows upstream (its tip-off, and its players' names): a full build fails on
    the candidates' names (a prediction with no context row). The daily build used to pass, day 1 left as it was (a
    game the context no longer lists was never compared with its fixed lock time); the log of moves now reads every
    fixed game, day 1 is rebuilt, and the daily build fails on the same check, naming the game."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute(*a_game_days_later("X512", "2025-01-12"))
    build(run, clock="2025-01-13 06:00:00")
    game, new_date = "0022400504", "2025-01-13"
    run.execute(f"update {C} set game_date = '{new_date}', game_start_at = timestamp '{new_date} 23:30:00'"
                f" where game_id = '{game}'",
                f"update {P} set game_date = '{new_date}', created_at = timestamp '{new_date} 17:00:00'"
                f" where game_id = '{game}'")
    assert build_against_a_full_refresh(run, clock=f"{new_date} 18:00:00")[1] == []
    assert run.query("select game_date::varchar, count(*) from props_staging.stg_nba_predictions__player_prop_predictions"
                     f" where game_id = '{game}' group by 1") == [(new_date, 10)]
    build(run, clock=f"{new_date} 19:00:00")
    # the nine candidates fixed on day 2 are shown there once, as moved to the game's new date
    assert run.query("select date::varchar, count(*), min(moved_to)::varchar from props_admin.admin_predictions"
                     f" where game_id = '{game}' and prediction_id like 'pe-0%' group by 1") == [(D2, 9, new_date)]
    run.execute(f"delete from {C} where game_id = '0022400501'")
    done = run.dbt("build", *NO_UNIT, check=False, clock=f"{new_date} 20:00:00")
    assert done.returncode == 1
    [failed] = [line for line in done.stdout.splitlines() if "field player_full_name, test not_null" in line]
    assert "BAD INPUT in model int_candidates_scored" in failed and "game_id=0022400501, game_date=2025-01-06" in failed
