"""Production on BigQuery: the same project built by dbt-bigquery on a local BigQuery
emulator, published through the same publisher code, gives JSON byte-identical to DuckDB's.

The warehouse is the hand-built fixture tests/warehouses/pick_engine/ (three days, every
rule worked by hand in test_pick_engine.py) plus, so that every endpoint and every
BigQuery-specific path has data, signal tags (ARRAY<STRING>: UNNEST, a ghost tag, an empty
list, repeated and mis-cased tags) and a live snapshot of the third night (game clock
strings, an older update superseded, an accented raw player key, a row without clock).
The same DuckDB file is built by dbt-duckdb and copied into the emulator
(sample_data.bigquery), then both builds run side by side and both sites are published
with a pinned --generated-at.

Needs .venv-bq (`make env-bq`); without it these tests FAIL, they never skip.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from bigquery_layout import APPEND_ONLY, LAYOUT
from bq_emulator import PROJECT, BigQueryRun, Emulator, relation, source_freshness
from pipeline import FIXTURES, GENERATED_AT, NO_UNIT, PROJECT_DIR, fixture_run, new_run

from sample_data.bigquery import load_warehouse
from sample_data.fixture import load_fixture
from test_freshness import judged

SIGNAL_TAGS = """game_date,player_lookup,system_id,signal_tags
2025-01-06,cadecunningham,catboost_v9,high_edge|hot_streak
2025-01-06,nikolajokic,catboost_v9,High_Edge| pace_up
2025-01-06,jalenbrunson,catboost_v9,legacy_pace_flag
2025-01-06,derrickwhite,catboost_v9,[]
2025-01-07,donovanmitchell,catboost_v9,high_edge|high_edge|cold_streak
2025-01-07,evanmobley,catboost_v9,b2b_fatigue|rest_advantage
2025-01-07,alexbrown,catboost_v9,home_underdog
2025-01-08,shaigilgeousalexander,catboost_v9,high_edge|minutes_surge
2025-01-08,devinbooker,xgboost_v2,high_edge
"""

LIVE_BOXSCORES = """game_id,game_date,player_lookup,points,minutes,game_status,period,clock,updated_at
0022400505,2025-01-08,shaigilgeousalexander,20,25:00,in_progress,3,02:11,2025-01-09 02:20:00
0022400505,2025-01-08,shaigilgeousalexander,26,30:15,in_progress,4,05:30,2025-01-09 02:40:00
0022400505,2025-01-08,devinbooker,14,28:44,in_progress,4,05:30,2025-01-09 02:40:00
0022400505,2025-01-08,jalenwilliams,0,00:00,in_progress,4,05:30,2025-01-09 02:40:00
0022400505,2025-01-08,Kevin Durant,20,33:00,in_progress,4,05:30,2025-01-09 02:40:00
0022400505,2025-01-08,chétholmgren,9,21:07,in_progress,4,05:30,2025-01-09 02:39:00
0022400505,2025-01-08,aaronwiggins,2,10:00,in_progress,4,,2025-01-09 02:40:00
"""

FACT = "int_subset_results_daily"


def parity_fixture(folder: Path) -> Path:
    """pick_engine's CSVs plus the signal tags and the live snapshot above."""
    shutil.copytree(FIXTURES / "pick_engine", folder)
    (folder / "nba_predictions.pick_signal_tags.csv").write_text(SIGNAL_TAGS, encoding="utf-8")
    (folder / "nba_raw.live_boxscores.csv").write_text(LIVE_BOXSCORES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("bigquery")
    timings = {}
    with Emulator(root) as emulator:  # fails (never skips) without .venv-bq
        duck = new_run(root / "duckdb")
        load_fixture(parity_fixture(root / "fixture"), duck.warehouse)
        bq = BigQueryRun(root / "bigquery", endpoint=emulator.endpoint)
        bq.root.mkdir()
        shutil.copyfile(PROJECT_DIR / "profiles.yml.example", bq.root / "profiles.yml")

        started = time.monotonic()
        client = emulator.client()
        load_warehouse(duck.warehouse, client, PROJECT)
        client.close()
        timings["load"] = time.monotonic() - started

        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            duck_build = pool.submit(duck.dbt, "build", *NO_UNIT)  # test_demo's build runs the unit tests on DuckDB
            bq_build = pool.submit(bq.dbt, "build", check=False)
            duck_build.result()
            bq_done = bq_build.result()
        timings["builds"] = time.monotonic() - started
        for run in (duck, bq):  # the build's own results: the publisher gates on them (later tests run `dbt run`)
            shutil.copyfile(run.root / "target" / "run_results.json", run.root / "build_results.json")

        started = time.monotonic()
        duck_exit = duck.publish("--all-dates")  # generated_at pinned by pipeline.Run.publish
        bq_exit = bq.publish("--all-dates") if bq_done.returncode == 0 else None
        timings["publish"] = time.monotonic() - started
        print(f"\nBigQuery emulator timings: {', '.join(f'{k} {v:.1f}s' for k, v in timings.items())}")
        yield SimpleNamespace(duck=duck, bq=bq, bq_build=bq_done, duck_exit=duck_exit, bq_exit=bq_exit,
                              timings=timings)


STALLED = "test.nba_props.live_game_not_updated"


def run_results(run) -> list[dict]:
    return json.loads((run.root / "target" / "run_results.json").read_text())["results"]


def manifest(run) -> dict:
    return json.loads((run.root / "target" / "manifest.json").read_text())


def site_files(run) -> dict[str, bytes]:
    """The public site's files by path, then the private destination's (admin/...; its manifest as private:...)."""
    private = {("private:" if p.name == "manifest.json" and p.parent == run.admin_site else "") + str(
        p.relative_to(run.admin_site)): p.read_bytes() for p in sorted(run.admin_site.rglob("*")) if p.is_file()}
    return {**{str(p.relative_to(run.site)): p.read_bytes() for p in sorted(run.site.rglob("*")) if p.is_file()},
            **private}


def test_emulator_build_passes_every_model_test_and_unit_test(built):
    done = built.bq_build
    assert done.returncode == 0, f"dbt build --target bq_emulator failed:\n{done.stdout[-8000:]}\n{done.stderr[-2000:]}"
    results = run_results(built.bq)
    # exposures are part of `dbt build` and always report no-op
    failed = [(r["unique_id"], r["status"], r.get("message")) for r in results
              if r["status"] not in ("success", "pass") and not r["unique_id"].startswith(("exposure.", STALLED))]
    assert failed == []
    # the builds run at the wall clock, long after the fixture's live night: its game in progress is a stalled
    # feed to tests/data/live_game_not_updated.sql on both warehouses alike (dbt.datediff in minutes)
    assert [(r["status"], r["failures"]) for r in results if r["unique_id"] == STALLED] == [
        (r["status"], r["failures"]) for r in json.loads((built.duck.root / "build_results.json").read_text())["results"]
        if r["unique_id"] == STALLED] == [("warn", 1)]
    nodes = manifest(built.bq)
    expected = {uid for uid, node in nodes["nodes"].items() if node["resource_type"] in ("model", "seed", "test")}
    expected |= set(nodes.get("unit_tests", {}))
    assert {r["unique_id"] for r in results if not r["unique_id"].startswith(("operation.", "exposure."))} == expected
    kinds = {uid.split(".")[0] for uid in expected}
    assert kinds == {"model", "seed", "test", "unit_test"}
    assert nodes["metadata"]["adapter_type"] == "bigquery"


def test_every_endpoint_is_byte_identical_to_duckdb(built):
    assert built.duck_exit == 0
    assert built.bq_exit == 0
    duck, bq = site_files(built.duck), site_files(built.bq)
    # v1/manifest.json lists generations (write times): compare its content hashes instead
    for name in ("manifest.json", "private:manifest.json"):
        duck_manifest, bq_manifest = json.loads(duck.pop(name)), json.loads(bq.pop(name))
        assert {p: o["hash"] for p, o in bq_manifest["objects"].items()} == \
            {p: o["hash"] for p, o in duck_manifest["objects"].items()}
    assert sorted(bq) == sorted(duck)
    different = [path for path in duck if duck[path] != bq[path]]
    assert different == [], f"differ between DuckDB and BigQuery: {different}"
    # every endpoint declared in the project published at least one file, on both engines
    declared = {node["config"]["meta"]["publish"]["path"] for node in manifest(built.duck)["nodes"].values()
                if (node.get("config", {}).get("meta") or {}).get("publish")}
    for template in declared:
        pattern = re.compile(re.escape(template).replace(re.escape("{date}"), r"\d{4}-\d{2}-\d{2}") + "$")
        assert any(pattern.match(path) for path in duck), f"no file for endpoint {template}"
    assert json.loads(duck["picks/2025-01-06.json"])["generated_at"] == GENERATED_AT


def test_bigquery_specific_paths_had_data(built):
    """The parity above covers the array, live-clock and accent paths only if they carry rows."""
    live = json.loads(site_files(built.bq)["live-grading/2025-01-08.json"])
    assert [p["status"] for p in live["picks"]] == ["in_progress", "trending_correct", "trending_correct"]
    assert [p["minutes"] for p in live["picks"]] == ["30:15", "28:44", "00:00"]
    tags = built.bq.query(f"select signal_tag, count(*) from {relation('staging', 'stg_nba_predictions__pick_signal_tags')}"
                          " group by 1 order by 1")
    assert dict(tags) == {"b2b_fatigue": 1, "cold_streak": 1, "high_edge": 5, "home_underdog": 1, "hot_streak": 1,
                          "legacy_pace_flag": 1, "minutes_surge": 1, "pace_up": 1, "rest_advantage": 1}
    keys = built.bq.query(f"select distinct player_lookup from {relation('staging', 'stg_nba_raw__live_boxscores')}"
                          " where player_lookup in ('kevindurant', 'chetholmgren') order by 1")
    assert keys == [("chetholmgren",), ("kevindurant",)]
    # the game's clock is its newest row's: a row without clock (aaronwiggins, same update and period) sorts last,
    # as on DuckDB (BigQuery sorts nulls first in an ascending order unless told)
    clocks = built.bq.query(f"select distinct game_clock from {relation('intermediate', 'int_live_boxscores')}")
    assert clocks == [("05:30",)]


def test_big_tables_are_partitioned_and_clustered_in_the_bigquery_ddl(built):
    nodes = {node["name"]: node for node in manifest(built.bq)["nodes"].values() if node["resource_type"] == "model"}
    incremental = {name for name, node in nodes.items() if node["config"]["materialized"] == "incremental"}
    assert incremental <= set(LAYOUT), f"a fact table without a declared layout: {incremental - set(LAYOUT)}"
    for name, (column, cluster_by) in LAYOUT.items():
        config = nodes[name]["config"]
        assert config["partition_by"] == {"field": column, "data_type": "date", "granularity": "day"}, name
        assert config.get("cluster_by") == cluster_by, name
        ddl = (built.bq.root / "target" / "run" / "nba_props" / nodes[name]["original_file_path"]).read_text()
        statement = re.search(r"create or replace table .*?\bas\s*\(", ddl, re.DOTALL | re.IGNORECASE).group(0)
        assert re.search(rf"\bpartition by {column}\b", statement), f"{name}: no partition clause:\n{statement}"
        if cluster_by:
            assert re.search(rf"\bcluster by {', '.join(cluster_by)}\b", statement), f"{name}: no cluster clause"
    fact = nodes[FACT]["config"]
    assert (fact["incremental_strategy"], fact["meta"]["rebuild_partitions"]) == ("insert_overwrite", True)
    assert "partitions" not in fact or fact["partitions"] is None


def test_duckdb_has_none_of_the_bigquery_layout(built):
    """BigQuery-only configs are guarded by target.type: DuckDB's manifest carries none of them."""
    for node in manifest(built.duck)["nodes"].values():
        if node["resource_type"] != "model":
            continue
        config = node["config"]
        assert config.get("partition_by") is None and not config.get("cluster_by"), node["name"]
        if node["name"] in APPEND_ONLY:
            assert (config["incremental_strategy"], config["unique_key"]) == ("append", None), node["name"]
        elif config["materialized"] == "incremental":
            assert (config["incremental_strategy"], config["unique_key"]) == ("replace_dates", LAYOUT[node["name"]][0])


def test_incremental_run_overwrites_a_static_list_of_partitions(built):
    """An incremental run's MERGE replaces a static list of date partitions: the dates from its rebuild start, here
    facts_lookback_days (3) before the newest date built, 2025-01-08: 2025-01-05 on. rebuild_from moves the start
    earlier, never later: given 2025-01-08, the run still replaces 01-06 and 01-07 (it used to replace 01-08 only,
    and so skipped for good a date a log named before it)."""
    table = relation("intermediate", FACT)
    select = f"select * from {table} order by game_date, subset_id"
    before = built.bq.query(select)
    done = built.bq.dbt("run", "-s", FACT, "--vars", "{rebuild_from: '2025-01-08'}", check=False)
    assert done.returncode == 0, done.stdout[-6000:]
    sql = (built.bq.root / "target" / "run" / "nba_props" / "models" / "intermediate" / "performance"
           / f"{FACT}.sql").read_text()
    assert "merge into" in sql and "declare" not in sql.lower()
    literals = re.search(r"game_date\) in \((.*?)\)\s*then delete", sql, re.DOTALL).group(1)
    assert re.findall(r"date '([\d-]+)'", literals) == ["2025-01-06", "2025-01-07", "2025-01-08"]
    after = built.bq.query(select)
    assert after == before
    assert len(after) == 3 * 9  # three days x nine active groups
    duck = built.duck.query(f"select * from props_intermediate.{FACT} order by game_date, subset_id")
    assert [tuple(str(v) for v in row) for row in after] == [tuple(str(v) for v in row) for row in duck]



def test_the_record_is_appended_by_a_merge_that_never_rewrites_a_row(built):
    """A second run of the record's models and of the logs on BigQuery: dbt-bigquery's MERGE without unique key
    joins ON FALSE and only inserts (no partition is replaced, no row updated or deleted);
    nothing new has tipped off, moved or changed upstream, so nothing is added and every row stays."""
    for name in APPEND_ONLY:
        table = relation("staging" if name.startswith("stg_") else "intermediate", name)  # the logs: one is staging's
        before = built.bq.query(f"select count(*) from {table}")
        done = built.bq.dbt("run", "-s", name, check=False)
        assert done.returncode == 0, done.stdout[-6000:]
        sql = next((built.bq.root / "target" / "run" / "nba_props").rglob(f"{name}.sql")).read_text().lower()
        assert re.search(r"merge into .*? on \(?false\)?", sql, re.DOTALL), f"{name}:\n{sql[:3000]}"
        assert "when not matched then insert" in sql
        assert "when matched" not in sql.replace("when not matched", "") and "delete" not in sql, name
        assert built.bq.query(f"select count(*) from {table}") == before, name


def test_a_recorded_column_of_another_type_stops_the_record_before_its_merge_on_bigquery(built):
    """macros/overrides/record_column_types.sql on BigQuery, reached through dbt-bigquery's own
    bigquery__process_schema_changes: the record of picks with its points_line an INT64, as a release that gave the
    line another type would find it, stops int_picks_locked's run before its MERGE, naming the column and both types
    (BigQuery refused the FLOAT64 rows in every build, naming neither); converted back by hand, the run passes."""
    picks, kept = relation("intermediate", "int_picks_locked"), relation("intermediate", "int_picks_locked_kept")
    columns = [name for (name,) in built.duck.query(
        "select column_name from information_schema.columns where table_schema = 'props_intermediate'"
        " and table_name = 'int_picks_locked' order by ordinal_position")]
    layout = "partition by game_date cluster by list_id"
    built.bq.query(f"create table {kept} as select * from {picks}")
    built.bq.query(f"create or replace table {picks} {layout} as select "
                   + ", ".join("cast(points_line as int64) as points_line" if c == "points_line" else c
                               for c in columns) + f" from {kept}")
    try:
        done = built.bq.dbt("run", "-s", "int_picks_locked", check=False)
        assert done.returncode == 1
        assert "this run's rows change 1: points_line recorded as INT64, now FLOAT64. Nothing was written" in done.stdout
    finally:
        built.bq.query(f"create or replace table {picks} {layout} as select * from {kept}")
        built.bq.query(f"drop table {kept}")
    done = built.bq.dbt("run", "-s", "int_picks_locked", check=False)
    assert done.returncode == 0, done.stdout[-6000:]


def test_one_date_through_query_parameters_is_identical(built):
    """--date filters through a query parameter (inlined on the emulator connection only)."""
    documents = []
    for run in (built.duck, built.bq):
        dest = run.root / "one_date"
        assert run.publish("--only", "public_picks,public_signals", "--date", "2025-01-07", "--dest", str(dest),
                           "--run-results", str(run.root / "build_results.json")) == 0
        site = dest / "v1"
        documents.append({str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("2025-01-07.json"))})
    assert sorted(documents[0]) == ["picks/2025-01-07.json", "signals/2025-01-07.json"]
    assert documents[0] == documents[1]



