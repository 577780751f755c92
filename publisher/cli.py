"""Publish the dbt marts declared under ``config.meta.publish`` as JSON files under DEST/v1/.

Reads <project-dir>/target/manifest.json and each published mart (warehouse of the dbt profile,
--target), folds the rows into documents and checks everything before anything is uploaded,
failing closed: the run-results gate (no failed or skipped dbt node or data test upstream
in target/run_results.json; --allow-failed-upstream overrides it, loudly), the JSON Schemas
(the committed schemas/ equal the ones generated from the contracts; every document is valid)
and the clean-API rule on every non-admin document (publisher/clean_api.yml).
The destination (a folder, or gs://bucket/prefix) is listed once, first: a document whose
stored fingerprint is unchanged is not rebuilt (gs:// only), unchanged content (ignoring
generated_at / updated_at) is not uploaded, the rest goes up in parallel with retries, then
v1/latest.json and v1/manifest.json, last, only when every object succeeded. Schemas are
published under v1/schemas/ (admin ones: v1/admin/schemas/). Nothing is ever deleted: stale
objects are reported. A bucket is locked from its listing to the end (object PREFIX/v1.lock; a
run finding it held waits up to 10 min).

Dates: {date} endpoints publish their latest date, or --date D (no rows: an error), or
--start/--end (inclusive; a range without any row is an error), or --all-dates; the others
publish all their rows (an empty mart is an error). Endpoints declaring `as_of: COLUMN`
publish the rows whose COLUMN is --as-of D, by default its latest value.

Progress and a summary table go to stderr (--json: a report on stdout, or in a file); the exit
code is 0 only when nothing failed. More in docs/publisher.md.

Examples: python -m publisher.cli --dest public --all-dates
          python -m publisher.cli --dest gs://bucket/site --group after-predictions --date 2026-02-21 --dry-run
          python -m publisher.cli schemas --write        (regenerate schemas/; make schemas: also docs/endpoints.md)
          python -m publisher.cli withdraw --dest gs://bucket/site --force picks/2026-02-21.json   (by mistake)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import NoReturn, Sequence

from publisher.build import Dates
from publisher.catalog import GROUPS, SCHEMA_DIR, CatalogError, endpoints_from_manifest, load_manifest
from publisher.destinations import RetryPolicy, open_destination, parse_url, shares_storage, write_whole
from publisher.publish import withdraw
from publisher.report import describe, log, summary_table
from publisher.run import run
from publisher.schemas import SchemaError, all_schema_files, compare_with_repo
from publisher.serialize import format_timestamp
from publisher.warehouse import WarehouseError


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line naming the fix, not the whole usage
        self.exit(2, f"{self.prog}: error: {message} (all options: {self.prog} --help)\n")


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the publisher, or its ``schemas`` or ``withdraw`` command; return the exit code (0 only when nothing failed,
    2 for a usage error)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = {"schemas": schemas_main, "withdraw": withdraw_main}.get(argv[0] if argv else "")
    try:
        return command(argv[1:]) if command else publish_main(argv)
    except SystemExit as exit_:  # --help, or a usage error
        return int(exit_.code or 0)


def publish_args(argv: Sequence[str]) -> argparse.Namespace:
    """The publisher's options, checked (SystemExit 2 naming a bad one: ops.live_night checks its own at start)."""
    parser = Parser(prog="python -m publisher.cli", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project-dir", default=".", help="dbt project folder holding target/manifest.json "
                        "(target/ is $DBT_TARGET_PATH when set, as for dbt; default: .)")
    parser.add_argument("--profiles-dir",
                        help="folder of profiles.yml (default: $DBT_PROFILES_DIR, else the project dir)")
    parser.add_argument("--target", help="dbt target of the profile (default: the profile's target)")
    parser.add_argument("--dest", default="public", help="public destination: a local folder, or gs://bucket[/prefix] "
                        "(default: public)")
    parser.add_argument("--admin-dest", help="private destination of the admin endpoints, separate from --dest (a "
                        "folder outside it, or another bucket); without it, admin endpoints are not published")
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--date", type=date, help="publish this date (YYYY-MM-DD) of {date} endpoints")
    dates.add_argument("--start", type=date, help="backfill from this date (inclusive; needs --end)")
    parser.add_argument("--end", type=date, help="backfill up to this date (inclusive; needs --start)")
    dates.add_argument("--all-dates", action="store_true", help="publish every date present in each {date} mart")
    parser.add_argument("--as-of", type=date, help="as-of date of endpoints declaring as_of (default: the latest); "
                        "the other documents keep the build's (dbt var as_of_date sets every one)")
    parser.add_argument("--only", help="comma-separated model names to publish (default: all)")
    parser.add_argument("--group", choices=GROUPS, help="publish only the endpoints of this trigger group")
    parser.add_argument("--workers", type=int, default=16, help="parallel uploads (default: 16)")
    parser.add_argument("--dry-run", action="store_true", help="check and plan everything; write nothing")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE", help="a machine-readable report, on stdout "
                        "or in FILE (its folder made first; written whole: a killed run leaves no partial report)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build and check every document, even those whose stored fingerprint says unchanged")
    parser.add_argument("--allow-failed-upstream", action="store_true",
                        help="EMERGENCY: publish even when dbt's last run failed or skipped nodes upstream")
    parser.add_argument("--run-results", help="dbt run results to gate on (default: the target folder's)")
    parser.add_argument("--schemas-dir", help="committed JSON Schemas (default: PROJECT_DIR/schemas)")
    parser.add_argument("--retries", type=int, default=5,
                        help="retries of a failed request (429, 5xx, timeouts; default: 5)")
    parser.add_argument("--retry-initial", type=float, default=0.5, help="seconds before the first retry, doubling "
                        "each time (default: 0.5)")
    parser.add_argument("--generated-at", type=dt.datetime.fromisoformat,
                        help="the run's timestamp (default: now, UTC)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list unchanged objects one by one")
    args = parser.parse_args(argv)
    if (args.start is None) != (args.end is None) or (args.start and args.start > args.end):
        parser.error("--start and --end go together, with start <= end")
    for option, value in (("--dest", args.dest), ("--admin-dest", args.admin_dest)):
        if value is not None and not value.strip():  # DEST=$UNSET: not "nowhere"
            parser.error(f"{option} is empty: name a folder or gs://bucket[/prefix]")
        if value and value.startswith("gs://"):
            try:
                parse_url(value)
            except ValueError as error:  # gs://$BUCKET/site with BUCKET unset
                parser.error(f"{option}: {error}")
    if args.only is not None and not selected_models(args.only):  # --only "$MODELS" with MODELS unset: not "all"
        parser.error(f"--only {args.only!r} names no model: give comma-separated model names, or leave --only out "
                     "to publish every endpoint")
    if args.admin_dest and shares_storage(args.dest, args.admin_dest):
        parser.error(f"--admin-dest {args.admin_dest} must be private: not --dest, nor inside it, nor in its bucket")
    if args.workers < 1 or args.retries < 0 or args.retry_initial < 0:
        parser.error("--workers must be >= 1, --retries and --retry-initial >= 0")
    if args.json and args.json != "-":  # its folder made now: a report that cannot be written fails before the run
        try:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            parser.error(f"--json {args.json}: {error.strerror}: name a file in a folder this run can write")
        if Path(args.json).is_dir():
            parser.error(f"--json {args.json} is a folder: name a file in it, e.g. {Path(args.json) / 'report.json'}")
    return args


