"""Stage 5: each endpoint's rows, chosen (``select``) and streamed from the warehouse file by file, folded,
serialized, checked and spooled. A file whose fingerprint is the stored one is known unchanged: not built."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from publisher.catalog import Endpoint
from publisher.checks import check_document
from publisher.destinations import StoredObject
from publisher.documents import FoldError, PartRows, columns_by_model, fold, getter, origin, stream_partitions
from publisher.publish import Item, Scope, Spool
from publisher.report import Tally, describe, log
from publisher.schemas import Validator
from publisher.serialize import VOLATILE_KEYS, SerializeError, encode
from publisher.warehouse import Warehouse, WarehouseError

DATE_COLUMN = "date"


class PublishError(RuntimeError):
    """An endpoint cannot be published (no rows for what was asked)."""


@dataclass(frozen=True)
class Dates:
    """Which rows a run publishes: of the {date} endpoints one date, a range, every date, or by default
    the latest; of endpoints declaring as_of, the rows of this as-of date (default: the latest)."""
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    all_dates: bool = False
    as_of: dt.date | None = None


def select(endpoint: Endpoint, warehouse: Warehouse, dates: Dates) -> tuple[dict[str, Any], Scope | None, str | None]:
    """Which rows of an endpoint a run publishes (column -> value, or a (first, last) range), which paths that
    covers (None: none, and no row is read) and the error when there are no rows (None: nothing to publish is
    fine). A {date} mart without any row publishes nothing under --all-dates or the default latest date (a
    warning: live grading is empty between game nights); every other empty selection is an error."""
    def latest(column: str) -> Any:  # the column's latest value (None: the mart has none)
        try:
            values = warehouse.distinct_values(endpoint.relation, column)
        except Exception as error:  # noqa: BLE001 - the engine's own errors (a missing table, ...)
            raise PublishError(read_failed(endpoint, f"{column} of", error)) from error
        return values[-1] if values else None

    name, where, pattern = endpoint.name, {}, endpoint.pattern
    if endpoint.as_of:
        where[endpoint.as_of] = dates.as_of or latest(endpoint.as_of)
        if where[endpoint.as_of] is None:
            raise PublishError(f"mart {name} ({endpoint.relation}) has no value in column {endpoint.as_of!r}")
    as_of = f" with {endpoint.as_of} = {where[endpoint.as_of]}" if endpoint.as_of else ""
    empty = f"mart {name} ({endpoint.relation}) has no rows{as_of}"
    dated = DATE_COLUMN in endpoint.placeholders
    others = f"; to publish the others, leave it out with --group or --only (it is in group {endpoint.group})"
    if not dated or dates.all_dates:
        return where, Scope(pattern), None if dated else empty
    if dates.date:
        return {**where, DATE_COLUMN: dates.date}, Scope(pattern, dates.date, dates.date), \
            f"mart {name}: no rows for date {dates.date}{as_of}{others}"
    if dates.start and dates.end:
        return {**where, DATE_COLUMN: (dates.start, dates.end)}, Scope(pattern, dates.start, dates.end), \
            f"mart {name}: no rows between {dates.start} and {dates.end}{as_of}{others}"
    day = latest(DATE_COLUMN)
    if day is None:
        return {}, None, None
    return {**where, DATE_COLUMN: day}, Scope(pattern, day, day) if isinstance(day, dt.date) else Scope(pattern), empty


def code_digest() -> bytes:
    """sha256 of the publisher's own code and rules: a new publisher rebuilds every document once."""
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for file in sorted([*folder.glob("*.py"), *folder.glob("*.yml")]):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.digest()