def test_rows_seen_before_a_tip_off_are_replaced_then_kept_on_bigquery(built):
    """int_predictions_sighted starts from the copy of it that the on-run-end hook keep_sightings made after the last
    build that passed (props_meta.predictions_sighted_passed, a CREATE OR REPLACE TABLE ... AS SELECT: the module's
    build made it). Day 3's game, taken out of the record of fixed games for the test (every game is fixed by the
    module's build, at today's clock): a run at 22:00, before its 23:30 tip-off, sees each of its (player, system)
    pairs once; its rows are kept as the hook keeps them (a `dbt run -s` of one model builds no pick file, so the
    hook keeps nothing); a run at 00:05, after the tip-off, keeps those rows, which it can only read from the kept
    copy; once the game is back in the record, the next run drops them."""
    sighted, fixed = relation("intermediate", "int_predictions_sighted"), relation("intermediate", "int_games_locked")
    kept = relation("meta", "predictions_sighted_passed")
    keep = f"create or replace table {kept} as select * from {sighted}"  # what the hook runs
    columns = "prediction_id, system_id, player_lookup, game_id, created_at"
    assert sorted(built.bq.query(f"select {columns} from {kept}")) == sorted(
        built.bq.query(f"select {columns} from {sighted}"))
    staged = relation("staging", "stg_nba_predictions__player_prop_predictions")
    [(game,)] = built.bq.query(f"select distinct game_id from {staged} where game_date = date '2025-01-08'")
    select = f"select prediction_id, recommendation, created_at from {sighted} order by prediction_id"
    built.bq.query(f"create table `{PROJECT}`.`props_intermediate`.`fixed_copy` as select * from {fixed}"
                   f" where game_id = '{game}'")
    built.bq.query(f"merge into {fixed} as recorded using (select 1 as one) as nothing on false"  # no DELETE here
                   f" when not matched by source and recorded.game_id = '{game}' then delete")
    try:
        seen = []
        for clock in ("2025-01-08 22:00:00", "2025-01-09 00:05:00"):
            done = built.bq.dbt("run", "-s", "int_predictions_sighted", check=False, clock=clock)
            assert done.returncode == 0, done.stdout[-6000:]
            seen.append(built.bq.query(select))
            built.bq.query(keep)
        assert seen[1] == seen[0]
        assert len(seen[0]) == built.bq.query(f"select count(distinct concat(player_lookup, '|', system_id))"
                                              f" from {staged} where game_id = '{game}'")[0][0] > 0
    finally:
        columns = "game_id, game_date, locks_at, candidate_count"
        built.bq.query(f"insert into {fixed} ({columns}) select {columns}"
                       f" from `{PROJECT}`.`props_intermediate`.`fixed_copy`")
        built.bq.query(f"drop table `{PROJECT}`.`props_intermediate`.`fixed_copy`")
    done = built.bq.dbt("run", "-s", "int_predictions_sighted", check=False)
    assert done.returncode == 0, done.stdout[-6000:]
    assert built.bq.query(select) == []
    built.bq.query(keep)


