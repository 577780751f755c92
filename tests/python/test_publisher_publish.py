"""publish (and build: fingerprints, the code digest, a document built again when only a part changed): the spool,
planning, stale paths, the index documents."""

import datetime as dt
import shutil
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb

from publisher import build as build_module
from publisher.build import Build, Fingerprint, build_endpoint, code_digest
from publisher.catalog import Endpoint, Part
from publisher.destinations import StoredObject
from publisher.documents import template_pattern
from publisher.publish import Item, Scope, Spool, latest_document, manifest_document, plan, plan_status, stale_paths
from publisher.report import Tally
from publisher.schemas import Validator
from publisher.warehouse import DuckDBWarehouse

DECLARATION = {"date": "date", "generated_at": "@generated_at", "n": "n"}
ROWS = [{"date": dt.date(2026, 2, 21), "n": 1, "unused": "a"}, {"date": dt.date(2026, 2, 21), "n": 2, "unused": "b"}]


PART = [{"date": dt.date(2026, 2, 21), "k": "a"}]


def fingerprint(declaration=DECLARATION, columns=None, schema=None, context=None, code=b"code"):
    columns = columns or {"root": ("date", "n"), "part": ("date", "k")}
    return Fingerprint(declaration, columns, schema or {}, context or {"generated_at": "2026-02-21T18:00:00Z"}, code)


def rows(root=ROWS, part=PART):
    return {"root": root, "part": part}


def test_fingerprint_depends_on_what_builds_the_document_only():
    base = fingerprint().of(rows())
    assert len(base) == 64
    assert fingerprint().of(rows(list(reversed(ROWS)))) == base  # row order does not matter
    assert fingerprint().of(rows([{**r, "unused": "z"} for r in ROWS])) == base  # nor unread columns
    assert fingerprint(context={"generated_at": "2030-01-01T00:00:00Z"}).of(rows()) == base  # nor generated_at
    changed = [
        fingerprint().of(rows([ROWS[0], {**ROWS[1], "n": 3}])),
        fingerprint().of(rows([ROWS[0], {**ROWS[1], "n": Decimal(2)}])),  # other type: rebuilt, never wrongly skipped
        fingerprint().of(rows(ROWS[:1])),
        fingerprint().of(rows(part=[{**PART[0], "k": "b"}])),  # a part's rows count too
        fingerprint().of(rows(part=[])),
        fingerprint().of(rows(part=PART + PART)),  # a repeated part row
        fingerprint(declaration={**DECLARATION, "m": "n"}).of(rows()),
        fingerprint(schema={"type": "object"}).of(rows()),
        fingerprint(code=b"new publisher").of(rows()),
        fingerprint(context={"generated_at": "x", "season": "2025-26"}).of(rows()),
    ]
    assert len({base, *changed}) == len(changed) + 1


def test_the_code_digest_covers_the_publishers_rules_file_as_its_code(tmp_path, monkeypatch):
    """Every fingerprint holds the digest of the publisher's code and of its rules file (clean_api.yml): a new
    clean-API term changes what a document may say, so every document is built and checked again, as after a change
    of the code; anything else in the folder does not count."""
    package = Path(build_module.__file__).parent
    for file in [*package.glob("*.py"), *package.glob("*.yml")]:
        shutil.copy(file, tmp_path)
    monkeypatch.setattr(build_module, "__file__", str(tmp_path / "build.py"))
    digests = [code_digest()]
    (tmp_path / "notes.txt").write_text("not the publisher's")
    assert code_digest() == digests[0]
    for file in ("clean_api.yml", "checks.py"):
        (tmp_path / file).write_text((tmp_path / file).read_text() + "\n# changed\n")
        digests.append(code_digest())
    assert len(set(digests)) == 3


