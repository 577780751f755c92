"""cli.main end to end on a tiny DuckDB file, a hand-written manifest.json and profiles.yml (local folder)."""

import json
import os
import sys
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.destinations import ConflictError, LocalDestination
from publisher_project import make_project, publish, record_builds, sql, write_run_results


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name in ("DBT_PROFILES_DIR", "TINY_DUCKDB", "DBT_TARGET_PATH"):
        monkeypatch.delenv(name, raising=False)
    return make_project(tmp_path)


def run(project, *extra, **kwargs):
    return publish(project, str(project / "out"), *extra, **kwargs)


def run_both(project, *extra, **kwargs):
    """Public files to out/, admin files to private/."""
    return run(project, "--admin-dest", str(project / "private"), *extra, **kwargs)


def published(project, folder="out"):
    root = project / folder / "v1"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


SCHEMAS = ["schemas/latest.schema.json", "schemas/picks.schema.json", "schemas/subsets/performance.schema.json",
           "schemas/systems/models.schema.json"]
PRIVATE = ["admin/models.json", "admin/schemas/models.schema.json", "manifest.json"]


def test_all_dates_end_to_end_then_unchanged(project, capsys):
    assert run_both(project, "--all-dates") == 0
    assert published(project) == sorted(["latest.json", "manifest.json", "picks/2026-02-20.json",
                                         "picks/2026-02-21.json", "subsets/performance.json", "systems/models.json",
                                         *SCHEMAS])
    assert published(project, "private") == PRIVATE
    picks = (project / "out" / "v1" / "picks" / "2026-02-21.json").read_bytes()
    assert picks == (
        '{"date":"2026-02-21","generated_at":"2026-02-21T18:00:00Z","model":"926A","groups":['
        '{"id":1,"name":"Top Pick","picks":[{"player":"Nikola Jokić","line":25.5},{"player":"VJ Edgecombe","line":14.5}]},'
        '{"id":2,"name":"Top 5","picks":[]}]}\n'
    ).encode("utf-8")
    assert (project / "out" / "v1" / "systems" / "models.json").read_bytes() == (
        b'{"generated_at":"2026-02-21T18:00:00Z","models":[{"model":"926A","role":"primary","hit_rate":58.3}]}\n')
    # the published schema is the committed one, byte for byte
    assert (project / "out" / "v1" / "schemas" / "picks.schema.json").read_bytes() == \
        (project / "schemas" / "picks.schema.json").read_bytes()
    manifest = json.loads((project / "out" / "v1" / "manifest.json").read_text())
    assert sorted(manifest["objects"]) == [p for p in published(project) if p != "manifest.json"]
    private = json.loads((project / "private" / "v1" / "manifest.json").read_text())
    assert sorted(private["objects"]) == ["admin/models.json", "admin/schemas/models.schema.json"]
    err = capsys.readouterr().err
    assert "created      picks/2026-02-21.json" in err and "TOTAL" in err

    assert run_both(project, "--all-dates", generated_at="2026-02-22T06:00:00Z") == 0
    err = capsys.readouterr().err
    assert "unchanged    picks/2026-02-21.json" in err
    assert "unchanged    manifest.json" in err
    assert (project / "out" / "v1" / "picks" / "2026-02-21.json").read_bytes() == picks  # old generated_at kept


def test_default_is_the_latest_date_and_the_latest_as_of(project):
    assert run(project) == 0
    assert "picks/2026-02-20.json" not in published(project)
    assert "picks/2026-02-21.json" in published(project)
    doc = json.loads((project / "out" / "v1" / "subsets" / "performance.json").read_text())
    assert doc == {"generated_at": "2026-02-21T18:00:00Z", "as_of": "2026-02-21", "wins": 5}


def test_as_of_flag(project):
    assert run(project, "--only", "performance", "--as-of", "2026-02-20") == 0
    doc = json.loads((project / "out" / "v1" / "subsets" / "performance.json").read_text())
    assert (doc["as_of"], doc["wins"]) == ("2026-02-20", 3)


def test_as_of_without_rows_is_an_error(project, capsys):
    assert run(project, "--only", "performance", "--as-of", "2026-02-19") == 1
    assert "mart performance (" in (err := capsys.readouterr().err) and ") has no rows with as_of = 2026-02-19" in err
    assert published(project) == []


def test_backfill_range_and_only(project):
    assert run(project, "--start", "2026-02-19", "--end", "2026-02-20", "--only", "picks_daily") == 0
    assert published(project) == ["latest.json", "manifest.json", "picks/2026-02-20.json",
                                  "schemas/latest.schema.json", "schemas/picks.schema.json"]
    assert run(project, "--start", "2026-02-21", "--end", "2026-02-21", "--only", "picks_daily") == 0  # one day
    assert "picks/2026-02-21.json" in published(project)


def test_group_selection(project):
    assert run_both(project, "--group", "daily") == 0
    assert published(project) == ["latest.json", "manifest.json", "schemas/latest.schema.json",
                                  "schemas/systems/models.schema.json", "systems/models.json"]
    assert published(project, "private") == PRIVATE


