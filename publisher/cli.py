"""Publish the dbt marts declared under ``config.meta.publish`` as JSON files.

Reads <project-dir>/target/manifest.json, reads each published mart from the
warehouse of the dbt profile (--target), folds the rows into documents and
checks everything before anything is uploaded, failing closed:
  - run-results gate: no failed or skipped node (model, seed, test, unit test)
    upstream of the endpoint in the last target/run_results.json
    (--allow-failed-upstream overrides it, loudly, for emergencies);
  - JSON Schema: the committed schemas/<path>.schema.json equals the one generated
    from the mart contract, and every document validates against it;
  - clean-API rule on every non-admin document (publisher/clean_api.yml).
The destination (--dest: a folder, or gs://bucket/prefix) is listed once, first:
a document whose stored fingerprint (hash of the rows and declaration it is built
from) is unchanged is not rebuilt (gs:// only); objects whose content (ignoring
generated_at / updated_at) and cache-control are unchanged are not uploaded; the
others go up in parallel (--workers), with retries; v1/manifest.json is written
last, only when every object succeeded. Schemas are published under v1/schemas/
(admin ones under v1/admin/schemas/). Nothing is ever deleted: objects no
endpoint produces any more are reported as stale.

Dates: endpoints whose path has {date} publish the latest date present in their
mart, or --date D (no rows for D is an error), or --start/--end (an inclusive
backfill; days without rows are skipped, a range without any row is an error),
or --all-dates. Endpoints without {date} publish all their rows (an empty mart is
an error). Endpoints declaring `as_of: COLUMN` publish only the rows whose COLUMN
is --as-of D, by default the column's latest value.

Progress and a summary table go to stderr (--json: a report on stdout). Exit code
0 only when nothing failed; a failed check aborts the run before any upload.

Examples: python -m publisher.cli --dest public --all-dates
          python -m publisher.cli --dest gs://bucket/site --group after-predictions --date 2026-02-21 --dry-run
          python -m publisher.cli schemas --write        (regenerate schemas/ from the contracts)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from publisher.build import Build, Dates, build_all, gate, latest_schema_item, schema_checkers
from publisher.catalog import GROUPS, CatalogError, Endpoint, endpoints_from_manifest, load_manifest, target_dir
from publisher.checks import check_document
from publisher.destinations import CREATED, UPDATED, Destination, StoredObject
from publisher.gcs import open_destination
from publisher.publish import (LATEST_CACHE_CONTROL, LATEST_PATH, MANIFEST_CACHE_CONTROL, MANIFEST_PATH, Item, Scope,
                               Spool, after_uploads, code_digest, latest_document, manifest_document,
                               plan, stale_paths, template_pattern, upload, write_index)
from publisher.report import Progress, Tally, json_report, log, summary_table
from publisher.retry import RetryPolicy
from publisher.schemas import (LATEST_SCHEMA, SCHEMA_DIR, SchemaError, all_schema_files, compare_with_repo, published_path,
                               schema_file, validate_document, write_repo)
from publisher.serialize import format_timestamp
from publisher.warehouse import WarehouseError, warehouse_from_profile

SCHEMA_MAX_AGE = 3600
REPO_SCHEMA_DIR = Path(__file__).resolve().parent.parent / SCHEMA_DIR  # the repo's schemas/ (editable install)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m publisher.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project-dir", default=".", help="dbt project folder holding target/manifest.json "
                        "(target/ is $DBT_TARGET_PATH when set, as for dbt; default: .)")
    parser.add_argument("--profiles-dir", help="folder of profiles.yml (default: $DBT_PROFILES_DIR, else the project dir)")
    parser.add_argument("--target", help="dbt target of the profile (default: the profile's target)")
    parser.add_argument("--dest", default="public",
                        help="local folder, or gs://bucket[/prefix]; objects go to DEST/v1/ (default: public)")
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--date", type=dt.date.fromisoformat, help="publish this date (YYYY-MM-DD) of {date} endpoints; "
                       "no rows for it is an error")
    dates.add_argument("--start", type=dt.date.fromisoformat, help="backfill from this date (inclusive; needs --end)")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="backfill up to this date (inclusive; needs --start)")
    dates.add_argument("--all-dates", action="store_true", help="publish every date present in each {date} mart")
    parser.add_argument("--as-of", type=dt.date.fromisoformat,
                        help="as-of date of endpoints declaring as_of (default: the latest value of that column)")
    parser.add_argument("--only", help="comma-separated model names to publish (default: all)")
    parser.add_argument("--group", choices=GROUPS, help="publish only the endpoints of this trigger group")
    parser.add_argument("--workers", type=int, default=16, help="parallel uploads (default: 16)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything, list the destination and print what would be created, updated, "
                             "left unchanged or is stale; write nothing")
    parser.add_argument("--json", action="store_true", help="print a machine-readable report on stdout")
    parser.add_argument("--rebuild", action="store_true",
                        help="build and check every document, even those whose stored fingerprint says unchanged "
                             "(unchanged content is still not uploaded)")
    parser.add_argument("--allow-failed-upstream", action="store_true",
                        help="EMERGENCY: publish even when dbt's last run failed or skipped nodes upstream")
    parser.add_argument("--run-results", help="dbt run results to gate on (default: the target folder's run_results.json)")
    parser.add_argument("--schemas-dir", help="committed JSON Schemas (default: PROJECT_DIR/schemas if it exists, "
                        "else the schemas/ folder of the repo holding this package)")
    parser.add_argument("--retries", type=int, default=5, help="retries of a failed request (429, 5xx, timeouts; default: 5)")
    parser.add_argument("--retry-initial", type=float, default=0.5,
                        help="seconds before the first retry, doubling each time (default: 0.5)")
    parser.add_argument("--generated-at", type=dt.datetime.fromisoformat,
                        help="the run's generated_at timestamp (default: now, UTC)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list unchanged objects one by one")
    args = parser.parse_args(argv)
    if (args.start is None) != (args.end is None) or (args.start and args.start > args.end):
        parser.error("--start and --end go together, with start <= end")
    if args.workers < 1 or args.retries < 0 or args.retry_initial < 0:
        parser.error("--workers must be >= 1, --retries and --retry-initial >= 0")
    return args


# ----------------------------------------------------------------------------- selection


def selected_endpoints(endpoints: list[Endpoint], args: argparse.Namespace) -> list[Endpoint]:
    only = {n.strip() for n in args.only.split(",") if n.strip()} if args.only else None
    unknown = sorted((only or set()) - {e.name for e in endpoints})
    if unknown:
        raise CatalogError(f"--only: no published model named {', '.join(unknown)}")
    return [e for e in endpoints if (only is None or e.name in only) and args.group in (None, e.group)]


# ----------------------------------------------------------------------------- run


def find_stale(listing: dict, items: list[Item], scopes: dict[str, Scope], all_endpoints: list[Endpoint],
               tallies: dict[str, Tally]) -> dict[str, str]:
    known = [template_pattern(e.path_template) for e in all_endpoints]
    reserved = {MANIFEST_PATH, LATEST_PATH, published_path(LATEST_SCHEMA)} | \
        {published_path(schema_file(e.path_template)) for e in all_endpoints}
    stale = stale_paths(listing, {item.path for item in items}, scopes, known, reserved)
    for owner in stale.values():
        if owner in tallies:
            tallies[owner].stale += 1
    return stale


def report_objects(items: list[Item], stale: dict[str, str], args: argparse.Namespace) -> None:
    labels = {CREATED: "would create", UPDATED: "would update"} if args.dry_run else {}
    for item in sorted(items, key=lambda i: i.path):
        if item.error:
            log(f"  FAILED       {item.path}: {item.error}")
        elif item.status != "unchanged" or not args.quiet or args.dry_run:
            log(f"  {labels.get(item.status, item.status):<12} {item.path}")
    for path, owner in sorted(stale.items()):
        log(f"  {'stale':<12} {path} ({owner}; kept, never deleted)")


def publish(items: list[Item], destination: Destination, listing: dict[str, StoredObject], args: argparse.Namespace,
            indexes: list[tuple[Tally, str, Callable[[dict], dict], str]], checker: Callable[[str, dict], list],
            stale_args: tuple, timings: dict[str, float]) -> tuple[dict[str, str], str]:
    """Plan against the listing, upload, write latest.json and the manifest; returns the stale paths and the
    manifest status."""
    plan(items, listing)
    stale = find_stale(listing, items, *stale_args)
    changed = sum(item.status in (CREATED, UPDATED) for item in items)
    started = time.monotonic()
    if not args.dry_run and changed:
        progress = Progress(changed, "uploading")
        upload(destination, items, args.workers, lambda item: progress.advance())
    elif not args.dry_run:
        upload(destination, items, args.workers)
    else:
        for item in items:
            item.tally.count(item.status)
    timings["upload"] = time.monotonic() - started
    report_objects(items, stale, args)
    for item in items:
        if item.warning:
            log(f"WARNING: {item.path}: {item.warning}")
    if any(item.error for item in items):
        log(f"NOT writing {LATEST_PATH} nor {MANIFEST_PATH}: {sum(bool(i.error) for i in items)} object(s) failed; "
            "the previous ones stay (rerun to finish)")
        return stale, "not written"
    listing = after_uploads(listing, items)
    started = time.monotonic()
    for tally, path, document, cache_control in indexes:  # latest.json (when public), then manifest.json, last
        tally.files = 1
        try:
            status, stored = write_index(destination, listing, path, document, cache_control, args.dry_run, log,
                                         checker)
        except Exception as error:  # noqa: BLE001 - reported, the run fails
            tally.count("failed")
            tally.fail(f"{path}: {type(error).__name__}: {error}")
            log(f"FAILED {path}: {type(error).__name__}: {error}")
            return stale, "failed" if path == MANIFEST_PATH else "not written"
        tally.count(status)
        if stored is not None:
            listing = {**listing, path: stored}
        label = {CREATED: "would create", UPDATED: "would update"}.get(status, status) if args.dry_run else status
        log(f"  {label:<12} {path} (generation {stored.generation if stored else None})")
    timings["manifest"] = time.monotonic() - started
    return stale, status


def default_schema_dir(args: argparse.Namespace) -> Path:
    if args.schemas_dir:
        return Path(args.schemas_dir)
    in_project = Path(args.project_dir) / SCHEMA_DIR
    return in_project if in_project.is_dir() else REPO_SCHEMA_DIR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the publisher; return the exit code (0 only when nothing failed)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["schemas"]:
        return schemas_main(argv[1:])
    try:
        args = parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    started = time.monotonic()
    try:
        all_endpoints = endpoints_from_manifest(load_manifest(args.project_dir))
        endpoints = selected_endpoints(all_endpoints, args)
    except CatalogError as error:
        log(f"error: {error}")
        return 1
    if not endpoints:
        log("nothing to publish: no endpoint matches the selection")
        return 0
    generated_at = format_timestamp(args.generated_at or dt.datetime.now(dt.timezone.utc))
    tallies = {e.name: Tally(e.name, e.path_template, e.group) for e in endpoints}
    schema_tally, manifest_tally = Tally("(schemas)", f"{SCHEMA_DIR}/"), Tally("(manifest)", MANIFEST_PATH)
    latest_tally = Tally("(latest)", LATEST_PATH)
    schema_dir = default_schema_dir(args)
    cache_control = {"public": f"public, max-age={SCHEMA_MAX_AGE}", "admin": f"private, max-age={SCHEMA_MAX_AGE}"}

    gate(endpoints, tallies, Path(args.run_results) if args.run_results else
         target_dir(args.project_dir) / "run_results.json", args.allow_failed_upstream)
    checkers, schema_items, schema_files = schema_checkers(endpoints, tallies, schema_dir, schema_tally, cache_control)
    indexes: list[tuple[Tally, str, Callable[[dict], dict], str]] = []
    if any(e.visibility == "public" for e in endpoints):  # latest.json names public files only
        prefixes = {e.latest_key: template_pattern(e.path_template) for e in all_endpoints if e.latest_key}
        indexes.append((latest_tally, LATEST_PATH, lambda found: latest_document(found, prefixes, generated_at),
                        LATEST_CACHE_CONTROL))
        latest_item, checkers[LATEST_PATH] = latest_schema_item(all_endpoints, schema_dir, schema_tally, cache_control)
        schema_items += [latest_item] if latest_item else []
    indexes.append((manifest_tally, MANIFEST_PATH, lambda found: manifest_document(found, generated_at),
                    MANIFEST_CACHE_CONTROL))
    schema_tally.files = len(schema_items)
    for item in schema_items:
        for problem in check_document(item.path, json.loads(item.data)):
            schema_tally.fail(f"clean-API violation: {problem}")
    rows = [*tallies.values(), schema_tally, *(index[0] for index in indexes)]
    items: list[Item] = []
    scopes: dict[str, Scope] = {}
    timings: dict[str, float] = {}
    destination, listing = None, {}
    if not any(t.errors for t in tallies.values()):  # a schema's own clean-API problem does not stop the build
        try:  # listed first: stored fingerprints spare the building of unchanged documents
            destination = open_destination(args.dest, retry=RetryPolicy(args.retries + 1, args.retry_initial), log=log)
            listed = time.monotonic()
            listing = destination.list()
            timings["list"] = time.monotonic() - listed
            log(f"listed {len(listing)} object(s) in {destination.url} in {timings['list']:.2f}s")
        except Exception as error:  # noqa: BLE001 - credentials, missing bucket, ...: nothing was uploaded
            manifest_tally.fail(f"{args.dest}: {type(error).__name__}: {error}")
    spool = Spool()
    try:
        if not any(t.errors for t in [*tallies.values(), manifest_tally]):
            try:
                warehouse = warehouse_from_profile(args.project_dir, args.target, args.profiles_dir)
            except WarehouseError as error:
                log(f"error: {error}")
                return 1
            try:
                build = Build({"generated_at": generated_at}, listing, spool, code_digest(), schema_files, args.rebuild)
                dates = Dates(args.date, args.start, args.end, args.all_dates, args.as_of)
                items, scopes = build_all(endpoints, warehouse, dates, build, tallies, checkers)
            finally:
                warehouse.close()
        timings["build_and_check"] = time.monotonic() - started - timings.get("list", 0.0)
        failed: list[Tally] = [t for t in rows if t.errors]
        stale: dict[str, str] = {}
        manifest_status = "not written"
        if failed:
            for tally in failed:
                for message in tally.errors[:20]:
                    log(f"FAILED {tally.name}: {message}")
                if len(tally.errors) > 20:
                    log(f"FAILED {tally.name}: ... and {len(tally.errors) - 20} more")
            log(f"aborted: {len(failed)} failed before any upload (checks, listing); nothing was uploaded")
        else:
            assert destination is not None  # listing it failed otherwise: a failed tally above
            def check_index(path: str, doc: dict) -> list:
                return [*check_document(path, doc), *(validate_document(path, doc, checkers[path]) if path in checkers else [])]

            stale, manifest_status = publish(items + schema_items, destination, listing, args, indexes, check_index,
                                             (scopes, all_endpoints, tallies), timings)
    finally:
        spool.close()
    aborted = bool(failed)  # failed before any upload
    for tally in rows:
        tally.settle(args.dry_run, aborted and not tally.errors and not tally.failed)
    ok = not any(t.status == "failed" for t in rows)
    timings["total"] = time.monotonic() - started
    log(summary_table(rows))
    log(f"{'dry run: nothing written; ' if args.dry_run else ''}{'ok' if ok else 'FAILED'} "
        f"in {timings['total']:.2f}s")
    if args.json:
        objects = [{"path": i.path, "endpoint": i.tally.name, "status": "failed" if i.error else i.status,
                    "hash": i.hash, "generation": i.result.generation if i.result else None, "error": i.error}
                   for i in sorted(items + schema_items, key=lambda i: i.path)]
        extra = {"ok": ok, "dry_run": args.dry_run, "destination": args.dest, "generated_at": generated_at,
                 "override": args.allow_failed_upstream, "manifest": manifest_status, "stale": sorted(stale),
                 "seconds": {k: round(v, 4) for k, v in timings.items()}}
        print(json_report(rows, objects, extra))
    return 0 if ok else 1


def schemas_main(argv: Sequence[str]) -> int:
    """``schemas [--write]``: compare (or rewrite) the committed schemas with the contracts' ones."""
    parser = argparse.ArgumentParser(prog="python -m publisher.cli schemas",
                                     description="Generate each endpoint's JSON Schema from its publish declaration "
                                                 "and mart contract (target/manifest.json: run dbt parse first); "
                                                 "without --write, exit 1 when schemas/ differs.")
    parser.add_argument("--project-dir", default=".")
    parser.add_argument("--schemas-dir", help="default: PROJECT_DIR/schemas")
    parser.add_argument("--write", action="store_true", help="write the generated schemas, remove orphans")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    schema_dir = Path(args.schemas_dir) if args.schemas_dir else Path(args.project_dir) / SCHEMA_DIR
    try:
        expected = all_schema_files(endpoints_from_manifest(load_manifest(args.project_dir)))
    except (CatalogError, SchemaError) as error:
        log(f"error: {error}")
        return 1
    if args.write:
        for change in write_repo(schema_dir, expected):
            log(change)
        log(f"{len(expected)} schema(s) in {schema_dir}")
        return 0
    problems = compare_with_repo(schema_dir, expected)
    for problem in problems:
        log(problem)
    log(f"{len(expected)} schema(s): {'up to date' if not problems else 'OUT OF DATE (run schemas --write)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