def test_a_day_as_the_last_build_that_passed_showed_it_on_bigquery(built):
    """What the hook keep_sightings keeps of the days not locked at the end of a build that passed (macros/sightings.sql:
    CREATE OR REPLACE TABLE ... AS SELECT ... WHERE game_date NOT IN ...; the module's build locked every day, so the
    copies are empty) and int_days_shown reading it on BigQuery (the copy's columns by the model's names, a FULL
    OUTER JOIN of the candidates): day 3's facts copied with the candidates they were computed from come back whole;
    with one of those candidates missing from the copy, the day is not as shown and none come back."""
    days, candidates = relation("meta", "days_shown_passed"), relation("meta", "candidates_shown_passed")
    for name in ("days_shown_passed", "picks_shown_passed", "candidates_shown_passed", "groups_shown_passed"):
        assert built.bq.query(f"select count(*) from {relation('meta', name)}") == [
            (len(built.duck.query(f"select * from props_meta.{name}")),)], name
    signals, graded = relation("intermediate", "int_market_signals_daily"), relation("intermediate", "int_candidates_graded")
    day_3 = "game_date = date '2025-01-08'"
    built.bq.query(f"create or replace table {days} as select * from {signals} where {day_3}")  # the emulator:
    built.bq.query(f"create or replace table {candidates} as select * from {graded} where {day_3}")  # no INSERT *
    try:
        done = built.bq.dbt("run", "-s", "int_days_shown", check=False)
        assert done.returncode == 0, done.stdout[-6000:]
        columns = "game_date, system_id, candidate_count, signal, state_entering_day, is_champion"
        shown = sorted(built.bq.query(f"select {columns} from {relation('intermediate', 'int_days_shown')}"), key=repr)
        assert shown == sorted(built.bq.query(f"select {columns} from {signals} where {day_3}"), key=repr) != []
        [(first,)] = built.bq.query(f"select min(prediction_id) from {candidates}")
        built.bq.query(f"create or replace table {candidates} as select * from {candidates}"
                       f" where prediction_id != '{first}'")
        assert built.bq.query(f"select count(*) from {relation('intermediate', 'int_days_shown')}") == [(0,)]
    finally:
        for copy in (days, candidates):
            built.bq.query(f"create or replace table {copy} as select * from {copy} where not ({day_3})")


