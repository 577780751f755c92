"""Source freshness judged against the game calendar (contract §1; macros/freshness.sql).

Fixture tests/warehouses/freshness/ (see its README): the 2024-25 All-Star break. Every
feed's newest row belongs to 2025-02-13; the schedule lists the next game on 2025-02-19.
The tests load the seeds only, so int_days_without_games (seeds/days_without_games.csv, which
lists the break) is not built and no day is listed, as before a first build, unless a test
builds it (test_days_the_seed_lists_do_not_age_the_feeds_before_the_schedule_lists_the_next_game).
Thresholds are those of models/staging/_sources.yml (predictions: warn 22 h, error 36 h;
odds and live: 24 h / 72 h; box scores 60 h / 96 h; context 40 h / 72 h; tags 43 h / 72 h;
registry 60 / 180 days).
"""

from __future__ import annotations

import json
import re

import pytest

from pipeline import fixture_run, new_run

FEEDS = ["nba_analytics.player_game_summary", "nba_analytics.upcoming_player_game_context",
         "nba_predictions.model_registry", "nba_predictions.pick_signal_tags",
         "nba_predictions.player_prop_predictions", "nba_raw.live_boxscores", "nba_raw.odds_player_points_props"]
# every game-day feed past its error threshold; the registry (60 / 180 days) still fresh
STALE_BUT_THE_REGISTRY = {feed: "pass" if feed == "nba_predictions.model_registry" else "error" for feed in FEEDS}
# the schedule cut at the newest rows (02-13): an upstream that lists a day's games only on that day
SCHEDULE_CUT_AT_02_13 = "delete from nba_analytics.upcoming_player_game_context where game_date > date '2025-02-13'"


@pytest.fixture(scope="module")
def break_run(tmp_path_factory):
    run = fixture_run(tmp_path_factory.mktemp("freshness"), "freshness")
    run.dbt("seed")  # the seasons seed: days past the schedule are judged inside a season only
    return run


def judged(run) -> dict[str, tuple[str, int]]:
    """Each feed's status and age on the game calendar in minutes, as the last freshness run judged it
    (target/sources.json)."""
    results = json.loads((run.root / "target" / "sources.json").read_text())["results"]
    return {r["unique_id"].removeprefix("source.nba_props."): (r["status"], round(r["max_loaded_at_time_ago_in_s"] / 60))
            for r in results}


def freshness(run, clock: str) -> tuple[int, dict[str, str], dict[str, str]]:
    """dbt's exit code, each feed's status and the line the on-run-end hook report_stale_sources logged of each feed
    past a threshold, from the feed's name on."""
    done = run.dbt("source", "freshness", check=False, clock=clock)
    statuses = {feed: status for feed, (status, _) in judged(run).items()}
    assert sorted(statuses) == FEEDS, done.stdout[-3000:]
    # the clock is PROPS_CLOCK, read at execution: a new one is not a change dbt re-parses the project for
    assert "Unable to do partial parsing because config vars" not in done.stdout
    said = [line.partition(" source ")[2] for line in done.stdout.splitlines()
            if re.search(r"\d\d  (STALE|FRESHNESS WARNING \(the run goes on\)) source ", line)]
    lines = {line.partition(":")[0]: line.partition(": ")[2] for line in said}
    assert sorted(lines) == sorted(feed for feed, status in statuses.items() if status in ("warn", "error")), said
    return done.returncode, statuses, lines


def shift_every_feed(run, days: int, schedule_ends: str) -> None:
    """Move every date and timestamp of every feed ``days`` days on, check the schedule's last game, load the seeds."""
    for feed in FEEDS:
        schema, table = feed.split(".")
        columns = [name for name, kind in run.query(
            "select column_name, data_type from information_schema.columns"
            f" where table_schema = '{schema}' and table_name = '{table}'") if kind in ("DATE", "TIMESTAMP")]
        assert columns, feed
        run.execute(f"update {feed} set " + ", ".join(f"{c} = {c} + interval {days} day" for c in columns))
    assert run.query("select max(game_date)::varchar from nba_analytics.upcoming_player_game_context") == [
        (schedule_ends,)]
    run.dbt("seed")


