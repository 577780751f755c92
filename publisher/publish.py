"""From checked documents to a destination: plan, parallel uploads, then ``v1/manifest.json``.

1. The CLI lists the destination once, before building: every stored object's content
   hash, generation, cache-control and fingerprint (``Fingerprint``: what the document
   was built from). A document whose fingerprint is the stored one is known unchanged
   and is not even built; the others are built, checked and kept in a ``Spool`` on disk.
2. ``plan``: each object is created, updated (new content or new cache-control) or
   left unchanged (same content hash: no upload, no download).
3. ``upload``: changed objects go up in parallel (``workers`` threads), each under
   the generation precondition of the listing; every outcome lands in its tally.
   Unchanged objects whose stored fingerprint is outdated get it patched in.
4. ``write_manifest``: only when every object succeeded, ``v1/manifest.json``
   (every object under v1/ with its content hash and generation) is written,
   itself under a generation precondition; when another run wrote it meanwhile
   the destination is listed again and the manifest rebuilt. Unchanged content
   means no write. A run killed before this point leaves the old manifest; a
   rerun uploads what is missing and then writes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from publisher.destinations import CREATED, UNCHANGED, UPDATED, ConflictError, Destination, StoredObject, plan_status
from publisher.documents import PLACEHOLDER
from publisher.report import Tally
from publisher.serialize import VOLATILE_KEYS, content_hash, serialize

MANIFEST_PATH = "manifest.json"
MANIFEST_CACHE_CONTROL = "public, max-age=30"
MANIFEST_ATTEMPTS = 3
LATEST_PATH = "latest.json"
LATEST_CACHE_CONTROL = "public, max-age=60"


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

    @property
    def data(self) -> bytes:
        if self.load is None:
            raise ValueError(f"{self.path}: no bytes (unchanged, not built)")
        return self.load()


class Spool:
    """Document bytes kept in an anonymous temporary file until upload, so memory stays flat."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="publisher-")
        self.size = 0
        self.lock = threading.Lock()
        self.dirty = False

    def add(self, data: bytes) -> Callable[[], bytes]:
        with self.lock:
            offset = self.size
            self.file.write(data)
            self.size += len(data)
            self.dirty = True
        return lambda: self._read(offset, len(data))

    def _read(self, offset: int, length: int) -> bytes:
        with self.lock:
            if self.dirty:
                self.file.flush()
                self.dirty = False
        return os.pread(self.file.fileno(), length, offset)

    def close(self) -> None:
        self.file.close()


def code_digest() -> bytes:
    """sha256 of the publisher's own code and rules: a new publisher rebuilds every document once."""
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for file in sorted([*folder.glob("*.py"), *folder.glob("*.yml")]):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.digest()


class Fingerprint:
    """What a document is built from: publisher code, declaration, cache-control, schema, run context
    (without generated_at / updated_at) and, for the root model and each part, the rows' values of the
    columns the document reads. Equal fingerprints build equal documents, which therefore need no
    building, checking or upload."""

    def __init__(self, declaration: Any, columns: Mapping[str, Iterable[str]], schema: bytes, context: dict[str, Any],
                 code: bytes) -> None:
        self.columns = {model: sorted(names) for model, names in sorted(columns.items())}
        base = hashlib.sha256(code)
        for part in (json.dumps(declaration, sort_keys=True, default=str), schema.decode("utf-8"),
                     json.dumps({k: v for k, v in context.items() if k not in VOLATILE_KEYS}, sort_keys=True,
                                default=str), json.dumps(self.columns)):
            base.update(part.encode("utf-8") + b"\0")
        self.base = base

    def of(self, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> str:
        """The fingerprint of one document's rows, by model."""
        digest = self.base.copy()
        for model, columns in self.columns.items():
            digest.update(model.encode("utf-8") + b"\0")
            for text in sorted(repr(tuple(row[c] for c in columns)) for row in rows.get(model, ())):
                digest.update(text.encode("utf-8") + b"\n")
        return digest.hexdigest()


def plan(items: Iterable[Item], listing: dict[str, StoredObject]) -> None:
    for item in items:
        existing = listing.get(item.path)
        item.status = plan_status(existing, item.hash, item.cache_control)
        item.expected_generation = existing.generation if existing else None
        if item.status == UNCHANGED:
            item.result = existing
            item.refresh = bool(item.fingerprint) and existing is not None and existing.input_hash != item.fingerprint


def upload(destination: Destination, items: list[Item], workers: int,
           on_done: Callable[[Item], None] = lambda item: None) -> None:
    """Upload every created / updated item (and refresh stale fingerprints); count each outcome in its tally."""
    def put(item: Item) -> Item:
        try:
            if item.status == UNCHANGED:
                assert item.result is not None and item.fingerprint  # plan() set both for a refresh
                try:
                    destination.refresh(item.result, item.fingerprint)
                except Exception as error:  # noqa: BLE001 - the object is right; only its fingerprint is old
                    item.warning = f"fingerprint not recorded: {type(error).__name__}: {error}"
            else:
                item.result = destination.put(item.path, item.data, item.hash, item.cache_control,
                                              item.expected_generation, input_hash=item.fingerprint)
        except Exception as error:  # noqa: BLE001 - reported per object, the run fails
            item.error = f"{type(error).__name__}: {error}"
        return item

    pending = [item for item in items if item.status in (CREATED, UPDATED)]
    refreshes = [item for item in items if item.status == UNCHANGED and item.refresh]
    for item in items:
        if item.status == UNCHANGED:
            item.tally.count(UNCHANGED)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="upload") as pool:
        for future in as_completed([pool.submit(put, item) for item in pending]):
            item = future.result()
            item.tally.count("failed" if item.error else item.status)
            on_done(item)
        for future in as_completed([pool.submit(put, item) for item in refreshes]):
            future.result()


