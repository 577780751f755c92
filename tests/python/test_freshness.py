"""Source freshness judged against the game calendar (contract §1; macros/freshness.sql).

Fixture tests/warehouses/freshness/ (see its README): the 2024-25 All-Star break. Every
feed's newest row belongs to 2025-02-13; the schedule lists the next game on 2025-02-19.
Thresholds are those of models/staging/_sources.yml (predictions: warn 12 h, error 36 h;
odds and live: 24 h / 72 h; box scores 48 h / 96 h; context and tags 36 h / 72 h;
registry 60 / 180 days).
"""

from __future__ import annotations

import json

import pytest

from pipeline import fixture_run

FEEDS = ["nba_analytics.player_game_summary", "nba_analytics.upcoming_player_game_context",
         "nba_predictions.model_registry", "nba_predictions.pick_signal_tags",
         "nba_predictions.player_prop_predictions", "nba_raw.live_boxscores", "nba_raw.odds_player_points_props"]


@pytest.fixture(scope="module")
def break_run(tmp_path_factory):
    run = fixture_run(tmp_path_factory.mktemp("freshness"), "freshness")
    run.dbt("seed")  # the seasons seed: days past the schedule are judged inside a season only
    return run


def freshness(run, clock: str) -> tuple[int, dict[str, str]]:
    done = run.dbt("source", "freshness", check=False, clock=clock)
    results = json.loads((run.root / "target" / "sources.json").read_text())["results"]
    statuses = {r["unique_id"].removeprefix("source.nba_props."): r["status"] for r in results}
    assert sorted(statuses) == FEEDS, done.stdout[-3000:]
    # the clock is PROPS_CLOCK, read at execution: a new one is not a change dbt re-parses the project for
    assert "Unable to do partial parsing because config vars" not in done.stdout
    return done.returncode, statuses


def test_inside_the_all_star_break_rows_five_days_old_are_fresh(break_run):
    code, statuses = freshness(break_run, "2025-02-18 12:00:00")
    assert statuses == {feed: "pass" for feed in FEEDS}
    assert code == 0


def test_on_the_first_game_day_after_the_break_the_same_rows_are_stale(break_run):
    code, statuses = freshness(break_run, "2025-02-19 12:00:00")
    # 6 days after the newest rows, on a day with games: every game-day feed is past its
    # error threshold; the schedule (its newest row is the 02-19 game) and the registry
    # (18 days, warn after 60) are not.
    assert statuses == {
        "nba_analytics.player_game_summary": "error", "nba_analytics.upcoming_player_game_context": "pass",
        "nba_predictions.model_registry": "pass", "nba_predictions.pick_signal_tags": "error",
        "nba_predictions.player_prop_predictions": "error", "nba_raw.live_boxscores": "error",
        "nba_raw.odds_player_points_props": "error"}
    assert code != 0


def test_the_same_age_on_a_scheduled_game_day_is_stale(tmp_path):
    """Same rows, same clock as inside the break, but the schedule has a game that day."""
    run = fixture_run(tmp_path, "freshness")
    run.execute("insert into nba_analytics.upcoming_player_game_context values "
                "('nikolajokic', 'Nikola Jokić', '0022400785', date '2025-02-18', 'DEN', 'PHX', true, "
                "timestamp '2025-02-19 02:00:00')")
    run.dbt("seed")
    code, statuses = freshness(run, "2025-02-18 12:00:00")
    assert statuses["nba_predictions.player_prop_predictions"] == "error"  # 4 d 19 h > 36 h
    assert statuses["nba_raw.odds_player_points_props"] == "error"  # 4 d 20 h > 72 h
    assert statuses["nba_analytics.player_game_summary"] == "error"  # 5 d 12 h > 96 h
    assert code != 0


@pytest.mark.parametrize("clock", ["2025-02-18 12:00:00", "2025-02-19 12:00:00"])
def test_an_emptied_feed_is_stale(tmp_path, clock):
    """An empty table (a truncated or failed load) is as old as can be: inside the break, where its rows were
    fresh, and on the game day after it, it fails like any stale feed. It used to pass on both days: without a
    newest row nothing was due (and BigQuery's greatest() is null on a null where DuckDB's skips it)."""
    run = fixture_run(tmp_path, "freshness")
    run.execute("delete from nba_raw.odds_player_points_props")
    run.dbt("seed")
    code, statuses = freshness(run, clock)
    assert statuses["nba_raw.odds_player_points_props"] == "error"
    assert code != 0
