"""`dbt compile --target bigquery` (the production output of profiles.yml.example) runs
offline, and every compiled model is BigQuery SQL.

Offline: dummy oauth-secrets credentials (BQ_METHOD=oauth-secrets, BQ_TOKEN), no relation
cache (--no-populate-cache) and var offline (is_incremental() and the live date look-up
ask no warehouse). A network call would hang on a machine without Google access, so the
compile runs under a timeout and any hang fails the test.

BigQuery SQL: every compiled model parses with sqlglot's BigQuery dialect, regenerates
without an unsupported construct, calls no function sqlglot does not know as a BigQuery
function (e.g. DuckDB's strip_accents or list_value), and keeps none of the DuckDB-only
spellings sqlglot would silently accept (`::` casts, date_trunc('unit', x), FILTER).
The DDL (partition / cluster clauses) is checked on the emulator's run, in
test_bigquery_emulator.py (with DuckDB's manifest, which must carry none of it); the
layout config of the fact tables is checked here too.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import sqlglot
from bigquery_layout import APPEND_ONLY, FACT_TABLES
from pipeline import DBT, PROJECT_DIR, new_run
from sqlglot import ErrorLevel, exp

TIMEOUT = 300


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    run = new_run(tmp_path_factory.mktemp("bigquery_compile"))
    env = run.env()
    env.update(DBT_TARGET="bigquery", BQ_METHOD="oauth-secrets", BQ_TOKEN="offline-dummy-token", BQ_KEYFILE="",
               BQ_PROJECT="nba-props-platform", BQ_DATASET="props")
    env.pop("BIGQUERY_EMULATOR_HOST", None)
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    try:
        done = subprocess.run(
            [str(DBT), "compile", "--target", "bigquery", "--no-populate-cache", "--vars", "{offline: true}",
             "--project-dir", str(PROJECT_DIR)],
            env=env, capture_output=True, text=True, cwd=run.root, timeout=TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"dbt compile --target bigquery did not finish in {TIMEOUT}s: something asked the warehouse\n"
                    f"{(error.stdout or b'')[-4000:]!r}")
    assert done.returncode == 0, f"dbt compile --target bigquery failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    manifest = json.loads((run.root / "target" / "manifest.json").read_text())
    models = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    sql = {name: (run.root / "target" / "compiled" / "nba_props" / node["original_file_path"]).read_text()
           for name, node in models.items()}
    return manifest, models, sql


def strip_strings_and_comments(sql: str) -> str:
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)
    return re.sub(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", "''", sql, flags=re.DOTALL)


def test_compiles_offline_for_bigquery(compiled):
    manifest, models, sql = compiled
    assert manifest["metadata"]["adapter_type"] == "bigquery"
    assert len(models) >= 30 and all(text.strip() for text in sql.values())
    sources = {node["name"]: node["database"] for node in manifest["sources"].values()}
    assert set(sources.values()) == {"nba-props-platform"}


def bigquery_problems(name: str, text: str) -> list[str]:
    """What in one compiled node's SQL BigQuery would refuse (or read otherwise) though sqlglot parses it."""
    try:
        trees = [t for t in sqlglot.parse(text, read="bigquery", error_level=ErrorLevel.RAISE) if t is not None]
        for tree in trees:
            tree.sql("bigquery", unsupported_level=ErrorLevel.RAISE)
    except Exception as error:  # noqa: BLE001 - reported per node
        return [f"{name}: {type(error).__name__}: {str(error)[:300]}"]
    problems = []
    for tree in trees:
        unknown = sorted({f.name for f in tree.find_all(exp.Anonymous)})
        if unknown:
            problems.append(f"{name}: functions unknown to BigQuery: {unknown}")
        if any(True for _ in tree.find_all(exp.Filter)):
            problems.append(f"{name}: aggregate FILTER clause (BigQuery: countif / if)")
        for trunc in tree.find_all(exp.DateTrunc, exp.TimestampTrunc):
            if isinstance(trunc.this, exp.Literal) and trunc.this.is_string:
                problems.append(f"{name}: date_trunc('unit', x) is DuckDB's argument order")
        # "Query without FROM clause cannot have a WHERE clause" on BigQuery; DuckDB and the emulator run it
        if any(select.args.get("where") and not select.args.get("from_") for select in tree.find_all(exp.Select)):
            problems.append(f"{name}: a WHERE without a FROM (BigQuery refuses it: select from a subquery)")
    bare = strip_strings_and_comments(text)
    if "::" in bare:
        problems.append(f"{name}: '::' cast (DuckDB only)")
    for word in ("strip_accents", "list_value", "epoch_ms", "strftime("):
        if word in bare.lower():
            problems.append(f"{name}: DuckDB function {word}")
    return problems


def test_every_compiled_model_is_bigquery_sql(compiled):
    _, _, sql = compiled
    problems = [problem for name, text in sorted(sql.items()) for problem in bigquery_problems(name, text)]
    assert problems == [], "\n".join(problems)


