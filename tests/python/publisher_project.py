"""A tiny dbt project for the publisher tests: a DuckDB file (with the build log of dbt's on-run-end hook),
a hand-written manifest.json (with contracts), run_results.json, profiles.yml and the generated schemas/."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from publisher.cli import main

GENERATED_AT = "2026-02-21T18:00:00Z"

PICKS = {
    "path": "picks/{date}.json", "cache_control": "public, max-age=300", "group": "after-predictions",
    "document": {
        "date": "date", "generated_at": "@generated_at", "model": "model_codename",
        "groups": {"list": ["group_id"], "order_by": ["group_order"], "fields": {
            "id": "group_id", "name": "group_name",
            "picks": {"list": ["pick_rank"], "order_by": ["pick_rank"], "fields": {"player": "player_name", "line": "line"}},
        }},
    },
}
MODELS = {
    "path": "systems/models.json", "cache_control": "public, max-age=86400", "group": "daily",
    "document": {"generated_at": "@generated_at", "models": {"list": ["model"], "fields": {
        "model": "model", "role": "role", "hit_rate": {"column": "hit_rate", "round": 1}}}},
}
ADMIN = {
    "path": "admin/models.json", "cache_control": "private, max-age=86400", "group": "daily",
    "document": {"generated_at": "@generated_at", "models": {"list": ["system_id"], "fields": {
        "system_id": "system_id", "file": "model_file_name"}}},
}
PERFORMANCE = {
    "path": "subsets/performance.json", "cache_control": "public, max-age=3600", "group": "hourly", "as_of": "as_of",
    "document": {"generated_at": "@generated_at", "as_of": "as_of", "wins": "wins"},
}

# name -> (schema, publish, upstream, columns: name -> (data_type, not_null))
MODELS_SPEC = {
    "picks_daily": ("public", PICKS, ["model.tiny.int_picks"], {
        "date": ("date", True), "model_codename": ("string", True), "group_id": ("int64", True),
        "group_name": ("string", True), "group_order": ("int64", True), "pick_rank": ("int64", False),
        "player_name": ("string", False), "line": ("double", False)}),
    "models_public": ("public", MODELS, [], {
        "model": ("string", True), "role": ("string", True), "hit_rate": ("float64", False)}),
    "admin_models": ("admin", ADMIN, [], {"system_id": ("string", True), "model_file_name": ("string", False)}),
    "performance": ("public", PERFORMANCE, [], {"as_of": ("date", True), "wins": ("int64", True)}),
}
NODES_OK = ["model.tiny.int_picks", "test.tiny.not_null_int_picks_line", "model.tiny.picks_daily",
            "model.tiny.models_public", "model.tiny.admin_models", "model.tiny.performance"]


def node(name: str, schema: str, publish: dict, upstream: list[str], columns: dict) -> dict:
    return {"resource_type": "model", "name": name, "relation_name": f'"wh"."{schema}"."{name}"',
            "depends_on": {"nodes": upstream}, "config": {"meta": {"publish": publish}},
            "columns": {c: {"name": c, "data_type": t, "constraints": [{"type": "not_null"}] if nn else []}
                        for c, (t, nn) in columns.items()}}


INVOCATION = "build-1"


def write_run_results(project: Path, statuses: dict[str, str | None] | None = None, invocation: str = INVOCATION,
                      which: str = "build") -> None:
    """target/run_results.json of a `dbt {which}` that ran NODES_OK, but for ``statuses`` (None: did not run)."""
    statuses = {uid: ("pass" if uid.startswith("test.") else "success") for uid in NODES_OK} | (statuses or {})
    results = [{"unique_id": uid, "status": status, "message": "Got 2 results, configured to fail if != 0"
                if status == "fail" else "OK"} for uid, status in statuses.items() if status is not None]
    (project / "target" / "run_results.json").write_text(
        json.dumps({"metadata": {"invocation_id": invocation}, "args": {"which": which}, "results": results}))


def record_builds(project: Path, invocation: str = INVOCATION, models: list[str] | None = None) -> None:
    """The build log dbt's on-run-end hook keeps (macros/record_builds.sql): ``models`` (default: every
    published one) last built by ``invocation``."""
    with duckdb.connect(str(project / "wh.duckdb")) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS main_meta; CREATE TABLE IF NOT EXISTS main_meta.model_builds "
                    "(relation VARCHAR, invocation_id VARCHAR, finished_at TIMESTAMP)")
        for name in models or list(MODELS_SPEC):
            relation = node(name, *MODELS_SPEC[name])["relation_name"]
            con.execute("DELETE FROM main_meta.model_builds WHERE relation = ?", [relation])
            con.execute("INSERT INTO main_meta.model_builds VALUES (?, ?, TIMESTAMP '2026-02-21 17:00:00')",
                        [relation, invocation])


def make_project(root: Path) -> Path:
    """The tiny project in ``root``; returns root."""
    (root / "dbt_project.yml").write_text("name: tiny\nprofile: tiny\n")
    (root / "profiles.yml").write_text(
        "tiny:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('TINY_DUCKDB', 'wh.duckdb') }}\"\n")
    (root / "target").mkdir()
    nodes = {f"model.tiny.{name}": node(name, *spec) for name, spec in MODELS_SPEC.items()}
    nodes["model.tiny.int_picks"] = {"resource_type": "model", "name": "int_picks", "depends_on": {"nodes": []},
                                     "config": {"meta": {}}}
    nodes["test.tiny.not_null_int_picks_line"] = {"resource_type": "test", "name": "not_null_int_picks_line",
                                                  "depends_on": {"nodes": ["model.tiny.int_picks"]}}
    (root / "target" / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    write_run_results(root)
    with duckdb.connect(str(root / "wh.duckdb")) as con:
        con.execute("CREATE SCHEMA public; CREATE SCHEMA admin")
        con.execute("""CREATE TABLE public.picks_daily (date DATE, model_codename VARCHAR, group_id INTEGER,
                       group_name VARCHAR, group_order INTEGER, pick_rank INTEGER, player_name VARCHAR, line DECIMAL(4,1))""")
        con.execute("""INSERT INTO public.picks_daily VALUES
            ('2026-02-20', '926A', 1, 'Top Pick', 1, 1, 'Player A', 20.5),
            ('2026-02-21', '926A', 1, 'Top Pick', 1, 2, 'VJ Edgecombe', 14.5),
            ('2026-02-21', '926A', 2, 'Top 5', 2, NULL, NULL, NULL),
            ('2026-02-21', '926A', 1, 'Top Pick', 1, 1, 'Nikola Jokić', 25.5)""")
        con.execute("CREATE TABLE public.models_public AS SELECT '926A' AS model, 'primary' AS role, 58.333::DOUBLE AS hit_rate")
        con.execute("CREATE TABLE admin.admin_models AS SELECT 'catboost_v9' AS system_id, 'catboost_v9.cbm' AS model_file_name")
        con.execute("CREATE TABLE public.performance (as_of DATE, wins INTEGER)")
        con.execute("INSERT INTO public.performance VALUES ('2026-02-20', 3), ('2026-02-21', 5)")
    record_builds(root)
    assert main(["schemas", "--project-dir", str(root), "--write"]) == 0
    return root


def sql(project: Path, statement: str) -> None:
    with duckdb.connect(str(project / "wh.duckdb")) as con:
        con.execute(statement)


def publish(project: Path, dest: str, *extra: str, generated_at: str = GENERATED_AT) -> int:
    return main(["--project-dir", str(project), "--profiles-dir", str(project), "--dest", dest,
                 "--generated-at", generated_at, *extra])