def selected_models(only: str) -> set[str]:
    return {name.strip() for name in only.split(",") if name.strip()}


def write_report(args: argparse.Namespace, text: str) -> None:
    """The --json report on stdout or, written whole, in its file (nothing without --json)."""
    if args.json == "-":
        print(text)
    elif args.json:
        write_whole(Path(args.json), (text + "\n").encode("utf-8"))


def publish_main(argv: Sequence[str]) -> int:
    args = publish_args(argv)
    try:
        report = run(args.project_dir, args.dest, args.admin_dest, target=args.target, profiles_dir=args.profiles_dir,
                     dates=Dates(args.date, args.start, args.end, args.all_dates, args.as_of),
                     only=selected_models(args.only) if args.only is not None else None,
                     group=args.group, generated_at=args.generated_at,
                     run_results=Path(args.run_results) if args.run_results else None,
                     schemas_dir=Path(args.schemas_dir or Path(args.project_dir) / SCHEMA_DIR), workers=args.workers,
                     retry=RetryPolicy(args.retries + 1, args.retry_initial), dry_run=args.dry_run,
                     rebuild=args.rebuild, allow_failed_upstream=args.allow_failed_upstream, quiet=args.quiet)
    except (CatalogError, WarehouseError) as error:  # before anything was read or written: the report says so too
        log(f"error: {error}")
        write_report(args, json.dumps({"ok": False, "dry_run": args.dry_run, "error": str(error)}, indent=2))
        return 1
    log(summary_table(report.rows))
    log(f"{'dry run: nothing written; ' if args.dry_run else ''}{'ok' if report.ok else 'FAILED'} "
        f"in {report.seconds['total']:.2f}s")
    write_report(args, report.as_json(args.dry_run, args.allow_failed_upstream))
    return 0 if report.ok else 1