def test_inside_the_all_star_break_rows_five_days_old_are_fresh(break_run):
    code, statuses, _ = freshness(break_run, "2025-02-18 12:00:00")
    assert statuses == {feed: "pass" for feed in FEEDS}
    assert code == 0


def test_on_the_first_game_day_after_the_break_the_break_does_not_age_the_feeds(tmp_path):
    """02-19 at 14:30, the day's predictions (14:15), odds (14:00) and tags in: the five quiet days 02-14 .. 02-18
    do not count. Box scores, newest of 02-13 (00:00), are 38 h 30 min old as after any game day (02-18 00:00 ->
    14:30 the next day; error after 96 h, warn after 60 h): they used to be 6 d 14 h 30 min old, an error that
    stopped the run publishing the day's picks. Live, newest 02-14 04:10, the end of 02-13's game night: 10 h 20 min
    (02-14 .. 02-18 quiet), as on a game day before tonight's tip-offs. It used to be 34 h 20 min, a warning (24 h):
    read by its stamp, the newest row was 02-14's, so that quiet day counted."""
    run = fixture_run(tmp_path, "freshness")
    run.execute(
        "insert into nba_predictions.player_prop_predictions (prediction_id, system_id, player_lookup, game_id,"
        " game_date, predicted_points, confidence_score, recommendation, current_points_line, is_active, created_at)"
        " values ('f-0003', 'catboost_v9', 'nikolajokic',"
        " '0022400790', date '2025-02-19', 28.0, 0.8, 'OVER', 26.5, true, timestamp '2025-02-19 14:15:00')",
        "insert into nba_raw.odds_player_points_props (game_date, game_id, player_lookup, bookmaker, points_line,"
        " over_odds, under_odds, snapshot_at) values (date '2025-02-19', '0022400790', 'nikolajokic',"
        " 'draftkings', 26.5, -110, -110, timestamp '2025-02-19 14:00:00')",
        "insert into nba_predictions.pick_signal_tags (game_date, player_lookup, system_id, signal_tags)"
        " values (date '2025-02-19', 'nikolajokic', 'catboost_v9',"
        " ['high_edge'])")
    run.dbt("seed")
    code, statuses, lines = freshness(run, "2025-02-19 14:30:00")
    assert statuses == {feed: "pass" for feed in FEEDS}
    assert code == 0
    assert lines == {}


