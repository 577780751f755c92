"""Building a run's documents: row selection, the run-results gate, schemas, fold, checks, fingerprints.

Everything here happens before any upload; every problem lands in the endpoint's
tally (report.Tally) and makes the CLI abort the run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from publisher.catalog import Endpoint
from publisher.checks import check_document
from publisher.destinations import StoredObject
from publisher.documents import FoldError, PartRows, columns_by_model, fold, keys_below_top, stream_partitions
from publisher.gate import GateError, RunResults, blockers, load_run_results
from publisher.publish import Fingerprint, Item, Scope, Spool, template_pattern
from publisher.report import Tally, log
from publisher.schemas import (LATEST_SCHEMA, SchemaError, all_schema_files, compare_with_repo, expected_files,
                               published_path, schema_file, validate_document, validator)
from publisher.serialize import VOLATILE_KEYS, SerializeError, content_hash, serialize
from publisher.warehouse import DateRange, Warehouse, WarehouseError

DATE_COLUMN = "date"


class PublishError(RuntimeError):
    """An endpoint cannot be published (no rows, bad rows, unreadable mart)."""


@contextlib.contextmanager
def engine_errors(endpoint: Endpoint, what: str) -> Iterator[None]:
    """Turn the engine's own errors (missing table, ...) into a PublishError naming the mart."""
    try:
        yield
    except (PublishError, WarehouseError, FoldError, SerializeError):
        raise
    except Exception as error:  # noqa: BLE001 - the engine's own exception types
        raise PublishError(f"mart {endpoint.name}: reading {what} of {endpoint.relation} failed: "
                           f"{type(error).__name__}: {error}") from error


def latest(warehouse: Warehouse, endpoint: Endpoint, column: str, required: bool = True) -> Any:
    with engine_errors(endpoint, column):
        values = warehouse.distinct_values(endpoint.relation, column)
    if not values and required:
        raise PublishError(f"mart {endpoint.name} ({endpoint.relation}) has no value in column {column!r}")
    return values[-1] if values else None


@dataclass(frozen=True)
class Dates:
    """Which rows a run publishes: of the {date} endpoints one date, a range, every date, or by default
    the latest; of endpoints declaring as_of, the rows of this as-of date (default: the latest)."""
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    all_dates: bool = False
    as_of: dt.date | None = None


@dataclass
class Selection:
    """Which rows of an endpoint a run publishes, which paths that covers, and what an empty result means."""
    filters: dict[str, Any]
    scope: Scope | None  # None: covers no path
    empty_error: str | None  # None: no rows is fine (nothing to publish)


def select(endpoint: Endpoint, warehouse: Warehouse, args: Dates) -> Selection:
    """A {date} mart without any row publishes nothing under --all-dates or the default latest date
    (a warning: live grading is empty between game nights); every other empty selection is an error."""
    name, where = endpoint.name, {}
    scope = Scope(template_pattern(endpoint.path_template), DATE_COLUMN)
    if endpoint.as_of:
        where[endpoint.as_of] = args.as_of or latest(warehouse, endpoint, endpoint.as_of)
    as_of = f" with {endpoint.as_of} = {where[endpoint.as_of]}" if endpoint.as_of else ""
    empty = f"mart {name} ({endpoint.relation}) is empty{' for' + as_of if as_of else ''}"
    if DATE_COLUMN not in endpoint.placeholders:
        return Selection({"where": where or None}, scope, empty)
    if args.all_dates:
        return Selection({"where": where or None}, scope, None)
    if args.date:
        return Selection({"where": {**where, DATE_COLUMN: args.date}}, Scope(scope.pattern, DATE_COLUMN, args.date),
                         f"mart {name}: no rows for date {args.date}{as_of}")
    if args.start and args.end:
        return Selection({"where": where or None, "date_range": DateRange(DATE_COLUMN, args.start, args.end)},
                         Scope(scope.pattern, DATE_COLUMN, args.start, args.end),
                         f"mart {name}: no rows between {args.start} and {args.end}{as_of}")
    day = latest(warehouse, endpoint, DATE_COLUMN, required=False)
    if day is None:
        return Selection({"where": {**where, DATE_COLUMN: None}}, None, None)
    return Selection({"where": {**where, DATE_COLUMN: day}},
                     Scope(scope.pattern, DATE_COLUMN, day) if isinstance(day, dt.date) else scope, empty)