def test_a_move_logged_on_bigquery_reaches_a_date_past_the_window(built):
    """The log of moves and the start it gives (int_game_moves, macro changed_since_last_build) on BigQuery, last in
    this module since it changes the warehouse: an active run of day 2's game dated 2025-01-01, a date the context
    does not list the game on, is a run of a game moved to 2025-01-07. Staging takes it in (the log of the feed's
    dates, stg_nba_predictions__date_changes, sees 2025-01-01's new set of ids: its own rows read back, a full
    outer join, macro fingerprint), then the
    log's incremental run (its own rows read back, `is distinct from`) logs the move, and the incremental runs of
    the candidate tables and of admin_predictions rebuild from 2025-01-01, past their window (2025-01-05 on): the
    run is no candidate, and admin/predictions shows it as moved to 2025-01-07. A context row of day 1's game
    (fixed at 01-06 23:30) with an earlier start gives the game an earlier tip-off: the log records the new lock
    time (its own rows and the record int_games_locked read back, `<>` against a `coalesce`)."""
    def insert_copy(table: str, copied: dict[str, str], where: str) -> None:  # the emulator has no `* replace`
        schema, name = table.split(".")
        columns = [column for (column,) in built.duck.query(
            "select column_name from information_schema.columns"
            f" where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position")]
        built.bq.query(f"insert into `{PROJECT}`.`{schema}`.`{name}` ({', '.join(columns)}) select"
                       f" {', '.join(copied.get(column, column) for column in columns)}"
                       f" from `{PROJECT}`.`{schema}`.`{name}` where {where}")

    insert_copy("nba_predictions.player_prop_predictions",
                {"prediction_id": "'moved-1'", "game_date": "date '2025-01-01'"}, "prediction_id = 'pe-013'")
    insert_copy("nba_analytics.upcoming_player_game_context",
                {"player_lookup": "'tipoff-probe'", "game_start_at": "timestamp '2025-01-06 22:00:00'"},
                "player_lookup = 'cadecunningham'")
    candidates = {name: built.bq.query(f"select prediction_id, game_date from {relation('intermediate', name)}"
                                       " order by prediction_id")
                  for name in ("int_candidates_selected", "int_candidates_scored")}
    staged = built.bq.dbt("run", "-s", "stg_nba_predictions__date_changes", "stg_nba_predictions__player_prop_predictions",
                          check=False)
    assert staged.returncode == 0, staged.stdout[-6000:]
    assert [str(day) for (day,) in built.bq.query(
        f"select game_date from {relation('staging', 'stg_nba_predictions__player_prop_predictions')}"
        " where prediction_id = 'moved-1'")] == ["2025-01-01"]
    done = built.bq.dbt("run", "-s", "int_game_moves", "int_candidates_selected", "int_candidates_scored",
                        "admin_predictions", check=False)
    assert done.returncode == 0, done.stdout[-6000:]
    moves = built.bq.query(f"select game_id, game_date, moved_to, locks_at"
                           f" from {relation('intermediate', 'int_game_moves')} order by game_id")
    assert [tuple(str(v) for v in row) for row in moves] == [
        ("0022400501", "2025-01-06", "None", "2025-01-06 22:00:00+00:00"),
        ("0022400504", "2025-01-01", "2025-01-07", "None")]
    for name, rows in candidates.items():
        assert built.bq.query(f"select prediction_id, game_date from {relation('intermediate', name)}"
                              " order by prediction_id") == rows != [], name
    shown = built.bq.query(f"select date, moved_to, edge from {relation('admin', 'admin_predictions')}"
                           " where prediction_id = 'moved-1'")
    assert [tuple(str(v) for v in row) for row in shown] == [("2025-01-01", "2025-01-07", "None")]
    # the build log's inputs (macros/record_builds.sql) on BigQuery: a row per logged relation, never after its
    # build; admin_predictions' is older than this run's builds, since it reads int_candidates_graded, built before
    logged = {row[0].split(".")[-1].strip("`"): row[1:] for row in built.bq.query(
        f"select builds.relation, builds.finished_at, inputs.inputs_built_at from {relation('meta', 'model_builds')}"
        f" as builds left join {relation('meta', 'model_inputs')} as inputs on builds.relation = inputs.relation")}
    assert all(inputs is not None and inputs <= finished for finished, inputs in logged.values())
    assert logged["admin_predictions"][1] < logged["int_game_moves"][0] < logged["admin_predictions"][0]


