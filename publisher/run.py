"""One publisher run: ``run`` is the whole flow, its stages in order.

1. select the endpoints (catalog)           6. plan every object against the listing (publish)
2. the run-results gate (catalog)           7. upload the changes, in parallel (publish)
3. the schemas: committed = generated       8. latest.json, then manifest.json, last (publish)
4. list the destination, once               9. the report: a summary row per endpoint (report)
5. read, fold and check every document (build)
A failure in stages 2 to 5 stops the run before anything is written; a failed upload leaves
the previous latest.json and manifest.json in place.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from publisher.build import Build, Dates, build_all, code_digest
from publisher.catalog import Endpoint, endpoints_from_manifest, gate, load_manifest, select_endpoints, target_dir
from publisher.checks import check_document
from publisher.destinations import Destination, StoredObject, open_destination
from publisher.publish import (LATEST_CACHE_CONTROL, LATEST_PATH, MANIFEST_CACHE_CONTROL, MANIFEST_PATH,
                               UNCHANGED, Index, Item, Scope, Spool, label, latest_document, manifest_document,
                               plan, stale_paths, template_pattern, upload, write_indexes)
from publisher.report import Tally, describe, log, timed
from publisher.destinations import RetryPolicy
from publisher.schemas import (LATEST_SCHEMA, SCHEMA_DIR, SchemaError, Validator, compare_with_repo, expected_files,
                               latest_schema, published_path, schema_bytes)
from publisher.serialize import content_hash, format_timestamp
from publisher.warehouse import warehouse_from_profile

SCHEMA_CACHE_CONTROL = {"public": "public, max-age=3600", "admin": "private, max-age=3600"}
REPO_SCHEMA_DIR = Path(__file__).resolve().parent.parent / SCHEMA_DIR
SHOWN_ERRORS = 20  # per summary row, when a run stops before uploading
LATEST_DATES, DEFAULT_RETRY = Dates(), RetryPolicy()


@dataclass
class Report:
    """What a run did: a summary row per endpoint and pseudo-endpoint, every object, the stale paths, the
    manifest's status (created, updated, unchanged, not written, failed) and the time of each stage."""
    rows: list[Tally]
    generated_at: str
    objects: list[Item] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    manifest: str = "not written"
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(tally.status == "failed" for tally in self.rows)

    def as_json(self, destination: str, dry_run: bool, override: bool) -> str:
        objects = [{"path": i.path, "endpoint": i.tally.name, "status": "failed" if i.error else i.status, "hash": i.hash,
                    "generation": i.result.generation if i.result else None, "error": i.error}
                   for i in sorted(self.objects, key=lambda i: i.path)]
        return json.dumps({"ok": self.ok, "dry_run": dry_run, "destination": destination,
                           "generated_at": self.generated_at, "override": override, "manifest": self.manifest, "stale": sorted(self.stale),
                           "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
                           "endpoints": [vars(t) for t in self.rows], "objects": objects}, indent=2, default=str)


