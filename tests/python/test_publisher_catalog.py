"""catalog: endpoints from a small hand-written manifest."""

import copy
import json

import pytest

from publisher.catalog import CatalogError, Column, endpoints_from_manifest, load_manifest

DOCUMENT = {"date": "date", "generated_at": "@generated_at", "picks": {"list": ["rank"], "fields": {"rank": "rank"}}}
PUBLISH = {"path": "picks/{date}.json", "cache_control": "public, max-age=300", "group": "after-predictions",
           "document": DOCUMENT}
ADMIN = {"path": "admin/models.json", "cache_control": "private, max-age=86400", "group": "daily",
         "document": {"generated_at": "@generated_at"}}


def model(name, deps, publish=None, legacy_meta=False):
    node = {"resource_type": "model", "name": name, "relation_name": f'"wh"."public"."{name}"',
            "depends_on": {"nodes": deps}, "config": {"meta": {}}, "meta": {}}
    if publish is not None:
        meta = node["meta"] if legacy_meta else node["config"]["meta"]
        meta["publish"] = publish
    return node


@pytest.fixture(autouse=True)
def default_target_path(monkeypatch):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)


MANIFEST = {
    "nodes": {
        "model.p.picks_daily": model("picks_daily", ["model.p.int_scored", "seed.p.codenames"], PUBLISH),
        "model.p.int_scored": model("int_scored", ["model.p.stg_predictions", "source.p.raw.odds"]),
        "model.p.stg_predictions": model("stg_predictions", ["source.p.raw.predictions"]),
        "seed.p.codenames": {"resource_type": "seed", "name": "codenames", "depends_on": {"nodes": []}},
        "model.p.admin_models": model("admin_models", [], ADMIN, legacy_meta=True),
        "model.p.not_published": model("not_published", []),
        "test.p.some_test": {"resource_type": "test", "name": "some_test", "config": {"meta": {"publish": PUBLISH}}},
    }
}


def test_load_endpoints_from_project_dir(tmp_path):
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(MANIFEST))
    endpoints = endpoints_from_manifest(load_manifest(tmp_path))
    assert [e.name for e in endpoints] == ["admin_models", "picks_daily"]
    admin, picks = endpoints
    assert picks.relation == '"wh"."public"."picks_daily"'
    assert picks.path_template == "picks/{date}.json" and picks.placeholders == ("date",)
    assert (picks.cache_control, picks.group, picks.visibility) == ("public, max-age=300", "after-predictions", "public")
    assert list(picks.document) == ["date", "generated_at", "picks"]
    assert picks.upstream == {"model.p.int_scored", "model.p.stg_predictions", "seed.p.codenames",
                              "source.p.raw.odds", "source.p.raw.predictions"}
    assert picks.unique_id == "model.p.picks_daily"
    assert (admin.visibility, admin.group, admin.upstream) == ("admin", "daily", frozenset())


def test_missing_manifest(tmp_path):
    with pytest.raises(CatalogError, match="manifest.json"):
        endpoints_from_manifest(load_manifest(tmp_path))


@pytest.mark.parametrize("text, reason", [
    # written halfway (a full disk, a killed dbt): it used to end the run in a bare JSONDecodeError
    ('{"nodes": {"model.p.picks_daily": {"con', None),
    # JSON, but no mapping: it ended the publisher and tools.endpoints_page in an AttributeError
    ("[]", "a JSON list, not dbt's manifest object"),
])
def test_an_unreadable_manifest_is_named_with_its_fix(tmp_path, monkeypatch, text, reason):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(text)
    with pytest.raises(CatalogError) as raised:
        load_manifest(tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'target' / 'manifest.json'}: unreadable (")
    assert message.endswith("): run dbt (parse, build) again")
    if reason:
        assert f"unreadable ({reason}): " in message


def broken(**changes):
    manifest = copy.deepcopy(MANIFEST)
    publish = manifest["nodes"]["model.p.picks_daily"]["config"]["meta"]["publish"]
    for key, value in changes.items():
        if value is None:
            del publish[key]
        else:
            publish[key] = value
    return manifest


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cache_control": "private, max-age=300"}, "public path needs 'public, max-age=N'"),
        ({"cache_control": "max-age=300"}, "cache_control"),
        ({"path": "admin/picks/{date}.json"}, "admin path needs 'private, max-age=N'"),
        ({"group": "weekly"}, "group 'weekly'"),
        ({"pathh": "x"}, "unknown key 'pathh'"),
        ({"group": None}, "missing key 'group'"),
        ({"path": "../picks.json"}, "path"),
        ({"document": {"date": "date", "picks": {"list": ["rank"], "fields": {}}}}, r"document\.picks\.fields"),
        ({"document": {"x": {"weird": 1}}}, r"document\.x: unknown node form"),
        # where the publisher writes its own files (indexes, schemas), or a path that names no schema file
        ({"path": "manifest.json"}, r"path 'manifest.json' is the publisher's own"),
        ({"path": "latest.json"}, r"path 'latest.json' is the publisher's own"),
        ({"path": "schemas/{date}.json"}, r"path 'schemas/\{date\}.json' is the publisher's own"),
        ({"path": "admin/schemas/x.json", "cache_control": "private, max-age=60"}, "the publisher's own"),
        ({"path": "latest/{date}.json"}, r"would publish its schema as latest.schema.json, the schema of v1/latest"),
        ({"path": "{date}.json"}, r"path '\{date\}.json' has no name left once its placeholders are removed"),
    ],
)
def test_bad_declarations_name_the_model_and_the_key(changes, message):
    with pytest.raises(CatalogError, match=r"model picks_daily \(model\.p\.picks_daily\): publish: .*" + message):
        endpoints_from_manifest(broken(**changes))


