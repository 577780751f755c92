"""A bad upstream day (docs/bad_inputs.md, issue "fail safe"): each case injected into a
copy of the hand-built fixture tests/warehouses/pick_engine/ (test_pick_engine.py has its
picks worked by hand), built at the clock 2025-01-08 12:00 UTC: days 1 and 2 (01-06,
01-07) are locked, day 3 (01-08) is tonight, provisional. Either the site after the bad
day is the site before it (documents equal apart from generated_at), or the build fails
naming the table, row and field and nothing is published.
"""

from __future__ import annotations

import json

import pytest

from pipeline import NO_UNIT, Run, copy_run, fixture_run

CLOCK = "2025-01-08 12:00:00"
P = "nba_predictions.player_prop_predictions"
COLUMNS = ("prediction_id, system_id, player_lookup, game_id, game_date, predicted_points, confidence_score,"
           " recommendation, current_points_line, is_active, created_at")


def build(run: Run, check: bool = True, **extra_vars):
    return run.dbt("build", *NO_UNIT, *(["--vars", json.dumps(extra_vars)] if extra_vars else []), check=check,
                   clock=CLOCK)


def documents(run: Run) -> dict[str, dict]:
    """Every published document but the manifest, without generated_at."""
    found = {}
    for path in sorted(run.site.rglob("*.json")):
        relative = path.relative_to(run.site).as_posix()
        if relative != "manifest.json":
            found[relative] = {k: v for k, v in json.loads(path.read_text()).items() if k != "generated_at"}
    return found