def test_every_compiled_data_test_is_bigquery_sql(compiled):
    """The data tests too (generic and singular, tests/data/): the emulator runs them through DuckDB, which accepts
    what BigQuery refuses (tests/data/champion_is_a_known_system.sql had a WHERE without a FROM)."""
    manifest, _, _ = compiled
    tests = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    assert len(tests) >= 200 and {"champion_is_a_known_system", "thresholds_are_consistent"} <= set(tests)
    problems = [problem for name, node in sorted(tests.items())
                for problem in bigquery_problems(name, Path(node["compiled_path"]).read_text(encoding="utf-8"))]
    assert problems == [], "\n".join(problems)


def test_every_rounding_rounds_an_exact_decimal(compiled):
    """BigQuery's round() of a FLOAT64 settles a value an ulp below a tie down (24.15 is 24.1499...: 24.1), DuckDB's
    up (24.2), and the emulator runs DuckDB's: so every round (macro round_float) rounds a NUMERIC, exact on both
    targets. The 6-place rounds of the edge, the composite and the daily profit were left as floats: a confidence
    with 6 decimals (a NUMERIC feed carries 9) puts the composite on a half at the 7th (10 x 3.0 + 0.5 x 0.659735 =
    30.3298675), which the two engines settled 1e-6 apart, and a tie or a threshold could tip."""
    _, _, sql = compiled
    problems, checked = [], 0
    for name, text in sorted(sql.items()):
        for tree in (t for t in sqlglot.parse(text, read="bigquery") if t is not None):
            for rounding in tree.find_all(exp.Round):
                checked += 1
                value = rounding.this
                if not (isinstance(value, exp.Cast) and value.to.this == exp.DataType.Type.DECIMAL):
                    problems.append(f"{name}: {rounding.sql('bigquery')[:160]}")
    assert checked >= 10 and problems == [], "\n".join(problems)


def test_fact_tables_are_partitioned_clustered_insert_overwrite(compiled):
    _, models, _ = compiled
    incremental = {name for name, node in models.items() if node["config"]["materialized"] == "incremental"}
    assert incremental == set(FACT_TABLES)
    for name, (column, cluster_by) in FACT_TABLES.items():
        config = models[name]["config"]
        assert config["partition_by"] == {"field": column, "data_type": "date", "granularity": "day"}
        assert config.get("cluster_by") == cluster_by
        if name in APPEND_ONLY:  # the record, the log of moves: a MERGE without unique key inserts, never rewrites
            assert (config["incremental_strategy"], config["unique_key"], config["full_refresh"]) == ("merge", None, False)
        else:
            assert config["incremental_strategy"] == "insert_overwrite"
            assert config["meta"]["rebuild_partitions"] is True



def test_every_fact_that_rebuilds_on_moves_is_built_after_the_logs(compiled):
    """A fact with rebuild_moved_games (fact_table_config: every fact but staging's) reads the rows of int_game_moves
    and of stg_nba_predictions__date_changes written since its own last build (macro changed_since_last_build); the
    staging of the predictions (rebuild_changed_dates) reads the second log's. Built before a log in the same run, a
    table would miss its row for good (its build would be newer than the row): each must be downstream of the logs
    it reads."""
    manifest, models, _ = compiled

    on_moves = {name for name, node in models.items() if node["config"]["meta"].get("rebuild_moved_games")}
    assert on_moves == set(FACT_TABLES) - set(APPEND_ONLY) - {
        "stg_nba_predictions__player_prop_predictions", "stg_nba_predictions__pick_signal_tags"}
    on_changed_dates = {name for name, node in models.items() if node["config"]["meta"].get("rebuild_changed_dates")}
    assert on_changed_dates == {"stg_nba_predictions__player_prop_predictions"}
    for log, readers in (("int_game_moves", on_moves), ("stg_nba_predictions__date_changes", on_moves | on_changed_dates)):
        assert [name for name in sorted(readers)
                if models[log]["unique_id"] not in ancestors(manifest, models[name]["unique_id"])] == [], log


def test_only_a_table_the_grades_never_reach_leaves_the_regrades_out(compiled):
    """An incremental table reads the grades' dates (incremental_rebuild_start) unless its meta has rebuild_regrades
    false, which only a table neither upstream nor downstream of int_candidates_graded may have: its rows never
    depend on a grade, and it may be built while the grades are written, so it would read a regrade when it replaces
    its dates that it did not read when it computed them, and delete the dates between. Exactly the tables apart
    from the grades leave them out (today the staging of the signal tags)."""
    manifest, models, _ = compiled
    grades = models["int_candidates_graded"]["unique_id"]
    incremental = {name: node for name, node in models.items() if node["config"]["materialized"] == "incremental"}
    apart = {name for name, node in incremental.items()
             if name != "int_candidates_graded" and grades not in ancestors(manifest, node["unique_id"])
             and node["unique_id"] not in ancestors(manifest, grades)}
    without = {name for name, node in incremental.items() if node["config"]["meta"].get("rebuild_regrades") is False}
    assert apart == without == {"stg_nba_predictions__pick_signal_tags"}


def ancestors(manifest: dict, uid: str) -> set[str]:
    """Every node the node ``uid`` is built from, directly or not (the manifest's parent_map)."""
    parents, found, pending = manifest["parent_map"], set(), [uid]
    while pending:
        for parent in parents.get(pending.pop(), []):
            if parent not in found:
                found.add(parent)
                pending.append(parent)
    return found