def test_two_models_with_the_same_path_are_rejected():
    manifest = copy.deepcopy(MANIFEST)
    manifest["nodes"]["model.p.picks_copy"] = model("picks_copy", [], PUBLISH)
    with pytest.raises(CatalogError, match="picks_copy.*picks_daily|picks_daily.*picks_copy"):
        endpoints_from_manifest(manifest)


def test_two_models_whose_paths_give_one_schema_file_are_rejected():
    """picks/{date}.json and picks/{day}.json would both publish schemas/picks.schema.json: a run kept one
    endpoint's schema and left the other without a validator, unpublished, its summary row 'empty'."""
    manifest = copy.deepcopy(MANIFEST)
    manifest["nodes"]["model.p.picks_copy"] = model("picks_copy", [], {**PUBLISH, "path": "picks/{day}.json"})
    with pytest.raises(CatalogError, match=r"models picks_(daily|copy) and picks_(copy|daily) both publish their "
                                           r"schema as picks.schema.json \(paths .*\): rename one path"):
        endpoints_from_manifest(manifest)


def test_contract_columns_as_of_and_tests_upstream():
    manifest = copy.deepcopy(MANIFEST)
    picks = manifest["nodes"]["model.p.picks_daily"]
    picks["config"]["meta"]["publish"]["as_of"] = "as_of"
    picks["columns"] = {"date": {"name": "date", "data_type": "date", "constraints": [{"type": "not_null"}]},
                        "rank": {"name": "rank", "data_type": "int64", "constraints": []},
                        "result": {"name": "result", "data_type": "string", "description": "hit or\n  miss."},
                        "status": {"name": "status", "data_type": "string", "constraints": []}}
    for name, model, column, where in (("accepted_values_picks_daily_result", "picks_daily", "result", None),
                                       ("accepted_values_int_scored_x", "int_scored", "result", "x > 0"),
                                       ("accepted_values_picks_daily_status", "picks_daily", "status", "rank = 1")):
        manifest["nodes"][f"test.p.{name}"] = {  # a test with a where checks some rows only: no enum
            "resource_type": "test", "depends_on": {"nodes": [f"model.p.{model}"]}, "column_name": column,
            "attached_node": f"model.p.{model}", "config": {"where": where},
            "test_metadata": {"name": "accepted_values", "kwargs": {"values": ["hit", "miss"]}}}
    manifest["nodes"]["test.p.not_null_int_scored_x"] = {
        "resource_type": "test", "depends_on": {"nodes": ["model.p.int_scored"]}}
    manifest["nodes"]["test.p.unique_picks_daily_rank"] = {
        "resource_type": "test", "depends_on": {"nodes": ["model.p.picks_daily"]}}
    manifest["nodes"]["test.p.other"] = {"resource_type": "test", "depends_on": {"nodes": ["model.p.not_published"]}}
    manifest["unit_tests"] = {"unit_test.p.stg_predictions.dedupe": {"depends_on": {"nodes": ["model.p.stg_predictions"]}}}
    admin, picks = endpoints_from_manifest(manifest)
    assert picks.as_of == "as_of" and admin.as_of is None
    assert picks.columns == {"date": Column("date", True), "rank": Column("int64", False),
                             "result": Column("string", False, "hit or miss.", ("hit", "miss")),
                             "status": Column("string", False)}
    assert picks.tests == {"test.p.not_null_int_scored_x", "test.p.unique_picks_daily_rank",  # data tests only
                           "test.p.accepted_values_picks_daily_result", "test.p.accepted_values_int_scored_x",
                           "test.p.accepted_values_picks_daily_status"}
    assert admin.tests == frozenset()


def test_as_of_must_be_a_column_name():
    with pytest.raises(CatalogError, match="as_of must be a column name"):
        endpoints_from_manifest(broken(as_of="as of; drop"))


def test_dbt_target_path_is_honoured(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "manifest.json").write_text(json.dumps(MANIFEST))
    monkeypatch.setenv("DBT_TARGET_PATH", "elsewhere")
    assert [e.name for e in endpoints_from_manifest(load_manifest(tmp_path))] == ["admin_models", "picks_daily"]
