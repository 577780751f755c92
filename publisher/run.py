"""One publisher run: ``run`` is the whole flow, its stages in order.

1. select the endpoints (catalog)           6. plan every object against its listing (publish)
2. the run-results gate (catalog)           7. upload the changes, in parallel (publish)
3. the schemas: committed = generated       8. latest.json, then manifest.json, last (publish)
4. list each destination, once              9. the report: a summary row per endpoint (report)
5. read, fold and check every document (build)
Public endpoints go to the public destination, admin ones to the private one (``admin_dest``): each is a
``Site`` with its own objects, schemas and manifest. A failure in stages 2 to 5 stops the run before
anything is written; a failed upload leaves the previous latest.json and manifest.json in place.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from publisher.build import Build, Dates, build_all, code_digest
from publisher.catalog import (GATE, LATEST_PATH, LATEST_SCHEMA, MANIFEST_PATH, SCHEMA_DIR, CatalogError,
                               Endpoint, endpoints_from_manifest, gate, load_manifest, select_endpoints, target_dir)
from publisher.checks import check_document
from publisher.destinations import Destination, RetryPolicy, StoredObject, open_destination
from publisher.publish import (UNCHANGED, Index, Item, Scope, Spool, label, plan, site_indexes, stale_paths, upload,
                               write_indexes)
from publisher.report import Tally, describe, log, timed
from publisher.schemas import (SchemaError, Validator, compare_with_repo, endpoint_schema, latest_schema, published_path,
                               schema_bytes)
from publisher.serialize import content_hash, format_timestamp
from publisher.warehouse import last_builds, warehouse_from_profile

SCHEMA_CACHE_CONTROL = {"public": "public, max-age=3600", "admin": "private, max-age=3600"}
SHOWN_ERRORS = 20  # per summary row, when a run stops before uploading
LATEST_DATES, DEFAULT_RETRY = Dates(), RetryPolicy()


@dataclass
class Site:
    """One audience's destination: its selected endpoints, all of its endpoints (what is stale there), its
    indexes (latest.json in the public one only) and, as the run goes, its listing, objects and stale paths."""
    audience: str  # 'public' or 'admin'
    url: str
    endpoints: list[Endpoint]
    known: list[Endpoint]
    indexes: list[Index]
    schemas: Tally
    destination: Destination | None = None
    listing: dict[str, StoredObject] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    scopes: dict[str, Scope] = field(default_factory=dict)
    stale: dict[str, str] = field(default_factory=dict)  # path -> owner
    manifest: str = "not written"


@dataclass
class Report:
    """What a run did: a summary row per endpoint and pseudo-endpoint, every object, the stale paths, each
    destination's manifest status (created, updated, unchanged, not written, failed), the time of each stage."""
    rows: list[Tally]
    generated_at: str
    sites: list[Site]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(tally.status == "failed" for tally in self.rows)

    def as_json(self, dry_run: bool, override: bool) -> str:
        objects = [{"path": i.path, "endpoint": i.tally.name, "status": "failed" if i.error else i.status,
                    "hash": i.hash, "generation": i.result.generation if i.result else None, "error": i.error}
                   for i in sorted((i for site in self.sites for i in site.items), key=lambda i: i.path)]
        return json.dumps({"ok": self.ok, "dry_run": dry_run, "destinations": {s.audience: s.url for s in self.sites},
                           "generated_at": self.generated_at, "override": override,
                           "manifest": {s.audience: s.manifest for s in self.sites},
                           "stale": sorted(path for site in self.sites for path in site.stale),
                           "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
                           "endpoints": [vars(t) for t in self.rows], "objects": objects}, indent=2, default=str)