def tree(run: Run) -> dict[str, bytes]:
    return {p.relative_to(run.site).as_posix(): p.read_bytes() for p in sorted(run.site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Run:
    run = fixture_run(tmp_path_factory.mktemp("clean"), "pick_engine")
    build(run)
    assert run.publish("--all-dates") == 0
    return run


def test_a_future_dated_row_is_quarantined_and_changes_nothing(clean, tmp_path):
    """One prediction and one context row dated next season (2025-11-05): left out of every
    file, named on every run; tonight's next run is still read."""
    run = copy_run(clean, tmp_path / "future", site=True)
    run.execute(
        f"insert into {P} ({COLUMNS}) select 'phantom-1', system_id, player_lookup, '0022500001', date '2025-11-05',"
        f" 40.0, 0.99, 'OVER', 20.5, true, timestamp '2025-11-05 17:00:00' from {P} where prediction_id = 'pe-001'",
        "insert into nba_analytics.upcoming_player_game_context select player_lookup, player_full_name, '0022500001',"
        " date '2025-11-05', team_abbr, opponent_team_abbr, is_home, timestamp '2025-11-06 00:00:00'"
        " from nba_analytics.upcoming_player_game_context where player_lookup = 'cadecunningham'")
    done = build(run)
    quarantined = [line for line in done.stdout.splitlines() if "QUARANTINED" in line]
    assert any("source nba_predictions.player_prop_predictions" in line and "field game_date" in line
               and "prediction_id=phantom-1" in line for line in quarantined), done.stdout[-3000:]
    assert any("source nba_analytics.upcoming_player_game_context" in line and "game_id=0022500001" in line
               for line in quarantined)
    assert run.publish("--all-dates") == 0
    assert documents(run) == documents(clean)
    assert not (run.site / "picks" / "2025-11-05.json").exists()
    # tonight's next prediction run still reaches tonight's picks
    run.execute(f"update {P} set is_active = false where prediction_id = 'pe-022'",
                f"insert into {P} ({COLUMNS}) select 'pe-022-b', system_id, player_lookup, game_id, game_date, 15.0,"
                f" confidence_score, 'UNDER', 23.5, true, timestamp '2025-01-08 18:00:00' from {P}"
                " where prediction_id = 'pe-022'")
    build(run)
    assert run.publish("--date", "2025-01-08", "--only", "public_picks") == 0
    top = run.document("picks/2025-01-08.json")["groups"][0]["picks"]
    assert [(p["player"], p["line"], p["prediction"]) for p in top] == [("Shai Gilgeous-Alexander", 23.5, 15.0)]


def test_a_null_game_date_on_the_newest_run_fails_naming_the_row(clean, tmp_path):
    run = copy_run(clean, tmp_path / "null_date", site=True)
    before = tree(run)
    run.execute(f"insert into {P} ({COLUMNS}) select 'null-date-1', system_id, player_lookup, game_id, null,"
                f" predicted_points, confidence_score, recommendation, current_points_line, true,"
                f" timestamp '2025-01-08 11:00:00' from {P} where prediction_id = 'pe-023'")
    done = build(run, check=False)
    assert done.returncode != 0
    lines = [line for line in done.stdout.splitlines() if "BAD INPUT" in line]
    assert any("nba_predictions.player_prop_predictions" in line and "field game_date" in line
               and "prediction_id=null-date-1" in line for line in lines), "\n".join(lines)
    assert run.publish("--all-dates") != 0
    assert tree(run) == before


def test_two_active_runs_at_the_same_instant_warn_naming_both(clean, tmp_path):
    run = copy_run(clean, tmp_path / "tie", site=True)
    run.execute(f"insert into {P} ({COLUMNS}) select 'pe-022-twin', system_id, player_lookup, game_id, game_date,"
                f" 30.0, confidence_score, 'OVER', current_points_line, true, created_at from {P}"
                " where prediction_id = 'pe-022'")
    done = build(run)
    warnings = [line for line in done.stdout.splitlines() if "WARNING (the run goes on)" in line]
    assert any("ambiguous_prediction_runs" in line and "prediction_id=pe-022," in line
               and "prediction_id=pe-022-twin" in line for line in warnings), done.stdout[-3000:]


def test_a_tie_is_judged_at_the_game_tip_off_not_at_the_player_start(clean, tmp_path):
    """The candidate rule locks a game at its tip-off, the earliest start of its context rows (macro game_tipoffs):
    23:30 for OKC-PHX. Shai Gilgeous-Alexander's and Devin Booker's own rows say 23:50. The warning used to judge
    "latest before tip-off" at the player's own start: Booker's two runs of 23:40, late (never candidates), were named
    as a tie, and the real tie of 17:00 between pe-022 and its twin (OVER against UNDER: the candidate decided by
    prediction_id alone) was hidden by a late run of 23:40. Judged at 23:30: the tie of 17:00, and nothing else."""
    run = copy_run(clean, tmp_path / "tie_at_tip_off", site=True)
    run.execute(
        "update nba_analytics.upcoming_player_game_context set game_start_at = timestamp '2025-01-08 23:50:00'"
        " where player_lookup in ('shaigilgeousalexander', 'devinbooker')",
        *(f"insert into {P} ({COLUMNS}) select '{new_id}', system_id, player_lookup, game_id, game_date, 30.0,"
          f" confidence_score, '{side}', current_points_line, true, {created} from {P} where prediction_id = '{of}'"
          for new_id, of, side, created in [
              ("pe-022-twin", "pe-022", "OVER", "created_at"),
              ("pe-022-late", "pe-022", "UNDER", "timestamp '2025-01-08 23:40:00'"),
              ("pe-023-late-a", "pe-023", "UNDER", "timestamp '2025-01-08 23:40:00'"),
              ("pe-023-late-b", "pe-023", "OVER", "timestamp '2025-01-08 23:40:00'")]))
    done = run.dbt("build", *NO_UNIT, clock="2025-01-08 23:45:00")
    [warning] = [line for line in done.stdout.splitlines()
                 if "WARNING (the run goes on)" in line and "test ambiguous_prediction_runs" in line]
    assert ": 2 row(s)" in warning, warning
    assert "prediction_id=pe-022," in warning and "prediction_id=pe-022-twin," in warning, warning
    assert "late" not in warning, warning


def test_a_correction_older_than_the_lookback_is_regraded(clean, tmp_path):
    """With no lookback at all (facts_lookback_days 0: a run rebuilds tonight only), a box
    score of day 1 corrected two days later still reaches the grades, the records and the
    files: Jokić's UNDER 25.5 hit (20 points) becomes a miss (30)."""
    run = copy_run(clean, tmp_path / "corrected", site=True)
    run.execute("update nba_analytics.player_game_summary set points = 30 where player_lookup = 'nikolajokic'")
    build(run, facts_lookback_days=0)
    assert run.publish("--all-dates") == 0
    jokic = [p for g in run.document("picks/2025-01-06.json")["groups"] for p in g["picks"]
             if p["player"] == "Nikola Jokić"]
    assert {(p["actual"], p["result"]) for p in jokic} == {(30, "miss")}
    top5 = run.document("subsets/performance.json")["windows"]["season"]["groups"][1]["stats"]
    assert (top5["wins"], top5["losses"]) == (4, 3)  # 5-2 before (test_pick_engine.py)
    bets = run.document("best-bets/2025-01-06.json")["picks"]
    assert [(b["player"], b["result"]) for b in bets if b["player"] == "Nikola Jokić"] == [("Nikola Jokić", "miss")]


def test_a_dbt_run_without_its_tests_is_refused_by_the_gate(clean, tmp_path, capsys):
    """A second, different box-score row for one player-game would count twice; the primary
    key test that names it runs in a build only. After `dbt run` (models, no tests) the
    publisher refuses every endpoint, names the tests that did not run, and publishes nothing."""
    run = copy_run(clean, tmp_path / "dbt_run", site=True)
    before = tree(run)
    run.execute(
        "insert into nba_analytics.player_game_summary select player_lookup, player_full_name, game_id, game_date,"
        " team_abbr, opponent_team_abbr, points + 7, minutes_played, player_status"
        " from nba_analytics.player_game_summary where player_lookup = 'nikolajokic'")
    run.dbt("run", clock=CLOCK)
    capsys.readouterr()
    assert run.publish("--all-dates") != 0
    err = capsys.readouterr().err
    assert "FAILED run-results gate" in err and "(`dbt run`," in err, err[-3000:]
    assert "data test(s) upstream did not run: test." in err, err[-3000:]
    assert tree(run) == before


def test_a_group_run_before_the_first_full_build_names_the_fix(tmp_path):
    """A new deployment whose schedule starts with the daily group: the group's build checks the record's tables
    against the seeds it loads (the relationships tests of int_picks_locked and int_groups_locked on
    subset_definitions), and int_picks_locked has never been built. The run stops, and the hook says which table
    is missing and the fix, one line per table (the live group run first on the sample names nine). It used to say
    `BAD INPUT in seed seeds/subset_definitions.csv, model int_picks_locked`, sending the analyst to a seed with
    nothing wrong in it."""
    run = fixture_run(tmp_path, "pick_engine")
    done = run.dbt("build", "--selector", "daily", *NO_UNIT, check=False, clock=CLOCK)
    assert done.returncode != 0
    said = [line.partition("  ")[2] for line in done.stdout.splitlines() if "NOT BUILT" in line or "BAD INPUT" in line]
    assert said == ["NOT BUILT: int_picks_locked, which this warehouse does not have yet (read by 1 data test(s):"
                    " relationships) -- fix: run one full build first (make build; a new deployment starts with one:"
                    ' docs/deployment.md "Schedules"), then the scheduled runs']
    build(run)  # the fix: one full build; then the group's run passes
    assert run.dbt("build", "--selector", "daily", *NO_UNIT, check=False, clock=CLOCK).returncode == 0
