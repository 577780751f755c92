"""One publisher run, stage by stage: ``run`` is the whole flow, in order.

1. select the endpoints (catalog)             6. plan each object against the listing (publish)
2. the run-results gate (gate)                7. upload the changes in parallel (publish)
3. schemas: committed = generated (schemas)   8. latest.json, then manifest.json, last (publish)
4. list the destination, once (destinations)  9. the report (report)
5. read, fold and check every document (build)

A failure in stages 2 to 5 stops the run before anything is written; a failed upload
leaves the previous latest.json and manifest.json in place.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from publisher.build import Build, Dates, build_all, code_digest
from publisher.catalog import Endpoint, endpoints_from_manifest, load_manifest, select_endpoints, target_dir
from publisher.checks import check_document
from publisher.destinations import Destination, StoredObject
from publisher.gate import gate
from publisher.gcs import open_destination
from publisher.publish import (CREATED, LATEST_CACHE_CONTROL, LATEST_PATH, MANIFEST_CACHE_CONTROL, MANIFEST_PATH,
                               UNCHANGED, UPDATED, Item, Scope, Spool, latest_document, manifest_document, plan,
                               stale_paths, template_pattern, upload, write_index)
from publisher.report import Progress, Tally, describe, log
from publisher.retry import RetryPolicy
from publisher.schemas import (LATEST_SCHEMA, SCHEMA_DIR, SchemaError, Validator, compare_with_repo, expected_files,
                               latest_schema, published_path, schema_bytes, schema_file)
from publisher.serialize import content_hash, format_timestamp
from publisher.warehouse import warehouse_from_profile

SCHEMA_CACHE_CONTROL = {"public": "public, max-age=3600", "admin": "private, max-age=3600"}
REPO_SCHEMA_DIR = Path(__file__).resolve().parent.parent / SCHEMA_DIR  # the repo's schemas/ (editable install)
SHOWN_ERRORS = 20  # per summary row, when a run stops before uploading
LATEST_DATES, DEFAULT_RETRY = Dates(), RetryPolicy()


@dataclass
class Index:
    """latest.json or manifest.json: a document built from the listing once every object is up."""
    tally: Tally
    path: str
    document: Callable[[dict[str, StoredObject]], dict]
    cache_control: str
    validator: Validator | None = None


@dataclass
class Schemas:
    """The schema objects to publish, and each endpoint's validator and schema bytes (for fingerprints)."""
    tally: Tally
    items: list[Item] = field(default_factory=list)
    validators: dict[str, Validator] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Report:
    """What a run did: a summary row per endpoint and index, every object, the stale paths, the manifest."""
    rows: list[Tally]
    objects: list[Item]
    stale: dict[str, str]
    manifest: str  # its status: created, updated, unchanged, not written, failed
    seconds: dict[str, float]
    settings: dict[str, Any]  # destination, dry run, generated_at, override: echoed by --json

    @property
    def ok(self) -> bool:
        return not any(tally.status == "failed" for tally in self.rows)

    def as_json(self) -> str:
        objects = [{"path": i.path, "endpoint": i.tally.name, "status": "failed" if i.error else i.status, "hash": i.hash,
                    "generation": i.result.generation if i.result else None, "error": i.error}
                   for i in sorted(self.objects, key=lambda i: i.path)]
        head = {"ok": self.ok, **self.settings, "manifest": self.manifest, "stale": sorted(self.stale),
                "seconds": {k: round(v, 4) for k, v in self.seconds.items()}}
        return json.dumps({**head, "endpoints": [vars(t) for t in self.rows], "objects": objects}, indent=2, default=str)