def test_a_document_whose_part_alone_changed_is_built_again_not_known_unchanged(tmp_path):
    """build_endpoint fingerprints each document from the rows of its root model and of each part: a change in a
    part's rows alone (a pick of the season, the root's row as it was) is a new fingerprint, so the document is built
    again and carries the change; the same rows again are known unchanged (not built). Taking the root's rows alone
    would keep the stale document on a bucket (fingerprints are kept with the objects) for good."""
    warehouse_file = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse_file)) as connection:
        connection.execute("create table season as select 'S1' as season, 3 as wins")
        connection.execute("create table picks as select * from (values ('S1', 1, 'Ann'), ('S1', 2, 'Bo')) "
                           "as rows (season, pick_rank, player)")
    picks = {"from": "picks", "join": ["season"], "list": ["pick_rank"], "fields": {"rank": "pick_rank", "player": "player"}}
    endpoint = Endpoint("season_doc", "season", "season.json", "public, max-age=60", "daily",
                        {"season": "season", "wins": "wins", "picks": picks}, "public", frozenset(),
                        parts={"picks": Part("model.p.picks", "picks")})

    def built(listing: dict[str, StoredObject]) -> tuple[Item, bytes | None]:
        """The document's item and its bytes (None: known unchanged, not built)."""
        warehouse = DuckDBWarehouse(warehouse_file)
        try:
            with Spool() as spool:
                build = Build({}, listing, spool, b"code", {"season_doc": Validator({})})
                [item] = build_endpoint(endpoint, warehouse, {}, Tally("season_doc"), build)
                return item, item.load() if item.load else None  # read before the spool closes
        finally:
            warehouse.close()

    first, data = built({})
    assert data == b'{"season":"S1","wins":3,"picks":[{"rank":1,"player":"Ann"},{"rank":2,"player":"Bo"}]}\n'
    stored = {"season.json": StoredObject("season.json", first.hash, 1, "public, max-age=60", first.fingerprint)}
    assert built(stored)[1] is None  # the same rows: known unchanged
    with duckdb.connect(str(warehouse_file)) as connection:
        connection.execute("update picks set player = 'Cy' where pick_rank = 2")
    again, data = built(stored)
    assert again.fingerprint != first.fingerprint and again.hash != first.hash
    assert data == b'{"season":"S1","wins":3,"picks":[{"rank":1,"player":"Ann"},{"rank":2,"player":"Cy"}]}\n'


def test_spool_keeps_bytes_on_disk_and_reads_them_from_threads():
    with Spool() as spool:
        loads = [spool.add(f"document {i}\n".encode() * (i + 1)) for i in range(200)]
        with ThreadPoolExecutor(8) as pool:
            read = list(pool.map(lambda load: load(), loads))
        assert read == [f"document {i}\n".encode() * (i + 1) for i in range(200)]
        assert spool.size == sum(len(f"document {i}\n") * (i + 1) for i in range(200))
    assert spool.file.closed


def item(path, digest, cache_control="public, max-age=300", fingerprint_=None):
    return Item(Tally("e"), path, lambda: b"{}", digest, cache_control, fingerprint_)


def test_plan():
    listing = {"a.json": StoredObject("a.json", "h1", 7, "public, max-age=300", "f1"),
               "b.json": StoredObject("b.json", "h1", 8, "public, max-age=300", "f0"),
               "c.json": StoredObject("c.json", "h1", 9, "public, max-age=60"),
               "d.json": StoredObject("d.json", "h0", 10)}
    items = [item("a.json", "h1", fingerprint_="f1"), item("b.json", "h1", fingerprint_="f1"),
             item("c.json", "h1"), item("d.json", "h1"), item("e.json", "h1")]
    plan(items, listing)
    assert [(i.status, i.refresh, i.expected_generation) for i in items] == [
        ("unchanged", False, 7), ("unchanged", True, 8), ("updated", False, 9), ("updated", False, 10),
        ("created", False, None)]