class Fingerprint:
    """What a document is built from: publisher code, declaration, schema, run context (without
    generated_at / updated_at) and, for the root model and each part, the rows' values of the columns
    the document reads. Equal fingerprints build equal documents, which need no building, checking or upload."""

    def __init__(self, declaration: Any, columns: Mapping[str, Iterable[str]], schema: Mapping[str, Any],
                 context: dict[str, Any], code: bytes) -> None:
        self.columns = {model: sorted(names) for model, names in sorted(columns.items())}
        self.base = hashlib.sha256(code)
        for part in (declaration, schema, {k: v for k, v in context.items() if k not in VOLATILE_KEYS}, self.columns):
            self.base.update(json.dumps(part, sort_keys=True, default=str).encode("utf-8") + b"\0")

    def of(self, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> str:
        """The fingerprint of one document's rows, by model (in any order)."""
        digest = self.base.copy()
        for model, columns in self.columns.items():
            texts = sorted(map(repr, map(getter(columns), rows.get(model, ()))))
            digest.update(model.encode("utf-8") + b"\0" + "\n".join(texts).encode("utf-8") + b"\n")
        return digest.hexdigest()


@dataclass
class Build:
    """What building needs besides the endpoint: the run context, the listing, where bytes wait, the code digest."""
    context: dict[str, Any]
    listing: dict[str, StoredObject]
    spool: Spool
    code: bytes
    validators: dict[str, Validator]  # endpoint name -> its schema's validator
    rebuild: bool = False  # ignore stored fingerprints
    fingerprints: bool = True  # the destination stores them (a folder does not: none is computed)


def build_endpoint(endpoint: Endpoint, warehouse: Warehouse, where: dict[str, Any], tally: Tally,
                   build: Build) -> list[Item]:
    """Every document of an endpoint, serialized and checked (problems go to the tally), one at a time: the
    selected rows of the root model and of each part are read sorted by the path's placeholders."""
    def read(relation: str) -> Iterator[dict]:
        return warehouse.iter_rows(relation, where, endpoint.placeholders)

    items = []
    source = f"mart {endpoint.name}"
    parts = {name: PartRows(name, read(part.relation), endpoint.path_template, source)
             for name, part in endpoint.parts.items()}
    columns = columns_by_model(endpoint.tree, endpoint.name)
    for model in columns:
        columns[model] |= set(endpoint.placeholders)  # every part carries them (catalog.resolve_parts)
    validator = build.validators[endpoint.name]
    fingerprint = Fingerprint(endpoint.document, columns, validator.schema, build.context, build.code)
    for path, file_rows in stream_partitions(read(endpoint.relation), endpoint.path_template, source):
        key = tuple(file_rows[0][c] for c in endpoint.placeholders)
        inputs = {endpoint.name: file_rows, **{name: part.take(key) for name, part in parts.items()}}
        for model, model_rows in inputs.items():
            missing = sorted(columns[model] - set(model_rows[0])) if model_rows else []
            if missing:
                raise FoldError(f"mart {model}: column(s) {', '.join(map(repr, missing))} declared in the document "
                                f"of {endpoint.name} are not in the rows")
        print_ = fingerprint.of(inputs) if build.fingerprints else None
        stored = build.listing.get(path)
        if not build.rebuild and stored is not None and stored.hash and print_ and stored.input_hash == print_ \
                and stored.cache_control in (None, endpoint.cache_control):
            items.append(Item(tally, path, None, stored.hash, endpoint.cache_control, print_))
            continue
        doc = fold(file_rows, endpoint.tree, build.context, source, {name: inputs[name] for name in parts})
        data, digest = encode(doc)
        tally.fail(*(f"clean-API violation: {violation}" for violation in check_document(path, doc)))  # admin/: none
        tally.fail(*(f"schema violation: {violation}; correct the mart's rows (a data test on it would have "
                     "stopped the build), then run dbt build" for violation in validator.validate(
                         path, doc, origin=lambda key_path: origin(endpoint.tree, endpoint.name, key_path))))
        items.append(Item(tally, path, build.spool.add(data), digest, endpoint.cache_control, print_))
    for part in parts.values():
        part.finish()
    return items


def read_failed(endpoint: Endpoint, what: str, error: Exception) -> str:
    """An engine's error reading a mart, in one line, with the usual cause: the relation target/manifest.json names
    is not in the warehouse the profile opens."""
    return (f"mart {endpoint.name}: reading {what} {endpoint.relation} failed: {describe(error).rstrip('.')}; "
            "the relation is the one target/manifest.json names: publish with the warehouse (DUCKDB_PATH, --target) "
            "the build wrote")


def build_all(endpoints: list[Endpoint], warehouse: Warehouse, dates: Dates, build: Build,
              tallies: dict[str, Tally]) -> tuple[list[Item], dict[str, Scope]]:
    """Every document of the endpoints that have a validator (the others failed already), and what each covers."""
    items, scopes = [], {}
    for endpoint in [e for e in endpoints if e.name in build.validators]:
        tally = tallies[endpoint.name]
        try:
            where, scope, empty_error = select(endpoint, warehouse, dates)
            built = build_endpoint(endpoint, warehouse, where, tally, build) if scope else []
        except (PublishError, WarehouseError, FoldError, SerializeError) as error:
            tally.fail(str(error))
            continue
        except Exception as error:  # noqa: BLE001 - the engine's own errors (a missing table, ...)
            tally.fail(read_failed(endpoint, "rows of", error))
            continue
        if not built and empty_error:
            tally.fail(empty_error)
            continue
        if scope is not None:
            scopes[endpoint.name] = scope
        if not built:
            log(f"WARNING: {endpoint.name}: no dates in the mart ({endpoint.relation}): nothing to publish")
        tally.files = len(built)
        known = sum(item.load is None for item in built)
        log(f"{endpoint.name}: {len(built)} file(s) {endpoint.path_template} ({endpoint.visibility}, {endpoint.group})"
            + (f"; {known} known unchanged by fingerprint" if known else ""))
        items += built
    return items, scopes