def gate(endpoints: list[Endpoint], tallies: dict[str, Tally], file: Path, override: bool) -> None:
    """The run-results gate: failed / skipped upstream dbt nodes of ``file`` fail their endpoint (unless
    ``override``)."""
    try:
        results: RunResults | None = load_run_results(file)
    except GateError as error:
        results = None
        if not override:
            for endpoint in endpoints:
                tallies[endpoint.name].fail(f"run-results gate: {error}")
            return
        log(f"WARNING: --allow-failed-upstream: {error}")
    found = [b for endpoint in endpoints for b in (blockers(endpoint, results) if results else [])]
    for blocker in found:
        if override:
            log(f"WARNING: --allow-failed-upstream: publishing despite {blocker}")
        else:
            tallies[blocker.endpoint].fail(f"run-results gate: {blocker}")
    if override:
        log("WARNING: " + "!" * 70)
        log(f"WARNING: run-results gate OVERRIDDEN (--allow-failed-upstream): {len(found)} failed or skipped "
            f"upstream node(s) ignored{'' if results else ', and no readable run results'}")
        log("WARNING: " + "!" * 70)


def schema_checkers(endpoints: list[Endpoint], tallies: dict[str, Tally], schema_dir: Path, schema_tally: Tally,
                    cache_control: dict[str, str]) -> tuple[dict[str, Any], list[Item], dict[str, bytes]]:
    """Validators of the committed schemas (which must equal the generated ones), the schema objects,
    and each endpoint's schema bytes."""
    checkers, items, files = {}, [], {}
    for endpoint in endpoints:
        tally = tallies[endpoint.name]
        try:
            name = schema_file(endpoint.path_template)
            expected = expected_files([endpoint])
            problems = compare_with_repo(schema_dir, expected, orphans=False)
        except SchemaError as error:
            tally.fail(f"schema: {error}")
            continue
        if problems:
            for problem in problems:
                tally.fail(f"schema: {problem}; run `python -m publisher.cli schemas --write` and commit")
            continue
        data = files[endpoint.name] = expected[name]
        schema = json.loads(data)
        checkers[endpoint.name] = validator(schema)
        items.append(Item(schema_tally, published_path(name), functools.partial(bytes, data), content_hash(schema),
                          cache_control[endpoint.visibility]))
    return checkers, items, files


def latest_schema_item(endpoints: list[Endpoint], schema_dir: Path, schema_tally: Tally,
                       cache_control: dict[str, str]) -> tuple[Item | None, Any]:
    """latest.json's schema object and validator; a committed schema that differs fails the run."""
    data = all_schema_files(endpoints)[LATEST_SCHEMA]
    for problem in compare_with_repo(schema_dir, {LATEST_SCHEMA: data}, orphans=False):
        schema_tally.fail(f"schema: {problem}; run `python -m publisher.cli schemas --write` and commit")
    schema = json.loads(data)
    item = Item(schema_tally, published_path(LATEST_SCHEMA), functools.partial(bytes, data), content_hash(schema),
                cache_control["public"])
    return (None if schema_tally.errors else item), validator(schema)


@dataclass
class Build:
    """What building needs besides the endpoint: the run context, the listing, where bytes wait, the code digest."""
    context: dict[str, Any]
    listing: dict[str, StoredObject]
    spool: Spool
    code: bytes
    schemas: dict[str, bytes]  # endpoint name -> its schema file's bytes
    rebuild: bool = False  # ignore stored fingerprints