def test_only_the_public_destination_publishes_public_files_and_says_so(project, capsys):
    assert run(project, "--all-dates", "--json") == 0
    captured = capsys.readouterr()
    assert "public files only: no --admin-dest, so 1 admin endpoint(s) are not published (admin_models)" in captured.err
    assert [e["name"] for e in json.loads(captured.out)["endpoints"]] == [
        "models_public", "performance", "picks_daily", "(schemas)", "(latest)", "(manifest)"]
    assert not any(name.startswith("admin") for name in published(project))
    assert not (project / "private").exists()
    assert run(project, "--only", "admin_models") == 1  # nothing left to publish: written nowhere, and a failure
    assert capsys.readouterr().err.endswith("error: nothing to publish: the selection's endpoints are admin ones, "
                                            "and no --admin-dest says where they go\n")
    assert not any(name.startswith("admin") for name in published(project))
    assert not (project / "private").exists()


def test_the_json_report_goes_to_a_file_whole(project, capsys):
    """--json FILE (make's REPORT=FILE): the report stdout would have, written through a temporary file and a rename,
    so a killed run leaves no partial report; stdout stays empty."""
    report = project / "reports" / "daily" / "daily.json"  # its folders are made: a missing one used to fail the run
    assert run(project, "--group", "daily", "--json", str(report)) == 0  # once it had published, with a traceback
    assert capsys.readouterr().out == ""
    assert report.read_text().endswith("}\n")  # a text file: its last line ends
    found = json.loads(report.read_text())
    assert found["ok"] is True and [e["name"] for e in found["endpoints"]] == [
        "models_public", "(schemas)", "(latest)", "(manifest)"]
    assert [o["path"] for o in found["objects"]] == ["schemas/latest.schema.json", "schemas/systems/models.schema.json",
                                                     "systems/models.json"]
    assert sorted(p.name for p in report.parent.iterdir()) == ["daily.json"]  # no temporary file left


def test_nothing_public_names_an_admin_path(project):
    """contract §4: `grep -c admin/` on every public object, manifest and index is 0."""
    assert run_both(project, "--all-dates") == 0
    public = {name: (project / "out" / "v1" / name).read_bytes() for name in published(project)}
    assert {name: data.count(b"admin/") for name, data in public.items()} == dict.fromkeys(public, 0)
    assert "latest.json" not in published(project, "private")


def test_a_stray_admin_file_in_the_public_destination_fails_closed(project, capsys):
    (project / "out" / "v1" / "admin").mkdir(parents=True)
    (project / "out" / "v1" / "admin" / "models.json").write_text("{}")  # left by a publisher before --admin-dest
    assert run_both(project, "--group", "daily") == 1
    err = capsys.readouterr().err
    assert (f"holds 1 object(s) that no public file may name (clean-API rule), e.g. admin/models.json; withdraw them "
            f"first: python -m publisher.cli withdraw --dest {project / 'out'} --force admin/") in err
    assert "nothing was uploaded" in err  # refused at the listing: no document, no manifest, in neither destination
    assert published(project) == ["admin/models.json"] and published(project, "private") == []


@pytest.mark.parametrize(("dest", "admin_dest"), [("out", "out"), ("out", "out/private"),
                                                 ("gs://web/site", "gs://web/private")])
def test_the_admin_destination_must_be_separate(project, capsys, dest, admin_dest):
    dest, admin_dest = (path if path.startswith("gs://") else str(project / path) for path in (dest, admin_dest))
    assert main(["--project-dir", str(project), "--dest", dest, "--admin-dest", admin_dest]) == 2
    assert "must be private: not --dest, nor inside it, nor in its bucket" in capsys.readouterr().err


def fail_puts_of(monkeypatch, *paths):
    """Make LocalDestination.put fail for these paths (relative to v1/), as a full disk would."""
    put = LocalDestination.put

    def failing(self, path, *args, **kwargs):
        if path in paths:
            raise OSError("No space left on device")
        return put(self, path, *args, **kwargs)

    monkeypatch.setattr(LocalDestination, "put", failing)


def test_a_failed_upload_in_the_admin_destination_keeps_the_public_manifest_too(project, capsys, monkeypatch):
    assert run_both(project, "--all-dates") == 0
    manifests = [(project / folder / "v1" / "manifest.json").read_bytes() for folder in ("out", "private")]
    sql(project, "UPDATE public.picks_daily SET line = 26.5 WHERE player_name = 'Nikola Jokić'")
    sql(project, "UPDATE admin.admin_models SET model_file_name = 'catboost_v10.cbm'")
    fail_puts_of(monkeypatch, "admin/models.json")
    capsys.readouterr()
    assert run_both(project, "--all-dates", "--json") == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["manifest"] == {"public": "not written", "admin": "not written"}
    rows = {row["name"]: row["status"] for row in json.loads(captured.out)["endpoints"]}
    assert [rows[name] for name in ("(latest)", "(manifest)", "(admin manifest)", "admin_models")] == [
        "aborted", "aborted", "aborted", "failed"]  # the indexes were not written (they read "empty" before)
    assert "NOT writing latest.json nor manifest.json of " in captured.err  # the public one: its own uploads succeeded
    assert json.loads((project / "out" / "v1" / "picks" / "2026-02-21.json").read_text())["groups"][0]["picks"][0][
        "line"] == 26.5
    assert [(project / folder / "v1" / "manifest.json").read_bytes() for folder in ("out", "private")] == manifests