def run(project_dir: str | Path, dest: str, admin_dest: str | None = None, *, target: str | None = None,
        profiles_dir: str | Path | None = None, dates: Dates = LATEST_DATES, only: set[str] | None = None,
        group: str | None = None, generated_at: dt.datetime | None = None, run_results: Path | None = None,
        schemas_dir: Path | None = None, workers: int = 16, retry: RetryPolicy = DEFAULT_RETRY, dry_run: bool = False,
        rebuild: bool = False, allow_failed_upstream: bool = False, quiet: bool = False) -> Report:
    """Publish the selected endpoints of the dbt project: public ones to ``dest``, admin ones to ``admin_dest``
    (None: not published, and said so).
    Raises CatalogError when the manifest cannot be used or the selection leaves nothing to publish, WarehouseError
    when the dbt profile cannot be used."""
    started = time.monotonic()
    stamp = format_timestamp(generated_at or dt.datetime.now(dt.timezone.utc))
    all_endpoints = endpoints_from_manifest(load_manifest(project_dir))
    # 1. select the endpoints, and the destination of each audience
    endpoints = select_endpoints(all_endpoints, only, group)
    admin = [e.name for e in endpoints if e.visibility == "admin"] if admin_dest is None else []
    if admin:
        log(f"public files only: no --admin-dest, so {len(admin)} admin endpoint(s) are not published "
            f"({', '.join(admin)})")
        endpoints = [e for e in endpoints if e.visibility == "public"]
    sites = [open_site(audience, url, endpoints, all_endpoints, stamp)
             for audience, url in (("public", dest), ("admin", admin_dest)) if url]
    sites = [site for site in sites if site.endpoints]
    if not sites:
        asked = [f"--only {','.join(sorted(only))}" if only else "", f"--group {group}" if group else ""]
        raise CatalogError("nothing to publish: " + (
            "the selection's endpoints are admin ones, and no --admin-dest says where they go" if admin else
            f"no endpoint matches {' with '.join(a for a in asked if a) or 'at all (the manifest declares none)'}"))
    tallies = {e.name: Tally(e.name, e.path_template, e.group) for e in endpoints}
    report = Report([*tallies.values(), *(t for s in sites for t in (s.schemas, *(i.tally for i in s.indexes)))],
                    stamp, sites)

    def blocked() -> bool:  # an endpoint failed a check, or a listing failed (its row: the site's manifest)
        return any(t.errors for t in [*tallies.values(), *(s.indexes[-1].tally for s in sites)])

    with closing(warehouse_from_profile(project_dir, target, profiles_dir)) as warehouse, ExitStack() as locks, \
            Spool() as spool:
        # 2. the run-results gate
        results = run_results or target_dir(project_dir) / "run_results.json"
        for name, failures in gate(endpoints, results, lambda: last_builds(warehouse), allow_failed_upstream).items():
            tallies[name].fail(*failures)
        # 3. the schemas: the committed ones must be the generated ones
        schema_dir = schemas_dir or Path(project_dir) / SCHEMA_DIR
        validators = {name: v for site in sites for name, v in check_schemas(site, schema_dir, tallies).items()}
        # 4. list each destination, once, under its lock (held to the end: one run at a time writes it)
        with timed(report.seconds, "list"):
            for site in sites:
                if not blocked():
                    list_destination(site, retry, None if dry_run else locks)
        # 5. read, fold and check every document; nothing is written when anything failed so far
        for site in sites if not blocked() else []:
            build = Build({"generated_at": stamp}, site.listing, spool, code_digest(), validators, rebuild,
                          site.destination.keeps_fingerprints if site.destination else False)
            items, site.scopes = build_all(site.endpoints, warehouse, dates, build, tallies)
            site.items[:0] = items
        report.seconds["build_and_check"] = time.monotonic() - started - report.seconds["list"]
        if stopped := any(t.errors for t in report.rows):
            log_failures(report.rows)
        else:
            # 6. plan every object against the listing; what is stored but no longer produced is stale
            for site in sites:
                plan(site.items, site.listing)
                site.stale = stale_paths(site.listing, {item.path for item in site.items}, site.scopes, site.known)
                for owner in site.stale.values():
                    if owner in tallies:
                        tallies[owner].stale += 1
            # 7. upload the changes, in parallel
            with timed(report.seconds, "upload"):
                for site in sites:
                    assert site.destination is not None  # listing it failed otherwise: a failed row, the run stopped
                    upload(site.destination, site.items, workers, dry_run)
            for site in sites:
                log_objects(site, dry_run, quiet)
            # 8. latest.json, then manifest.json, last: only when every object of the run succeeded
            failed = sum(bool(item.error) for site in sites for item in site.items)
            with timed(report.seconds, "manifest"):
                for site in sites:
                    assert site.destination is not None
                    site.manifest = write_indexes(site.destination, site.listing, site.items, site.indexes, failed,
                                                  dry_run)
    # 9. the report
    for tally in report.rows:
        tally.settle(dry_run, stopped)
    report.seconds["total"] = time.monotonic() - started
    return report


def open_site(audience: str, url: str, selected: list[Endpoint], all_endpoints: list[Endpoint], stamp: str) -> Site:
    endpoints, known = ([e for e in group if e.visibility == audience] for group in (selected, all_endpoints))
    indexes, name = site_indexes(audience == "public", known, stamp), "" if audience == "public" else f"{audience} "
    return Site(audience, url, endpoints, known, indexes, Tally(f"({name}schemas)", f"{SCHEMA_DIR}/"))


