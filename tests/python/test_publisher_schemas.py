"""schemas: JSON Schema generation from declaration + contract, validation, and the repo's schemas/ kept in step."""

import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from pipeline import DBT_PROCESSES
from publisher.catalog import Column, Endpoint, endpoints_from_manifest, schema_file
from publisher.schemas import (SchemaError, Validator, all_schema_files, column_kind, compare_with_repo, endpoint_schema,
                               latest_schema, published_path, schema_bytes)

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # tools/ (development tools, outside the package)
from tools.endpoints_page import DOCS_PAGE, endpoints_page  # noqa: E402

DOCUMENT = {
    "date": "date",
    "generated_at": "@generated_at",
    "groups": {"list": ["group_id"], "fields": {
        "id": "group_id",
        "record": {"null_if": "wins", "fields": {"wins": "wins", "pct": {"column": "pct", "round": 1}}},
        "picks": {"list": ["rank"], "fields": {"rank": "rank", "line": {"column": "line", "round": 0}, "result": "result"}},
    }},
    "windows": {"map": "window", "fields": {"n": "n"}},
    "days": {"map": "day", "fields": {"ok": "ok", "at": "at"}},
}
COLUMNS = {
    "date": Column("date", True), "group_id": Column("INT64", True), "wins": Column("bigint", False),
    "pct": Column("double", False), "rank": Column("integer", False), "line": Column("DECIMAL(4,1)", True),
    "window": Column("varchar", True, values=("last_7_days", "season")), "n": Column("int64", True),
    "result": Column("string", False, "hit or miss, null while pending.", ("hit", "miss")), "day": Column("date", True),
    "ok": Column("boolean", True), "at": Column("timestamp", False),
}


def endpoint(document=DOCUMENT, columns=COLUMNS, path="picks/{date}.json"):
    return Endpoint("picks_daily", "r", path, "public, max-age=300", "after-predictions", document, "public",
                    frozenset(), "model.p.picks_daily", columns=columns)


def obj(properties):
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def test_schema_worked_by_hand():
    expected = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "picks/{date}.json",
        "$comment": "Generated from the publish declaration and contract of its mart by "
                    "`python -m publisher.cli schemas --write`; do not edit.",  # public: no model (table) name
        **obj({
            "date": {"type": "string", "format": "date"},
            "generated_at": {"type": "string", "format": "date-time",
                             "description": "When the publisher wrote this file (UTC); unchanged files keep theirs."},
            "groups": {"type": "array", "items": obj({
                "id": {"type": "integer"},
                "record": {**obj({"wins": {"type": ["integer", "null"]}, "pct": {"type": ["number", "null"]}}),
                           "type": ["object", "null"]},
                "picks": {"type": "array", "items": obj({
                    "rank": {"type": ["integer", "null"]},
                    "line": {"type": "integer"},  # round: 0 makes an integer
                    # accepted_values: an enum (null too, when nullable); the column doc: the description
                    "result": {"type": ["string", "null"], "enum": ["hit", "miss", None],
                               "description": "hit or miss, null while pending."},
                })},
            })},
            "windows": {"type": "object", "propertyNames": {"enum": ["last_7_days", "season"]},
                        "additionalProperties": obj({"n": {"type": "integer"}})},
            "days": {"type": "object", "propertyNames": {"format": "date"}, "additionalProperties": obj({
                "ok": {"type": "boolean"}, "at": {"type": ["string", "null"], "format": "date-time"}})},
        }),
    }
    schema = endpoint_schema(endpoint())
    assert schema == expected
    assert list(schema) == ["$schema", "title", "$comment", "type", "properties", "required", "additionalProperties"]