def test_a_failed_latest_json_fails_the_run_and_keeps_the_manifest(project, capsys, monkeypatch):
    assert run(project, "--date", "2026-02-20") == 0
    manifest = (project / "out" / "v1" / "manifest.json").read_bytes()
    fail_puts_of(monkeypatch, "latest.json")
    capsys.readouterr()
    assert run(project, "--all-dates", "--json") == 1  # a new date: latest.json must move to it
    captured = capsys.readouterr()
    assert "FAILED latest.json of " in captured.err and "OSError: No space left on device" in captured.err
    assert json.loads(captured.out)["manifest"] == {"public": "not written"}
    rows = {row["name"]: row["status"] for row in json.loads(captured.out)["endpoints"]}
    assert (rows["(latest)"], rows["(manifest)"], rows["picks_daily"]) == ("failed", "aborted", "ok")
    assert (project / "out" / "v1" / "picks" / "2026-02-21.json").exists()
    assert (project / "out" / "v1" / "manifest.json").read_bytes() == manifest


def test_requested_date_without_rows_is_an_error_that_says_how_to_publish_the_others(project, capsys):
    # a past date that one endpoint (here picks; in the project, live grading) does not have stops the whole run,
    # and the error line says how to publish the endpoints that do have it
    assert run(project, "--date", "2026-02-19") == 1
    assert ("FAILED picks_daily: mart picks_daily: no rows for date 2026-02-19; to publish the others, leave it out "
            "with --group or --only (it is in group after-predictions)") in capsys.readouterr().err.splitlines()
    assert published(project) == []
    assert run(project, "--start", "2026-02-18", "--end", "2026-02-19") == 1
    assert "no rows between 2026-02-18 and 2026-02-19; to publish the others, leave it out" in capsys.readouterr().err
    assert run(project, "--date", "2026-02-19", "--group", "daily") == 0
    assert "systems/models.json" in published(project)


def test_clean_api_violation_publishes_nothing(project, capsys):
    sql(project, "UPDATE public.models_public SET role = 'catboost_v9'")
    assert run(project, "--all-dates") == 1
    err = capsys.readouterr().err
    assert "systems/models.json: $.models[0].role: value 'catboost_v9'" in err
    assert "nothing was uploaded" in err
    assert published(project) == []


def test_schema_violation_publishes_nothing(project, capsys):
    # the contract says not null; the warehouse says otherwise
    sql(project, "UPDATE public.models_public SET role = NULL")
    assert run(project, "--all-dates") == 1
    err = capsys.readouterr().err
    assert ('FAILED models_public: schema violation: systems/models.json: $.models[0].role (mart models_public, column '
            'role): value None: null is not of type "string"; correct the mart\'s rows (a data test on it would have '
            'stopped the build), then run dbt build') in err.splitlines()
    assert published(project) == []


def test_committed_schema_out_of_date_fails_closed(project, capsys):
    file = project / "schemas" / "systems" / "models.schema.json"
    file.write_text(file.read_text().replace('"role"', '"rolle"'))
    assert run(project, "--group", "daily") == 1
    err = capsys.readouterr().err
    assert "models.schema.json: differs from the schema generated from the contract" in err
    assert "; run `make schemas` (publisher.cli schemas --write, docs) and commit" in err
    assert published(project) == []
    # --schemas-dir: the schemas written to, and checked against, another folder; the project's are left as they are
    fresh = project / "fresh-schemas"
    assert main(["schemas", "--project-dir", str(project), "--schemas-dir", str(fresh), "--write"]) == 0
    assert f"fixed {fresh / 'systems' / 'models.schema.json'}: missing" in capsys.readouterr().err.splitlines()
    assert main(["schemas", "--project-dir", str(project), "--schemas-dir", str(fresh)]) == 0
    assert run(project, "--group", "daily", "--schemas-dir", str(fresh)) == 0
    capsys.readouterr()
    assert main(["schemas", "--project-dir", str(project)]) == 1
    assert capsys.readouterr().err.endswith(": OUT OF DATE (run make schemas)\n")
    assert main(["schemas", "--project-dir", str(project), "--write"]) == 0
    err = capsys.readouterr().err
    assert f"fixed {file}: differs from the schema generated from the contract" in err.splitlines()
    assert err.endswith(": written\n")
    assert main(["schemas", "--project-dir", str(project), "--write"]) == 0  # nothing left to write: it says so
    assert capsys.readouterr().err.endswith(": up to date\n")
    assert main(["schemas", "--project-dir", str(project)]) == 0
    # the page generated from the schemas (tools/, a development tool), checked like them
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tools.endpoints_page import main as page_main

    assert page_main(["--project-dir", str(project), "--write"]) == 0
    assert capsys.readouterr().err.endswith("endpoints.md: written\n")
    assert page_main(["--project-dir", str(project), "--write"]) == 0
    assert capsys.readouterr().err == "docs/endpoints.md: up to date\n"
    page = project / "docs" / "endpoints.md"
    assert "| `models[].hit_rate` | number | yes |  |  |" in page.read_text()
    page.write_text(page.read_text().replace("hit_rate", "hitrate"))
    assert page_main(["--project-dir", str(project)]) == 1
    assert "endpoints.md: differs from the schema generated from the contract" in capsys.readouterr().err


