"""cli.main end to end on a tiny DuckDB file, a hand-written manifest.json and profiles.yml."""

import json

import duckdb
import pytest

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


def node(name, schema, publish):
    return {"resource_type": "model", "name": name, "relation_name": f'"wh"."{schema}"."{name}"',
            "depends_on": {"nodes": []}, "config": {"meta": {"publish": publish}}}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("TINY_DUCKDB", raising=False)
    (tmp_path / "dbt_project.yml").write_text("name: tiny\nprofile: tiny\n")
    (tmp_path / "profiles.yml").write_text(
        "tiny:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('TINY_DUCKDB', 'wh.duckdb') }}\"\n")
    (tmp_path / "target").mkdir()
    manifest = {"nodes": {
        "model.tiny.picks_daily": node("picks_daily", "public", PICKS),
        "model.tiny.models_public": node("models_public", "public", MODELS),
        "model.tiny.admin_models": node("admin_models", "admin", ADMIN),
    }}
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(manifest))
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
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
    return tmp_path


def run(project, *extra):
    return main(["--project-dir", str(project), "--profiles-dir", str(project), "--dest", str(project / "out"),
                 "--generated-at", GENERATED_AT, *extra])


def published(project):
    root = project / "out" / "v1"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_all_dates_end_to_end_then_unchanged(project, capsys):
    assert run(project, "--all-dates") == 0
    assert published(project) == ["admin/models.json", "picks/2026-02-20.json", "picks/2026-02-21.json", "systems/models.json"]
    picks = (project / "out" / "v1" / "picks" / "2026-02-21.json").read_bytes()
    assert picks == (
        '{"date":"2026-02-21","generated_at":"2026-02-21T18:00:00Z","model":"926A","groups":['
        '{"id":1,"name":"Top Pick","picks":[{"player":"Nikola Jokić","line":25.5},{"player":"VJ Edgecombe","line":14.5}]},'
        '{"id":2,"name":"Top 5","picks":[]}]}\n'
    ).encode("utf-8")
    assert (project / "out" / "v1" / "systems" / "models.json").read_bytes() == (
        b'{"generated_at":"2026-02-21T18:00:00Z","models":[{"model":"926A","role":"primary","hit_rate":58.3}]}\n')
    err = capsys.readouterr().err
    assert "created      picks/2026-02-21.json" in err and "TOTAL" in err

    assert main(["--project-dir", str(project), "--profiles-dir", str(project), "--dest", str(project / "out"),
                 "--all-dates", "--generated-at", "2026-02-22T06:00:00Z"]) == 0
    err = capsys.readouterr().err
    assert "unchanged    picks/2026-02-21.json" in err
    assert (project / "out" / "v1" / "picks" / "2026-02-21.json").read_bytes() == picks  # old generated_at kept


def test_default_is_the_latest_date(project):
    assert run(project) == 0
    assert "picks/2026-02-20.json" not in published(project)
    assert "picks/2026-02-21.json" in published(project)


def test_backfill_range_and_only(project):
    assert run(project, "--start", "2026-02-19", "--end", "2026-02-20", "--only", "picks_daily") == 0
    assert published(project) == ["picks/2026-02-20.json"]


def test_group_selection(project):
    assert run(project, "--group", "daily") == 0
    assert published(project) == ["admin/models.json", "systems/models.json"]


def test_requested_date_without_rows_is_an_error(project, capsys):
    assert run(project, "--date", "2026-02-19") == 1
    assert "mart picks_daily: no rows for date 2026-02-19" in capsys.readouterr().err
    assert published(project) == []


def test_clean_api_violation_publishes_nothing(project, capsys):
    with duckdb.connect(str(project / "wh.duckdb")) as con:
        con.execute("UPDATE public.models_public SET role = 'catboost_v9'")
    assert run(project, "--all-dates") == 1
    err = capsys.readouterr().err
    assert "systems/models.json: $.models[0].role: value 'catboost_v9'" in err
    assert "nothing was written" in err
    assert published(project) == []


def test_missing_column_names_the_mart_and_the_column(project, capsys):
    with duckdb.connect(str(project / "wh.duckdb")) as con:
        con.execute("ALTER TABLE public.models_public DROP COLUMN role")
    assert run(project) == 1
    assert "mart models_public: column(s) 'role'" in capsys.readouterr().err
    assert published(project) == []


def test_empty_mart_without_placeholders_is_an_error(project, capsys):
    with duckdb.connect(str(project / "wh.duckdb")) as con:
        con.execute("DELETE FROM public.models_public")
    assert run(project, "--only", "models_public") == 1
    assert "mart models_public" in capsys.readouterr().err


def test_dry_run_writes_nothing(project, capsys):
    assert run(project, "--dry-run") == 0
    assert "would create picks/2026-02-21.json" in capsys.readouterr().err
    assert published(project) == []


def test_usage_errors(project, capsys):
    assert run(project, "--only", "nope") == 1
    assert "no published model named nope" in capsys.readouterr().err
    assert run(project, "--start", "2026-02-19") == 2
    assert main(["--help"]) == 0