def freshness_of(run, clock: str) -> dict[str, tuple[str, int]]:
    """Each source's freshness status and age in minutes at ``clock`` (as its calendar-aware query returns it)."""
    done = source_freshness(run, clock) if isinstance(run, BigQueryRun) else run.dbt(
        "source", "freshness", check=False, clock=clock)
    sources = judged(run)
    assert len(sources) == 7, done.stdout[-4000:]
    return sources


def test_source_freshness_is_judged_alike_on_bigquery(tmp_path):
    """The freshness query (macros/freshness.sql: quiet days, the schedule, the seasons seed, an empty table, the days
    without games the seed lists) in its BigQuery form, on the All-Star break fixture of test_freshness.py, in an
    emulator of its own: inside the break, on the first game day after it and a week later, then with the schedule
    cut at 02-13 and int_days_without_games built, every source gets the same status and the same age as on DuckDB.
    The week-later statuses and the predictions' age (02-13 17:15 + 5 quiet days to 02-22 12:00: 90 h 45 min) are
    test_freshness.py's, worked by hand there; the live box scores are emptied first, so the empty-table branch
    (loaded in 1970, stale even inside the break) runs too."""
    with Emulator(tmp_path) as emulator:
        duck = fixture_run(tmp_path / "duckdb", "freshness")
        duck.execute("delete from nba_raw.live_boxscores")
        bq = BigQueryRun(tmp_path / "bigquery", endpoint=emulator.endpoint)
        bq.root.mkdir()
        shutil.copyfile(PROJECT_DIR / "profiles.yml.example", bq.root / "profiles.yml")
        client = emulator.client()
        load_warehouse(duck.warehouse, client, PROJECT)
        client.close()
        for run in (duck, bq):
            run.dbt("seed")
        judged = {clock: (freshness_of(duck, clock), freshness_of(bq, clock))
                  for clock in ("2025-02-18 12:00:00", "2025-02-19 14:30:00", "2025-02-22 12:00:00")}
        # the days seeds/days_without_games.csv lists (int_days_without_games), with a schedule cut at 02-13
        cut = "create or replace table {0} as select * from {0} where game_date <= date '2025-02-13'"
        duck.execute(cut.format("nba_analytics.upcoming_player_game_context"))
        bq.query(cut.format(f"`{PROJECT}`.nba_analytics.upcoming_player_game_context"))  # the emulator has no DELETE
        for run in (duck, bq):
            run.dbt("build", "--select", "int_days_without_games")
        listed = {clock: (freshness_of(duck, clock), freshness_of(bq, clock))
                  for clock in ("2025-02-19 09:55:00", "2025-02-20 12:00:00")}
    for clock, (on_duckdb, on_bigquery) in {**judged, **listed}.items():
        assert on_bigquery == on_duckdb, clock
    week_later = judged["2025-02-22 12:00:00"][0]
    assert {feed: status for feed, (status, _) in week_later.items()} == {
        feed: "pass" if feed == "nba_predictions.model_registry" else "error" for feed in week_later}
    assert week_later["nba_predictions.player_prop_predictions"][1] == 90 * 60 + 45
    assert judged["2025-02-18 12:00:00"][0]["nba_raw.live_boxscores"][0] == "error"
    # test_freshness.py's, worked by hand there: the break's five days quiet, 02-19 and 02-20 not
    assert listed["2025-02-19 09:55:00"][0]["nba_predictions.player_prop_predictions"] == ("pass", 16 * 60 + 40)
    assert listed["2025-02-20 12:00:00"][0]["nba_predictions.player_prop_predictions"] == ("error", 42 * 60 + 45)