def build_endpoint(endpoint: Endpoint, rows: Iterable[dict], parts: dict[str, PartRows], checker: Any, tally: Tally,
                   build: Build) -> list[Item]:
    """Every document of an endpoint, serialized and checked (problems go to the tally), one at a time.
    ``parts``: each part's rows, sorted like the root's, taken file by file.

    A document whose fingerprint equals the one stored with the published object is known unchanged:
    it is neither built nor checked again (it was checked, by this same code and schema, when uploaded)."""
    items = []
    source = f"mart {endpoint.name}"
    columns = columns_by_model(endpoint.document, endpoint.name)
    for model in columns:
        columns[model] |= set(endpoint.placeholders)  # every part carries them (catalog.resolve_parts)
    fingerprint = Fingerprint(endpoint.document, columns, build.schemas[endpoint.name], build.context, build.code)
    below = keys_below_top(endpoint.document)
    nested_volatile = below is None or bool(below & VOLATILE_KEYS)
    for path, file_rows in stream_partitions(rows, endpoint.path_template, source):
        key = tuple(file_rows[0][c] for c in endpoint.placeholders)
        inputs = {endpoint.name: file_rows, **{name: part.take(key) for name, part in parts.items()}}
        for model, model_rows in inputs.items():
            missing = sorted(columns[model] - set(model_rows[0])) if model_rows else []
            if missing:
                raise FoldError(f"mart {model}: column(s) {', '.join(map(repr, missing))} declared in the document "
                                f"of {endpoint.name} are not in the rows")
        print_ = fingerprint.of(inputs)
        stored = build.listing.get(path)
        if not build.rebuild and stored is not None and stored.hash and stored.input_hash == print_ \
                and stored.cache_control in (None, endpoint.cache_control):
            items.append(Item(tally, path, None, stored.hash, endpoint.cache_control, print_))
            continue
        doc = fold(file_rows, endpoint.document, build.context, source=source,
                   parts={name: inputs[name] for name in parts})
        data = serialize(doc, string_keys=True)
        published = json.loads(data)
        problems = [f"clean-API violation: {v}" for v in check_document(path, published)] \
            if endpoint.visibility == "public" else []
        problems += [f"schema violation: {v}" for v in validate_document(path, published, checker)]
        for problem in problems:
            tally.fail(problem)
        items.append(Item(tally, path, build.spool.add(data), content_hash(published, nested_volatile),
                          endpoint.cache_control, print_))
    for part in parts.values():
        part.finish()
    return items


def build_all(endpoints: list[Endpoint], warehouse: Warehouse, dates: Dates, build: Build,
              tallies: dict[str, Tally], checkers: dict[str, Any]) -> tuple[list[Item], dict[str, Scope]]:
    items, scopes = [], {}
    for endpoint in endpoints:
        tally = tallies[endpoint.name]
        if endpoint.name not in checkers:  # no usable schema: already failed
            continue
        try:
            selection = select(endpoint, warehouse, dates)
            with engine_errors(endpoint, "rows"):
                def read(relation: str, order: tuple = endpoint.placeholders, chosen: Selection = selection) -> Iterator[dict]:
                    return warehouse.iter_rows(relation, order_by=order, **chosen.filters) \
                        if chosen.scope is not None else iter(())
                parts = {name: PartRows(name, read(part.relation), endpoint.placeholders, f"mart {endpoint.name}")
                         for name, part in endpoint.parts.items()}
                built = build_endpoint(endpoint, read(endpoint.relation), parts, checkers[endpoint.name], tally, build)
        except (PublishError, WarehouseError, FoldError, SerializeError) as error:
            tally.fail(str(error))
            continue
        if not built and selection.empty_error:
            tally.fail(selection.empty_error)
            continue
        if selection.scope is not None:
            scopes[endpoint.name] = selection.scope
        if not built:
            log(f"WARNING: {endpoint.name}: no dates in the mart ({endpoint.relation}): nothing to publish")
        tally.files = len(built)
        known = sum(item.load is None for item in built)
        log(f"{endpoint.name}: {len(built)} file(s) {endpoint.path_template} ({endpoint.visibility}, {endpoint.group})"
            + (f"; {known} known unchanged by fingerprint" if known else ""))
        items += built
    return items, scopes