def test_days_the_seed_lists_do_not_age_the_feeds_before_the_schedule_lists_the_next_game(tmp_path):
    """An upstream whose schedule lists a day's games only on that day (the sample's: with the day's first prediction
    run, 14:15): the fixture's schedule cut at 02-13. Nothing says 02-14 .. 02-18 have no games, so they count (fail
    safe): on 02-17 at 09:55 every game-day feed is stale, predictions (02-13 17:15) 88 h 40 min old, box scores
    (02-13 00:00) 105 h 55 min. Every scheduled run stopped from the break's second day to the first prediction run
    after it. With seeds/days_without_games.csv built (int_days_without_games; 02-14 .. 02-18 is a row of it), the
    break is quiet: every feed passes on 02-17 and on 02-19 at 09:55, as old as after any game day (02-13 + 5 days):
    predictions (02-18 17:15) 16 h 40 min, box scores, context and tags (02-18 00:00) 33 h 55 min, odds (02-18 16:00)
    17 h 55 min, live (02-19 04:10) 5 h 45 min. An outage on the first game day after the break is still one: at
    02-20 12:00, 02-19 and 02-20 count, and the predictions are 42 h 45 min old (error after 36 h)."""
    run = fixture_run(tmp_path, "freshness")
    run.execute(SCHEDULE_CUT_AT_02_13)
    run.dbt("seed")
    predictions, box_scores = "nba_predictions.player_prop_predictions", "nba_analytics.player_game_summary"
    code, statuses, _ = freshness(run, "2025-02-17 09:55:00")
    assert statuses == STALE_BUT_THE_REGISTRY
    assert code != 0
    ages = {feed: age for feed, (_, age) in judged(run).items()}
    assert (ages[predictions], ages[box_scores]) == (88 * 60 + 40, 105 * 60 + 55)
    run.dbt("build", "--select", "int_days_without_games")
    assert run.query("select first_day::varchar, last_day::varchar, season_label"
                     " from props_intermediate.int_days_without_games where first_day = '2025-02-14'") == [
        ("2025-02-14", "2025-02-18", "2024-25")]
    for clock in ("2025-02-17 09:55:00", "2025-02-19 09:55:00"):
        code, statuses, lines = freshness(run, clock)
        assert (code, statuses, lines) == (0, {feed: "pass" for feed in FEEDS}, {}), clock
    ages = {feed: age for feed, (_, age) in judged(run).items()}
    assert {feed: ages[feed] for feed in FEEDS if feed != "nba_predictions.model_registry"} == {
        predictions: 16 * 60 + 40, box_scores: 33 * 60 + 55, "nba_analytics.upcoming_player_game_context": 33 * 60 + 55,
        "nba_predictions.pick_signal_tags": 33 * 60 + 55, "nba_raw.odds_player_points_props": 17 * 60 + 55,
        "nba_raw.live_boxscores": 5 * 60 + 45}
    code, statuses, lines = freshness(run, "2025-02-20 12:00:00")
    assert statuses[predictions] == "error"
    assert lines[predictions].startswith("newest row 42 h 45 min old on the game calendar")
    assert code != 0


def test_a_listed_break_the_schedule_already_goes_on_after_counts_once(tmp_path):
    """The fixture as it is (the schedule lists 02-19's game), then with int_days_without_games built (02-14 .. 02-18
    is a row of it): the break's days are quiet once, not once as the schedule's and again as the seed's. Every feed
    gets the same status and age with the seed as without it, inside the break, on the first game day after it and a
    week later: the predictions 0, 18 h 45 min (02-13 17:15 + 5 days, at 02-19 12:00) and 90 h 45 min (STALE)."""
    run = fixture_run(tmp_path, "freshness")
    run.dbt("seed")
    clocks = ("2025-02-18 12:00:00", "2025-02-19 12:00:00", "2025-02-22 12:00:00")

    def judged_at(clock: str) -> dict[str, tuple[str, int]]:
        freshness(run, clock)
        return judged(run)

    without_seed = {clock: judged_at(clock) for clock in clocks}
    run.dbt("build", "--select", "int_days_without_games")
    assert {clock: judged_at(clock) for clock in clocks} == without_seed
    predictions = "nba_predictions.player_prop_predictions"
    assert [without_seed[clock][predictions] for clock in clocks] == [
        ("pass", 0), ("pass", 18 * 60 + 45), ("error", 90 * 60 + 45)]