def test_an_integer_rounded_to_decimals_is_a_number_and_integer_map_keys_may_be_negative():
    """`round: 1` on an integer column publishes a float (documents.round_value): the schema says number, as
    `round: 0` on a decimal says integer (line above). A map keyed by an integer column names its entries by the
    integer's text, a negative one too, and nothing else."""
    schema = endpoint_schema(endpoint(document={"rate": {"column": "n", "round": 1},
                                                "by_group": {"map": "group_id", "fields": {"n": "n"}}}))
    assert schema["properties"]["rate"] == {"type": "number"}
    assert schema["properties"]["by_group"]["propertyNames"] == {"pattern": "^-?[0-9]+$"}
    check = Validator(schema)
    assert check.validate("f.json", {"rate": 3.0, "by_group": {"-1": {"n": 1}, "12": {"n": 2}}}) == []
    assert [v.split(": ")[1] for v in check.validate("f.json", {"rate": 3.0, "by_group": {"1.5": {"n": 1}}})] == [
        "$.by_group"]


def test_latest_schema_lists_the_prefixes_in_name_order():
    """The committed file must not change with the order the endpoints are read in."""
    dates = latest_schema(["signals", "best-bets", "picks"])["properties"]["dates"]["properties"]
    assert list(dates) == ["best-bets", "picks", "signals"]

@pytest.mark.parametrize(("data_type", "kind"), [
    ("string", "string"), ("STRING", "string"), ("varchar(20)", "string"), ("text", "string"),
    ("int64", "integer"), ("integer", "integer"), ("BIGINT", "integer"),
    ("float64", "number"), ("double", "number"), ("numeric", "number"), ("decimal(10,2)", "number"),
    ("date", "date"), ("timestamp", "timestamp"), ("TIMESTAMP WITH TIME ZONE", "timestamp"),
    ("boolean", "boolean"), ("bool", "boolean"), ("struct<a int>", None), (None, None),
])
def test_column_kind(data_type, kind):
    assert column_kind(data_type) == kind


def test_generation_errors_name_the_model_and_column():
    with pytest.raises(SchemaError, match=r"model picks_daily: document\.groups\.id reads column 'group_id', "
                                          r"which its contract does not declare"):
        endpoint_schema(endpoint(columns={k: v for k, v in COLUMNS.items() if k != "group_id"}))
    with pytest.raises(SchemaError, match=r"column 'ok' has data_type 'array<string>'"):
        endpoint_schema(endpoint(columns={**COLUMNS, "ok": Column("array<string>", True)}))
    with pytest.raises(SchemaError, match="unknown run context value '@now'"):
        endpoint_schema(endpoint(document={"x": "@now"}))


@pytest.mark.parametrize(("template", "file"), [
    ("picks/{date}.json", "picks.schema.json"),
    ("best-bets/{date}.json", "best-bets.schema.json"),
    ("best-bets/all.json", "best-bets/all.schema.json"),
    ("systems/subsets.json", "systems/subsets.schema.json"),
    ("admin/picks/{date}.json", "admin/picks.schema.json"),
    ("a/day-{date}.json", "a/day.schema.json"),
])
def test_schema_file(template, file):
    assert schema_file(template) == file


def test_published_paths():
    assert published_path("picks.schema.json") == "schemas/picks.schema.json"
    assert published_path("admin/picks.schema.json") == "admin/schemas/picks.schema.json"


GOOD = {"date": "2026-02-21", "generated_at": "2026-02-21T18:00:00Z",
        "groups": [{"id": 1, "record": None, "picks": [{"rank": 1, "line": 25, "result": None}]},
                   {"id": 2, "record": {"wins": 3, "pct": 75.0}, "picks": []}],
        "windows": {"last_7_days": {"n": 3}},
        "days": {"2026-02-21": {"ok": True, "at": None}}}


def test_valid_document():
    assert Validator(endpoint_schema(endpoint())).validate("picks/2026-02-21.json", GOOD) == []