def manifest_document(listing: dict[str, StoredObject], generated_at: str) -> dict:
    objects = {path: {"hash": stored.hash, "generation": stored.generation}
               for path, stored in sorted(listing.items()) if path != MANIFEST_PATH}
    return {"generated_at": generated_at, "objects": objects}


def latest_document(listing: Iterable[str], prefixes: Mapping[str, re.Pattern], generated_at: str) -> dict:
    """v1/latest.json: the newest date stored for every public dated endpoint (absent when none)."""
    dates = {}
    for prefix, pattern in sorted(prefixes.items()):
        found = [match.group("date") for path in listing if (match := pattern.fullmatch(path))]
        valid = [day for day in found if _is_iso_date(day)]
        if valid:
            dates[prefix] = max(valid)
    return {"generated_at": generated_at, "dates": dates}


def _is_iso_date(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def after_uploads(listing: dict[str, StoredObject], items: Iterable[Item]) -> dict[str, StoredObject]:
    """The listing as it is once the run's uploads are done."""
    return {**listing, **{item.path: item.result for item in items if item.result is not None}}


class ManifestError(RuntimeError):
    """An index (latest.json, manifest.json) fails a check."""


def write_index(destination: Destination, listing: dict[str, StoredObject], path: str,
                document: Callable[[dict[str, StoredObject]], dict], cache_control: str, dry_run: bool = False,
                log: Callable[[str], None] = lambda m: None,
                check: Callable[[str, dict], list] = lambda path, doc: []) -> tuple[str, StoredObject | None]:
    """Write an index built from the listing (latest.json, manifest.json) unless its content is unchanged
    (after ``check`` finds nothing), under a generation precondition: when another run wrote it meanwhile,
    the destination is listed again and the index rebuilt. Returns (status, stored object)."""
    for attempt in range(1, MANIFEST_ATTEMPTS + 1):
        doc = document(listing)
        problems = check(path, doc)
        if problems:
            raise ManifestError("; ".join(map(str, problems[:5])))
        digest, existing = content_hash(doc), listing.get(path)
        status = plan_status(existing, digest, cache_control)
        if status == UNCHANGED or dry_run:
            return status, existing
        try:
            stored = destination.put(path, serialize(doc), digest, cache_control,
                                     existing.generation if existing else None)
            return status, stored
        except ConflictError as error:
            if attempt == MANIFEST_ATTEMPTS:
                raise
            log(f"  {path} was written by another run meanwhile ({error}); listing again")
            listing = destination.list()
    raise AssertionError("unreachable")  # pragma: no cover


def write_manifest(destination: Destination, listing: dict[str, StoredObject], generated_at: str,
                   dry_run: bool = False, log: Callable[[str], None] = lambda m: None,
                   check: Callable[[str, dict], list] = lambda path, doc: []) -> tuple[str, StoredObject | None]:
    """Write v1/manifest.json unless unchanged (after ``check`` finds nothing); returns (status, stored manifest)."""
    return write_index(destination, listing, MANIFEST_PATH, lambda found: manifest_document(found, generated_at),
                       MANIFEST_CACHE_CONTROL, dry_run, log, check)


def template_pattern(path_template: str) -> re.Pattern:
    """'picks/{date}.json' -> a regex matching its paths, with a named group per placeholder."""
    parts = re.split(PLACEHOLDER, path_template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(pattern)


@dataclass(frozen=True)
class Scope:
    """Which paths of an endpoint a run covers: all of them, or those whose date lies in [start, end]."""
    pattern: re.Pattern
    date_column: str
    start: dt.date | None = None  # None: every path of the endpoint
    end: dt.date | None = None

    def covers(self, path: str) -> bool:
        match = self.pattern.fullmatch(path)
        if match is None:
            return False
        if self.start is None:
            return True
        try:
            day = dt.date.fromisoformat(match.group(self.date_column))
        except (IndexError, ValueError):
            return False
        return self.start <= day <= (self.end or self.start)


def stale_paths(listing: Iterable[str], produced: set[str], scopes: dict[str, Scope],
                known: list[re.Pattern], reserved: set[str]) -> dict[str, str]:
    """Stored paths the run did not produce although it covers them, or that no endpoint publishes; path -> owner."""
    stale = {}
    for path in listing:
        if path in produced or path in reserved:
            continue
        owner = next((name for name, scope in scopes.items() if scope.covers(path)), None)
        if owner is not None:
            stale[path] = owner
        elif not any(p.fullmatch(path) for p in known):
            stale[path] = "(no endpoint)"
    return stale