def check_schemas(site: Site, schema_dir: Path, tallies: dict[str, Tally]) -> dict[str, Validator]:
    """Stage 3: each committed schema of the site must be the one generated from the contracts (else its endpoint
    fails). Returns the validators (by endpoint name); the schemas become objects of the site and pass the clean-API
    rule like any document (a problem there fails the run, not the build)."""
    schemas: dict[str, tuple[dict, Tally, str | None]] = {}  # schema file -> (the schema, owner, endpoint name)
    for endpoint in site.endpoints:
        try:
            schemas[endpoint.schema_file] = (endpoint_schema(endpoint), tallies[endpoint.name], endpoint.name)
        except SchemaError as error:
            tallies[endpoint.name].fail(f"schema: {error}")
    if site.indexes[0].path == LATEST_PATH:
        schemas[LATEST_SCHEMA] = (latest_schema(e.latest_key for e in site.known if e.latest_key), site.schemas, None)
    validators = {}
    for name, (schema, owner, endpoint_name) in schemas.items():
        data, path = schema_bytes(schema), published_path(name)
        owner.fail(*(f"schema: {problem}; run `make schemas` (publisher.cli schemas --write, docs) and commit"
                     for problem in compare_with_repo(schema_dir, {name: data}, orphans=False)))
        site.items.append(Item(site.schemas, path, lambda data=data: data, content_hash(schema),  # type: ignore[misc]
                               SCHEMA_CACHE_CONTROL[site.audience]))
        site.schemas.fail(*(f"clean-API violation: {violation}" for violation in check_document(path, schema)))
        if endpoint_name is None:
            site.indexes[0].validator = Validator(schema)
        else:
            validators[endpoint_name] = Validator(schema)
    site.schemas.files = len(schemas)
    return validators


def list_destination(site: Site, retry: RetryPolicy, locks: ExitStack | None) -> None:
    """Stage 4: open the destination, take its lock into ``locks`` (a bucket's; None: a dry run, no lock) and list
    it once (stored fingerprints spare building unchanged documents)."""
    try:
        listed = time.monotonic()
        site.destination = open_destination(site.url, retry)
        if locks is not None:
            locks.enter_context(site.destination.locked())
        site.listing = site.destination.list()
    except Exception as error:  # noqa: BLE001 - credentials, a missing bucket, ...: nothing was uploaded
        site.indexes[-1].tally.fail(f"{site.url}: {describe(error)}")
        return
    # a stored path the public manifest may not name (an admin file left by a publisher before --admin-dest) would
    # fail the manifest after the uploads: refused here, before anything is written
    if site.indexes[-1].public and (leaks := sorted(p for p in site.listing if check_document(MANIFEST_PATH, {p: 0}))):
        folders = sorted({path.partition("/")[0] + "/" if "/" in path else path for path in leaks})
        site.indexes[-1].tally.fail(
            f"{site.url} holds {len(leaks)} object(s) that no public file may name (clean-API rule), e.g. {leaks[0]}; "
            f"withdraw them first: python -m publisher.cli withdraw --dest {site.url} --force {' '.join(folders)}")
    log(f"listed {len(site.listing)} object(s) in {site.destination.url} ({site.audience}) "
        f"in {time.monotonic() - listed:.2f}s")


def log_failures(rows: list[Tally]) -> None:
    """Every failure of the checks, but the gate's: it logged its causes first, once each."""
    blocked = [tally for tally in rows if tally.errors]
    for tally in blocked:
        errors = [message for message in tally.errors if not message.startswith(GATE)]
        for message in errors[:SHOWN_ERRORS]:
            log(f"FAILED {tally.name}: {message}")
        if len(errors) > SHOWN_ERRORS:
            log(f"FAILED {tally.name}: ... and {len(errors) - SHOWN_ERRORS} more")
    log(f"aborted: {len(blocked)} failed before any upload (gate, checks, listing); nothing was uploaded")


def log_objects(site: Site, dry_run: bool, quiet: bool) -> None:
    """Each object's status (unchanged ones only without ``quiet``), its warning, then the stale paths."""
    for item in sorted(site.items, key=lambda i: i.path):
        if item.error:
            log(f"  FAILED       {item.path}: {item.error}")
        elif item.status != UNCHANGED or not quiet:
            log(f"  {label(item.status, dry_run):<12} {item.path}")
        if item.warning:
            log(f"WARNING: {item.path}: {item.warning}")
    for path, owner in sorted(site.stale.items()):
        log(f"  {'stale':<12} {path} ({owner}; kept: python -m publisher.cli withdraw removes it)")