def run(project_dir: str | Path, dest: str, *, target: str | None = None, profiles_dir: str | Path | None = None,
        dates: Dates = LATEST_DATES, only: set[str] | None = None, group: str | None = None,
        generated_at: dt.datetime | None = None, run_results: Path | None = None, schemas_dir: Path | None = None,
        workers: int = 16, retry: RetryPolicy = DEFAULT_RETRY, dry_run: bool = False, rebuild: bool = False,
        allow_failed_upstream: bool = False, quiet: bool = False) -> Report | None:
    """Publish the selected endpoints of the dbt project to ``dest``; None when none is selected.
    Raises CatalogError or WarehouseError when the manifest or the dbt profile cannot be used."""
    started, seconds = time.monotonic(), dict[str, float]()
    stamp = format_timestamp(generated_at or dt.datetime.now(dt.timezone.utc))
    all_endpoints = endpoints_from_manifest(load_manifest(project_dir))
    endpoints = select_endpoints(all_endpoints, only, group)  # 1
    if not endpoints:
        log("nothing to publish: no endpoint matches the selection")
        return None
    tallies = {e.name: Tally(e.name, e.path_template, e.group) for e in endpoints}
    indexes = index_files(endpoints, all_endpoints, stamp)
    schemas = Schemas(Tally("(schemas)", f"{SCHEMA_DIR}/"))
    rows = [*tallies.values(), schemas.tally, *(index.tally for index in indexes)]
    listing_tally = indexes[-1].tally  # a listing that fails is the manifest's failure

    results = run_results or target_dir(project_dir) / "run_results.json"
    for name, failures in gate(endpoints, results, allow_failed_upstream, log).items():  # 2
        for failure in failures:
            tallies[name].fail(failure)
    check_schemas(endpoints, all_endpoints, schemas_dir or default_schema_dir(project_dir), tallies, schemas,
                  indexes[0] if indexes[0].path == LATEST_PATH else None)  # 3
    destination: Destination | None = None
    listing: dict[str, StoredObject] = {}
    if not failed(tallies.values()):
        destination, listing = list_destination(dest, retry, listing_tally, seconds)  # 4
    items: list[Item] = []
    scopes: dict[str, Scope] = {}
    stale: dict[str, str] = {}
    manifest = "not written"
    with Spool() as spool:
        if not failed([*tallies.values(), listing_tally]):
            warehouse = warehouse_from_profile(project_dir, target, profiles_dir)
            try:  # 5
                build = Build({"generated_at": stamp}, listing, spool, code_digest(), schemas.files, schemas.validators,
                              rebuild)
                items, scopes = build_all(endpoints, warehouse, dates, build, tallies)
            finally:
                warehouse.close()
        seconds["build_and_check"] = time.monotonic() - started - seconds.get("list", 0.0)
        objects = items + schemas.items
        stopped = failed(rows)
        if stopped:
            log_failures(rows)
        else:
            assert destination is not None  # listing it failed otherwise: a failed row above
            plan(objects, listing)  # 6
            stale = find_stale(listing, objects, scopes, all_endpoints, tallies)
            upload_changes(destination, objects, workers, dry_run, seconds)  # 7
            log_objects(objects, stale, dry_run, quiet)
            manifest = write_indexes(destination, listing, objects, indexes, dry_run, seconds)  # 8
    for tally in rows:  # 9
        tally.settle(dry_run, stopped and not tally.errors and not tally.failed)
    seconds["total"] = time.monotonic() - started
    settings = {"dry_run": dry_run, "destination": dest, "generated_at": stamp, "override": allow_failed_upstream}
    return Report(rows, objects, stale, manifest, seconds, settings)


def failed(tallies: Any) -> bool:
    return any(tally.errors for tally in tallies)


def default_schema_dir(project_dir: str | Path) -> Path:
    in_project = Path(project_dir) / SCHEMA_DIR
    return in_project if in_project.is_dir() else REPO_SCHEMA_DIR


def index_files(endpoints: list[Endpoint], all_endpoints: list[Endpoint], generated_at: str) -> list[Index]:
    """latest.json (when a public endpoint is published: it names public files only), then manifest.json."""
    indexes = []
    if any(e.visibility == "public" for e in endpoints):
        prefixes = {e.latest_key: template_pattern(e.path_template) for e in all_endpoints if e.latest_key}
        indexes.append(Index(Tally("(latest)", LATEST_PATH), LATEST_PATH,
                             lambda listing: latest_document(listing, prefixes, generated_at), LATEST_CACHE_CONTROL))
    indexes.append(Index(Tally("(manifest)", MANIFEST_PATH), MANIFEST_PATH,
                         lambda listing: manifest_document(listing, generated_at), MANIFEST_CACHE_CONTROL))
    return indexes


def check_schemas(endpoints: list[Endpoint], all_endpoints: list[Endpoint], schema_dir: Path, tallies: dict[str, Tally],
                  schemas: Schemas, latest: Index | None) -> None:
    """Stage 3: every committed schema must be the one generated from the contracts (else its endpoint fails);
    the schema objects are checked by the clean-API rule like any document (a problem fails the run, not the build)."""
    fix = "run `python -m publisher.cli schemas --write` and commit"

    def add(name: str, data: bytes, visibility: str) -> Validator:
        schema, path = json.loads(data), published_path(name)
        schemas.items.append(Item(schemas.tally, path, lambda: data, content_hash(schema), SCHEMA_CACHE_CONTROL[visibility]))
        for violation in check_document(path, schema):
            schemas.tally.fail(f"clean-API violation: {violation}")
        return Validator(schema)

    for endpoint in endpoints:
        tally = tallies[endpoint.name]
        try:
            name = schema_file(endpoint.path_template)
            expected = expected_files([endpoint])
        except SchemaError as error:
            tally.fail(f"schema: {error}")
            continue
        problems = compare_with_repo(schema_dir, expected, orphans=False)
        for problem in problems:
            tally.fail(f"schema: {problem}; {fix}")
        if not problems:
            schemas.files[endpoint.name] = expected[name]
            schemas.validators[endpoint.name] = add(name, expected[name], endpoint.visibility)
    if latest is not None:
        data = schema_bytes(latest_schema(e.latest_key for e in all_endpoints if e.latest_key))
        problems = compare_with_repo(schema_dir, {LATEST_SCHEMA: data}, orphans=False)
        for problem in problems:
            schemas.tally.fail(f"schema: {problem}; {fix}")
        latest.validator = add(LATEST_SCHEMA, data, "public") if not problems else Validator(json.loads(data))
    schemas.tally.files = len(schemas.items)