def test_plan_status():
    assert plan_status(None, "a") == "created"
    assert plan_status(StoredObject("p", "a", 1), "a") == "unchanged"
    assert plan_status(StoredObject("p", "a", 1), "b") == "updated"
    assert plan_status(StoredObject("p", None, 1), "b") == "updated"  # uploaded by something else
    assert plan_status(StoredObject("p", "a", 1, "public, max-age=60"), "a", "public, max-age=300") == "updated"


def test_template_pattern_and_scope():
    pattern = template_pattern("best-bets/{date}.json")
    assert pattern.fullmatch("best-bets/2026-02-21.json").group("date") == "2026-02-21"
    assert pattern.fullmatch("best-bets/all.json") is not None  # a placeholder matches any segment
    assert template_pattern("a.b/{x}.json").fullmatch("aXb/1.json") is None  # literal dots
    scope = Scope(pattern, dt.date(2026, 2, 20), dt.date(2026, 2, 21))
    assert [scope.covers(f"best-bets/2026-02-{d}.json") for d in (19, 20, 21, 22)] == [False, True, True, False]
    assert not scope.covers("best-bets/all.json") and Scope(pattern).covers("best-bets/all.json")


def endpoint(path, visibility="public"):
    return Endpoint("e", "r", path, "c", "g", {}, visibility, frozenset())


def test_stale_paths():
    scopes = {"picks": Scope(template_pattern("picks/{date}.json"), dt.date(2026, 2, 1), dt.date(2026, 2, 28))}
    endpoints = [endpoint("picks/{date}.json"), endpoint("systems/models.json")]
    listing = ["picks/2026-02-01.json", "picks/2026-02-02.json", "picks/2026-01-31.json", "systems/models.json",
               "old/x.json", "manifest.json", "latest.json", "schemas/picks.schema.json", "schemas/latest.schema.json",
               "schemas/old.schema.json"]
    assert stale_paths(listing, {"picks/2026-02-01.json"}, scopes, endpoints) == {
        "picks/2026-02-02.json": "picks", "old/x.json": "(no endpoint)", "schemas/old.schema.json": "(no endpoint)"}


def test_manifest_document():
    listing = {"manifest.json": StoredObject("manifest.json", "m", 1),
               "b.json": StoredObject("b.json", "hb", 3), "a.json": StoredObject("a.json", None, 5)}
    doc = manifest_document(listing, "2026-02-21T18:00:00Z")
    assert doc == {"generated_at": "2026-02-21T18:00:00Z",
                   "objects": {"a.json": {"hash": None, "generation": 5}, "b.json": {"hash": "hb", "generation": 3}}}
    assert list(doc["objects"]) == ["a.json", "b.json"]


def test_latest_document():
    endpoints = [("picks/{date}.json", "public"), ("best-bets/{date}.json", "public"), ("best-bets/all.json", "public"),
                 ("admin/picks/{date}.json", "admin"), ("live-grading/{date}.json", "public")]
    keys = {endpoint(path, visibility).latest_key: path for path, visibility in endpoints}
    assert sorted(k for k in keys if k) == ["best-bets", "live-grading", "picks"]
    prefixes = {key: template_pattern(path) for key, path in keys.items() if key}
    listing = ["picks/2026-02-19.json", "picks/2026-02-21.json", "picks/2026-02-20.json", "picks/not-a-date.json",
               "picks/2026-02-30.json", "picks/2026-W09-1.json",  # no such day; ISO week form: not YYYY-MM-DD
               "best-bets/2025-12-31.json", "best-bets/all.json", "admin/picks/2026-03-01.json"]
    doc = latest_document(listing, prefixes, "2026-02-21T18:00:00Z")
    assert doc == {"generated_at": "2026-02-21T18:00:00Z", "dates": {"best-bets": "2025-12-31", "picks": "2026-02-21"}}
    assert list(doc["dates"]) == ["best-bets", "picks"]  # sorted; live-grading never published: absent
