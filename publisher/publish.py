"""Stages 6 to 8: plan each object against the listing, upload the changes in parallel under generation
preconditions, then write latest.json and manifest.json from the listing as it is after the uploads."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from publisher.catalog import LATEST_PATH, LATEST_SCHEMA, MANIFEST_PATH, Endpoint
from publisher.checks import check_document
from publisher.destinations import ConflictError, Destination, StoredObject
from publisher.report import Tally, describe, log
from publisher.schemas import Validator, published_path
from publisher.serialize import content_hash, serialize

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
MANIFEST_CACHE_CONTROL = "public, max-age=30"
PRIVATE_MANIFEST_CACHE_CONTROL = "private, max-age=30"  # the manifest of the admin destination
LATEST_CACHE_CONTROL = "public, max-age=60"
INDEX_ATTEMPTS = 3
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class Item:
    """One object to publish. Its bytes are loaded on demand (documents wait in a Spool on disk)."""
    tally: Tally
    path: str
    load: Callable[[], bytes] | None  # None: known unchanged from its fingerprint, never built
    hash: str
    cache_control: str
    fingerprint: str | None = None
    status: str = ""  # created / updated / unchanged, once planned
    refresh: bool = False  # unchanged, but its stored fingerprint is not this one: patch the metadata
    expected_generation: int | None = None
    result: StoredObject | None = None
    error: str | None = None
    warning: str | None = None


class Spool:
    """Document bytes kept in an anonymous temporary file until upload, so memory stays flat."""

    def __init__(self) -> None:
        self.file, self.size = tempfile.TemporaryFile(prefix="publisher-"), 0

    def add(self, data: bytes) -> Callable[[], bytes]:
        """Append ``data`` (from one thread); return what reads it back (from any thread)."""
        offset, self.size = self.size, self.size + len(data)
        self.file.write(data)
        self.file.flush()
        return lambda: os.pread(self.file.fileno(), len(data), offset)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def plan_status(existing: StoredObject | None, new_hash: str, cache_control: str | None = None) -> str:
    """What a publish does with an object, given what the listing saw (a new cache-control is an update)."""
    if existing is None:
        return CREATED
    if existing.hash != new_hash:
        return UPDATED
    if cache_control and existing.cache_control and existing.cache_control != cache_control:
        return UPDATED
    return UNCHANGED


def plan(items: Iterable[Item], listing: dict[str, StoredObject]) -> None:
    for item in items:
        existing = listing.get(item.path)
        item.status = plan_status(existing, item.hash, item.cache_control)
        item.expected_generation = existing.generation if existing else None
        if item.status == UNCHANGED:
            item.result = existing
            item.refresh = bool(item.fingerprint) and existing is not None and existing.input_hash != item.fingerprint


def upload(destination: Destination, items: list[Item], workers: int, dry_run: bool = False) -> None:
    """Upload every created / updated item (progress on stderr), then refresh outdated fingerprints; count each
    outcome in its tally (a dry run only counts)."""
    def put(item: Item) -> Item:
        try:
            assert item.load is not None  # only a planned change is uploaded, and its document was built
            item.result = destination.put(item.path, item.load(), item.hash, item.cache_control,
                                          item.expected_generation, input_hash=item.fingerprint)
        except Exception as error:  # noqa: BLE001 - reported per object, the run fails
            item.error = describe(error)
        return item

    def refresh(item: Item) -> None:
        assert item.result is not None and item.fingerprint  # plan() set both for a refresh
        try:
            destination.refresh(item.result, item.fingerprint)
        except Exception as error:  # noqa: BLE001 - the object is right; only its fingerprint is old
            item.warning = f"fingerprint not recorded: {describe(error)}"

    for item in items:
        if item.status == UNCHANGED or dry_run:
            item.tally.count(item.status)
    if dry_run:
        return
    changed, started = [item for item in items if item.status in (CREATED, UPDATED)], time.monotonic()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="upload") as pool:
        for done, future in enumerate(as_completed([pool.submit(put, item) for item in changed]), 1):
            item = future.result()
            item.tally.count("failed" if item.error else item.status)
            if 4 * done // len(changed) > 4 * (done - 1) // len(changed):  # a line at every quarter: logs stay short
                log(f"uploading {done}/{len(changed)} ({100 * done / len(changed):.0f}%, "
                    f"{done / max(time.monotonic() - started, 1e-9):.1f}/s)")
        list(pool.map(refresh, [item for item in items if item.status == UNCHANGED and item.refresh]))


@dataclass
class Index:
    """latest.json or manifest.json: a document built from the listing, checked like any other."""
    tally: Tally
    path: str
    document: Callable[[dict[str, StoredObject]], dict]
    cache_control: str
    public: bool = True  # public indexes pass the clean-API rule
    validator: Validator | None = None


def manifest_document(listing: dict[str, StoredObject], generated_at: str) -> dict:
    objects = {path: {"hash": stored.hash, "generation": stored.generation}
               for path, stored in sorted(listing.items()) if path != MANIFEST_PATH}
    return {"generated_at": generated_at, "objects": objects}


def latest_document(listing: Iterable[str], prefixes: Mapping[str, re.Pattern], generated_at: str) -> dict:
    """v1/latest.json: the newest date stored for every public dated endpoint (absent when none)."""
    dates = {}
    for prefix, pattern in sorted(prefixes.items()):
        days = (match.group("date") for path in listing if (match := pattern.fullmatch(path)))
        valid = [day for day in days if is_date(day)]
        if valid:
            dates[prefix] = max(valid)
    return {"generated_at": generated_at, "dates": dates}


def is_date(text: str) -> bool:
    """YYYY-MM-DD, a real date."""
    try:
        return bool(DATE.fullmatch(text)) and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


class ManifestError(RuntimeError):
    """An index (latest.json, manifest.json) fails a check."""


def label(status: str, dry_run: bool) -> str:
    return {CREATED: "would create", UPDATED: "would update"}.get(status, status) if dry_run else status


def write_indexes(destination: Destination, listing: dict[str, StoredObject], objects: list[Item],
                  indexes: list[Index], failed: int, dry_run: bool) -> str:
    """Only when no object of the run failed (``failed``: in any destination), each index in turn (latest.json,
    then manifest.json, last), built from the listing as it is after the uploads. Returns the manifest's status,
    'not written' or 'failed'. An index it does not write stays uncounted: its summary row reads aborted."""
    for index in indexes:
        index.tally.files = 1
    if failed:
        log(f"NOT writing {' nor '.join(i.path for i in indexes)} of {destination.url}: {failed} object(s) failed; "
            "the previous ones stay (rerun to finish)")
        return "not written"
    listing = {**listing, **{item.path: stored for item in objects if (stored := after_upload(item, dry_run))}}
    status = "not written"
    for index in indexes:
        try:
            status, stored = write_index(destination, listing, index, dry_run)
        except Exception as error:  # noqa: BLE001 - reported, the run fails
            index.tally.count("failed")
            index.tally.fail(f"{index.path}: {describe(error)}")
            log(f"FAILED {index.path} of {destination.url}: {describe(error)}")
            return "failed" if index.path == MANIFEST_PATH else "not written"
        index.tally.count(status)
        listing = {**listing, index.path: stored} if stored else listing
        log(f"  {label(status, dry_run):<12} {index.path} (generation {stored.generation if stored else None})")
    return status


def after_upload(item: Item, dry_run: bool) -> StoredObject | None:
    """The object as the run leaves it; in a dry run, a planned change at a new generation (as its upload would
    store it), so that the indexes are planned against what a real run would list."""
    if dry_run and item.result is None and item.status in (CREATED, UPDATED):
        return StoredObject(item.path, item.hash, (item.expected_generation or 0) + 1, item.cache_control)
    return item.result


def write_index(destination: Destination, listing: dict[str, StoredObject], index: Index,
                dry_run: bool = False) -> tuple[str, StoredObject | None]:
    """Write an index unless its content is unchanged; when another run wrote it since the listing, list
    again and rebuild it. Returns (status, stored object)."""
    for attempt in range(1, INDEX_ATTEMPTS + 1):
        doc = index.document(listing)
        problems = [*(check_document(index.path, doc) if index.public else []),
                    *(index.validator.validate(index.path, doc) if index.validator else [])]
        if problems:
            raise ManifestError("; ".join(problems[:5]))
        digest, existing = content_hash(doc), listing.get(index.path)
        status = plan_status(existing, digest, index.cache_control)
        if status == UNCHANGED or dry_run:
            return status, existing
        try:
            return status, destination.put(index.path, serialize(doc), digest, index.cache_control,
                                           existing.generation if existing else None)
        except ConflictError as error:
            if attempt == INDEX_ATTEMPTS:
                raise
            log(f"  {index.path} was written by another run meanwhile ({error}); listing again")
            listing = destination.list()
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Scope:
    """Which paths of an endpoint a run covers: all of them, or those whose {date} lies in [start, end]."""
    pattern: re.Pattern
    start: dt.date | None = None  # None: every path of the endpoint
    end: dt.date | None = None

    def covers(self, path: str) -> bool:
        match = self.pattern.fullmatch(path)
        if match is None or self.start is None or self.end is None:
            return match is not None
        try:
            return self.start <= dt.date.fromisoformat(match.group("date")) <= self.end
        except (IndexError, ValueError):
            return False


def stale_paths(listing: Iterable[str], produced: set[str], scopes: dict[str, Scope],
                endpoints: list[Endpoint]) -> dict[str, str]:
    """Stored paths the run did not produce although it covers them, or that no endpoint (of ``endpoints``:
    all of them) publishes; path -> owner."""
    reserved = {MANIFEST_PATH, LATEST_PATH, published_path(LATEST_SCHEMA),
                *(published_path(e.schema_file) for e in endpoints)}
    stale = {}
    for path in listing:
        if path in produced or path in reserved:
            continue
        owner = next((name for name, scope in scopes.items() if scope.covers(path)), None)
        if owner is not None:
            stale[path] = owner
        elif not any(e.pattern.fullmatch(path) for e in endpoints):
            stale[path] = "(no endpoint)"
    return stale


def withdraw(destination: Destination, paths: list[str], endpoints: list[Endpoint], generated_at: str, force: bool,
             dry_run: bool) -> list[str]:
    """Delete objects published by mistake (a path ending in / names every object under it), then rewrite the
    destination's latest.json (if it has one) and manifest.json without them. Refuses (returns the problems,
    deletes nothing) a path that is not stored, an index, or, unless ``force``, a path an endpoint produces (its
    next run would publish it again). Raises ManifestError, naming what it deleted and what it did not, when a
    deletion fails (the indexes are still rewritten without what was deleted) or an index write fails."""
    listing = destination.list()
    paths = list(dict.fromkeys(  # a folder (a path ending in /): every object under it; a path named twice: once
        found for path in paths for found in
        (sorted(p for p in listing if p.startswith(path)) or [path] if path.endswith("/") else [path])))
    problems = [f"{path}: not in {destination.url}" for path in paths if path not in listing]
    problems += [f"{path}: an index, rewritten by every run; it is never withdrawn" for path in paths
                 if path in (MANIFEST_PATH, LATEST_PATH)]
    for path in paths if not force else []:
        owner = next((e for e in endpoints if e.pattern.fullmatch(path)), None)
        if owner is not None:
            problems.append(f"{path}: model {owner.name} publishes {owner.path_template}, so its runs publish it "
                            "again while the mart has rows for it: delete those first, then pass --force")
    if problems:
        return problems
    deleted: list[str] = []
    failures: list[str] = []
    for path in paths:
        try:
            if not dry_run:
                destination.delete(listing[path])
        except Exception as error:  # noqa: BLE001 - said below; the indexes still drop what was deleted
            failures.append(f"deleting {path} failed: {describe(error)}; not deleted, still listed: "
                            f"{', '.join(paths[len(deleted):])} (withdraw them again)")
            break
        del listing[path]
        deleted.append(path)
        log(f"  {'would delete' if dry_run else 'deleted':<12} {path}")
    indexes = site_indexes(LATEST_PATH in listing, endpoints, generated_at)
    write_indexes(destination, listing, [], indexes, 0, dry_run)
    if index_failures := [error for index in indexes for error in index.tally.errors]:
        failures += index_failures
        if deleted and not dry_run:
            failures.append(f"the next publisher run into {destination.url} writes the indexes without them")
    if failures:
        done = "dry run: nothing deleted" if dry_run else f"deleted: {', '.join(deleted) or 'nothing'}"
        raise ManifestError(f"{'; '.join(failures)}; {done}")
    return []


def site_indexes(public: bool, endpoints: list[Endpoint], generated_at: str) -> list[Index]:
    """The indexes of a destination, in writing order: latest.json (public only: its dated endpoints), manifest.json."""
    name = "" if public else "admin "
    indexes = [Index(Tally(f"({name}manifest)", MANIFEST_PATH), MANIFEST_PATH,
                     lambda listing: manifest_document(listing, generated_at),
                     MANIFEST_CACHE_CONTROL if public else PRIVATE_MANIFEST_CACHE_CONTROL, public)]
    if public:
        prefixes = {e.latest_key: e.pattern for e in endpoints if e.latest_key}
        indexes.insert(0, Index(Tally("(latest)", LATEST_PATH), LATEST_PATH,
                                lambda listing: latest_document(listing, prefixes, generated_at), LATEST_CACHE_CONTROL))
    return indexes
