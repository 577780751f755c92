"""Publish the dbt marts declared under ``config.meta.publish`` as JSON files.

Reads <project-dir>/target/manifest.json, reads each published mart from the
warehouse of the dbt profile, folds the rows into documents, checks every
public document against the clean-API rule, and only when every document of
the run was built and passed writes them to <dest>/v1/<path>. Files whose
content (ignoring generated_at / updated_at) did not change are not rewritten.

Dates: endpoints whose path has {date} publish the latest date present in
their mart, or --date D (no rows for D is an error), or --start/--end (an
inclusive backfill; days without rows are skipped, a range without any row is
an error), or --all-dates. Endpoints without {date} publish all their rows
(an empty mart is an error). The declaration format is documented in
publisher/documents.py; the clean-API terms live in publisher/clean_api.yml.

Progress goes to stderr, then a summary table. Exit code 0 only when nothing
failed; any failed document aborts the run before anything is written.

Example: python -m publisher.cli --dest public --all-dates
         python -m publisher.cli --group after-predictions --date 2026-02-21 --dry-run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from typing import Any, Sequence

from publisher.catalog import GROUPS, CatalogError, Endpoint, load_endpoints
from publisher.checks import Violation, check_document
from publisher.destinations import CREATED, UNCHANGED, UPDATED, LocalDestination, plan_status
from publisher.documents import FoldError, fold, partition
from publisher.serialize import SerializeError, content_hash, format_timestamp, serialize
from publisher.warehouse import DateRange, Warehouse, WarehouseError, warehouse_from_profile

DATE_COLUMN = "date"


class PublishError(RuntimeError):
    """An endpoint cannot be published (no rows, bad rows, unreadable mart)."""


@dataclass
class Tally:
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass
class Built:
    endpoint: Endpoint
    path: str
    data: bytes
    hash: str


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m publisher.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project-dir", default=".", help="dbt project folder holding target/manifest.json (default: .)")
    parser.add_argument("--profiles-dir", help="folder of profiles.yml (default: $DBT_PROFILES_DIR, else the project dir)")
    parser.add_argument("--target", help="dbt target of the profile (default: the profile's target)")
    parser.add_argument("--dest", default="public", help="local output folder; files go to DEST/v1/ (default: public)")
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--date", type=dt.date.fromisoformat, help="publish this date (YYYY-MM-DD) of {date} endpoints; "
                       "no rows for it is an error")
    dates.add_argument("--start", type=dt.date.fromisoformat, help="backfill from this date (inclusive; needs --end)")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="backfill up to this date (inclusive; needs --start)")
    dates.add_argument("--all-dates", action="store_true", help="publish every date present in each {date} mart")
    parser.add_argument("--only", help="comma-separated model names to publish (default: all)")
    parser.add_argument("--group", choices=GROUPS, help="publish only the endpoints of this trigger group")
    parser.add_argument("--generated-at", type=dt.datetime.fromisoformat,
                        help="the run's generated_at timestamp (default: now, UTC)")
    parser.add_argument("--dry-run", action="store_true", help="report what would be created / updated / unchanged; write nothing")
    args = parser.parse_args(argv)
    if (args.start is None) != (args.end is None) or (args.start and args.start > args.end):
        parser.error("--start and --end go together, with start <= end")
    return args


def select_rows(endpoint: Endpoint, warehouse: Warehouse, args: argparse.Namespace) -> list[dict]:
    relation, name = endpoint.relation, endpoint.name
    try:
        if DATE_COLUMN not in endpoint.placeholders or args.all_dates:
            rows = warehouse.rows(relation)
        elif args.date:
            rows = warehouse.rows(relation, where={DATE_COLUMN: args.date})
            if not rows:
                raise PublishError(f"mart {name}: no rows for date {args.date}")
        elif args.start:
            rows = warehouse.rows(relation, date_range=DateRange(DATE_COLUMN, args.start, args.end))
            if not rows:
                raise PublishError(f"mart {name}: no rows between {args.start} and {args.end}")
        else:
            dates = warehouse.distinct_values(relation, DATE_COLUMN)
            rows = warehouse.rows(relation, where={DATE_COLUMN: max(dates)}) if dates else []
    except (PublishError, WarehouseError):
        raise
    except Exception as error:  # the engine's own errors (missing table, ...)
        raise PublishError(f"mart {name}: reading {relation} failed: {type(error).__name__}: {error}") from error
    if not rows:
        raise PublishError(f"mart {name} ({relation}) is empty")
    return rows


def build_endpoint(endpoint: Endpoint, rows: list[dict], context: dict[str, Any]) -> tuple[list[Built], list[Violation]]:
    """Every document of an endpoint, serialized, with its clean-API violations."""
    built: list[Built] = []
    problems: list[Violation] = []
    for path, file_rows in partition(rows, endpoint.path_template, source=f"mart {endpoint.name}").items():
        data = serialize(fold(file_rows, endpoint.document, context, source=f"mart {endpoint.name}"))
        published = json.loads(data)
        problems += check_document(path, published) if endpoint.visibility == "public" else []
        built.append(Built(endpoint, path, data, content_hash(published)))
    return built, problems


def print_summary(tallies: dict[str, Tally]) -> None:
    header = ("endpoint", "files", "created", "updated", "unchanged", "failed")
    total = Tally(*(sum(getattr(t, f) for t in tallies.values()) for f in header[1:]))
    lines = [(name, *(getattr(t, f) for f in header[1:])) for name, t in [*tallies.items(), ("TOTAL", total)]]
    width = max(len(header[0]), *(len(line[0]) for line in lines))
    for line in [header, *lines]:
        print(f"{line[0]:<{width}}  " + "  ".join(f"{v:>9}" for v in line[1:]), file=sys.stderr)


def log(message: str) -> None:
    print(message, file=sys.stderr)


def selected_endpoints(args: argparse.Namespace) -> list[Endpoint]:
    endpoints = load_endpoints(args.project_dir)
    only = {n.strip() for n in args.only.split(",") if n.strip()} if args.only else None
    unknown = sorted((only or set()) - {e.name for e in endpoints})
    if unknown:
        raise CatalogError(f"--only: no published model named {', '.join(unknown)}")
    return [e for e in endpoints if (only is None or e.name in only) and args.group in (None, e.group)]


def build_all(endpoints: list[Endpoint], warehouse: Warehouse, args: argparse.Namespace,
              context: dict[str, Any], tallies: dict[str, Tally]) -> tuple[list[Built], int]:
    """Build and check every document; return them and the number of failures."""
    documents: list[Built] = []
    failures = 0
    for endpoint in endpoints:
        tally = tallies[endpoint.name] = Tally()
        try:
            built, problems = build_endpoint(endpoint, select_rows(endpoint, warehouse, args), context)
        except (PublishError, WarehouseError, FoldError, SerializeError) as error:
            log(f"FAILED {endpoint.name}: {error}")
            tally.failed, failures = 1, failures + 1
            continue
        tally.files, tally.failed = len(built), len({v.file for v in problems})
        failures += tally.failed
        log(f"{endpoint.name}: {len(built)} file(s) {endpoint.path_template} ({endpoint.visibility}, {endpoint.group})")
        for problem in problems:
            log(f"  clean-API violation: {problem}")
        documents += built
    return documents, failures


def write_all(documents: list[Built], destination: LocalDestination, dry_run: bool, tallies: dict[str, Tally]) -> int:
    """Write (or plan) every document; return the number of failed writes."""
    dry_labels = {CREATED: "would create", UPDATED: "would update", UNCHANGED: UNCHANGED}
    failures = 0
    for item in documents:
        tally = tallies[item.endpoint.name]
        try:
            if dry_run:
                status = plan_status(destination.get_hash(item.path), item.hash)
            else:
                status = destination.put(item.path, item.data, item.endpoint.cache_control)
        except OSError as error:
            log(f"  FAILED {item.path}: {error}")
            tally.failed, failures = tally.failed + 1, failures + 1
            continue
        setattr(tally, status, getattr(tally, status) + 1)
        log(f"  {dry_labels[status] if dry_run else status:<12} {item.path}")
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    """Run the publisher; return the exit code (0 only when nothing failed)."""
    try:
        args = parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        endpoints = selected_endpoints(args)
        if not endpoints:
            log("nothing to publish: no endpoint matches the selection")
            return 0
        warehouse = warehouse_from_profile(args.project_dir, args.target, args.profiles_dir)
    except (CatalogError, WarehouseError) as error:
        log(f"error: {error}")
        return 1
    context = {"generated_at": format_timestamp(args.generated_at or dt.datetime.now(dt.timezone.utc))}
    tallies: dict[str, Tally] = {}
    try:
        documents, failures = build_all(endpoints, warehouse, args, context, tallies)
    finally:
        warehouse.close()
    if failures:
        log(f"aborted: {failures} failure(s); nothing was written")
    else:
        failures = write_all(documents, LocalDestination(args.dest), args.dry_run, tallies)
    print_summary(tallies)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
