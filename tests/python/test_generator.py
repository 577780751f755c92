"""Tests of the sample warehouse generator, the shared DDL and the fixture loader.

One full season (seed 42) is generated once for the module; determinism runs
use a short season (``--today`` 2024-11-20) to stay fast.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import os
import re
import statistics

import duckdb
import pytest
import yaml

from sample_data import fixture, schema
from sample_data import seasons as season_data
from sample_data import generate as gen

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, "tests", "warehouses", "tiny")
SEED = 42
FULL_TODAY = dt.date(2025, 4, 13)  # last game date of 2024-25
SHORT_TODAY = dt.date(2024, 11, 20)

PRED = "nba_predictions.player_prop_predictions"
REG = "nba_predictions.model_registry"
TAGS = "nba_predictions.pick_signal_tags"
CTX = "nba_analytics.upcoming_player_game_context"
SUM = "nba_analytics.player_game_summary"
ODDS = "nba_raw.odds_player_points_props"
LIVE = "nba_raw.live_boxscores"


# The key folding of staging (macros/cross_db/strings.sql), recomputed in SQL here.
FOLD = "regexp_replace(strip_accents(lower({})), '[^a-z0-9]', '', 'g')"
# A game's tip-off: the first start time of its context rows.
TIPOFFS = f"(select game_id, min(game_start_at) as tipoff from {CTX} group by all)"
# The run each player x game x system shows before its game's tip-off (contract §3 Candidates: the newest row
# created before the tip-off; an in-game re-run after it is late), with rank 1 in column `newest`.
BEFORE_TIPOFF = f"""(select p.*, row_number() over (partition by p.player_lookup, p.game_id, p.system_id
                                     order by p.created_at desc) as newest
    from {PRED} p join {TIPOFFS} t using (game_id)
    where p.created_at < t.tipoff)"""
# Implied probability of an American price.
IMPLIED = "case when {0} < 0 then -{0} / (100.0 - {0}) else 100.0 / (100.0 + {0}) end"


def q(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse") / "season.duckdb"
    assert gen.main(["--seasons", "1", "--seed", str(SEED), "--out", str(path)]) == 0
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def table_digest(con, table):
    """Hash of the full, ordered contents of a table."""
    cols = ", ".join(schema.columns(table))
    h = hashlib.sha256()
    for row in con.execute(f"select {cols} from {table} order by all").fetchall():
        h.update(repr(row).encode())
    return h.hexdigest()


def short_warehouse(path, seed):
    tables = gen.generate(seasons=1, seed=seed, today=SHORT_TODAY)
    schema.load_tables(path, tables)
    return duckdb.connect(str(path), read_only=True)


# ---------------------------------------------------------------- player_lookup


@pytest.mark.parametrize(
    "name, key",
    [
        ("Nikola Jokić", "nikolajokic"),
        ("Nikola Jokic", "nikolajokic"),
        ("Kelly Oubre Jr.", "kellyoubrejr"),
        ("Luka Dončić", "lukadoncic"),
        ("Alperen Şengün", "alperensengun"),
        ("Kristaps Porziņģis", "kristapsporzingis"),
        ("Jonas Valančiūnas", "jonasvalanciunas"),
        ("Dennis Schröder", "dennisschroder"),
        ("Dario Šarić", "dariosaric"),
        ("Shai Gilgeous-Alexander", "shaigilgeousalexander"),
        ("De'Aaron Fox", "deaaronfox"),
        ("P.J. Washington", "pjwashington"),
        ("  Gary Trent Jr  ", "garytrentjr"),
        # letters NFKD leaves whole, folded as staging folds them (macros/cross_db/strings.sql), not dropped
        ("Đorđe Œstrøm-Łı Straße Æþ", "dordeoestromlistrasseaeth"),
    ],
)
def test_player_lookup(name, key):
    assert gen.player_lookup(name) == key


@pytest.mark.parametrize(
    "p, price",
    [
        (0.5, -100),  # -100 x 0.5 / 0.5
        (0.5225, -110),  # -100 x 0.5225 / 0.4775 = -109.4
        (0.4825, 105),  # 100 x 0.5175 / 0.4825 = 107.3
        (0.3225, 210),  # 100 x 0.6775 / 0.3225 = 210.1
        (0.7225, -260),  # -100 x 0.7225 / 0.2775 = -260.4
    ],
)
def test_american_price_of_a_probability(p, price):
    assert gen.american(p) == price


def test_a_consensus_line_is_the_half_point_of_its_whole_number():
    assert [gen._round_half(x) for x in (20.0, 20.1, 20.5, 20.9, 0.2)] == [20.5, 20.5, 20.5, 20.5, 0.5]


def test_ladder_prices_skew_away_from_the_main_line():
    # one step (0.5) above the main: fair over 0.5 - 0.04 = 0.46; with half the 4.5 % vig
    # over 0.4825 -> +105, under 0.5625 -> -128.6 -> -130; below: the mirror image
    assert gen.ladder_prices(1) == (105, -130)
    assert gen.ladder_prices(-1) == (-130, 105)
    # five steps above: fair over 0.30 -> 0.3225 -> +210, under 0.7225 -> -260
    assert gen.ladder_prices(5) == (210, -260)


def test_accented_display_names_fold_to_ascii_keys():
    for ascii_name, accented in gen.ACCENTED_NAMES.items():
        assert gen.player_lookup(accented) == gen.player_lookup(ascii_name)
        assert not accented.isascii()


# ---------------------------------------------------------------- layout


def test_tables_and_columns_match_sources_yml(season):
    with open(os.path.join(ROOT, "models", "staging", "_sources.yml"), encoding="utf-8") as fh:
        sources = yaml.safe_load(fh)["sources"]
    expected = {f"{s['schema']}.{t['name']}": [c["name"] for c in t["columns"]] for s in sources for t in s["tables"]}
    assert set(expected) == set(schema.TABLES)
    # the contract's BigQuery types, in DuckDB's words (sample_data/schema.py's docstring gives the mapping)
    duckdb_type = {"string": "VARCHAR", "numeric": "DECIMAL(9,3)", "float64": "DOUBLE", "int64": "BIGINT",
                   "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP", "array<string>": "VARCHAR[]"}
    expected_types = {(f"{s['schema']}.{t['name']}", c["name"]): duckdb_type[c["data_type"]]
                      for s in sources for t in s["tables"] for c in t["columns"]}
    rows = q(
        season,
        "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns "
        "where table_schema <> 'sample_replay' "  # the live replay's finals, not an upstream table
        "order by table_schema, table_name, ordinal_position",
    )
    actual = collections.defaultdict(list)
    types = {}
    for table, col, typ in rows:
        actual[table].append(col)
        types[(table, col)] = typ
    assert dict(actual) == expected
    assert types == expected_types


def test_every_table_non_empty(season):
    for table in schema.TABLES:
        assert q(season, f"select count(*) from {table}")[0][0] > 0, table


def test_keys_unique(season):
    keys = {
        PRED: "prediction_id",
        CTX: "player_lookup, game_id",
        SUM: "player_lookup, game_id",
        ODDS: "snapshot_at, bookmaker, player_lookup, game_id, points_line",
        TAGS: "game_date, player_lookup, system_id",
        LIVE: "player_lookup, game_id",
        REG: "system_id",
    }
    for table, key in keys.items():
        dupes = q(season, f"select count(*) from (select {key} from {table} group by all having count(*) > 1)")[0][0]
        assert dupes == 0, table
    # still one row per key once staging folds the player key
    folded = FOLD.format("player_lookup")
    dupes = q(season, f"select count(*) from (select snapshot_at, bookmaker, {folded}, game_id, points_line "
                      f"from {ODDS} group by all having count(*) > 1)")[0][0]
    assert dupes == 0


def test_one_active_prediction_per_player_game_system(season):
    bad = q(
        season,
        f"select count(*) from (select player_lookup, game_id, system_id from {PRED} "
        "group by all having count(*) filter (where is_active) <> 1)",
    )[0][0]
    assert bad == 0
    # superseded runs are older than the active one
    later = q(
        season,
        f"select count(*) from {PRED} a join {PRED} b using (player_lookup, game_id, system_id) "
        "where not a.is_active and b.is_active and a.created_at >= b.created_at",
    )[0][0]
    assert later == 0
    n_inactive, n = q(season, f"select count(*) filter (where not is_active), count(*) from {PRED}")[0]
    assert 0.15 < n_inactive / (n - n_inactive) < 0.45  # ~30 % of player-game-systems


def test_in_game_re_runs_supersede_the_run_before_the_tip_off_and_know_the_game(season):
    """P_LATE_RUN of the player-game-systems of played days: an active run LATE_RUN_AFTER (+ system index)
    minutes after the tip-off, on draftkings' last line; the run before the tip-off is then inactive. Counted as
    candidates, they would lift the champion's high-edge hit rate (test_champion_high_edge_hit_rate: 55-70 %)."""
    late = q(season, f"""select p.game_date, p.created_at - t.tipoff, b.is_active, p.current_points_line = o.points_line,
                                 p.recommendation, abs(p.predicted_points - p.current_points_line), s.points,
                                 p.current_points_line, p.system_id
        from {PRED} p join {TIPOFFS} t using (game_id)
        join {BEFORE_TIPOFF} b on b.newest = 1 and (b.player_lookup, b.game_id, b.system_id)
                                                    = (p.player_lookup, p.game_id, p.system_id)
        left join (select game_id, player_lookup, arg_max(points_line, snapshot_at) as points_line
                   from {ODDS} where bookmaker = 'draftkings' group by all) o
            on (o.game_id, o.player_lookup) = (p.game_id, p.player_lookup)
        left join {SUM} s on (s.game_id, s.player_lookup) = (p.game_id, p.player_lookup)
        where p.created_at >= t.tipoff""")
    n_runs = q(season, f"select count(*) from {BEFORE_TIPOFF} where newest = 1")[0][0]
    assert 0.02 < len(late) / n_runs < 0.04  # P_LATE_RUN = 0.03 of the player-game-systems
    # played days only: dates with box scores (not tonight, whose runs would lie past the sample's clock)
    assert {row[0] for row in late} <= {d for (d,) in q(season, f"select distinct game_date from {SUM}")}
    systems = [system.id for system in gen.SYSTEMS]  # the runs of system i are stamped i minutes later
    offsets = {int(row[1].total_seconds() // 60) - systems.index(row[8]) for row in late}
    assert offsets == set(gen.LATE_RUN_AFTER)
    assert not any(row[2] for row in late)  # the run before the tip-off is superseded
    assert all(row[3] for row in late)  # draftkings' last line
    graded = [(rec, line, pts) for _, _, _, _, rec, edge, pts, line, _ in late
              if edge >= 5 and pts is not None and pts != line and rec in ("OVER", "UNDER")]
    wins = sum((rec == "OVER") == (pts > line) for rec, line, pts in graded)
    assert len(graded) > 30 and 100 * wins / len(graded) > 85


def test_every_system_predicts_every_player_game_with_props(season):
    n_systems = len(gen.SYSTEMS)
    rows = q(
        season,
        f"select count(distinct system_id) from {PRED} where is_active group by player_lookup, game_id",
    )
    assert {r[0] for r in rows} == {n_systems}
    assert {r[0] for r in q(season, f"select distinct system_id from {PRED}")} == set(gen.SYSTEM_IDS)
    # each prediction has a context row; each line comes from the odds feed
    orphans = q(season, f"select count(*) from {PRED} p anti join {CTX} c using (player_lookup, game_id)")[0][0]
    assert orphans == 0
    unpriced = q(
        season,
        f"""select count(*) from {PRED} p where current_points_line is not null and not exists (
              select 1 from {ODDS} o where o.game_id = p.game_id and o.player_lookup = p.player_lookup
              and o.bookmaker = 'draftkings' and o.points_line = p.current_points_line and o.snapshot_at <= p.created_at)""",
    )[0][0]
    assert unpriced == 0


# ---------------------------------------------------------------- as-of date


def test_nothing_on_or_after_today_in_box_scores(season):
    assert q(season, f"select max(game_date) from {SUM}")[0][0] < FULL_TODAY
    for table in (PRED, CTX, ODDS, TAGS):
        assert q(season, f"select max(game_date) from {table}")[0][0] == FULL_TODAY, table
    assert q(season, f"select distinct game_date from {LIVE}") == [(FULL_TODAY,)]
    assert all(re.fullmatch(r"\d\d:\d\d", m) for (m,) in q(season, f"select minutes from {LIVE}"))


def test_tonights_live_snapshot_agrees_with_the_tip_offs_and_the_clock(season):
    """The live snapshot is taken at the sample's clock (its newest update, 00:50 UTC: the first
    tip-off, 23:00, + 1 h 50 min): a game that tipped off by then is in progress, in period 1 for
    the first 30 min after its tip-off, 2 for the next 30, ...; a later game is scheduled (period 0,
    no points). It used to show every game in period 3 at about 23:50, the 02:30 games too."""
    games = q(season, f"""
        select live.game_id, min(ctx.game_start_at), min(live.game_status), max(live.game_status),
               min(live.period), max(live.period), max(live.points), max(live.updated_at)
        from {LIVE} as live join {CTX} as ctx using (game_id, player_lookup)
        group by live.game_id order by 2, 1""")
    clock = dt.datetime(2025, 4, 14, 0, 50)
    assert max(g[7] for g in games) == clock and len(games) == 15
    seen = collections.Counter()
    for game_id, tipoff, status, status_too, period, period_too, most_points, updated_at in games:
        assert (status, period) == (status_too, period_too), game_id  # one state per game
        if tipoff > clock:
            assert (status, period, most_points, updated_at) == ("scheduled", 0, 0, dt.datetime(2025, 4, 13, 22, 30))
        else:
            assert (status, period, updated_at) == ("in_progress", (clock - tipoff) // dt.timedelta(minutes=30) + 1, clock)
        seen[tipoff.time().isoformat(timespec="minutes"), status, period] += 1
    assert seen == {("23:00", "in_progress", 4): 2, ("23:30", "in_progress", 3): 1, ("00:00", "in_progress", 2): 2,
                    ("00:30", "in_progress", 1): 2, ("01:00", "scheduled", 0): 1, ("01:30", "scheduled", 0): 4,
                    ("02:00", "scheduled", 0): 1, ("02:30", "scheduled", 0): 2}


def test_tonights_real_finals_are_kept_for_the_live_replay(season):
    """sample_replay.final_boxscores holds today's real box scores: the same player-games as
    the live snapshot, never fewer points than it shows."""
    finals = "sample_replay.final_boxscores"
    assert q(season, f"select distinct game_date from {finals}") == [(FULL_TODAY,)]
    unmatched_final, unmatched_live, fewer_points = q(season, f"""
        select count(*) filter (where l.player_lookup is null),
               count(*) filter (where f.player_lookup is null),
               count(*) filter (where f.points < l.points)
        from {finals} f full join {LIVE} l using (game_id, player_lookup)""")[0]
    assert (unmatched_final, unmatched_live, fewer_points) == (0, 0, 0)
    assert q(season, f"select count(*) from {finals}") == q(season, f"select count(*) from {LIVE}")


def test_short_run_respects_today(tmp_path):
    con = short_warehouse(tmp_path / "short.duckdb", SEED)
    for table in (PRED, CTX, ODDS, TAGS, LIVE, SUM):
        assert q(con, f"select max(game_date) from {table}")[0][0] <= SHORT_TODAY, table
    assert q(con, f"select max(game_date) from {SUM}")[0][0] < SHORT_TODAY
    assert q(con, f"select distinct game_date from {LIVE}") == [(SHORT_TODAY,)]
    con.close()


# ---------------------------------------------------------------- determinism


def test_same_seed_same_tables_different_seed_differs(tmp_path):
    a = short_warehouse(tmp_path / "a.duckdb", 7)
    b = short_warehouse(tmp_path / "b.duckdb", 7)
    c = short_warehouse(tmp_path / "c.duckdb", 8)
    for table in schema.TABLES:
        assert table_digest(a, table) == table_digest(b, table), table
    for table in (PRED, ODDS, TAGS):
        assert table_digest(a, table) != table_digest(c, table), table
    for con in (a, b, c):
        con.close()


def test_history_does_not_change_when_today_moves(season, tmp_path):
    short = short_warehouse(tmp_path / "short.duckdb", SEED)
    for table in (PRED, CTX, SUM, ODDS, TAGS):
        cols = ", ".join(schema.columns(table))
        sql = f"select {cols} from {table} where game_date < ? order by all"
        assert q(short, sql, [SHORT_TODAY]) == q(season, sql, [SHORT_TODAY]), table
    short.close()


# ---------------------------------------------------------------- rates


@pytest.fixture(scope="module")
def champion_days(season):
    """Per day: list of (recommendation, edge, line, actual points, status) of the
    champion's candidates (the run before the tip-off, OVER/UNDER, with a line)."""
    rows = q(
        season,
        f"""select p.game_date, p.recommendation, p.predicted_points, p.current_points_line,
                   s.points, s.minutes_played, s.player_status
            from {BEFORE_TIPOFF} p left join {SUM} s using (player_lookup, game_id)
            where p.system_id = 'catboost_v9' and p.newest = 1
              and p.recommendation in ('OVER', 'UNDER') and p.current_points_line is not null""",
    )
    days = collections.defaultdict(list)
    for day, rec, pred, line, pts, mins, status in rows:
        days[day].append((rec, abs(float(pred) - float(line)), float(line), pts, mins, status))
    return days


def test_champion_high_edge_volume(champion_days):
    per_day = [sum(1 for r in rows if r[1] >= 5) for rows in champion_days.values()]
    assert 0 < statistics.mean(per_day) < 10
    assert 2.5 <= statistics.mean(per_day) <= 6


def test_champion_high_edge_hit_rate(champion_days):
    wins = losses = 0
    for rows in champion_days.values():
        for rec, edge, line, pts, _mins, status in rows:
            if edge < 5 or pts is None or status != "active" or pts == line:
                continue
            if (rec == "OVER" and pts > line) or (rec == "UNDER" and pts < line):
                wins += 1
            else:
                losses += 1
    assert wins + losses > 300
    assert 55 <= 100 * wins / (wins + losses) <= 70


def test_champion_pct_over_crosses_signal_thresholds(champion_days):
    pct = [100 * sum(r[0] == "OVER" for r in rows) / len(rows) for rows in champion_days.values() if len(rows) >= 10]
    assert any(p < 25 for p in pct)
    assert any(25 <= p <= 40 for p in pct)
    assert any(40 < p <= 45 for p in pct)
    assert any(p > 45 for p in pct)


def test_recommendations(season):
    recs = dict(q(season, f"select recommendation, count(*) from {PRED} group by 1"))
    assert set(recs) == {"OVER", "UNDER", "PASS", "NO_LINE"}
    total = sum(recs.values())
    assert 0.015 < recs["NO_LINE"] / total < 0.06
    assert recs["PASS"] > 0
    bad = q(
        season,
        f"""select count(*) from {PRED} where
              (recommendation = 'NO_LINE') <> (current_points_line is null)
              or (recommendation = 'OVER' and predicted_points - current_points_line < 1)
              or (recommendation = 'UNDER' and predicted_points - current_points_line > -1)
              or (recommendation = 'PASS' and abs(predicted_points - current_points_line) >= 1)""",
    )[0][0]
    assert bad == 0


def test_confidence_scale(season):
    rows = q(season, f"select system_id, min(confidence_score), max(confidence_score) from {PRED} group by 1")
    for system_id, lo, hi in rows:
        if system_id == "moving_average_v1":  # the same scale times 100
            assert (lo, hi) == (50, 99)
        else:  # 0.5 at no edge at all (never less), 0.99 at most
            assert (float(lo), float(hi)) == (0.5, 0.99), system_id


def test_did_not_play_cases(season):
    inactive = q(
        season,
        f"""select count(*) from {PRED} p join {SUM} s using (player_lookup, game_id)
            where p.is_active and p.system_id = 'catboost_v9' and s.player_status = 'inactive'
              and s.points is null and s.minutes_played is null""",
    )[0][0]
    played = f"c.game_id in (select game_id from {SUM})"  # not the postponed game
    # a played game's active predictions for a player with no box-score row (the postponed game has none at all)
    missing = q(
        season,
        f"""select count(*) from {PRED} c anti join {SUM} s using (player_lookup, game_id)
            where c.is_active and c.system_id = 'catboost_v9' and c.game_date < ? and {played}""",
        [FULL_TODAY],
    )[0][0]
    assert inactive > 0 and missing > 0
    n_cases = q(
        season,
        f"""select count(*) from {CTX} c left join {SUM} s using (player_lookup, game_id)
            where c.game_date < ? and {played} and (s.player_status = 'inactive' or s.player_status is null)""",
        [FULL_TODAY],
    )[0][0]
    team_games = q(season, f"select count(distinct (game_id, team_abbr)) from {SUM}")[0][0]
    assert 0.005 <= n_cases / team_games <= 0.025
    # a did-not-play player has props like everyone expected to play
    no_odds = q(
        season,
        f"""select count(*) from {CTX} c left join {SUM} s using (player_lookup, game_id)
            where c.game_date < ? and {played} and s.player_lookup is null
              and not exists (select 1 from {ODDS} o where o.game_id = c.game_id and o.player_lookup = c.player_lookup)""",
        [FULL_TODAY],
    )[0][0]
    assert no_odds == 0
    statuses = dict(q(season, f"select player_status, count(*) from {SUM} group by 1"))
    assert set(statuses) == {"active", "inactive", "dnp"}
    # a real row of 0 minutes is a did-not-play row, never an active one
    assert q(season, f"select count(*) from {SUM} where player_status = 'active' and not minutes_played > 0") == [(0,)]
    assert q(season, f"select count(*) from {SUM} where player_status = 'dnp' and minutes_played = 0")[0][0] > 0
    # every inactive row with a context row is a did-not-play case (the others: bench rows)
    assert q(season, f"select count(*) from {SUM} s semi join {CTX} c using (player_lookup, game_id) "
                     "where s.player_status = 'inactive'")[0][0] == inactive


def test_odds(season):
    single = f"bookmaker in {tuple(gen.BOOKS)}"  # one line per snapshot, every player
    whole, total = q(season, f"select count(*) filter (where points_line % 1 = 0), count(*) from {ODDS} where {single}")[0]
    assert 0.08 < whole / total < 0.25  # whole-number lines, so pushes happen
    assert q(season, f"select count(*) from {ODDS} where points_line % 0.5 <> 0")[0][0] == 0
    bad_price = q(
        season,
        f"select count(*) from {ODDS} where over_odds between -99 and 99 or under_odds between -99 and 99",
    )[0][0]
    assert bad_price == 0
    main_range = q(season, f"select count(*) from {ODDS} where ({single} or bookmaker = ?) and "
                           "(over_odds not between -130 and 110 or under_odds not between -130 and 110)",
                   [gen.PARTIAL_BOOK])[0][0]
    assert main_range == 0
    books = {r[0] for r in q(season, f"select distinct bookmaker from {ODDS}")}
    assert books == set(gen.BOOKS) | set(gen.LADDER_BOOKS) | {gen.PARTIAL_BOOK} == set(gen.ALL_BOOKS)
    assert len(books) == 7
    assert q(season, f"select count(distinct cast(snapshot_at as time)) from {ODDS}")[0][0] == 3
    # props only for players averaging >= 6 (lines around that or higher; ladders reach 2 lower)
    assert q(season, f"select min(points_line) from {ODDS} where {single}")[0][0] >= 3
    assert q(season, f"select min(points_line) from {ODDS}")[0][0] >= 1
    # every player-game with odds is quoted by every full-coverage book in every snapshot
    per_group = q(season, f"""select bookmaker, count(*) from (
        select bookmaker, snapshot_at, {FOLD.format('player_lookup')} as player, game_id from {ODDS}
        group by all) where bookmaker <> ? group by 1""", [gen.PARTIAL_BOOK])
    assert len({n for _, n in per_group}) == 1 and len(per_group) == 6


# ---------------------------------------------------------------- real-feed shapes


@pytest.fixture(scope="module")
def ladders(season):
    """Every ladder-book row with its implied probabilities and its group's most balanced
    line: (book, snapshot, player, game) -> rows."""
    con = season.cursor()
    con.execute(f"""create temp table ladder as
        with rows as (
            select bookmaker, snapshot_at, player_lookup, game_id, points_line::double as line,
                   over_odds, under_odds, {IMPLIED.format('over_odds')} as p_over,
                   {IMPLIED.format('under_odds')} as p_under
            from {ODDS} where bookmaker in {tuple(gen.LADDER_BOOKS)}),
        balanced as (
            select bookmaker, snapshot_at, player_lookup, game_id,
                   arg_min(line, abs(p_over - p_under)) as main_line,
                   min(abs(p_over - p_under)) as main_gap
            from rows where p_over is not null and p_under is not null group by all)
        select * from rows join balanced using (bookmaker, snapshot_at, player_lookup, game_id)""")
    yield con
    con.close()


def test_ladder_books_list_5_to_10_lines_in_every_snapshot(season, ladders):
    sizes = q(ladders, """select bookmaker, min(n), max(n), count(*) from (
        select bookmaker, snapshot_at, player_lookup, game_id, count(*) as n from ladder group by all) group by 1""")
    assert {b for b, *_ in sizes} == set(gen.LADDER_BOOKS)
    for _book, lo, hi, groups in sizes:
        assert (lo, hi) == (5, 10)
        assert groups > 30_000
    # every snapshot of a ladder book holds ladders (>= 5 lines for every player it quotes)
    snaps = q(season, f"select count(distinct (bookmaker, snapshot_at)) from {ODDS} where bookmaker in {tuple(gen.LADDER_BOOKS)}")
    with_ladder = q(ladders, "select count(*) from (select bookmaker, snapshot_at from (select bookmaker, snapshot_at,"
                             " player_lookup, game_id, count(*) as n from ladder group by all) group by all"
                             " having min(n) >= 5)")[0][0]
    assert snaps[0][0] == with_ladder == 2 * 3 * q(season, f"select count(distinct game_date) from {ODDS}")[0][0]
    # the other books: one line per player and snapshot
    assert q(season, f"""select max(n) from (select count(*) n from {ODDS} where bookmaker not in {tuple(gen.LADDER_BOOKS)}
                         group by snapshot_at, bookmaker, player_lookup, game_id)""")[0][0] == 1


def test_ladder_main_line_is_the_most_balanced_and_prices_skew_away(ladders):
    # the main line (smallest |p_over - p_under|) is unique in its ladder and has both sides
    # at minus money; every other line is at least 0.04 less balanced
    close = q(ladders, "select count(*) from ladder where line <> main_line and abs(p_over - p_under) < main_gap + 0.04")
    assert close == [(0,)]
    assert q(ladders, "select count(*) from ladder where line = main_line and (over_odds > -100 or under_odds > -100)") == [(0,)]
    # a line above the main: over plus-money, under more negative (and vice versa)
    above = q(ladders, """select count(*) filter (where over_odds < 100 or under_odds >= main_under), count(*) from (
        select *, max(under_odds) filter (where line = main_line) over g as main_under from ladder
        window g as (partition by bookmaker, snapshot_at, player_lookup, game_id)) where line > main_line""")[0]
    below = q(ladders, """select count(*) filter (where under_odds < 100 or over_odds >= main_over), count(*) from (
        select *, max(over_odds) filter (where line = main_line) over g as main_over from ladder
        window g as (partition by bookmaker, snapshot_at, player_lookup, game_id)) where line < main_line""")[0]
    assert above[0] == below[0] == 0 and above[1] > 100_000 and below[1] > 100_000
    # the further from the main line, the more skewed: p_over falls, p_under rises with the line
    not_monotone = q(ladders, """select count(*) from (
        select p_over - lag(p_over) over g as d_over, p_under - lag(p_under) over g as d_under from ladder
        window g as (partition by bookmaker, snapshot_at, player_lookup, game_id order by line))
        where d_over >= 0 or d_under <= 0""")
    assert not_monotone == [(0,)]
    # the main line sits inside its ladder (lines below and above it)
    ends = q(ladders, """select count(*) from (select min(line) lo, max(line) hi, any_value(main_line) m from ladder
                          group by bookmaker, snapshot_at, player_lookup, game_id) where m - lo < 1 or hi - m < 1""")
    assert ends == [(0,)]


def test_main_lines_move_between_snapshots(season, ladders):
    moved_main = q(ladders, """select count(*) from (
        select bookmaker, player_lookup, game_id from ladder group by all having count(distinct main_line) > 1)""")[0][0]
    moved_single = q(season, f"""select count(*) from (select bookmaker, player_lookup, game_id from {ODDS}
        where bookmaker in {tuple(gen.BOOKS)} group by all having count(distinct points_line) > 1)""")[0][0]
    groups = q(ladders, "select count(distinct (bookmaker, player_lookup, game_id)) from ladder")[0][0]
    assert 0.05 < moved_main / groups < 0.25  # P_LINE_MOVE 0.07 per snapshot: ~13 %
    assert moved_single > 5_000


def test_null_prices_are_a_side_not_offered(season, ladders):
    by_kind = dict(q(season, f"""select bookmaker in {tuple(gen.LADDER_BOOKS)} as ladder,
        count(*) filter (where over_odds is null or under_odds is null) from {ODDS} group by 1"""))
    assert by_kind[False] > 1_000 and by_kind[True] > 50_000
    assert q(season, f"select count(*) from {ODDS} where over_odds is null and under_odds is null") == [(0,)]
    # a ladder line missing a side is 1.5 or more from the main line and keeps its plus-money side
    bad = q(ladders, """select count(*) from ladder where (over_odds is null or under_odds is null)
        and (abs(line - main_line) < 1.5 or coalesce(over_odds, under_odds) < 100)""")
    assert bad == [(0,)]


def test_partial_book_quotes_only_the_top_scorers_of_a_game(season):
    rows = q(season, f"""
        with dk as (select snapshot_at, game_id, player_lookup, points_line from {ODDS} where bookmaker = 'draftkings'),
        part as (select snapshot_at, game_id, player_lookup from {ODDS} where bookmaker = ?)
        select dk.snapshot_at, dk.game_id, count(part.player_lookup), count(*),
               avg(dk.points_line) filter (where part.player_lookup is not null),
               avg(dk.points_line) filter (where part.player_lookup is null)
        from dk left join part using (snapshot_at, game_id, player_lookup) group by all""", [gen.PARTIAL_BOOK])
    assert len(rows) > 3_000
    assert all(quoted < 0.5 * players for _, _, quoted, players, _, _ in rows)
    quoted = collections.Counter(n for _, _, n, *_ in rows)
    assert set(quoted) <= {1, 2, 3} and quoted[3] > 0.95 * len(rows)
    gaps = [float(top) - float(rest) for *_, top, rest in rows if top is not None]
    assert statistics.mean(gaps) > 5 and sum(g > 0 for g in gaps) / len(gaps) > 0.97
    # it quotes nobody draftkings does not
    assert q(season, f"""select count(*) from {ODDS} p where bookmaker = ? and not exists (select 1 from {ODDS} d
        where d.bookmaker = 'draftkings' and d.snapshot_at = p.snapshot_at and d.game_id = p.game_id
        and d.player_lookup = p.player_lookup)""", [gen.PARTIAL_BOOK]) == [(0,)]


def test_spellings_differ_between_feeds_and_fold_to_one_key(season):
    fold = FOLD.format("o.player_lookup")
    # the name-key book sends names (capitals, spaces, accents), never the folded key ...
    n, unfolded, accented, orphans = q(season, f"""select count(*), count(*) filter (where o.player_lookup <> {fold}),
        count(*) filter (where o.player_lookup <> strip_accents(o.player_lookup)),
        count(*) filter (where c.player_lookup is null)
        from {ODDS} o left join {CTX} c on c.game_id = o.game_id and c.player_lookup = {fold}
        where o.bookmaker = ?""", [gen.NAME_KEY_BOOK])[0]
    assert n > 40_000 and unfolded == n and accented > 500 and orphans == 0
    # ... every other book sends folded keys
    assert q(season, f"select count(*) from {ODDS} o where bookmaker <> ? and player_lookup <> {fold}",
             [gen.NAME_KEY_BOOK]) == [(0,)]
    # accented in the context feed and the name-key book, plain in the box scores
    ctx = dict(q(season, f"select distinct player_lookup, player_full_name from {CTX} where player_lookup = 'nikolajokic'"))
    box = dict(q(season, f"select distinct player_lookup, player_full_name from {SUM} where player_lookup = 'nikolajokic'"))
    book = {k for (k,) in q(season, f"select distinct player_lookup from {ODDS} o where bookmaker = ? and {fold} = 'nikolajokic'",
                            [gen.NAME_KEY_BOOK])}
    assert ctx == {"nikolajokic": "Nikola Jokić"} and box == {"nikolajokic": "Nikola Jokic"} and book == {"Nikola Jokić"}
    assert q(season, f"select count(*) from {ODDS} where bookmaker = ? and player_lookup = 'Kelly Oubre Jr.'",
             [gen.NAME_KEY_BOOK])[0][0] > 0


def test_box_score_rows_without_context(season):
    # bench rows: inactive (no points, no minutes) or dnp (0 and 0) for a player no context
    # row, prediction or odds covers in that game
    bench = q(season, f"""select count(*) filter (where player_status = 'inactive' and points is null),
                                 count(*) filter (where player_status = 'dnp' and points = 0 and minutes_played = 0)
        from {SUM} s anti join {CTX} c using (player_lookup, game_id)
        where player_status in ('inactive', 'dnp')""")[0]
    assert bench[0] > 80 and bench[1] > 80
    # players in the box scores the prediction pipeline never covered all season
    never = q(season, f"select count(distinct player_lookup) from {SUM} anti join {CTX} using (player_lookup)")[0][0]
    assert never > 10
    # ... while every prediction has its context row
    no_ctx_pred = q(season, f"select count(*) from {PRED} anti join {CTX} using (player_lookup, game_id)")
    assert no_ctx_pred == [(0,)]


def test_postponed_game_has_predictions_and_never_a_box_score(season):
    games = q(season, f"""select game_id, min(game_date) from {CTX} c
        where game_date < ? and not exists (select 1 from {SUM} s where s.game_id = c.game_id) group by 1""",
              [FULL_TODAY])
    assert len(games) == 1
    (game_id, day), = games
    teams = q(season, f"select distinct team_abbr from {CTX} where game_id = ?", [game_id])
    assert len(teams) == 2
    candidates = q(season, f"""select count(*) from {PRED} where game_id = ? and system_id = 'catboost_v9' and is_active
                               and recommendation in ('OVER', 'UNDER')""", [game_id])[0][0]
    assert candidates > 0
    assert q(season, f"select count(*) from {ODDS} where game_id = ?", [game_id])[0][0] > 0
    assert q(season, f"select count(*) from {LIVE} where game_id = ?", [game_id]) == [(0,)]
    # box scores of later dates exist, the same day's other games have theirs, and both
    # teams play (and have box scores) again
    assert q(season, f"select max(game_date) from {SUM}")[0][0] > day
    assert q(season, f"select count(distinct game_id) from {SUM} where game_date = ?", [day])[0][0] >= 4
    for (team,) in teams:
        assert q(season, f"select count(*) from {SUM} where team_abbr = ? and game_date > ?", [team, day])[0][0] > 0


def test_signal_tags(season):
    tags = collections.Counter(t for (t,) in q(season, f"select unnest(signal_tags) from {TAGS}"))
    assert gen.GHOST_TAG in tags and gen.GHOST_TAG not in gen.SIGNAL_ALLOWLIST
    assert set(tags) - {gen.GHOST_TAG} <= set(gen.SIGNAL_ALLOWLIST)
    assert len(set(tags) & set(gen.SIGNAL_ALLOWLIST)) == len(gen.SIGNAL_ALLOWLIST)
    n_rows, n_ghost = q(season, f"select count(*), count(*) filter (where list_contains(signal_tags, ?)) from {TAGS}", [gen.GHOST_TAG])[0]
    assert 0.02 < n_ghost / n_rows < 0.09
    assert q(season, f"select max(len(list_filter(signal_tags, lambda t: t <> ?))) from {TAGS}", [gen.GHOST_TAG])[0][0] <= 3
    assert {r[0] for r in q(season, f"select distinct system_id from {TAGS}")} == set(gen.TAGGED_SYSTEMS)
    untagged = q(  # every OVER / UNDER run shown before the tip-off is tagged (an in-game re-run is not)
        season,
        f"""select count(*) from {BEFORE_TIPOFF} p where p.system_id = 'catboost_v9' and p.newest = 1
              and p.recommendation in ('OVER', 'UNDER')
              and not exists (select 1 from {TAGS} t where t.game_date = p.game_date
                              and t.player_lookup = p.player_lookup and t.system_id = p.system_id)""",
    )[0][0]
    assert untagged == 0
    # three tags' rules, both ways: high_edge for an edge of 5 or more, b2b_fatigue when the team played the day
    # before, rest_advantage when it played neither of the two days before and its opponent played the day before.
    # A rule met may lack its tag only when it left the pick 3 others (of more than 3 drawn, 3 are kept).
    played_on = "exists (select 1 from schedule s where s.team_abbr = c.{} and s.game_date = c.game_date - {})"
    rules = q(season, f"""
        with schedule as (  -- every team's game days: the box scores', and the context's (tonight, the postponed game)
            select team_abbr, game_date from {SUM} union select team_abbr, game_date from {CTX}
        ),
        tagged as (
            select list_filter(t.signal_tags, lambda x: x <> ?) as tags,
                   abs(p.predicted_points - p.current_points_line) >= 5 as high_edge,
                   {played_on.format("team_abbr", 1)} as b2b_fatigue,
                   not {played_on.format("team_abbr", 1)} and not {played_on.format("team_abbr", 2)}
                       and {played_on.format("opponent_team_abbr", 1)} as rest_advantage
            from {TAGS} t
            join {BEFORE_TIPOFF} p on p.newest = 1 and p.game_date = t.game_date
                and p.player_lookup = t.player_lookup and p.system_id = t.system_id
            join {CTX} c on c.player_lookup = p.player_lookup and c.game_id = p.game_id)
        select tag, count(*) filter (where met), count(*) filter (where met <> list_contains(tags, tag)
                                                                   and (not met or len(tags) < 3))
        from (select 'high_edge' as tag, high_edge as met, tags from tagged
              union all select 'b2b_fatigue', b2b_fatigue, tags from tagged
              union all select 'rest_advantage', rest_advantage, tags from tagged)
        group by 1 order by 1""", [gen.GHOST_TAG])
    assert [(tag, wrong) for tag, _, wrong in rules] == [("b2b_fatigue", 0), ("high_edge", 0), ("rest_advantage", 0)]
    assert all(met > 0 for _, met, _ in rules)


def test_names(season):
    ctx = {n for (n,) in q(season, f"select distinct player_full_name from {CTX}")}
    assert "Nikola Jokić" in ctx and "Luka Dončić" in ctx and "Alperen Şengün" in ctx
    assert "Nikola Jokic" not in ctx
    box = {n for (n,) in q(season, f"select distinct player_full_name from {SUM}")}
    assert "Nikola Jokic" in box and "Luka Doncic" in box and "Alperen Sengun" in box
    assert all(n.isascii() for n in box)  # the real box scores' spelling
    for table in (CTX, SUM):
        pairs = q(season, f"select distinct player_lookup, player_full_name from {table}")
        assert all(gen.player_lookup(name) == key for key, name in pairs)


def test_game_ids_and_tipoffs(season):
    assert q(season, f"select count(*) from {CTX} where not regexp_full_match(game_id, '00224\\d{{5}}')")[0][0] == 0
    hours = {h for (h,) in q(season, f"select distinct hour(game_start_at) from {CTX}")}
    assert hours <= {23, 0, 1, 2}
    late = q(season, f"select count(*) from {CTX} where game_start_at < game_date + interval 23 hour "
                     "or game_start_at > game_date + interval 26 hour + interval 30 minute")[0][0]
    assert late == 0


# ---------------------------------------------------------------- models


def test_model_attribution(season):
    files = q(
        season,
        f"""select model_file_name, min(game_date), max(game_date), any_value(model_training_end_date)
            from {PRED} where system_id = 'catboost_v9' group by 1 order by 2""",
    )
    assert len(files) >= 6  # retrained monthly
    for name, first, last, end in files:
        assert name.endswith(".cbm")
        assert first.month == last.month and end == first.replace(day=1) - dt.timedelta(days=1)
    # its window: the two years before the retraining day, e.g. November 2024's model trained on 2022-11-01..2024-10-31
    windows = q(season, f"select distinct model_training_start_date, model_training_end_date from {PRED}"
                        " where system_id = 'catboost_v9'")
    assert (dt.date(2022, 11, 1), dt.date(2024, 10, 31)) in windows
    retrained = [(start, end + dt.timedelta(days=1)) for start, end in windows]
    assert all(start == day.replace(year=day.year - 2) for start, day in retrained)
    # a new build of the prediction service every two weeks: each serves 14 days (game days on the first and the
    # last of them) but the season's first and last, which serve part of theirs; one revision name a build
    builds = q(season, f"""select count(distinct deployment_revision), datediff('day', min(game_date), max(game_date))
                          from {PRED} group by build_commit_sha order by min(game_date)""")
    assert {revisions for revisions, _ in builds} == {1}
    spans = [span for _, span in builds]
    assert len(spans) > 10 and spans[1:-1] == [13] * (len(spans) - 2) and max(spans[0], spans[-1]) <= 13
    ext = dict(q(season, f"select system_id, any_value(regexp_extract(model_file_name, '\\.\\w+$')) from {PRED} group by 1"))
    assert ext["xgboost_v2"] == ".json" and ext["lightgbm_v3"] == ".txt" and ext["catboost_v8"] == ".cbm"
    bad = q(
        season,
        f"""select count(*) from {PRED} where not regexp_full_match(build_commit_sha, '[0-9a-f]{{40}}')
              or not regexp_full_match(deployment_revision, 'prediction-worker-\\d{{5}}-[a-z]{{3}}')
              or model_expected_mae not between 4.5 and 6.0 or model_expected_hit_rate not between 0.52 and 0.62
              or model_training_start_date >= model_training_end_date or model_trained_at::date <= model_training_end_date""",
    )[0][0]
    assert bad == 0


def test_model_registry(season):
    rows = q(season, f"select system_id, model_family, is_production, is_enabled, model_file_name, training_end_date from {REG}")
    by_id = {r[0]: r for r in rows}
    assert list(by_id) == gen.SYSTEM_IDS
    for s in gen.SYSTEMS:
        assert by_id[s.id][1:4] == (s.family, s.is_production, s.is_enabled)
    assert by_id["catboost_v9"][2] is True
    assert 3 <= sum(s.is_production for s in gen.SYSTEMS) <= 4
    assert sum(not s.is_enabled for s in gen.SYSTEMS) == 1
    latest = q(season, f"select model_file_name from {PRED} where system_id = 'catboost_v9' order by game_date desc limit 1")[0][0]
    assert by_id["catboost_v9"][4] == latest
    # a model is registered after it was trained (its predictions say when)
    early = q(season, f"""select count(*) from {REG} r join {PRED} p using (model_file_name)
                         where r.registered_at <= p.model_trained_at""")
    assert early == [(0,)]
    for key in ("catboost_v9", "catboost_v9_202602", "catboost_v8", "ensemble_v1", "similarity_v1", "xgboost_v2"):
        assert key in gen.SYSTEM_IDS
    assert len(gen.SYSTEMS) == 12


def test_model_registry_as_of_a_day_of_an_earlier_season_or_after_the_last_game():
    """The registry as the upstream had it on a day: on 2023-11-20 of two seasons (2023-24, 2024-25) every model's
    window ends before that day, the champion's on 2023-10-31 (retrained on 2023-11-01, two years of games); after
    the last game of 2024-25 (2025-04-13), the champion is the one retrained on 2025-04-01."""
    plans = season_data.plan_seasons(2)
    start, end = (schema.columns(REG).index(name) for name in ("training_start_date", "training_end_date"))

    def windows(as_of: dt.date) -> dict[str, tuple]:
        return {row[0]: (row[start], row[end]) for row in gen._registry_rows(plans, as_of)}

    november = windows(dt.date(2023, 11, 20))
    assert november["catboost_v9"] == (dt.date(2021, 11, 1), dt.date(2023, 10, 31))
    assert all(last < dt.date(2023, 11, 20) for _, last in november.values())
    assert windows(dt.date(2025, 6, 1))["catboost_v9"] == (dt.date(2023, 4, 1), dt.date(2025, 3, 31))


# ---------------------------------------------------------------- seasons


def test_season_plan():
    plans = season_data.plan_seasons(5)
    assert [p.label for p in plans] == ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    assert [p.source_year for p in plans] == [2024, 2023, 2024, 2023, 2024]
    assert [p.opening for p in plans][:3] == [dt.date(2020, 12, 22), dt.date(2021, 10, 19), dt.date(2022, 10, 18)]
    replay = season_data.season_rows(plans[2])
    assert min(r.game_date for r in replay) == dt.date(2022, 10, 18)
    assert {r.game_id[:5] for r in replay} == {"00222"}
    assert len({r.game_id for r in replay}) == len({r.game_id for r in season_data.load_source(2024)})
    with pytest.raises(ValueError):
        season_data.plan_seasons(0)


def test_a_replayed_season_is_the_real_one_moved_to_its_opening_night():
    """2022-23 replays 2024-25 (source label 2024-25), shifted from 2024-10-22 to its own opening night, 2022-10-18
    (735 days back). Jrue Holiday's real opening-night row (the shipped file: BOS at home against NYK, 31 minutes,
    18 points, game 0022400061) comes on 2022-10-18 as game 0022200061, every other field as it was; the season's
    last night, 2025-04-13 in the file, is 2023-04-09 (2022-23's real last night). Every season the plan knows can
    be asked for, and one more cannot."""
    plans = season_data.plan_seasons(5)
    assert [p.source_label for p in plans[1:3]] == ["2023-24", "2024-25"]
    real = season_data.BoxRow(dt.date(2024, 10, 22), "0022400061", "Jrue Holiday", "BOS", "NYK", True, 31.0, 18)
    assert real in season_data.load_source(2024)
    replayed = [r for r in season_data.season_rows(plans[2]) if r.player == "Jrue Holiday"
                and r.game_date == dt.date(2022, 10, 18)]
    assert replayed == [season_data.BoxRow(dt.date(2022, 10, 18), "0022200061", "Jrue Holiday", "BOS", "NYK", True,
                                           31.0, 18)]
    assert season_data.last_game_date(plans[2]) == dt.date(2023, 4, 9)
    assert season_data.last_game_date(plans[-1]) == dt.date(2025, 4, 13)
    assert season_data.plan_seasons(season_data.MAX_SEASONS)[0].label == "2005-06"
    with pytest.raises(ValueError):
        season_data.plan_seasons(season_data.MAX_SEASONS + 1)


# ---------------------------------------------------------------- loader, CLI, fixture


def test_load_tables_is_atomic(tmp_path):
    path = tmp_path / "wh.duckdb"
    schema.load_tables(path, {LIVE: [("0022400001", dt.date(2024, 10, 22), "a", 3, "10:00", "in_progress", 3, "01:00", dt.datetime(2024, 10, 22, 23, 0))]})
    with pytest.raises(ValueError, match=rf"^{LIVE}\.game_date \(DATE\): "):
        schema.load_tables(path, {LIVE: [("0022400001", "not a date", "a", 3, "10:00", "in_progress", 3, "01:00", None)]})
    assert not os.path.exists(str(path) + ".tmp")
    con = duckdb.connect(str(path), read_only=True)
    assert q(con, f"select count(*) from {LIVE}")[0][0] == 1
    con.close()


def test_load_tables_takes_each_documented_shape_of_rows_and_names_what_it_refuses(tmp_path):
    """Rows as a dict of columns (a column left out is null), as dicts, or as tuples in column order; an unknown table
    or column, or a tuple of another width, is refused naming it. A temporary file left by a killed run and the
    write-ahead log of the file replaced are removed; ``finish`` writes into the temporary file and its counts are
    returned with the tables'."""
    path = tmp_path / "wh.duckdb"
    (tmp_path / "wh.duckdb.tmp").write_bytes(b"left by a killed run")
    (tmp_path / "wh.duckdb.wal").write_bytes(b"the old file's log")

    def finish(tmp: str) -> dict[str, int]:
        with duckdb.connect(tmp) as con:
            con.execute("create table main.extra as select 7 as n")
        return {"main.extra": 1}

    # values at the edge of their types arrive as given: the largest DECIMAL(9,3), a timestamp's microseconds
    updated_at = dt.datetime(2025, 1, 14, 23, 5, 1, 123456)
    counts = schema.load_tables(path, {REG: {"system_id": ["a", "b"]}, TAGS: [{"player_lookup": "x"}],
                                       LIVE: [("g", None, "y", 3, None, None, None, None, updated_at)],
                                       PRED: {"prediction_id": ["p"], "predicted_points": [999999.999]}}, finish=finish)
    assert (counts[REG], counts[TAGS], counts[LIVE], counts[PRED], counts["main.extra"]) == (2, 1, 1, 1, 1)
    assert sorted(os.listdir(tmp_path)) == ["wh.duckdb"]
    with duckdb.connect(str(path), read_only=True) as con:
        assert q(con, f"select system_id, is_production from {REG} order by 1") == [("a", None), ("b", None)]
        assert q(con, "select n from main.extra") == [(7,)]
        assert q(con, f"select updated_at from {LIVE}") == [(updated_at,)]
        assert q(con, f"select predicted_points::varchar from {PRED}") == [("999999.999",)]
    refusals = [({"nba_raw.nope": []}, "unknown tables ['nba_raw.nope']"),
                ({REG: {"system_id": ["a"], "nope": [1]}}, f"{REG}: unknown columns ['nope']"),
                ({TAGS: [{"player_lookup": "x", "nope": 1}]}, f"{TAGS}: unknown columns ['nope']"),
                ({LIVE: [("g", None, "y")]}, f"{LIVE}: row has 3 values, expected 9")]
    for tables, message in refusals:
        with pytest.raises(ValueError) as refused:
            schema.load_tables(path, tables)
        assert str(refused.value).startswith(message)


def test_generate_moves_its_warehouse_into_place_only_with_the_replay_finals(tmp_path, monkeypatch):
    """--help promises OUT is moved into place only when complete: a run killed while it writes the replay's finals
    (the last table) used to leave OUT in place without them (live_replay: "no sample_replay.final_boxscores"),
    which `make sample` then took for up to date. The earlier file stays as it was, and no temporary file is left."""
    path = tmp_path / "wh.duckdb"
    path.write_bytes(b"the earlier sample")
    monkeypatch.setattr(gen, "generate", lambda seasons, seed, today, log, finals: {LIVE: []})

    def killed(where, rows):
        assert where == f"{path}.tmp"  # written into the temporary file, before the move
        raise KeyboardInterrupt

    write_finals = gen.live_replay.write_finals
    monkeypatch.setattr(gen.live_replay, "write_finals", killed)
    with pytest.raises(KeyboardInterrupt):
        gen.main(["--seasons", "1", "--out", str(path)])
    assert path.read_bytes() == b"the earlier sample"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]
    monkeypatch.setattr(gen.live_replay, "write_finals", write_finals)  # not killed: the file, finals included
    assert gen.main(["--seasons", "1", "--out", str(path)]) == 0
    with duckdb.connect(str(path), read_only=True) as con:
        assert q(con, f"select count(*) from {gen.live_replay.REPLAY_TABLE}") == [(0,)]
        assert q(con, f"select count(*) from {LIVE}") == [(0,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]


@pytest.mark.parametrize("out", ["file/g.duckdb", "."])
def test_generate_names_an_out_it_cannot_write_before_building_rows(tmp_path, monkeypatch, capsys, out):
    """--out under a regular file, or a folder: a usage error naming --out (exit 2) before any row is built; it was a
    traceback (FileExistsError, IsADirectoryError) once the season was generated."""
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setattr(gen, "generate", lambda *args: pytest.fail("rows built before --out was checked"))
    with pytest.raises(SystemExit) as exit_:
        gen.main(["--seasons", "1", "--out", str(tmp_path / out)])
    assert exit_.value.code == 2
    assert f"error: --out {tmp_path / out}: " in capsys.readouterr().err


def test_generate_refuses_an_empty_out_before_building_rows(monkeypatch, capsys):
    """--out "$OUT" with OUT unset: a usage error; it was a FileNotFoundError traceback once the season was built."""
    monkeypatch.setattr(gen, "generate", lambda *args: pytest.fail("rows built before --out was checked"))
    with pytest.raises(SystemExit) as exit_:
        gen.main(["--seasons", "1", "--out", ""])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "error: --out is empty: name the warehouse file to write (e.g. .warehouse/props.duckdb)")


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as exc:
        gen.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--seasons", "--seed", "--out", "--today"):
        assert flag in out


@pytest.mark.parametrize(("cut", "fields"), [(-1, "8"), (None, "10")])
def test_fixture_row_with_a_field_too_few_or_too_many_is_named(tmp_path, capsys, cut, fields):
    """A row with a cell lost (short) or one too many (a stray comma: extra fields): its file and line, and the
    counts. It used to load, the short row's last cells null and the extras dropped."""
    source = os.path.join(TINY, f"{SUM}.csv")
    with open(source, encoding="utf-8") as fh:
        header, first, *rest = fh.read().splitlines()
    assert len(header.split(",")) == 9  # the counts below, worked out by hand
    broken = ",".join(first.split(",")[:cut]) if cut else first + ",extra"
    src = tmp_path / "src"
    src.mkdir()
    (src / f"{SUM}.csv").write_text("\n".join([header, first, broken, *rest]) + "\n", encoding="utf-8")
    out = tmp_path / "fx.duckdb"
    assert fixture.main(["--src", str(src), "--out", str(out)]) == 1
    assert capsys.readouterr().err == f"error: {src / SUM}.csv:3: {fields} field(s), the header has 9\n"
    assert not out.exists()


def test_tiny_fixture(tmp_path):
    path = tmp_path / "tiny.duckdb"
    counts = fixture.load_fixture(TINY, path)
    assert counts[PRED] == 11 and counts[REG] == 2 and counts[SUM] == 5 and counts[LIVE] == 2
    con = duckdb.connect(str(path), read_only=True)
    cols = q(con, f"select column_name from information_schema.columns where table_schema || '.' || table_name = '{PRED}' order by ordinal_position")
    assert [c for (c,) in cols] == schema.columns(PRED)
    assert q(con, f"select current_points_line from {PRED} where prediction_id = 'p-0008'") == [(None,)]
    assert q(con, f"select count(*) from {PRED} where not is_active") == [(1,)]
    assert q(con, f"select points, minutes_played from {SUM} where player_status = 'inactive'") == [(None, None)]
    tags = dict(q(con, f"select player_lookup, signal_tags from {TAGS} where game_date = '2025-01-14'"))
    assert tags["lukadoncic"] == ["high_edge", gen.GHOST_TAG] and tags["tyresemaxey"] == []
    assert ("Nikola Jokić",) in q(con, f"select distinct player_full_name from {CTX}")
    con.close()


def test_fixture_cells_parse_as_the_loader_documents(tmp_path, capsys):
    """sample_data/fixture.py's docstring, cell by cell: booleans also as t/f, 1/0, yes/no in any case; a timestamp
    with Z, z or an offset stored as naive UTC; a list's items trimmed; a decimal to 3 places. A cell no rule reads
    is named by file, line and column; a file of no upstream table, or a --src that is no folder, is refused."""
    registry = tmp_path / f"{REG}.csv"
    registry.write_text("system_id,is_production,is_enabled,registered_at\n"
                        "a,yes,no,2025-01-14T17:15:00Z\nb,Y,N,2025-01-14 12:15:00-05:00\n"
                        "c,TRUE,f,2025-01-14 17:15:00z\nd,1,0,2025-01-14 17:15:00\n", encoding="utf-8")
    rows = fixture.read_csv(REG, str(registry))
    assert [(r["is_production"], r["is_enabled"]) for r in rows] == [(True, False)] * 4
    assert {r["registered_at"] for r in rows} == {dt.datetime(2025, 1, 14, 17, 15)}
    tags = tmp_path / f"{TAGS}.csv"
    tags.write_text("game_date,player_lookup,signal_tags\n2025-01-14,a, high_edge | hot_streak \n", encoding="utf-8")
    assert fixture.read_csv(TAGS, str(tags))[0]["signal_tags"] == ["high_edge", "hot_streak"]
    predictions = tmp_path / f"{PRED}.csv"
    predictions.write_text("prediction_id,current_points_line\np,20.1234\n", encoding="utf-8")
    assert fixture.read_csv(PRED, str(predictions))[0]["current_points_line"] == 20.123
    registry.write_text("system_id,is_enabled\na,true\nb,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        fixture.read_csv(REG, str(registry))
    assert str(refused.value) == f"{registry}:3: column is_enabled (BOOLEAN): not a boolean: 'maybe'"
    src = tmp_path / "src"
    src.mkdir()
    (src / "nba_predictions.predictions.csv").write_text("prediction_id\np\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no upstream table 'nba_predictions\.predictions'"):
        fixture.load_fixture(src, tmp_path / "out.duckdb")
    with pytest.raises(SystemExit) as usage:
        fixture.main(["--src", str(registry), "--out", str(tmp_path / "out.duckdb")])
    assert usage.value.code == 2 and f"--src {str(registry)!r} is not a directory" in capsys.readouterr().err


def test_fixture_rejects_unknown_columns(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / f"{REG}.csv").write_text("system_id,not_a_column\nx,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not_a_column"):
        fixture.load_fixture(src, tmp_path / "out.duckdb")
    assert not os.path.exists(tmp_path / "out.duckdb")