@pytest.mark.parametrize(("change", "key_path", "message"), [
    (lambda d: d["groups"][1]["record"].update(pct="75"), "$.groups[1].record.pct",
     '"75" is not of types "null", "number"'),
    (lambda d: d["groups"][0]["picks"][0].update(result="win"), "$.groups[0].picks[0].result",
     '"win" is not one of "hit", "miss" or null'),
    (lambda d: d["windows"].update(week={"n": 1}), "$.windows", '"week" is not one of "last_7_days" or "season"'),
    (lambda d: d["groups"][0]["picks"][0].update(edge=5.2), "$.groups[0].picks[0]",
     "Additional properties are not allowed ('edge' was unexpected)"),
    (lambda d: d.pop("generated_at"), "$", '"generated_at" is a required property'),
    (lambda d: d.update(date="2026-02-30"), "$.date", '"2026-02-30" is not a "date"'),
    (lambda d: d.update(generated_at="2026-02-21 18:00"), "$.generated_at", '"2026-02-21 18:00" is not a "date-time"'),
    (lambda d: d["days"].update({"tomorrow": {"ok": True, "at": None}}), "$.days", '"tomorrow" is not a "date"'),
    (lambda d: d["groups"][0].update(id=None), "$.groups[0].id", 'null is not of type "integer"'),
])
def test_violations_name_the_file_key_and_value(change, key_path, message):
    doc = json.loads(json.dumps(GOOD))
    change(doc)
    found = Validator(endpoint_schema(endpoint())).validate("picks/2026-02-21.json", doc)
    assert found[0].startswith(f"picks/2026-02-21.json: {key_path}: value ")
    assert message in found[0]


def test_every_violation_is_listed_in_key_order_up_to_the_limit_and_long_values_are_shortened():
    """Three violations, each on its own line in key-path order; a value whose repr is longer than 80 characters
    ends in "..." at 80 (an 80-character one is shown whole); ``limit`` keeps the first ones."""
    doc = json.loads(json.dumps(GOOD))
    doc["groups"][1]["record"]["pct"] = "y" * 79  # repr: 81 characters
    doc["groups"][0]["picks"][0]["result"] = "x" * 78  # repr: 80 characters
    doc["date"] = "2026-02-30"
    found = Validator(endpoint_schema(endpoint())).validate("p.json", doc)
    assert found == [
        "p.json: $.date: value '2026-02-30': \"2026-02-30\" is not a \"date\"",
        f"p.json: $.groups[0].picks[0].result: value '{'x' * 78}': \"{'x' * 78}\" is not one of \"hit\", \"miss\" or null",
        f"p.json: $.groups[1].record.pct: value '{'y' * 76}...: \"{'y' * 79}\" is not of types \"null\", \"number\"",
    ]
    assert Validator(endpoint_schema(endpoint())).validate("p.json", doc, limit=2) == found[:2]

def test_schema_bytes_are_readable_json():
    schema = endpoint_schema(endpoint())
    data = schema_bytes(schema)
    assert json.loads(data) == schema and data.endswith(b"}\n")
    assert b'"required": ["date", "generated_at", "groups", "windows", "days"]' in data
    assert b'"id": {"type": "integer"}' in data


def test_write_and_compare_repo(tmp_path):
    expected = {"picks.schema.json": schema_bytes(endpoint_schema(endpoint()))}
    assert compare_with_repo(tmp_path, expected) == [f"{tmp_path / 'picks.schema.json'}: missing"]
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "gone.schema.json").write_text("{}")
    assert compare_with_repo(tmp_path, expected, orphans=False) == [f"{tmp_path / 'picks.schema.json'}: missing"]
    assert compare_with_repo(tmp_path, expected, write=True) == [
        f"{tmp_path / 'picks.schema.json'}: missing", f"{tmp_path / 'old' / 'gone.schema.json'}: no published model has this schema"]
    assert compare_with_repo(tmp_path, expected) == []
    assert (tmp_path / "picks.schema.json").read_bytes() == expected["picks.schema.json"]
    (tmp_path / "picks.schema.json").write_text("{}")
    assert compare_with_repo(tmp_path, expected, write=True) == [
        f"{tmp_path / 'picks.schema.json'}: differs from the schema generated from the contract"]
    assert compare_with_repo(tmp_path, expected, write=True) == []