def test_on_a_game_day_a_feed_warns_only_once_its_load_is_late(tmp_path):
    """The day after a game day, on the upstream's schedule (docs/deployment.md "Schedules"): the day's first
    prediction run and its context at 14:15, its tags with the 17:15 run, odds from 13:00, the box scores of the night
    the next morning at 10:00. The fixture's schedule cut at 02-13 (02-19's game taken out), so 02-14 and the days
    after may have games, and none of their rows came. Just before each load is due, its feed passes; a couple of hours
    after, it warns. The warnings used to come while every feed was on time: the day's predictions 20 h 55 min old
    at 14:10 (warn after 12 h), its context and tags 38 h 10 min (36 h), the box scores 57 h 55 min at 09:55 (48 h):
    in every hourly run from midnight to 10:00, and again from noon until the tags came at 17:15."""
    run = fixture_run(tmp_path, "freshness")
    run.execute(SCHEDULE_CUT_AT_02_13)
    run.dbt("seed")
    tags, box_scores = "nba_predictions.pick_signal_tags", "nba_analytics.player_game_summary"
    predictions, context = "nba_predictions.player_prop_predictions", "nba_analytics.upcoming_player_game_context"
    # 14:10: predictions 20 h 55 min (02-13 17:15), context, tags and box scores 38 h 10 min, odds 22 h 10 min (02-13
    # 16:00), live 10 h (02-14 04:10): every feed on time
    assert freshness(run, "2025-02-14 14:10:00")[:2] == (0, {feed: "pass" for feed in FEEDS})
    # 17:10: the tags, due at 17:15, 41 h 10 min; the predictions (23 h 55 min), the context (41 h 10 min) and the odds
    # (25 h 10 min) were due by 14:15
    statuses = freshness(run, "2025-02-14 17:10:00")[1]
    assert {feed: statuses[feed] for feed in (tags, predictions, context, "nba_raw.odds_player_points_props")} == {
        tags: "pass", predictions: "warn", context: "warn", "nba_raw.odds_player_points_props": "warn"}
    assert freshness(run, "2025-02-14 19:05:00")[1][tags] == "warn"  # 43 h 5 min
    # the box scores of 02-14's night, due at 10:00 on 02-15: 57 h 55 min at 09:55, 60 h 5 min at 12:05
    assert freshness(run, "2025-02-15 09:55:00")[1][box_scores] == "pass"
    assert freshness(run, "2025-02-15 12:05:00")[1][box_scores] == "warn"


def test_a_week_after_the_break_without_rows_every_game_day_feed_is_stale(break_run):
    """02-22 12:00: 02-19 was scheduled and 02-20 .. 02-22 lie past the schedule inside the season (they may have
    games), so only the break's five days are quiet. Predictions (02-13 17:15 + 5 d): 90 h 45 min; tags and box
    scores (02-13 00:00 + 5 d): 108 h; odds (02-13 16:00 + 5 d): 92 h; live (02-14 04:10, the end of 02-13's night,
    + 5 d): 79 h 50 min; the schedule, newest game 02-19 and nothing listed since: 84 h. All past their error
    thresholds (36, 72, 96, 72, 72, 72 h); the registry (registered 02-01) is not."""
    code, statuses, lines = freshness(break_run, "2025-02-22 12:00:00")
    assert statuses == STALE_BUT_THE_REGISTRY
    assert code != 0
    calendar = "old on the game calendar (days without games not counted), past its error threshold of"
    assert lines == {
        "nba_predictions.player_prop_predictions": f"newest row 90 h 45 min {calendar} 36 h (warn after 22 h)",
        "nba_predictions.pick_signal_tags": f"newest row 108 h 0 min {calendar} 72 h (warn after 43 h)",
        "nba_analytics.player_game_summary": f"newest row 108 h 0 min {calendar} 96 h (warn after 60 h)",
        "nba_raw.odds_player_points_props": f"newest row 92 h 0 min {calendar} 72 h (warn after 24 h)",
        "nba_raw.live_boxscores": f"newest row 79 h 50 min {calendar} 72 h (warn after 24 h)",
        "nba_analytics.upcoming_player_game_context": f"newest row 84 h 0 min {calendar} 72 h (warn after 40 h)"}


def test_a_row_without_a_load_time_makes_no_feed_younger(tmp_path):
    """A prediction row dated 02-22 with no created_at (freshness runs before staging's not_null test): judged at
    02-22 12:00 the predictions are as old as without it, 90 h 45 min, an error. DuckDB's least() skipped the null
    and took the row's game date for the newest day loaded, BigQuery's is null: on DuckDB the break's quiet days then
    fell outside the count and the feed read 210 h 45 min, the two targets disagreeing."""
    run = fixture_run(tmp_path, "freshness")
    run.execute(
        "insert into nba_predictions.player_prop_predictions (prediction_id, system_id, player_lookup, game_id,"
        " game_date, predicted_points, confidence_score, recommendation, current_points_line, is_active, created_at)"
        " values ('f-null', 'catboost_v9', 'nikolajokic', '0022400790', date '2025-02-22', 28.0, 0.8, 'OVER', 26.5,"
        " true, null)")
    run.dbt("seed")
    _, statuses, lines = freshness(run, "2025-02-22 12:00:00")
    assert statuses["nba_predictions.player_prop_predictions"] == "error"
    assert lines["nba_predictions.player_prop_predictions"] == (
        "newest row 90 h 45 min old on the game calendar (days without games not counted), past its error threshold"
        " of 36 h (warn after 22 h)")