def test_failed_upstream_test_blocks_then_override_publishes(project, capsys):
    write_run_results(project, {"test.tiny.not_null_int_picks_line": "fail"})
    assert run(project, "--only", "picks_daily,models_public") == 1
    lines = capsys.readouterr().err.splitlines()
    file = project / "target" / "run_results.json"
    assert lines[:2] == [  # the failing test first, once; then what it blocked
        f"FAILED run-results gate: {file}: test.tiny.not_null_int_picks_line: status 'fail': Got 2 results, "
        "configured to fail if != 0", "FAILED run-results gate: 1 cause(s) above blocked 1 endpoint(s): picks_daily"]
    assert not any("not_null" in line for line in lines[2:])  # named once
    assert published(project) == []
    # models_public does not depend on int_picks: alone, it publishes
    assert run(project, "--only", "models_public") == 0
    assert run(project, "--only", "picks_daily", "--allow-failed-upstream") == 0
    err = capsys.readouterr().err
    assert "WARNING: run-results gate OVERRIDDEN" in err
    assert "picks/2026-02-21.json" in published(project)


def test_skipped_model_and_missing_run_results_block(project, capsys):
    write_run_results(project, {"model.tiny.picks_daily": "skipped"})
    assert run(project, "--only", "picks_daily") == 1
    assert "run_results.json: 1 node(s) skipped: model.tiny.picks_daily\n" in capsys.readouterr().err
    (project / "target" / "run_results.json").unlink()
    assert run(project, "--only", "models_public") == 1
    assert "run_results.json not found" in capsys.readouterr().err
    assert published(project) == []


def test_a_dbt_run_or_a_selection_without_the_upstream_tests_is_refused(project, capsys):
    write_run_results(project, {"test.tiny.not_null_int_picks_line": None}, invocation="run-2", which="run")
    record_builds(project, "run-2")
    assert run(project, "--only", "picks_daily") == 1
    assert (f"FAILED run-results gate: {project / 'target' / 'run_results.json'} (`dbt run`, invocation run-2): "
            "1 data test(s) upstream did not run: test.tiny.not_null_int_picks_line; publish after a `dbt build` "
            "that selects them (`dbt build --selector GROUP`)") in capsys.readouterr().err
    assert published(project) == []


def test_a_build_older_than_the_marts_is_refused(project, capsys):
    record_builds(project, "run-3", ["picks_daily"])  # a later `dbt run` rebuilt the mart; run_results is the build's
    assert run(project, "--only", "picks_daily,models_public") == 1
    err = capsys.readouterr().err
    assert (f'FAILED run-results gate: "wh"."public"."picks_daily" was last built by invocation run-3 (at '
            f"2026-02-21T17:00:00Z), not by the build of {project / 'target' / 'run_results.json'} (invocation "
            "build-1): publish right after the build that builds it") in err
    assert "blocked 1 endpoint(s): picks_daily" in err and published(project) == []


def test_missing_column_names_the_mart_and_the_column(project, capsys):
    sql(project, "ALTER TABLE public.models_public DROP COLUMN role")
    assert run(project) == 1
    assert "mart models_public: column(s) 'role'" in capsys.readouterr().err
    assert published(project) == []


def test_empty_mart_without_placeholders_is_an_error(project, capsys):
    sql(project, "DELETE FROM public.models_public")
    assert run(project, "--only", "models_public") == 1
    assert "mart models_public" in capsys.readouterr().err