def schemas_main(argv: Sequence[str]) -> int:
    """``schemas [--write]``: compare (or rewrite) the committed schemas with the ones the contracts generate."""
    parser = Parser(prog="python -m publisher.cli schemas",
                    description="Generate each endpoint's JSON Schema from its publish declaration and mart contract "
                                "(target/manifest.json: run dbt parse first); without --write, exit 1 when schemas/ "
                                "differs. `make schemas` also regenerates docs/endpoints.md from them (python -m "
                                "tools.endpoints_page).")
    parser.add_argument("--project-dir", default=".")
    parser.add_argument("--schemas-dir", help="default: PROJECT_DIR/schemas")
    parser.add_argument("--write", action="store_true", help="write the generated schemas, remove orphans")
    args = parser.parse_args(argv)
    schema_dir = Path(args.schemas_dir) if args.schemas_dir else Path(args.project_dir) / SCHEMA_DIR
    try:
        expected = all_schema_files(endpoints_from_manifest(load_manifest(args.project_dir)))
    except (CatalogError, SchemaError) as error:
        log(f"error: {error}")
        return 1
    problems = compare_with_repo(schema_dir, expected, write=args.write)
    for problem in problems:
        log(f"fixed {problem}" if args.write else problem)
    state = "up to date" if not problems else "written" if args.write else "OUT OF DATE (run make schemas)"
    log(f"{len(expected)} schema(s) in {schema_dir}: {state}")
    return 1 if problems and not args.write else 0


def withdraw_main(argv: Sequence[str]) -> int:
    """``withdraw --dest DEST PATH...``: delete files published by mistake, fix manifest.json and latest.json."""
    parser = Parser(prog="python -m publisher.cli withdraw",
                    description="Withdraw files published by mistake: delete DEST/v1/PATH for each PATH, then rewrite "
                                "DEST's v1/latest.json (if it has one) and v1/manifest.json without them. Refuses a "
                                "path that is not stored, an index, or one an endpoint publishes (unless --force).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="relative to v1/, e.g. picks/2026-02-21.json; "
                        "a folder ending in / (admin/) names every object under it")
    parser.add_argument("--dest", required=True, help="the destination holding them: a folder, or gs://bucket[/prefix]")
    parser.add_argument("--project-dir", default=".", help="dbt project folder (its manifest names the endpoints)")
    parser.add_argument("--force", action="store_true", help="also withdraw paths an endpoint publishes (its next "
                        "run publishes them again if the mart still has their rows)")
    parser.add_argument("--dry-run", action="store_true",
                        help="say what would be deleted and rewritten; change nothing")
    args = parser.parse_args(argv)
    try:
        endpoints = endpoints_from_manifest(load_manifest(args.project_dir))
        stamp = format_timestamp(dt.datetime.now(dt.timezone.utc))
        destination = open_destination(args.dest)
        with nullcontext() if args.dry_run else destination.locked():
            problems = withdraw(destination, args.paths, endpoints, stamp, args.force, args.dry_run)
    except Exception as error:  # noqa: BLE001 - a bad manifest, credentials, a concurrent writer: said, exit 1
        log(f"error: {describe(error)}")
        return 1
    for problem in problems:
        log(f"refused: {problem}")
    log(f"{'refused, nothing withdrawn' if problems else 'dry run: nothing changed' if args.dry_run else 'withdrawn'}: "
        f"{' '.join(args.paths)} of {args.dest}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