def test_the_age_handed_to_dbt_is_exact_across_a_change_of_daylight_saving_time(tmp_path):
    """Macro age_as_loaded_at on DuckDB in a session whose zone changed to daylight saving time within the age
    (America/New_York, 2025-03-09), the machine's time standing for 2025-03-11 12:00 there: a row loaded 72 h before
    the clock is 72 h old. It was 71 h: an interval of three days, subtracted from a time with a zone, counted
    calendar days of that zone (a developer's machine near a change; the CI and the container run in UTC)."""
    import duckdb

    run = new_run(tmp_path)
    done = run.dbt("compile", "--inline", "select {{ age_as_loaded_at(\"timestamp '2025-03-11 16:00:00'\","
                   " \"timestamp '2025-03-08 16:00:00'\") }} as loaded_at")
    now = "timestamptz '2025-03-11 12:00:00-04'"
    sql = done.stdout[done.stdout.index("select "):].strip()
    assert "current_timestamp" in sql
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/New_York'")
    [(hours,)] = con.execute(f"select (epoch({now}) - epoch(loaded_at)) / 3600"
                             f" from ({sql.replace('current_timestamp', now)})").fetchall()
    assert round(hours, 3) == 72


def test_a_scheduled_game_day_without_rows_ages_the_feeds(tmp_path, break_run):
    """The same rows at 02-19 12:00, once with the break as it was, once with a game scheduled on 02-18 that
    brought no rows: the predictions (02-13 17:15) are 18 h 45 min old after five quiet days (fresh: warn after
    22 h), 42 h 45 min after four (an error, 36 h); the tags (02-13 00:00), 36 h and 60 h (a warning, 43 h)."""
    run = fixture_run(tmp_path, "freshness")
    run.execute("insert into nba_analytics.upcoming_player_game_context values "
                "('nikolajokic', 'Nikola Jokić', '0022400785', date '2025-02-18', 'DEN', 'PHX', true, "
                "timestamp '2025-02-19 02:00:00')")
    run.dbt("seed")
    _, quiet, _ = freshness(break_run, "2025-02-19 12:00:00")
    code, statuses, _ = freshness(run, "2025-02-19 12:00:00")
    assert quiet["nba_predictions.player_prop_predictions"] == "pass"
    assert statuses["nba_predictions.player_prop_predictions"] == "error"
    assert (quiet["nba_predictions.pick_signal_tags"], statuses["nba_predictions.pick_signal_tags"]) == ("pass", "warn")
    assert code != 0


@pytest.mark.parametrize("clock", ["2025-02-18 12:00:00", "2025-02-19 12:00:00"])
def test_an_emptied_feed_is_stale(tmp_path, clock):
    """An empty table (a truncated or failed load) is as old as can be: inside the break, where its rows were
    fresh, and on the game day after it, it fails like any stale feed. It used to pass on both days: without a
    newest row nothing was due (and BigQuery's greatest() is null on a null where DuckDB's skips it); quiet days
    do not make it younger."""
    run = fixture_run(tmp_path, "freshness")
    run.execute("delete from nba_raw.odds_player_points_props")
    run.dbt("seed")
    code, statuses, lines = freshness(run, clock)
    assert statuses["nba_raw.odds_player_points_props"] == "error"
    assert lines["nba_raw.odds_player_points_props"] == (
        "no row at all (an empty table counts as loaded in 1970), past its error threshold of 72 h (warn after 24 h)")
    assert code != 0