def test_dry_run_writes_nothing_and_reports_stale(project, capsys):
    assert run(project, "--dry-run") == 0
    err = capsys.readouterr().err
    assert "would create picks/2026-02-21.json" in err
    assert err.splitlines()[-1].startswith("dry run: nothing written; ok in ")
    assert published(project) == []
    assert run(project, "--all-dates") == 0
    sql(project, "DELETE FROM public.picks_daily WHERE date = '2026-02-20'")
    sql(project, "UPDATE public.picks_daily SET line = 26.5 WHERE player_name = 'Nikola Jokić'")
    (project / "out" / "v1" / "old").mkdir()
    (project / "out" / "v1" / "old" / "thing.json").write_text("{}")
    before = {p: (project / "out" / "v1" / p).read_bytes() for p in published(project)}
    capsys.readouterr()
    assert run(project, "--all-dates", "--dry-run", "--json") == 0
    captured = capsys.readouterr()
    assert "would update picks/2026-02-21.json" in captured.err
    assert "stale        picks/2026-02-20.json (picks_daily; kept: python -m publisher.cli withdraw removes it)" in captured.err
    assert "stale        old/thing.json ((no endpoint); kept: python -m publisher.cli withdraw removes it)" in captured.err
    assert "would update manifest.json" in captured.err
    report = json.loads(captured.out)
    assert report["stale"] == ["old/thing.json", "picks/2026-02-20.json"]
    assert {o["path"]: o["status"] for o in report["objects"]}["picks/2026-02-21.json"] == "updated"
    picks = next(e for e in report["endpoints"] if e["name"] == "picks_daily")
    assert (picks["status"], picks["files"], picks["updated"], picks["stale"]) == ("planned", 1, 1, 1)
    assert {p: (project / "out" / "v1" / p).read_bytes() for p in published(project)} == before


def test_dry_run_plans_the_indexes_as_its_uploads_would_leave_them(project, capsys):
    assert run(project, "--date", "2026-02-20") == 0
    capsys.readouterr()
    assert run(project, "--all-dates", "--dry-run") == 0  # a new date: latest.json would move to it
    err = capsys.readouterr().err
    assert "would create picks/2026-02-21.json" in err
    assert "would update latest.json" in err and "would update manifest.json" in err
    assert json.loads((project / "out" / "v1" / "latest.json").read_text())["dates"] == {"picks": "2026-02-20"}
    assert run(project, "--all-dates") == 0
    sql(project, "UPDATE public.picks_daily SET line = 26.5 WHERE player_name = 'Nikola Jokić'")
    capsys.readouterr()
    assert run(project, "--all-dates", "--dry-run", "--json") == 0  # one document changes, no path is new
    captured = capsys.readouterr()
    assert "would update picks/2026-02-21.json" in captured.err
    assert "unchanged    latest.json" in captured.err and "would update manifest.json" in captured.err
    assert json.loads(captured.out)["manifest"] == {"public": "updated"}


def test_quiet_lists_only_what_a_run_or_a_dry_run_would_change(project, capsys):
    assert run(project, "--all-dates") == 0
    sql(project, "UPDATE public.picks_daily SET line = 26.5 WHERE player_name = 'Nikola Jokić'")
    capsys.readouterr()
    for dry in (["--dry-run"], []):  # -q used to list every unchanged object of a dry run all the same
        assert run(project, "--all-dates", "-q", *dry) == 0
        listed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("  ") and ".json" in line
                  and ("picks/" in line or "subsets/" in line)]
        assert listed == [f"  {'would update' if dry else 'updated':<12} picks/2026-02-21.json"], dry


def test_json_report(project, capsys):
    assert run_both(project, "--group", "daily", "--json", "-q") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["manifest"] == {"public": "created", "admin": "created"}
    assert report["destinations"] == {"public": str(project / "out"), "admin": str(project / "private")}
    assert [(e["name"], e["status"], e["created"]) for e in report["endpoints"]] == [
        ("admin_models", "ok", 1), ("models_public", "ok", 1), ("(schemas)", "ok", 2), ("(latest)", "ok", 1),
        ("(manifest)", "ok", 1), ("(admin schemas)", "ok", 1), ("(admin manifest)", "ok", 1)]


def test_a_run_stopped_before_reading_replaces_the_last_report_with_its_error(project, capsys):
    """--json FILE of a scheduled job: a run that stops at once (a selection matching nothing, an unreadable profile)
    exits 1 and its report says so; the file used to keep the previous run's "ok": true."""
    report = project / "reports" / "daily.json"
    assert run(project, "--group", "daily", "--json", str(report)) == 0
    assert json.loads(report.read_text())["ok"] is True
    assert run(project, "--group", "live", "--only", "models_public", "--json", str(report)) == 1
    assert json.loads(report.read_text()) == {
        "ok": False, "dry_run": False,
        "error": "nothing to publish: no endpoint matches --only models_public with --group live"}
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: nothing to publish: no endpoint matches --only models_public with --group live")
    (project / "profiles.yml").write_text("tiny:\n  target: dev\n outputs: {}\n")  # a bad indent
    assert run(project, "--dry-run", "--json") == 1
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert json.loads(captured.out)["ok"] is False and json.loads(captured.out)["dry_run"] is True
    assert error.startswith(f"{project / 'profiles.yml'}: not valid YAML") and "line 3" in error
    assert captured.err.splitlines()[-1] == f"error: {error}" and "Traceback" not in captured.err