def run(project_dir: str | Path, dest: str, *, target: str | None = None, profiles_dir: str | Path | None = None,
        dates: Dates = LATEST_DATES, only: set[str] | None = None, group: str | None = None,
        generated_at: dt.datetime | None = None, run_results: Path | None = None, schemas_dir: Path | None = None,
        workers: int = 16, retry: RetryPolicy = DEFAULT_RETRY, dry_run: bool = False, rebuild: bool = False,
        allow_failed_upstream: bool = False, quiet: bool = False) -> Report | None:
    """Publish the selected endpoints of the dbt project to ``dest``; None when none is selected.
    Raises CatalogError or WarehouseError when the manifest or the dbt profile cannot be used."""
    started = time.monotonic()
    stamp = format_timestamp(generated_at or dt.datetime.now(dt.timezone.utc))
    all_endpoints = endpoints_from_manifest(load_manifest(project_dir))
    # 1. select the endpoints
    endpoints = select_endpoints(all_endpoints, only, group)
    if not endpoints:
        log("nothing to publish: no endpoint matches the selection")
        return None
    tallies = {e.name: Tally(e.name, e.path_template, e.group) for e in endpoints}
    schemas, indexes = Tally("(schemas)", f"{SCHEMA_DIR}/"), index_files(endpoints, all_endpoints, stamp)
    report = Report([*tallies.values(), schemas, *(index.tally for index in indexes)], stamp)
    # 2. the run-results gate
    results = run_results or target_dir(project_dir) / "run_results.json"
    for name, failures in gate(endpoints, results, allow_failed_upstream, log).items():
        tallies[name].fail(*failures)
    # 3. the schemas: the committed ones must be the generated ones
    validators, schema_items = check_schemas(endpoints, all_endpoints, schemas_dir or default_schema_dir(project_dir),
                                             tallies, schemas, indexes)
    # 4. list the destination, once
    destination: Destination | None = None
    listing: dict[str, StoredObject] = {}
    if not any(t.errors for t in tallies.values()):
        destination, listing = list_destination(dest, retry, indexes[-1].tally, report.seconds)
    with Spool() as spool:
        # 5. read, fold and check every document
        items: list[Item] = []
        scopes: dict[str, Scope] = {}
        if not any(t.errors for t in [*tallies.values(), indexes[-1].tally]):
            with closing(warehouse_from_profile(project_dir, target, profiles_dir)) as warehouse:
                build = Build({"generated_at": stamp}, listing, spool, code_digest(), validators, rebuild)
                items, scopes = build_all(endpoints, warehouse, dates, build, tallies)
        report.seconds["build_and_check"] = time.monotonic() - started - report.seconds.get("list", 0.0)
        report.objects = items + schema_items
        stopped = any(t.errors for t in report.rows)
        if stopped:  # nothing is written
            log_failures(report.rows)
        else:
            assert destination is not None  # listing it failed otherwise: a failed row above
            # 6. plan every object against the listing; what is stored but no longer produced is stale
            plan(report.objects, listing)
            report.stale = stale_paths(listing, {item.path for item in report.objects}, scopes, all_endpoints)
            for owner in report.stale.values():
                if owner in tallies:
                    tallies[owner].stale += 1
            # 7. upload the changes, in parallel
            with timed(report.seconds, "upload"):
                upload(destination, report.objects, workers, dry_run)
            log_objects(report.objects, report.stale, dry_run, quiet)
            # 8. latest.json, then manifest.json, last
            with timed(report.seconds, "manifest"):
                report.manifest = write_indexes(destination, listing, report.objects, indexes, dry_run, log)
    # 9. the report
    for tally in report.rows:
        tally.settle(dry_run, stopped and not tally.errors and not tally.failed)
    report.seconds["total"] = time.monotonic() - started
    return report


def default_schema_dir(project_dir: str | Path) -> Path:
    """PROJECT_DIR/schemas if it exists, else the repo's (next to this package, in an editable install)."""
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
                  tally: Tally, indexes: list[Index]) -> tuple[dict[str, Validator], list[Item]]:
    """Stage 3: each committed schema must be the one generated from the contracts (else its endpoint fails).
    Returns the validators (by endpoint name) and the schema objects, which pass the clean-API rule like any
    document (a problem there fails the run, not the build)."""
    validators, items = {}, []

    def committed(name: str, data: bytes, owner: Tally, visibility: str) -> Validator | None:
        problems = compare_with_repo(schema_dir, {name: data}, orphans=False)
        owner.fail(*(f"schema: {problem}; run `python -m publisher.cli schemas --write` and commit" for problem in problems))
        if problems:
            return None
        schema, path = json.loads(data), published_path(name)
        items.append(Item(tally, path, lambda: data, content_hash(schema), SCHEMA_CACHE_CONTROL[visibility]))
        tally.fail(*(f"clean-API violation: {violation}" for violation in check_document(path, schema)))
        return Validator(schema)

    for endpoint in endpoints:
        try:
            [(name, data)] = expected_files([endpoint]).items()
        except SchemaError as error:
            tallies[endpoint.name].fail(f"schema: {error}")
            continue
        if validator := committed(name, data, tallies[endpoint.name], endpoint.visibility):
            validators[endpoint.name] = validator
    if indexes[0].path == LATEST_PATH:
        data = schema_bytes(latest_schema(e.latest_key for e in all_endpoints if e.latest_key))
        indexes[0].validator = committed(LATEST_SCHEMA, data, tally, "public") or Validator(json.loads(data))
    tally.files = len(items)
    return validators, items


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