def test_an_outage_in_the_playoffs_makes_the_feeds_stale(tmp_path):
    """The fixture moved 66 days on, into the 2024-25 playoffs (the regular season ended 04-13): the newest rows are
    of 04-20, no game is scheduled 04-21 .. 04-25, the schedule's last game is 04-26, and nothing comes after it.
    At 04-29 12:00, 04-27 .. 04-29 lie past the schedule and past the season's end_date but inside its postseason
    (var freshness_postseason_days): they may have games, so the feeds age as a week after the break does (the test
    above, 66 days earlier: every feed an error but the registry). They used to count as the off-season: every feed
    passed or warned through a whole outage in the playoffs."""
    run = fixture_run(tmp_path, "freshness")
    shift_every_feed(run, 66, schedule_ends="2025-04-26")
    code, statuses, _ = freshness(run, "2025-04-29 12:00:00")
    assert statuses == STALE_BUT_THE_REGISTRY
    assert code != 0


def test_a_context_row_dated_next_season_hides_no_outage(tmp_path):
    """A week after the break, every feed is stale (test above). One context row dated next season (2025-10-21,
    quarantined by staging) used to make the schedule run until then: every day up to it looked quiet and every
    feed passed or warned (the context itself fresh, its newest row in the future). Past the horizon, the row counts
    for nothing: the same statuses as without it."""
    run = fixture_run(tmp_path, "freshness")
    context = "nba_analytics.upcoming_player_game_context"
    run.execute(f"insert into {context} select * replace ('0022500001' as game_id, date '2025-10-21' as game_date,"
                f" timestamp '2025-10-21 23:30:00' as game_start_at) from {context} limit 1")
    run.dbt("seed")
    code, statuses, _ = freshness(run, "2025-02-22 12:00:00")
    assert statuses == STALE_BUT_THE_REGISTRY
    assert code != 0