@pytest.fixture(scope="module")
def project_manifest(tmp_path_factory):
    """The real project's manifest, parsed fresh (the contracts as they are in models/ now)."""
    root = tmp_path_factory.mktemp("parse")
    shutil.copyfile(REPO / "profiles.yml.example", root / "profiles.yml")
    done = DBT_PROCESSES.run(["parse", "--project-dir", str(REPO), "--profiles-dir", str(root), "--target-path",
                              str(root / "target"), "--log-path", str(root / "logs"), "-q"], dict(os.environ), root)
    assert done.returncode == 0, f"dbt parse failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
    return json.loads((root / "target" / "manifest.json").read_text())


def test_committed_schemas_match_the_mart_contracts(project_manifest):
    """Fails when a mart's declaration or contract changed without `python -m publisher.cli schemas --write`."""
    endpoints = endpoints_from_manifest(project_manifest)
    assert endpoints, "the project publishes no mart"
    problems = compare_with_repo(REPO / "schemas", all_schema_files(endpoints))
    problems += compare_with_repo(REPO, {DOCS_PAGE: endpoints_page(endpoints).encode()}, orphans=False)
    assert problems == [], "run `make schemas` (dbt parse, then the schemas and docs/endpoints.md) and commit them"


def test_every_committed_schema_is_valid_draft_2020_12():
    """The publisher compiles the committed schemas without checking them against the meta-schema: here it is."""
    from jsonschema import Draft202012Validator

    files = sorted((REPO / "schemas").rglob("*.schema.json"))
    assert files
    for file in files:
        Draft202012Validator.check_schema(json.loads(file.read_text()))
    Draft202012Validator.check_schema(endpoint_schema(endpoint()))


def test_the_endpoints_page_shows_every_field_of_the_schemas():
    admin = Endpoint("admin_x", "r", "admin/x.json", "private, max-age=60", "daily", {"n": "n"}, "admin", frozenset(),
                     columns=COLUMNS)
    page = endpoints_page([endpoint(), admin])
    public, private = page.split("## Admin (the private destination)")
    assert ("### `picks/{date}.json`\n\nCache-Control `public, max-age=300`, trigger group `after-predictions`, "
            "schema `schemas/picks.schema.json`.\n\n| field | type | null | values | description |") in public
    rows = [line for line in public.splitlines() if line.startswith("| `")]
    assert rows[:6] == [
        "| `date` | date | no |  |  |",
        "| `generated_at` | date-time | no |  | When the publisher wrote this file (UTC); unchanged files keep theirs. |",
        "| `groups` | list of objects (groups[]) | no |  |  |",
        "| `groups[].id` | integer | no |  |  |",
        "| `groups[].record` | object | yes |  |  |",
        "| `groups[].record.wins` | integer | yes |  |  |"]
    assert "| `groups[].picks[].result` | string | yes | `hit`, `miss`, `null` | hit or miss, null while pending. |" in rows
    assert "| `windows` | object by key (`last_7_days`, `season`) | no |  |  |" in rows
    assert "| `windows.*.n` | integer | no |  |  |" in rows and "| `days` | object by key (date) | no |  |  |" in rows
    assert "### `latest.json`" in public and "| `dates.picks` | date | no |  |  |" in public
    assert "### `admin/x.json`" in private and "| `n` | integer | no |  |  |" in private


POOL = [None, "x", "2026-02-21", "2026-02-30", "2026-W08-6", "2026-02-21T18:00:00Z", "2026-02-21T18:00",
        "2026-02-21t18:00:00.5z", "2026-02-21T24:00:00Z", "2026-02-30T18:00:00+01:00", "2026-02-21T18:00:00-25:00",
        0, 1, -3, 1.0, 1.5, True, False, [], [1], {}, {"n": 1}, {"ok": True, "at": None},
        {"rank": 1, "line": 2, "result": "hit"}, "hit", "season"]


def nodes(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from nodes(child, (*path, index))


def mutate(doc, rng):
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.choice([1, 1, 2])):
        path = rng.choice(list(nodes(doc)))
        if not path:
            continue
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = rng.random()
        if action < 0.7:
            parent[path[-1]] = json.loads(json.dumps(rng.choice(POOL)))
        elif action < 0.85 and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["extra", "2026-02-22", "n", "id"])] = rng.choice(POOL)
        else:
            parent.append(json.loads(json.dumps(rng.choice(POOL))))
    return doc


