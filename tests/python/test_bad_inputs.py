"""The bad-input catalogue (docs/bad_inputs.md): each bad input is injected into the
hand-built fixture warehouse (tests/warehouses/pick_engine) and the outcome checked:
either a documented rule handles it (and the published result shows it), or the build
fails with a message naming the table, the row key and the field, and the publisher
then publishes nothing: the previously published site stays byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path


import pytest

from pipeline import (DBT_PROCESSES, NO_UNIT, PROJECT_DIR, Run, copy_run, demo_site, fixture_run, make_dbt, new_run,
                      pick_engine_site)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Run:
    return pick_engine_site(tmp_path_factory.mktemp("clean"))


def tree(path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# (id, SQL injected into the source tables, strings the dbt output must contain:
#  the table, the field and the row key; "!TEXT": a string it must not contain)
FAILING = [
    ("confidence_above_100",
     ["update nba_predictions.player_prop_predictions set confidence_score = 150 where prediction_id = 'pe-001'"],
     ["source nba_predictions.player_prop_predictions", "field confidence_score", "prediction_id=pe-001",
      "confidence_score=1.5", "-- fix: the value shown is the staged one: a source confidence_score above 1 is read"
      " on the legacy 0-100 scale and divided by 100"]),
    ("confidence_negative",
     ["update nba_predictions.player_prop_predictions set confidence_score = -0.2 where prediction_id = 'pe-002'"],
     ["source nba_predictions.player_prop_predictions", "field confidence_score", "prediction_id=pe-002"]),
    ("unknown_recommendation",
     ["update nba_predictions.player_prop_predictions set recommendation = 'STRONG_OVER' where prediction_id = 'pe-003'"],
     ["source nba_predictions.player_prop_predictions", "field recommendation", "STRONG_OVER"]),
    ("player_without_context_row",
     ["delete from nba_analytics.upcoming_player_game_context where player_lookup = 'jalenbrunson'"],
     ["model int_candidates_scored", "field player_full_name", "player_lookup=jalenbrunson"]),
    ("system_without_codename",
     ["update nba_predictions.player_prop_predictions set system_id = 'catboost_v10' where prediction_id = 'pe-106'"],
     ["model int_models_described", "field codename", "system_id=catboost_v10",
      "-- fix: a system in the predictions or the model registry has no public codename: add its row"]),
    # a typo in the price the pick pays (-125 sent as 12500) would multiply its payout and every ROI counting it
    ("pick_price_typo",
     ["update nba_raw.odds_player_points_props set under_odds = 12500 where player_lookup = 'nikolajokic'"],
     ["model int_candidates_scored", "test pick_price_beyond_limit: 1 row(s)", "bookmaker=fanduel",
      "snapshot_at=2025-01-06 16:00:00", "player_lookup=nikolajokic", "points_line=25.5", "recommendation=UNDER",
      "american_odds=12500", "-- fix: a price no book quotes for a player's points at the line a model compared with"]),
    ("two_different_box_scores_for_one_player_game",
     ["insert into nba_analytics.player_game_summary select player_lookup, player_full_name, game_id, game_date,"
      " team_abbr, opponent_team_abbr, points + 7, minutes_played, player_status"
      " from nba_analytics.player_game_summary where player_lookup = 'nikolajokic'"],
     ["source nba_analytics.player_game_summary", "field player_lookup, game_id", "player_lookup=nikolajokic"]),
    ("two_different_prices_for_one_line",
     ["insert into nba_raw.odds_player_points_props select game_date, game_id, player_lookup, bookmaker, points_line,"
      " over_odds + 15, under_odds, snapshot_at from nba_raw.odds_player_points_props"
      " where player_lookup = 'cadecunningham' and snapshot_at = '2025-01-06 16:00:00'"],
     ["source nba_raw.odds_player_points_props", "field snapshot_at, bookmaker, player_lookup, game_id, points_line",
      "player_lookup=cadecunningham, bookmaker=draftkings, points_line=20.5, over_odds=110",
      "player_lookup=cadecunningham, bookmaker=draftkings, points_line=20.5, over_odds=125"]),
    ("odds_price_of_zero",
     ["update nba_raw.odds_player_points_props set over_odds = 0 where player_lookup = 'nikolajokic'"],
     ["source nba_raw.odds_player_points_props", "field over_odds", "test expression_is_true",
      "player_lookup=nikolajokic, bookmaker=fanduel, points_line=25.5, over_odds=0",
      # a source row's test with no fix of its own ends with the upstream's
      "-- fix: have the upstream correct the row(s) of nba_raw.odds_player_points_props (docs/bad_inputs.md: each bad"
      " input and its rule); the next run catches up"]),
    # contract §3 cannot be applied without these: a null created_at is neither before nor after tip-off,
    # a null is_active neither the latest active row nor superseded; a pick's edge needs its prediction
    ("prediction_without_created_at",
     ["update nba_predictions.player_prop_predictions set created_at = null where prediction_id = 'pe-013'"],
     ["source nba_predictions.player_prop_predictions", "field created_at", "test not_null", "prediction_id=pe-013",
      "created_at=None"]),  # the 11th column: a row shows its tested field wherever it stands
    ("prediction_without_is_active",
     ["update nba_predictions.player_prop_predictions set is_active = null where prediction_id = 'pe-005'"],
     ["source nba_predictions.player_prop_predictions", "field is_active", "test not_null", "prediction_id=pe-005",
      "is_active=None"]),
    # a unit or scale error of a model (16.5 sent as 165): its edge would rank it first; the bounds are inclusive
    # (pe-011 at -20 is not named: 2 rows)
    ("predicted_points_no_model_gives",
     ["update nba_predictions.player_prop_predictions set predicted_points = 165 where prediction_id = 'pe-006'",
      "update nba_predictions.player_prop_predictions set predicted_points = -20.5 where prediction_id = 'pe-010'",
      "update nba_predictions.player_prop_predictions set predicted_points = -20 where prediction_id = 'pe-011'"],
     ["source nba_predictions.player_prop_predictions", "field predicted_points", "test accepted_range", "2 row(s)",
      "prediction_id=pe-006", "predicted_points=165", "prediction_id=pe-010",
      "-- fix: no model predicts that many points (vars predicted_points_min and predicted_points_max)"]),
    # a PASS row without predicted_points is allowed (the test's where): not shown as an example either
    ("over_or_under_without_predicted_points",
     ["update nba_predictions.player_prop_predictions set predicted_points = null where prediction_id = 'pe-004'",
      "insert into nba_predictions.player_prop_predictions select * replace ('pass-004' as prediction_id, 'PASS' as"
      " recommendation, null as predicted_points, created_at - interval 1 hour as created_at)"
      " from nba_predictions.player_prop_predictions where prediction_id = 'pe-004'"],
     ["source nba_predictions.player_prop_predictions", "field predicted_points", "test not_null: 1 row(s)",
      "prediction_id=pe-004", "!prediction_id=pass-004"]),
    # a line or a snapshot time is part of the odds row's key: a row without one cannot be told apart
    ("odds_row_without_a_line",
     ["insert into nba_raw.odds_player_points_props select game_date, game_id, player_lookup, bookmaker, null,"
      " over_odds, under_odds, snapshot_at from nba_raw.odds_player_points_props"
      " where player_lookup = 'cadecunningham' and snapshot_at = '2025-01-06 16:00:00'"],
     ["source nba_raw.odds_player_points_props", "field snapshot_at, bookmaker, player_lookup, game_id, points_line",
      "test primary_key", "player_lookup=cadecunningham", "points_line=None"]),
    ("odds_row_without_a_snapshot_time",
     ["insert into nba_raw.odds_player_points_props select game_date, game_id, player_lookup, bookmaker, points_line,"
      " over_odds, under_odds, null from nba_raw.odds_player_points_props"
      " where player_lookup = 'donovanmitchell'"],
     ["source nba_raw.odds_player_points_props", "test primary_key", "snapshot_at=None", "player_lookup=donovanmitchell"]),
    ("system_registered_twice",
     ["insert into nba_predictions.model_registry select * replace ('catboost_v9_retrained.cbm' as model_file_name)"
      " from nba_predictions.model_registry where system_id = 'catboost_v9'"],
     ["source nba_predictions.model_registry", "field system_id", "test primary_key", "system_id=catboost_v9",
      "model_file_name=catboost_v9_retrained.cbm"]),
    # the NBA's own live feed writes minutes as PT30M00.00S: not the contract's MM:SS, and read as no minutes
    # it would void a played pick with 0 points; 'nan' reads as a NaN on both engines, which passed >= 0 on DuckDB
    # only (BigQuery's comparisons with NaN are false): refused on both
    ("live_minutes_in_another_format",
     ["insert into nba_raw.live_boxscores values ('0022400505', '2025-01-08', 'devinbooker', 0, 'PT30M00.00S',"
      " 'final', 4, '00:00', '2025-01-09 02:00:00')",
      "insert into nba_raw.live_boxscores values ('0022400505', '2025-01-08', 'jalenwilliams', 0, 'nan',"
      " 'final', 4, '00:00', '2025-01-09 02:00:00')"],
     ["source nba_raw.live_boxscores", "field minutes_clock", "test expression_is_true", "2 row(s)",
      "player_lookup=devinbooker", "minutes_clock=PT30M00.00S", "player_lookup=jalenwilliams", "minutes_clock=nan"]),
    # a negative box score would grade the pick (Davis's UNDER 22.5 a win on -3 points), live or after the game;
    # negative minutes are no minutes at all
    ("negative_box_score_points",
     ["update nba_analytics.player_game_summary set points = -3 where player_lookup = 'anthonydavis'"],
     ["source nba_analytics.player_game_summary", "field points", "test expression_is_true", "player_lookup=anthonydavis",
      "points=-3"]),
    ("negative_minutes",
     ["update nba_analytics.player_game_summary set minutes_played = -5 where player_lookup = 'aarongordon'"],
     ["source nba_analytics.player_game_summary", "field minutes_played", "player_lookup=aarongordon",
      "minutes_played=-5.0"]),
    ("negative_live_points",
     ["insert into nba_raw.live_boxscores values ('0022400505', '2025-01-08', 'luguentzdort', -2, '10:00',"
      " 'in_progress', 2, '05:00', '2025-01-09 01:00:00')"],
     ["source nba_raw.live_boxscores", "field points", "player_lookup=luguentzdort", "points=-2"]),
    # read as false, a null flag left the champion out of best bets (not_production), locked at tip-off for good
    ("registry_flag_null",
     ["update nba_predictions.model_registry set is_production = null where system_id = 'catboost_v9'"],
     ["source nba_predictions.model_registry", "field is_production", "test not_null", "system_id=catboost_v9"]),
    # a training end after the game would make the model look freshly trained: never stale on systems/models.json
    ("training_end_after_the_game",
     ["update nba_predictions.player_prop_predictions set model_training_end_date = '2099-01-01'"
      " where prediction_id = 'pe-004'"],
     ["source nba_predictions.player_prop_predictions", "field model_training_end_date", "prediction_id=pe-004",
      "model_training_end_date=2099-01-01"]),
    ("registry_training_window_upside_down",
     ["update nba_predictions.model_registry set training_start_date = '2030-01-01' where system_id = 'catboost_v9'"],
     ["source nba_predictions.model_registry", "field training_end_date", "system_id=catboost_v9",
      "training_start_date=2030-01-01"]),
    ("predictions_table_missing_a_column",
     ["alter table nba_predictions.player_prop_predictions drop column current_points_line"],
     ["stg_nba_predictions__player_prop_predictions", "current_points_line"]),
]


# A test failing in staging skips everything downstream, so bad inputs caught in staging
# and those caught further down are injected in two separate builds.
STAGE = {"confidence_above_100": "staging", "confidence_negative": "staging", "unknown_recommendation": "staging",
         "two_different_box_scores_for_one_player_game": "staging", "two_different_prices_for_one_line": "staging",
         "odds_price_of_zero": "staging", "prediction_without_created_at": "staging",
         "prediction_without_is_active": "staging", "over_or_under_without_predicted_points": "staging",
         "predicted_points_no_model_gives": "staging",
         "live_minutes_in_another_format": "staging",
         "system_registered_twice": "staging", "odds_row_without_a_line": "staging",
         "odds_row_without_a_snapshot_time": "staging",
         "negative_box_score_points": "staging", "negative_minutes": "staging", "negative_live_points": "staging",
         "registry_flag_null": "staging", "training_end_after_the_game": "staging",
         "registry_training_window_upside_down": "staging",
         "player_without_context_row": "downstream", "system_without_codename": "downstream",
         "pick_price_typo": "downstream"}


@pytest.fixture(scope="module", params=["staging", "downstream"])
def broken(request, clean, tmp_path_factory):
    """The failing bad inputs of one stage, injected at once into a copy of the clean
    warehouse whose site was published before."""
    stage = request.param
    run = copy_run(clean, tmp_path_factory.mktemp(f"broken_{stage}"), site=True)
    before = tree(run.root / "site")
    cases = [case for case in FAILING if STAGE.get(case[0]) == stage]
    run.execute(*[statement for case in cases for statement in case[1]])
    done = run.dbt("build", *NO_UNIT, check=False)
    return run, before, done, cases


def test_bad_inputs_fail_the_build_naming_table_row_and_field(broken):
    _, _, done, cases = broken
    assert done.returncode != 0
    lines = [line for line in done.stdout.splitlines() if "BAD INPUT" in line]
    for name, _, expected in cases:
        assert any(all(text[1:] not in line if text.startswith("!") else text in line for text in expected)
                   for line in lines), (
            f"{name}: no BAD INPUT line with {expected}:\n" + "\n".join(lines))


def test_after_a_failed_build_nothing_is_published(broken, capsys):
    """... and on-call reads the failed tests first, then what dbt skipped after them in a few lines (one per set of
    endpoints): not a line per skipped node, nor one per relation the build did not build."""
    run, before, _, _ = broken
    capsys.readouterr()
    assert run.publish("--all-dates") != 0
    assert tree(run.root / "site") == before
    gate = [line for line in capsys.readouterr().err.splitlines() if line.startswith("FAILED run-results gate: ")]
    failed = [line for line in gate if ": status 'fail'" in line or ": status 'error'" in line]
    assert failed and gate[:len(failed)] == failed, gate
    skipped = gate[len(failed):-1]
    assert all(" node(s) skipped: " in line for line in skipped), gate
    nodes = sum(int(line.split(" node(s) skipped: ")[0].rsplit(" ", 1)[1]) for line in skipped)
    assert nodes > 4 * len(skipped), gate


def test_missing_column_fails_the_build_and_publishes_nothing(clean, tmp_path):
    _, statements, expected = FAILING[-1]
    run = copy_run(clean, tmp_path / "case", site=True)
    before = tree(run.root / "site")
    run.execute(*statements)
    done = run.dbt("build", *NO_UNIT, check=False)
    assert done.returncode != 0
    for text in expected:
        assert text in done.stdout, f"{text!r} missing from the dbt output:\n{done.stdout[-4000:]}"
    assert run.publish("--all-dates") != 0
    assert tree(run.root / "site") == before


def project_copy(tmp_path) -> Path:
    """A copy of the dbt project (no Python tests, no fixtures), whose seeds a test may edit."""
    project = tmp_path / "project"
    for item in ("models", "macros", "seeds", "tests", "dbt_project.yml", "selectors.yml"):
        source = PROJECT_DIR / item
        if source.is_dir():
            shutil.copytree(source, project / item, ignore=shutil.ignore_patterns("python", "warehouses"))
        else:
            shutil.copyfile(source, project / item)
    return project


def test_bad_subset_definitions_fail_the_build_naming_row_and_field(tmp_path):
    project = project_copy(tmp_path)
    seed = project / "seeds" / "subset_definitions.csv"
    seed.write_text(seed.read_text() + "\n".join([
        "bad_top_n,x,catboost_v9,5,,ANY,ANY,,,0,true,10,Bad 1,Bad",
        "bad_min_edge,x,catboost_v9,-1,,ANY,ANY,,,,true,11,Bad 2,Bad",
        "bad_pct_bounds,x,catboost_v9,5,,ANY,GREEN,40,25,,true,12,Bad 3,Bad",
        "bad_condition,x,catboost_v9,5,,ANY,BLUE,,,,true,13,Bad 4,Bad",
        "bad_duplicate_id,x,catboost_v9,5,,ANY,ANY,,,,true,1,Bad 5,Bad",
    ]) + "\n")
    run = new_run(tmp_path / "run")
    done = DBT_PROCESSES.run(["build", "--select", "subset_definitions", "--project-dir", str(project)], run.env(),
                             run.root)
    assert done.returncode != 0
    out = done.stdout
    assert "field top_n, test accepted_range: 1 row(s), e.g. subset_id=bad_top_n" in out
    assert "field min_edge, test accepted_range: 1 row(s), e.g. subset_id=bad_min_edge" in out
    # a rule over the row: named by its expression, its fields the columns it reads (pct_over_max is the 9th: shown)
    assert ("field pct_over_min, pct_over_max, test expression_is_true (pct_over_min is null or pct_over_max is null or"
            " pct_over_min <= pct_over_max): 1 row(s), e.g. subset_id=bad_pct_bounds") in out
    assert "pct_over_min=40.0" in out and "pct_over_max=25.0" in out
    assert "field signal_condition, test accepted_values: 1 row(s), e.g. subset_id=bad_condition" in out
    # named by the file the analyst edits, with the fix (it used to say "model subset_definitions", and no fix)
    said = [line.partition("  ")[2] for line in out.splitlines() if "BAD INPUT" in line and " 1 row(s)" in line]
    assert len(said) == 5 and all(line.startswith("BAD INPUT in seed seeds/subset_definitions.csv, field ") and
                                  line.endswith(" -- fix: correct the row in seeds/subset_definitions.csv (its "
                                                "columns: docs/contract.md §2), then run dbt build") for line in said)
    # the repeated public_id: one primary_key test (a repeat or a null), naming both rows
    [line] = [line for line in out.splitlines() if "field public_id, test primary_key: 1 row(s)" in line]
    assert "e.g. subset_id=v9_high_edge_top1," in line and "| subset_id=bad_duplicate_id," in line


def test_an_allowlisted_tag_not_as_staging_folds_tags_fails_the_build_naming_it(tmp_path):
    """Staging trims and lower-cases the feed's tags: a seed row 'Hot_Streak ' would match none of them, and the
    dashboard would list it with no pick while its data was dropped."""
    project = project_copy(tmp_path)
    seed = project / "seeds" / "signal_allowlist.csv"
    seed.write_text(seed.read_text().replace("hot_streak,", "Hot_Streak ,"))
    run = new_run(tmp_path / "run")
    done = DBT_PROCESSES.run(["build", "--select", "signal_allowlist", "--project-dir", str(project)], run.env(),
                             run.root)
    assert done.returncode != 0
    [line] = [line for line in done.stdout.splitlines() if "BAD INPUT" in line]
    assert "in seed seeds/signal_allowlist.csv, field signal_tag, test expression_is_true" in line
    assert "1 row(s), e.g. signal_tag=Hot_Streak ," in line


def test_a_season_missing_from_the_seasons_seed_fails_the_build_naming_the_fix(tmp_path):
    """A new season's first predictions, before its row is in seeds/seasons.csv (here: the fixture's 2024-25 row
    removed): the calendar has no opening night for them, the build stops, and the line names the seed to edit."""
    project = project_copy(tmp_path)
    seed = project / "seeds" / "seasons.csv"
    seed.write_text("".join(line for line in seed.read_text().splitlines(keepends=True) if not line.startswith("2024-25")))
    run = fixture_run(tmp_path / "run", "pick_engine")
    done = DBT_PROCESSES.run(["build", "--select", "+int_game_dates_calendared", "--exclude-resource-type", "unit_test",
                              "--project-dir", str(project)], {**run.env(), "PROPS_CLOCK": "2025-01-08 12:00:00"},
                             run.root)
    assert done.returncode != 0
    [line] = [line for line in done.stdout.splitlines() if "field season_start, test not_null" in line]
    assert "BAD INPUT in model int_game_dates_calendared" in line and "test not_null: 3 row(s)" in line  # 3 days
    assert "game_date=2025-01-06, season_label=2024-25, season_start=None" in line
    assert line.endswith("-- fix: a game date of a season the seasons seed does not list: add its row (season_label, "
                         "start_date = opening night, end_date) to seeds/seasons.csv, then run dbt build "
                         '(docs/deployment.md "Each season")')


def test_a_seasons_row_whose_dates_lie_in_another_season_fails_the_build_naming_the_fix(tmp_path):
    """Next season's row copied from this one with a year changed in one place only: 2025-26 opening on 2024-10-21
    (a year early), 2026-27 ending on 2028-04-11 (a year late). Both pass the seed's other tests (the start dates are
    unique, each before its end). A season's windows start at its start_date (macro windowed_sums), so 2025-26's
    season records would have counted the whole 2024-25 season. A row's dates must lie in its season, as the month
    rule gives it (contract Season label)."""
    project = project_copy(tmp_path)
    seed = project / "seeds" / "seasons.csv"
    text = seed.read_text()
    assert "2025-26,2025-10-21,2026-04-12\n" in text
    seed.write_text(text.replace("2025-26,2025-10-21,2026-04-12\n", "2025-26,2024-10-21,2026-04-12\n")
                    + "2026-27,2026-10-20,2028-04-11\n")
    run = new_run(tmp_path / "run")
    done = DBT_PROCESSES.run(["build", "--select", "seasons", "--project-dir", str(project)], run.env(), run.root)
    assert done.returncode != 0
    [line] = [line.partition("  ")[2] for line in done.stdout.splitlines() if "BAD INPUT" in line]
    assert line.startswith("BAD INPUT in seed seeds/seasons.csv, field season_label, test expression_is_true: 2 row(s),"
                           " e.g. ")
    assert "season_label=2025-26, start_date=2024-10-21, end_date=2026-04-12" in line
    assert "season_label=2026-27, start_date=2026-10-20, end_date=2028-04-11" in line
    assert line.endswith("-- fix: a season's start_date and end_date lie in that season (the season of a date is the "
                         "one its month gives: October on is the season that starts that year): correct the year in "
                         "seeds/seasons.csv, then run dbt build")


def test_bad_days_without_games_fail_the_build_naming_row_and_fix(tmp_path):
    """seeds/days_without_games.csv, which source freshness reads (int_days_without_games): a run of days with a
    wrong year (2015, no season of seeds/seasons.csv), one ending before it starts, and two runs sharing a day
    (2025-02-18: taken off a feed's age twice) stop the build, each named with its fix."""
    project = project_copy(tmp_path)
    seed = project / "seeds" / "days_without_games.csv"
    seed.write_text(seed.read_text() + "2015-02-14,2015-02-18,All-Star break (wrong year)\n"
                    "2025-03-02,2025-03-01,ends before it starts\n2025-02-18,2025-02-19,overlaps the break\n")
    run = new_run(tmp_path / "run")
    done = DBT_PROCESSES.run(["build", "--select", "+int_days_without_games+", "--exclude-resource-type",
                              "unit_test", "--project-dir", str(project)], run.env(), run.root)
    assert done.returncode != 0
    said = [line.partition("  ")[2] for line in done.stdout.splitlines() if "BAD INPUT" in line]
    [season] = [line for line in said if "field season_label, test not_null" in line]
    assert season.startswith("BAD INPUT in model int_days_without_games, field season_label, test not_null: 2 row(s)")
    assert "first_day=2015-02-14, last_day=2015-02-18," in season and "first_day=2025-03-02, last_day=2025-03-01," in season
    assert season.endswith("correct the row in seeds/days_without_games.csv (a wrong year?), or add the season's row"
                           " to seeds/seasons.csv, then run dbt build")
    [overlap] = [line for line in said if "test days_without_games_overlap" in line]
    assert "2 row(s)" in overlap
    assert "first_day=2025-02-14, last_day=2025-02-18, overlapping_first_day=2025-02-18" in overlap
    assert "first_day=2025-02-18, last_day=2025-02-19, overlapping_first_day=2025-02-14" in overlap
    assert overlap.endswith("-- fix: correct the rows in seeds/days_without_games.csv: a day lies in one row only (join"
                            " overlapping runs into one), then run dbt build")


def test_a_game_before_its_seasons_opening_night_fails_the_build_naming_the_fix(tmp_path):
    """Review J: a preseason game in the predictions feed (Cunningham's run copied to 2024-10-18, four days before
    the 2024-25 opening night of seeds/seasons.csv) stopped the build on a test that named no fix."""
    run = fixture_run(tmp_path, "pick_engine")
    predictions = "nba_predictions.player_prop_predictions"
    run.execute(f"insert into {predictions} select * replace ('pre-001' as prediction_id, 'P0001' as game_id,"
                f" date '2024-10-18' as game_date, timestamp '2024-10-18 17:00:00' as created_at)"
                f" from {predictions} where prediction_id = 'pe-001'")
    done = run.dbt("build", "--select", "+int_game_dates_calendared", *NO_UNIT, clock="2025-01-08 12:00:00",
                   check=False)
    assert done.returncode != 0
    [line] = [line for line in done.stdout.splitlines() if "BAD INPUT in model int_game_dates_calendared" in line]
    assert "field game_date, season_start, test expression_is_true (season_start <= game_date): 1 row(s)" in line
    assert "game_date=2024-10-18, season_label=2024-25, season_start=2024-10-22" in line
    assert line.endswith("-- fix: a game dated before its season's opening night (the season is the one the date's "
                         "month gives, contract Season label; the opening night is start_date in seeds/seasons.csv): "
                         "a preseason game in the predictions feed (have the upstream delete its rows), or a wrong "
                         "start_date (correct the seed); then run dbt build. October 2020 (the 2019-20 finals in the "
                         "bubble) falls in 2020-21 by the month rule, before its opening night: such dates cannot be "
                         "built")


def test_a_renamed_subset_id_fails_the_build_naming_the_fix(tmp_path):
    """The record of locked picks names each group by its subset_id. Renamed in the seed (same rules, public id and
    name), the group's locked picks and records used to vanish from every published file without a word; now the
    build stops on the record's relationships test, naming the old id and the fix."""
    run = pick_engine_site(tmp_path / "site")
    project = project_copy(tmp_path)
    seed = project / "seeds" / "subset_definitions.csv"
    assert seed.read_text().count("\nv9_high_edge_top5,") == 1
    seed.write_text(seed.read_text().replace("\nv9_high_edge_top5,", "\nv9_top5,"))
    done = DBT_PROCESSES.run(["build", *NO_UNIT, "--select", "subset_definitions", "int_picks_locked",
                              "--project-dir", str(project)], run.env(), run.root)
    assert done.returncode != 0
    [line] = [line for line in done.stdout.splitlines() if "field list_id, test relationships" in line]
    assert "BAD INPUT in seed seeds/subset_definitions.csv, model int_picks_locked" in line
    assert "v9_high_edge_top5" in line
    assert line.endswith("-- fix: a locked pick's group is no longer in seeds/subset_definitions.csv: subset_id is "
                         "the permanent key of a group's record, so restore the row with this subset_id (retire a "
                         "group with is_active = false; rename it with public_name)")


def test_a_tag_taken_off_the_allowlist_leaves_the_dashboard_at_once_and_stops_nothing(tmp_path):
    """contract §2: a tag off the allowlist is ignored everywhere. On the built demo, hot_streak's line is deleted from
    the seed and the daily build runs again: it passes, and admin/dashboard.json's signal_health lists the other
    tags only. The build used to stop on a relationships test: int_signal_health_daily is incremental, and the dates
    it did not rebuild (every one but the last few) still held hot_streak rows."""
    run = demo_site(tmp_path / "demo")
    before = {tag["tag"] for tag in run.document("admin/dashboard.json")["signal_health"]}
    project = project_copy(tmp_path)
    allowlist = project / "seeds" / "signal_allowlist.csv"
    lines = allowlist.read_text().splitlines(keepends=True)
    assert "hot_streak" in before and sum(line.startswith("hot_streak,") for line in lines) == 1
    allowlist.write_text("".join(line for line in lines if not line.startswith("hot_streak,")))
    done = DBT_PROCESSES.run(["build", *NO_UNIT, "--project-dir", str(project)], run.env(), run.root)
    assert done.returncode == 0, done.stdout[-3000:]
    assert run.query("select count(*) from props_intermediate.int_signal_health_daily"
                     " where signal_tag = 'hot_streak'") != [(0,)]  # the dates built before the edit keep theirs
    assert run.publish("--all-dates", "--only", "admin_dashboard") == 0
    assert {tag["tag"] for tag in run.document("admin/dashboard.json")["signal_health"]} == before - {"hot_streak"}


def test_a_game_missing_from_the_box_score_feed_is_voided_and_warned(clean, tmp_path):
    """contract §3 Grading: LAL-DEN of 01-06 (4 candidates: Jokic, Davis, Gordon, Reaves; pe-101 is Jokic's inactive
    run) loses every box-score row while 01-07's are loaded: its picks are void by absence, and the build warns,
    naming the game and the fix, and goes on (the publisher's gate passes a warning). Nothing warned before: the
    outage voided a night in silence. Beyond var missing_box_scores_warn_days of the newest box-score date it is not
    named (a game never played, all season)."""
    run = copy_run(clean, tmp_path, site=True)
    run.execute("delete from nba_analytics.player_game_summary where game_id = '0022400502'")
    done = run.dbt("build", *NO_UNIT)
    warned = [line for line in done.stdout.splitlines() if "WARNING (the run goes on)" in line]
    assert len(warned) == 1 and "test game_without_box_scores: 1 row(s)" in warned[0]
    assert "game_date=2025-01-06, game_id=0022400502, void_candidates=4 -- fix: the box-score feed" in warned[0]
    assert run.query("select player_lookup, grade from props_intermediate.int_candidates_graded"
                     " where game_id = '0022400502' order by 1") == [
        ("aarongordon", "void"), ("anthonydavis", "void"), ("austinreaves", "void"), ("nikolajokic", "void")]
    assert run.publish("--all-dates") == 0
    shown = [pick["result"] for group in run.document("picks/2025-01-06.json")["groups"] for pick in group["picks"]
             if pick["player"] in ("Nikola Jokić", "Anthony Davis", "Aaron Gordon", "Austin Reaves")]
    assert shown and set(shown) == {"void"}
    # 01-06 is one day before the newest box-score date (01-07): named within 1 day, not within 0
    for days, named in ((1, True), (0, False)):
        again = run.dbt("test", "--select", "game_without_box_scores", "--vars", f"{{missing_box_scores_warn_days: {days}}}")
        assert any("WARNING (the run goes on)" in line for line in again.stdout.splitlines()) is named, days


@pytest.fixture(scope="module")
def handled(clean, tmp_path_factory) -> Run:
    """Every bad input that a documented rule handles, injected at once."""
    run = copy_run(clean, tmp_path_factory.mktemp("handled"), site=True)
    p = "nba_predictions.player_prop_predictions"
    cols = ("prediction_id, system_id, player_lookup, game_id, game_date, predicted_points, confidence_score,"
            " recommendation, current_points_line, is_active, created_at")
    run.execute(
        # a duplicate ACTIVE run of Cunningham, older: the newest created_at wins
        f"insert into {p} ({cols}) select 'dup-1', system_id, player_lookup, game_id, game_date, 10.0,"
        f" confidence_score, 'UNDER', current_points_line, true, created_at - interval 1 hour from {p}"
        " where prediction_id = 'pe-001'",
        # lines null, zero, negative and absurd (> 80) on OVER rows with a big edge: never candidates
        # (new players: a bad line on a player's latest run would rightly drop his pick)
        *[f"insert into {p} ({cols}) select 'line-{i}', system_id, player_lookup || 'x', game_id, game_date, 90.0,"
          f" 0.9, 'OVER', {line}, true, created_at + interval 1 hour from {p} where prediction_id = '{pid}'"
          for i, (line, pid) in enumerate([("null", "pe-007"), ("0", "pe-008"), ("-5", "pe-010"), ("85.5", "pe-011")])],
        # a legacy 0-100 confidence: 95 is read as 0.95
        f"update {p} set confidence_score = 95 where prediction_id = 'pe-002'",
        # the key sent with its accents and capitals: still the same player
        f"update {p} set player_lookup = 'Nikola JOKIĆ' where prediction_id = 'pe-002'",
        # points but null minutes: graded on points
        "update nba_analytics.player_game_summary set minutes_played = null where player_lookup = 'cadecunningham'",
        # the same box-score row twice: collapses
        "insert into nba_analytics.player_game_summary select * from nba_analytics.player_game_summary"
        " where player_lookup = 'donovanmitchell'",
        # rows dated after the as-of date (2025-01-07): never read by the track record
        f"insert into {p} ({cols}) select 'future-' || prediction_id, system_id, player_lookup, '0022409' || right(game_id, 3),"
        f" game_date + 12, predicted_points, confidence_score, recommendation, current_points_line, is_active,"
        f" created_at + interval 12 day from {p} where game_date = '2025-01-06'",
        "insert into nba_analytics.upcoming_player_game_context select player_lookup, player_full_name,"
        " '0022409' || right(game_id, 3),"
        " game_date + 12, team_abbr, opponent_team_abbr, is_home, game_start_at + interval 12 day"
        " from nba_analytics.upcoming_player_game_context where game_date = '2025-01-06'",
        "insert into nba_analytics.player_game_summary select player_lookup, player_full_name,"
        " '0022409' || right(game_id, 3), game_date + 12,"
        " team_abbr, opponent_team_abbr, 0, 30, 'active' from nba_analytics.player_game_summary"
        " where game_date = '2025-01-06'",
    )
    run.dbt("build", *NO_UNIT, "--vars", "{as_of_date: '2025-01-07'}")
    assert run.publish("--all-dates", "--as-of", "2025-01-07") == 0
    return run


def test_handled_inputs_publish_the_clean_picks(clean, handled):
    for day in ("2025-01-06", "2025-01-07", "2025-01-08"):
        assert handled.document(f"signals/{day}.json") == clean.document(f"signals/{day}.json"), day
    for day in ("2025-01-06", "2025-01-07"):
        assert handled.document(f"picks/{day}.json") == clean.document(f"picks/{day}.json"), day
    # day 3 has no box score while a later date (the injected future day) is loaded:
    # by the "day after" rule its picks are void instead of pending; nothing else moves
    expected = clean.document("picks/2025-01-08.json")
    for group in expected["groups"]:
        for pick in group["picks"]:
            pick["result"] = "void"
    assert handled.document("picks/2025-01-08.json") == expected


def test_future_rows_do_not_change_the_track_record(clean, handled):
    assert clean.publish("--only", "public_subsets__performance", "--as-of", "2025-01-07") == 0
    assert handled.document("subsets/performance.json") == clean.document("subsets/performance.json")


def test_legacy_confidence_and_accented_key(handled):
    doc = handled.document("admin/predictions/2025-01-06.json")
    jokic = [p for p in doc["predictions"] if p["prediction_id"] == "pe-002"]
    assert [(p["player_lookup"], p["player"], p["confidence"]) for p in jokic] == [("nikolajokic", "Nikola Jokić", 0.95)]
    assert not [p for p in doc["predictions"] if p["prediction_id"].startswith(("line-", "dup-"))]


def test_empty_day_has_no_file_and_asking_for_it_fails(handled, capsys):
    assert not (handled.site / "picks" / "2025-01-09.json").exists()
    assert handled.publish("--only", "public_picks", "--date", "2025-01-09") != 0
    assert "2025-01-09" in capsys.readouterr().err


def test_stale_source_fails_freshness(tmp_path):
    run = fixture_run(tmp_path / "fresh", "pick_engine")
    stale = run.dbt("source", "freshness", "--select", "source:nba_predictions.player_prop_predictions", check=False)
    assert stale.returncode != 0
    assert "nba_predictions.player_prop_predictions" in stale.stdout and "ERROR STALE" in stale.stdout
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    run.execute(f"update nba_predictions.player_prop_predictions set created_at = '{now:%Y-%m-%d %H:%M:%S}'")
    fresh = run.dbt("source", "freshness", "--select", "source:nba_predictions.player_prop_predictions", check=False)
    assert fresh.returncode == 0, fresh.stdout[-2000:]


def test_scheduled_run_stops_on_a_stale_source_before_building(tmp_path):
    run = fixture_run(tmp_path / "scheduled", "pick_engine")
    env = run.env()
    last_report = run.root / "daily.json"  # the report of an earlier, good run of the group
    last_report.write_text('{"ok": true}')
    env.update(DEST=str(run.root / "site"), GROUP="daily", REPORT=str(last_report))
    done = subprocess.run(["make", "-s", "scheduled", make_dbt()], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "ERROR STALE" in done.stdout
    assert "STALE source nba_predictions.player_prop_predictions: newest row " in done.stdout  # its age, threshold
    assert ("the STALE lines above name each stale source with its age on the game calendar and its threshold (other "
            "lines: why dbt could not run); nothing was built or published") in done.stderr
    assert not last_report.exists()  # an alert reading the report never sees the last good run's "ok"
    group_state = run.root / "target" / "daily"  # the group's own target folder (Makefile: RUN_DIR)
    assert (group_state / "sources.json").exists()  # the freshness check ran there, and stopped the run:
    assert not (group_state / "run_results.json").exists()  # no build (the run deletes the last one first)
    assert not (run.root / "site").exists()


@pytest.mark.parametrize("clock", ["2026-13-45 10:00:00", "2026-02-21T25:00"])
def test_a_clock_out_of_range_is_named_before_any_query(tmp_path, clock):
    """PROPS_CLOCK (make CLOCK=...) with a 13th month or a 25th hour: named with what it must be. It used to pass the
    check and stop at the database's cast, whose error does not name PROPS_CLOCK."""
    run = new_run(tmp_path)
    done = run.dbt("show", "--inline", "select {{ run_clock() }} as clock", clock=clock, check=False)
    assert done.returncode != 0
    assert f"PROPS_CLOCK must be a UTC timestamp YYYY-MM-DD HH:MM:SS, got '{clock}'" in done.stdout
    assert "2026-02-21 18:30:00" in run.dbt("show", "--inline", "select {{ run_clock() }} as clock",
                                            clock="2026-02-21 18:30:00").stdout


def test_a_test_whose_query_fails_is_a_test_error_not_a_bad_input(tmp_path):
    """A data test whose own SQL fails on tables that exist (a column renamed in the test, an access the warehouse
    lacks) used to read 'BAD INPUT ..., test T: error row(s)', as if an input were wrong, with no fix."""
    project = project_copy(tmp_path)
    (project / "tests" / "data" / "seasons_broken_check.sql").write_text(
        "select no_such_column from {{ ref('seasons') }}\n")
    run = new_run(tmp_path / "run")
    done = DBT_PROCESSES.run(["build", "--select", "seasons", "--project-dir", str(project)], run.env(), run.root)
    assert done.returncode != 0
    [line] = [line.partition("  ")[2] for line in done.stdout.splitlines() if "seasons_broken_check" in line
              and " in seed " in line]
    assert line.startswith("TEST ERROR in seed seeds/seasons.csv, field (row), test seasons_broken_check: its query "
                           "failed -- ")
    assert "no_such_column" in line
    assert line.endswith("-- fix: the test could not run: run it alone (dbt test --select seasons_broken_check) and "
                         "correct its SQL, or the warehouse access it lacks")


def test_a_rolling_window_whose_length_is_not_its_name_is_named_with_the_fix(tmp_path):
    """var rolling_windows with last_7_days: 10: every file publishing last_7_days (and the dashboard's 7d) would have
    shown 10 days under that name, silently. The compile stops, naming the window, its value and the fix."""
    run = new_run(tmp_path)
    edited = {"rolling_windows": {"last_7_days": 10, "last_14_days": 14, "last_30_days": 30}}
    done = run.dbt("compile", "--select", "int_subset_performance_windows", "--vars", json.dumps(edited), check=False)
    assert done.returncode != 0
    assert ("var rolling_windows: last_7_days is 10 days, but a rolling window's name is its length and is published"
            " as such: keep last_7_days: 7 (a window of another length needs new published fields, not a new value)"
            ) in done.stdout


def test_the_dashboards_regime_fields_follow_the_market_edge_thresholds(tmp_path):
    """var market_edge_thresholds [3, 5, 8]: the dashboard asks for regime_candidates_edge_8, so its enforced contract
    names the new field. It selected the fixed 3, 5 and 7: a build stopped on a column edge_7 that no longer existed,
    and a fourth value was counted but never published."""
    run = new_run(tmp_path)
    run.dbt("compile", "--select", "admin_dashboard", "--vars", json.dumps({"market_edge_thresholds": [3, 5, 8]}))
    sql = (run.root / "target" / "compiled" / "nba_props" / "models" / "marts" / "admin" / "admin_dashboard.sql"
           ).read_text()
    assert re.findall(r"as (regime_candidates_edge_\d+)", sql) == [
        "regime_candidates_edge_3", "regime_candidates_edge_5", "regime_candidates_edge_8"]