def list_destination(dest: str, retry: RetryPolicy, tally: Tally,
                     seconds: dict[str, float]) -> tuple[Destination | None, dict[str, StoredObject]]:
    """Stage 4: open the destination and list it once (stored fingerprints spare building unchanged documents)."""
    try:
        destination = open_destination(dest, retry=retry, log=log)
        listed = time.monotonic()
        listing = destination.list()
    except Exception as error:  # noqa: BLE001 - credentials, a missing bucket, ...: nothing was uploaded
        tally.fail(f"{dest}: {describe(error)}")
        return None, {}
    seconds["list"] = time.monotonic() - listed
    log(f"listed {len(listing)} object(s) in {destination.url} in {seconds['list']:.2f}s")
    return destination, listing


def log_failures(rows: list[Tally]) -> None:
    blocked = [tally for tally in rows if tally.errors]
    for tally in blocked:
        for message in tally.errors[:SHOWN_ERRORS]:
            log(f"FAILED {tally.name}: {message}")
        if len(tally.errors) > SHOWN_ERRORS:
            log(f"FAILED {tally.name}: ... and {len(tally.errors) - SHOWN_ERRORS} more")
    log(f"aborted: {len(blocked)} failed before any upload (checks, listing); nothing was uploaded")


def find_stale(listing: dict[str, StoredObject], objects: list[Item], scopes: dict[str, Scope],
               all_endpoints: list[Endpoint], tallies: dict[str, Tally]) -> dict[str, str]:
    """Stored objects the run covers but did not produce, or that no endpoint publishes: path -> owner."""
    reserved = {MANIFEST_PATH, LATEST_PATH, published_path(LATEST_SCHEMA)} | \
        {published_path(schema_file(e.path_template)) for e in all_endpoints}
    stale = stale_paths(listing, {item.path for item in objects}, scopes,
                        [template_pattern(e.path_template) for e in all_endpoints], reserved)
    for owner in stale.values():
        if owner in tallies:
            tallies[owner].stale += 1
    return stale


def upload_changes(destination: Destination, objects: list[Item], workers: int, dry_run: bool,
                   seconds: dict[str, float]) -> None:
    """Stage 7 (a dry run only counts what it would do)."""
    started = time.monotonic()
    changed = sum(item.status in (CREATED, UPDATED) for item in objects)
    if dry_run:
        for item in objects:
            item.tally.count(item.status)
    else:
        progress = Progress(changed, "uploading") if changed else None
        upload(destination, objects, workers, lambda item: progress.advance() if progress else None)
    seconds["upload"] = time.monotonic() - started


def label(status: str, dry_run: bool) -> str:
    return {CREATED: "would create", UPDATED: "would update"}.get(status, status) if dry_run else status


def log_objects(objects: list[Item], stale: dict[str, str], dry_run: bool, quiet: bool) -> None:
    for item in sorted(objects, key=lambda i: i.path):
        if item.error:
            log(f"  FAILED       {item.path}: {item.error}")
        elif item.status != UNCHANGED or not quiet or dry_run:
            log(f"  {label(item.status, dry_run):<12} {item.path}")
    for path, owner in sorted(stale.items()):
        log(f"  {'stale':<12} {path} ({owner}; kept, never deleted)")
    for item in objects:
        if item.warning:
            log(f"WARNING: {item.path}: {item.warning}")


def write_indexes(destination: Destination, listing: dict[str, StoredObject], objects: list[Item],
                  indexes: list[Index], dry_run: bool, seconds: dict[str, float]) -> str:
    """Stage 8: only when every object succeeded, latest.json then manifest.json (last), each checked like a
    document, from the listing as it is after the uploads. Returns the manifest's status."""
    if any(item.error for item in objects):
        log(f"NOT writing {LATEST_PATH} nor {MANIFEST_PATH}: {sum(bool(i.error) for i in objects)} object(s) failed; "
            "the previous ones stay (rerun to finish)")
        return "not written"
    listing = {**listing, **{item.path: item.result for item in objects if item.result is not None}}
    started, status = time.monotonic(), "not written"
    for index in indexes:
        index.tally.files = 1

        def check(doc: dict, index: Index = index) -> list:
            return [*check_document(index.path, doc), *(index.validator.validate(index.path, doc) if index.validator else [])]
        try:
            status, stored = write_index(destination, listing, index.path, index.document, index.cache_control, dry_run,
                                         log, check)
        except Exception as error:  # noqa: BLE001 - reported, the run fails
            index.tally.count("failed")
            index.tally.fail(f"{index.path}: {describe(error)}")
            log(f"FAILED {index.path}: {describe(error)}")
            return "failed" if index.path == MANIFEST_PATH else "not written"
        index.tally.count(status)
        if stored is not None:
            listing = {**listing, index.path: stored}
        log(f"  {label(status, dry_run):<12} {index.path} (generation {stored.generation if stored else None})")
    seconds["manifest"] = time.monotonic() - started
    return status