def rfc3339_date_time(value) -> bool:
    """RFC 3339's date-time (section 5.6: T and Z in either case), written here from the RFC as the reference."""
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))", value,
                         re.ASCII) if isinstance(value, str) else None
    if found is None:
        return not isinstance(value, str)
    day, hour, minute, second, _, _, offset_hour, offset_minute = found.groups()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return int(hour) < 24 and int(minute) < 60 and int(second) < 60 and int(offset_hour or 0) < 24 \
        and int(offset_minute or 0) < 60


def test_the_validator_agrees_with_the_reference_implementation_on_random_documents():
    """jsonschema-rs gives the verdict; on the schemas the generator writes it must be that of jsonschema, the
    reference implementation of Draft 2020-12 (its own date format, date-time from the RFC above)."""
    import random

    from jsonschema import Draft202012Validator, FormatChecker

    rng = random.Random(20260221)
    checker = Validator(endpoint_schema(endpoint()))
    formats = FormatChecker(formats=["date"])
    formats.checks("date-time")(rfc3339_date_time)
    reference = Draft202012Validator(checker.schema, format_checker=formats)
    verdicts = set()
    for _ in range(3000):
        doc = mutate(GOOD, rng)
        valid = not list(reference.iter_errors(doc))
        assert (checker.validate("f.json", doc) == []) == valid, doc
        verdicts.add(valid)
    assert verdicts == {True, False}  # both kinds were exercised


def test_keywords_beyond_the_generator_are_checked_too():
    checker = Validator({"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}})
    assert checker.validate("f.json", {"n": 2}) == ["f.json: $.n: value 2: 2 is less than the minimum of 3"]
    assert checker.validate("f.json", {"n": 3}) == []


def test_latest_schema_names_every_public_dated_endpoint_and_nothing_else(project_manifest):
    endpoints = endpoints_from_manifest(project_manifest)
    schema = json.loads(all_schema_files(endpoints)["latest.schema.json"])
    assert sorted(schema["properties"]["dates"]["properties"]) == ["best-bets", "live-grading", "picks", "signals"]
    check = Validator(schema)
    good = {"generated_at": "2026-02-21T18:00:00Z", "dates": {"picks": "2026-02-21"}}
    assert check.validate("latest.json", good) == []
    bad = {"generated_at": "2026-02-21T18:00:00Z", "dates": {"admin/picks": "2026-02-21"}}
    assert [v.split(": ")[1] for v in check.validate("latest.json", bad)] == ["$.dates"]


# contract §4 (the endpoint tables): every endpoint's path, cache-control and trigger group, typed from the contract;
# admin groups, which the contract leaves open, as docs/endpoints.md lists them
CONTRACT_ENDPOINTS = {
    "picks/{date}.json": ("public, max-age=300", "after-predictions"),
    "signals/{date}.json": ("public, max-age=300", "after-predictions"),
    "subsets/performance.json": ("public, max-age=3600", "hourly"),
    "systems/subsets.json": ("public, max-age=86400", "daily"),
    "systems/models.json": ("public, max-age=86400", "daily"),
    "best-bets/{date}.json": ("public, max-age=300", "after-predictions"),
    "best-bets/all.json": ("public, max-age=300", "after-predictions"),
    "live-grading/{date}.json": ("public, max-age=30", "live"),
    "admin/dashboard.json": ("private, max-age=300", "hourly"),
    "admin/picks/{date}.json": ("private, max-age=3600", "after-predictions"),
    "admin/models.json": ("private, max-age=86400", "daily"),
    "admin/predictions/{date}.json": ("private, max-age=300", "after-predictions"),
}


def test_every_endpoint_has_the_contracts_path_cache_control_and_group(project_manifest):
    endpoints = endpoints_from_manifest(project_manifest)
    assert {e.path_template: (e.cache_control, e.group) for e in endpoints} == CONTRACT_ENDPOINTS