def test_a_warehouse_file_not_the_builds_names_the_likely_cause_in_one_line(project, capsys, monkeypatch):
    """The manifest's relations carry the DuckDB file's name ("wh"."public"."picks_daily"): the same warehouse under
    another name (a copy, another DUCKDB_PATH) lacks them. The engine's error, query and caret on five lines, is one
    line, with the cause to check."""
    (project / "wh.duckdb").rename(project / "copy.duckdb")
    monkeypatch.setenv("TINY_DUCKDB", "copy.duckdb")
    assert run(project, "--only", "picks_daily") == 1
    failed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("FAILED picks_daily")]
    assert failed == [
        'FAILED picks_daily: mart picks_daily: reading date of "wh"."public"."picks_daily" failed: CatalogException: '
        'Catalog Error: Table with name "wh.public.picks_daily" does not exist because schema "wh.public" does not '
        'exist; the relation is the one target/manifest.json names: publish with the warehouse (DUCKDB_PATH, '
        '--target) the build wrote']
    assert published(project) == []


def test_a_dry_run_deletes_nothing_not_even_a_killed_runs_temporary_file(project, capsys):
    assert run(project) == 0
    abandoned = project / "out" / "v1" / "picks" / ".2026-02-21.json.1.tmp"  # a killed run's, two hours old
    abandoned.write_text("partial")
    os.utime(abandoned, (abandoned.stat().st_atime, abandoned.stat().st_mtime - 7200))
    assert run(project, "--dry-run") == 0
    assert main(["withdraw", "--dest", str(project / "out"), "--project-dir", str(project), "--dry-run",
                 "picks/2026-02-21.json"]) == 1  # an endpoint's path: refused without --force, a dry run too
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"refused, nothing withdrawn: picks/2026-02-21.json of {project / 'out'}")
    assert abandoned.exists()
    assert run(project) == 0  # a run that writes clears it
    assert not abandoned.exists()