def test_after_finals_that_end_early_the_feeds_are_stale_until_the_rest_of_the_postseason_is_listed(tmp_path):
    """The fixture moved 122 days on, its schedule cut at its newest rows: the 2024-25 Finals end on 06-15, a week
    before the end of the season's postseason window (end_date 04-13 + var freshness_postseason_days 70 = 06-22).
    06-16 .. 06-22 may have games (nothing says the Finals are over), so every game-day feed is stale, and stays so
    through the off-season: on 08-01 and on 10-01 each feed is exactly as old (the days after 06-22 are quiet). With
    06-16 .. 06-22 listed in seeds/days_without_games.csv, every feed passes on both days, with no pause of the
    schedule (docs/deployment.md "Each season"). On opening night (10-21 18:00), with the schedule listing the
    night's game and its predictions in, the run passes: box scores and tags (06-15 00:00) are 42 h old as after any
    game day (the tags come with the 17:15 run: warn after 43 h), live (06-16 04:10, the end of the Finals' night)
    13 h 50 min; the odds (06-15 16:00: 26 h) warn, the night's 13:00 snapshot not in."""
    run = fixture_run(tmp_path, "freshness")
    run.execute(SCHEDULE_CUT_AT_02_13)
    shift_every_feed(run, 122, schedule_ends="2025-06-15")
    code, statuses, summer = freshness(run, "2025-08-01 12:00:00")
    assert statuses == STALE_BUT_THE_REGISTRY
    assert code != 0
    # 06-15 17:15 + 40 quiet days (47 days to 08-01, 7 of them in the postseason window) -> 08-01 12:00
    assert summer["nba_predictions.player_prop_predictions"].startswith("newest row 162 h 45 min old")
    assert freshness(run, "2025-10-01 12:00:00")[2] == summer
    # instead of a pause: the rest of the postseason window, 06-16 .. 06-22, listed as days without games
    # (seeds/days_without_games.csv; a row inserted here, since the real 2025 Finals went to 06-22): every day since
    # the Finals is quiet, and every feed passes all summer
    run.dbt("build", "--select", "int_days_without_games")
    run.execute("insert into props_intermediate.int_days_without_games values"
                " (date '2025-06-16', date '2025-06-22', 'after the Finals', '2024-25')")
    for clock in ("2025-08-01 12:00:00", "2025-10-01 12:00:00"):
        assert freshness(run, clock)[:2] == (0, {feed: "pass" for feed in FEEDS}), clock
    # opening night with no schedule row for it and no run yet: the season's first day (seasons seed start_date
    # 10-21) may have games, so it counts. Of the 128 days from 06-15 to 10-21, 127 are quiet (06-16 .. 06-22
    # listed, then the off-season up to 10-20), so the predictions (06-15 17:15) are as old as at 17:15 on 10-20:
    # 24 h 45 min, a warning (22 h). Were the opening day quiet too, they would be 45 min old and pass.
    predictions = "nba_predictions.player_prop_predictions"
    code, statuses, lines = freshness(run, "2025-10-21 18:00:00")
    assert statuses[predictions] == "warn"
    assert lines[predictions].startswith("newest row 24 h 45 min old on the game calendar")
    run.execute(
        "insert into nba_analytics.upcoming_player_game_context values ('nikolajokic', 'Nikola Jokić', '0022500001',"
        " date '2025-10-21', 'DEN', 'GSW', true, timestamp '2025-10-21 23:30:00')",
        "insert into nba_predictions.player_prop_predictions (prediction_id, system_id, player_lookup, game_id,"
        " game_date, predicted_points, confidence_score, recommendation, current_points_line, is_active, created_at)"
        " values ('f-1001', 'catboost_v9', 'nikolajokic', '0022500001', date '2025-10-21', 28.0, 0.8, 'OVER', 26.5,"
        " true, timestamp '2025-10-21 15:00:00')")
    code, statuses, lines = freshness(run, "2025-10-21 18:00:00")
    assert statuses == {feed: "warn" if feed == "nba_raw.odds_player_points_props" else "pass" for feed in FEEDS}
    assert code == 0
    assert lines == {"nba_raw.odds_player_points_props": "newest row 26 h 0 min old on the game calendar (days without "
                                                         "games not counted), past its warn threshold of 24 h (error "
                                                         "after 72 h)"}


def test_a_listed_run_no_season_window_holds_whole_does_not_quiet_the_feeds(tmp_path):
    """The schedule cut at 02-13 (as in the test of the days the seed lists), and the break's row of
    seeds/days_without_games.csv mistyped to end on 09-30, past the 2024-25 window (end_date 04-13 + 70 days = 06-22):
    int_days_without_games gives it no season_label, its not_null test names it, and freshness ignores it. On 02-17 at
    09:55 every game-day feed is as stale as with no row listed: the predictions 88 h 40 min old. Counted, the row
    would make 02-14 .. 02-17 quiet and every feed pass."""
    run = fixture_run(tmp_path, "freshness")
    run.execute(SCHEDULE_CUT_AT_02_13)
    run.dbt("seed")
    run.execute("update props_reference.days_without_games set last_day = date '2025-09-30'"
                " where first_day = date '2025-02-14'")
    built = run.dbt("build", "--select", "int_days_without_games", check=False)
    assert built.returncode != 0
    assert any("not_null_int_days_without_games_season_label" in line and "FAIL 1" in line
               for line in built.stdout.splitlines()), built.stdout[-3000:]
    assert run.query("select last_day::varchar, season_label from props_intermediate.int_days_without_games"
                     " where first_day = '2025-02-14'") == [("2025-09-30", None)]
    code, statuses, _ = freshness(run, "2025-02-17 09:55:00")
    assert statuses == STALE_BUT_THE_REGISTRY
    assert judged(run)["nba_predictions.player_prop_predictions"][1] == 88 * 60 + 40
    assert code != 0