def test_usage_errors(project, capsys):
    assert run(project, "--only", "picks_daly,models_public") == 1
    assert capsys.readouterr().err.splitlines() == [  # a typo: the valid names
        "error: --only: no published model named picks_daly; the published models are admin_models, models_public, "
        "performance, picks_daily"]
    assert published(project) == []
    assert run(project, "--start", "2026-02-19") == 2
    capsys.readouterr()
    assert run(project, "--start", "2026-02-21", "--end", "2026-02-20") == 2  # a range ending before it starts
    assert capsys.readouterr().err.splitlines() == [
        "python -m publisher.cli: error: --start and --end go together, with start <= end "
        "(all options: python -m publisher.cli --help)"]
    for option, value in (("--workers", "0"), ("--retries", "-1"), ("--retry-initial", "-0.5")):
        assert run(project, option, value) == 2
        assert capsys.readouterr().err.splitlines() == [
            "python -m publisher.cli: error: --workers must be >= 1, --retries and --retry-initial >= 0 "
            "(all options: python -m publisher.cli --help)"], option
    for option in ("--date", "--start", "--end", "--as-of"):  # one line naming the format and the value, no usage
        assert run(project, option, "21/02/2026") == 2
        assert capsys.readouterr().err.splitlines() == [
            f"python -m publisher.cli: error: argument {option}: expected a date YYYY-MM-DD, got '21/02/2026' "
            "(all options: python -m publisher.cli --help)"]
    for only in ("", " , "):  # --only "$MODELS" with MODELS unset: a mistake, not "every endpoint"
        assert run(project, "--only", only) == 2
        assert capsys.readouterr().err.splitlines() == [
            f"python -m publisher.cli: error: --only {only!r} names no model: give comma-separated model names, or "
            "leave --only out to publish every endpoint (all options: python -m publisher.cli --help)"]
    for option in ("--dest", "--admin-dest"):  # --dest "$DEST" with DEST unset: it said "nothing to publish", exit 0
        assert run(project, option, " ") == 2
        assert capsys.readouterr().err.splitlines() == [
            f"python -m publisher.cli: error: {option} is empty: name a folder or gs://bucket[/prefix] "
            "(all options: python -m publisher.cli --help)"]
    assert main(["--dest", "gs:///site"]) == 2  # gs://$BUCKET/site with BUCKET unset
    assert capsys.readouterr().err.splitlines() == [
        "python -m publisher.cli: error: --dest: bad GCS destination 'gs:///site': expected gs://bucket[/prefix] "
        "(all options: python -m publisher.cli --help)"]
    assert main(["--dest", "out", "--admin-dest", "gs:///private"]) == 2
    assert "error: --admin-dest: bad GCS destination 'gs:///private'" in capsys.readouterr().err
    assert run(project, "--json", str(project)) == 2  # a folder: it used to fail after publishing, with a traceback
    assert capsys.readouterr().err.splitlines() == [
        f"python -m publisher.cli: error: --json {project} is a folder: name a file in it, e.g. "
        f"{project / 'report.json'} (all options: python -m publisher.cli --help)"]
    assert published(project) == []
    assert main(["withdraw", "--dest", "out"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "python -m publisher.cli withdraw: error: the following arguments are required: PATH "
        "(all options: python -m publisher.cli withdraw --help)"]
    assert main(["--help"]) == 0
    assert main(["schemas", "--help"]) == 0
    capsys.readouterr()
    assert main(["schemas", "--project-dir", str(project / "nowhere")]) == 1  # no manifest: said, and a failure
    assert capsys.readouterr().err == (
        f"error: {project / 'nowhere' / 'target' / 'manifest.json'} not found: run dbt (parse, build) first\n")


def test_an_empty_dated_mart_publishes_nothing_but_an_empty_dateless_one_fails(project, capsys):
    sql(project, "DELETE FROM public.picks_daily")
    assert run(project, "--only", "picks_daily") == 0
    assert run(project, "--only", "picks_daily", "--all-dates", "--json") == 0
    captured = capsys.readouterr()
    assert "WARNING: picks_daily: no dates in the mart" in captured.err
    assert [(e["name"], e["status"], e["files"]) for e in json.loads(captured.out)["endpoints"]][0] == \
        ("picks_daily", "empty", 0)
    assert run(project, "--only", "picks_daily", "--date", "2026-02-21") == 1
    assert run(project, "--only", "picks_daily", "--start", "2026-02-20", "--end", "2026-02-21") == 1


def test_the_manifest_is_checked_too(project, capsys):
    (project / "out" / "v1" / "old").mkdir(parents=True)
    (project / "out" / "v1" / "old" / "catboost_v9.json").write_text("{}")  # a stray object with a forbidden name
    assert run(project, "--group", "daily") == 1
    err = capsys.readouterr().err
    assert (f"{project / 'out'} holds 1 object(s) that no public file may name (clean-API rule), e.g. "
            f"old/catboost_v9.json; withdraw them first: python -m publisher.cli withdraw --dest {project / 'out'} "
            "--force old/") in err  # the manifest would name it: refused at the listing, before any upload
    assert published(project) == ["old/catboost_v9.json"]


def test_latest_names_the_newest_published_date_of_each_public_dated_endpoint(project, capsys):
    latest = project / "out" / "v1" / "latest.json"
    assert run(project, "--date", "2026-02-20") == 0
    assert latest.read_bytes() == b'{"generated_at":"2026-02-21T18:00:00Z","dates":{"picks":"2026-02-20"}}\n'
    assert run(project, "--all-dates", generated_at="2026-02-22T06:00:00Z") == 0
    assert json.loads(latest.read_text()) == {"generated_at": "2026-02-22T06:00:00Z", "dates": {"picks": "2026-02-21"}}
    capsys.readouterr()
    # a backfill of the older date never moves it back; unchanged content is not rewritten
    assert run(project, "--date", "2026-02-20", generated_at="2026-02-23T06:00:00Z") == 0
    assert "unchanged    latest.json" in capsys.readouterr().err
    assert json.loads(latest.read_text())["generated_at"] == "2026-02-22T06:00:00Z"
    manifest = json.loads((project / "out" / "v1" / "manifest.json").read_text())
    assert "latest.json" in manifest["objects"]
    # admin-only runs write no latest.json; admin dated endpoints are never named (see test_publisher_publish)
    assert run_both(project, "--only", "admin_models", "--json") == 0
    assert "(latest)" not in [e["name"] for e in json.loads(capsys.readouterr().out)["endpoints"]]


def withdraw(project, *args):
    return main(["withdraw", "--project-dir", str(project), "--dest", str(project / "out"), *args])


def test_withdraw_a_file_published_by_mistake(project, capsys):
    assert run(project, "--all-dates") == 0
    site = project / "out" / "v1"
    (site / "picks" / "2026-02-22.json").write_text('{"date":"2026-02-22"}')  # a file no mart has rows for
    assert run(project, "--all-dates", generated_at="2026-02-22T06:00:00Z") == 0
    assert json.loads((site / "latest.json").read_text())["dates"] == {"picks": "2026-02-22"}
    capsys.readouterr()
    assert withdraw(project, "picks/2026-02-22.json", "manifest.json", "nope.json") == 1  # nothing is deleted
    err = capsys.readouterr().err
    assert "refused: nope.json: not in " in err and "refused: manifest.json: an index" in err
    assert ("refused: picks/2026-02-22.json: model picks_daily publishes picks/{date}.json, so its runs publish it "
            "again while the mart has rows for it: delete those first, then pass --force") in err
    assert withdraw(project, "--force", "--dry-run", "picks/2026-02-22.json") == 0
    assert "would delete picks/2026-02-22.json" in capsys.readouterr().err and (site / "picks" / "2026-02-22.json").exists()
    assert withdraw(project, "--force", "picks/2026-02-22.json") == 0
    assert not (site / "picks" / "2026-02-22.json").exists()
    assert json.loads((site / "latest.json").read_text())["dates"] == {"picks": "2026-02-21"}
    manifest = json.loads((site / "manifest.json").read_text())["objects"]
    assert sorted(manifest) == [p for p in published(project) if p != "manifest.json"]
    assert "picks/2026-02-22.json" not in manifest and "picks/2026-02-21.json" in manifest
    assert run(project, "--all-dates", generated_at="2026-02-23T06:00:00Z") == 0  # the next run agrees
    assert "unchanged    manifest.json" in capsys.readouterr().err


def test_withdraw_names_what_it_deleted_when_an_index_cannot_be_rewritten(project, capsys, monkeypatch):
    assert run(project, "--all-dates") == 0
    site = project / "out" / "v1"
    (site / "old.json").write_text("{}")  # no endpoint publishes it
    assert run(project, "--all-dates") == 0 and "old.json" in json.loads((site / "manifest.json").read_text())["objects"]
    manifest = (site / "manifest.json").read_bytes()
    with monkeypatch.context() as patched:  # a dry run whose new manifest fails a check: said, nothing deleted
        patched.setattr("publisher.publish.check_document", lambda path, doc: [f"{path}: broken"] * (path == "manifest.json"))
        assert withdraw(project, "--dry-run", "old.json") == 1
        assert "error: ManifestError: manifest.json: ManifestError: manifest.json: broken; dry run: nothing deleted" \
            in capsys.readouterr().err and (site / "old.json").exists()
    fail_puts_of(monkeypatch, "manifest.json")
    capsys.readouterr()
    assert withdraw(project, "old.json") == 1
    err = capsys.readouterr().err
    assert not (site / "old.json").exists() and (site / "manifest.json").read_bytes() == manifest
    assert (f"error: ManifestError: manifest.json: OSError: No space left on device; the next publisher run into {site}"
            " writes the indexes without them; deleted: old.json") in err
    assert "refused" not in err and "withdrawn" not in err


def test_withdraw_stopped_by_a_failed_deletion_drops_what_it_deleted_from_the_indexes(project, capsys, monkeypatch):
    """extra/ and extra/a.json name a.json twice: it is withdrawn once (a KeyError used to stop the run after deleting
    it, leaving both indexes listing it). The deletion of b.json then fails (a concurrent writer): a.json is gone and
    gone from manifest.json, b.json and c.json are still stored and still listed, the error says which is which (the
    log used to say "deleted" before deleting), and withdrawing them again finishes the job."""
    assert run(project, "--all-dates") == 0
    site = project / "out" / "v1"
    (site / "extra").mkdir()
    for name in ("a", "b", "c"):
        (site / "extra" / f"{name}.json").write_text("{}")  # no endpoint publishes them
    assert run(project, "--all-dates") == 0
    delete = LocalDestination.delete

    def failing(self, stored):
        if stored.path == "extra/b.json":
            raise ConflictError(f"{self.base / stored.path}: changed since it was listed")
        return delete(self, stored)

    with monkeypatch.context() as patched:
        patched.setattr(LocalDestination, "delete", failing)
        capsys.readouterr()
        assert withdraw(project, "extra/", "extra/a.json", "extra/a.json") == 1
    err = capsys.readouterr().err
    assert [line.split() for line in err.splitlines() if "deleted " in line and "failed" not in line] == [
        ["deleted", "extra/a.json"]]
    assert (f"error: ManifestError: deleting extra/b.json failed: ConflictError: {site}/extra/b.json: changed since "
            "it was listed; not deleted, still listed: extra/b.json, extra/c.json (withdraw them again); deleted: "
            "extra/a.json") in err
    listed = json.loads((site / "manifest.json").read_text())["objects"]
    assert [p for p in published(project) if p.startswith("extra/")] == ["extra/b.json", "extra/c.json"]
    assert [p for p in listed if p.startswith("extra/")] == ["extra/b.json", "extra/c.json"]
    assert withdraw(project, "extra/") == 0
    assert not (site / "extra").exists() or not any((site / "extra").iterdir())
    assert not any(p.startswith("extra/") for p in json.loads((site / "manifest.json").read_text())["objects"])


def test_admin_files_left_in_the_public_destination_stop_the_run_until_withdrawn(project, capsys):
    assert run_both(project, "--all-dates") == 0
    site = project / "out" / "v1"
    (site / "admin" / "schemas").mkdir(parents=True)
    for leak in ("admin/models.json", "admin/schemas/models.schema.json"):  # from a publisher before --admin-dest
        (site / leak).write_text("{}")
    (site / "picks" / "2026-02-20.json").write_text("{}")  # damaged: the next run that uploads rewrites it
    manifest = (site / "manifest.json").read_bytes()
    capsys.readouterr()
    assert run_both(project, "--all-dates") == 1
    assert (f"{project / 'out'} holds 2 object(s) that no public file may name (clean-API rule), e.g. "
            f"admin/models.json; withdraw them first: python -m publisher.cli withdraw --dest {project / 'out'} "
            "--force admin/") in capsys.readouterr().err
    # refused at the listing, before any upload (the public manifest could not have been written after them)
    assert (site / "picks" / "2026-02-20.json").read_text() == "{}" and (site / "manifest.json").read_bytes() == manifest
    assert withdraw(project, "--force", "admin/") == 0  # a folder: every object under it
    err = capsys.readouterr().err
    assert "deleted      admin/models.json" in err and "deleted      admin/schemas/models.schema.json" in err
    assert not [p for p in published(project) if p.startswith("admin/")] and run_both(project, "--all-dates") == 0
    assert (site / "picks" / "2026-02-20.json").read_text() != "{}"
    assert published(project, "private") == PRIVATE
