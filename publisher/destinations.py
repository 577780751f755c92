"""Where documents go: a local folder or ``gs://bucket/prefix``, behind one small interface.

Every destination keeps objects under ``<root>/v1/<path>`` and can ``list`` them in
one pass with each object's content hash (sha256 of the document without
generated_at / updated_at) and generation, so change detection needs no download.
``put`` writes one object under a generation precondition: the generation the
listing saw (None: the object must not exist yet); a mismatch raises
``ConflictError`` (someone else wrote it meanwhile).

Local folders: files written atomically (temp file, fsync, rename); the hash is
computed from the file, the generation is its mtime in nanoseconds; content type,
cache-control and input hash are not stored. The listing reads a file only when
v1/manifest.json (written by the last run) does not already give its hash for that
generation, so listing a big site costs a stat per file, not a read.
GCS: see ``publisher.gcs``, which also opens either kind from a --dest (``open_destination``).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from publisher.serialize import content_hash

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
PREFIX = "v1"


class ConflictError(RuntimeError):
    """The object changed since it was listed (a concurrent writer)."""


@dataclass(frozen=True)
class StoredObject:
    path: str  # relative to v1/
    hash: str | None  # content hash; None when unknown (not written by the publisher)
    generation: int | None
    size: int
    cache_control: str | None = None  # None: not stored (local folders)
    input_hash: str | None = None  # fingerprint of what the document was built from (publish.Fingerprint)


class Destination(Protocol):
    url: str

    def list(self) -> dict[str, StoredObject]:
        """Every object under v1/, by path relative to v1/."""

    def put(self, path: str, data: bytes, content_hash: str, cache_control: str,
            expected_generation: int | None, content_type: str = JSON_CONTENT_TYPE,
            input_hash: str | None = None) -> StoredObject:
        """Write ``data`` at ``path`` if the stored generation is still ``expected_generation``."""

    def refresh(self, stored: StoredObject, input_hash: str) -> None:
        """Record a new input hash on an unchanged object (no upload; a no-op where nothing is stored)."""


def check_relative_path(path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"unsafe destination path {path!r}")


class LocalDestination:
    """Files under ``<root>/v1/``."""

    def __init__(self, root: str | os.PathLike, prefix: str = PREFIX) -> None:
        self.base = Path(root) / prefix
        self.url = str(self.base)

    def _file(self, path: str) -> Path:
        check_relative_path(path)
        return self.base / path

    @staticmethod
    def _stored(path: str, file: Path) -> StoredObject:
        data = file.read_bytes()
        try:
            digest = content_hash(json.loads(data))
        except ValueError:  # unreadable JSON: a hash nothing equals, so it gets rewritten
            digest = "invalid"
        return StoredObject(path, digest, file.stat().st_mtime_ns, len(data))

    def list(self) -> dict[str, StoredObject]:
        known = self._manifest_hashes()
        found = {}
        for file in sorted(self.base.rglob("*")) if self.base.is_dir() else []:
            relative = file.relative_to(self.base).as_posix()
            if file.is_file() and not any(part.startswith(".") for part in relative.split("/")):
                stat = file.stat()
                if relative in known and known[relative][1] == stat.st_mtime_ns:
                    found[relative] = StoredObject(relative, known[relative][0], stat.st_mtime_ns, stat.st_size)
                else:
                    found[relative] = self._stored(relative, file)
        return found

    def _manifest_hashes(self) -> dict[str, tuple[str, int]]:
        """{path: (hash, generation)} recorded by the last run's v1/manifest.json ({} when unreadable)."""
        try:
            objects = json.loads((self.base / "manifest.json").read_bytes())["objects"]
            return {path: (entry["hash"], entry["generation"]) for path, entry in objects.items()
                    if isinstance(entry.get("hash"), str) and isinstance(entry.get("generation"), int)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def put(self, path: str, data: bytes, content_hash: str, cache_control: str,
            expected_generation: int | None, content_type: str = JSON_CONTENT_TYPE,
            input_hash: str | None = None) -> StoredObject:
        file = self._file(path)
        current = file.stat().st_mtime_ns if file.is_file() else None
        if current != expected_generation:
            raise ConflictError(f"{file}: changed since it was listed (generation {current}, "
                                f"expected {expected_generation})")
        self._write_atomically(file, data)
        return StoredObject(path, content_hash, file.stat().st_mtime_ns, len(data))

    def refresh(self, stored: StoredObject, input_hash: str) -> None:
        """Nothing to do: a folder keeps no metadata (so every run rebuilds every document)."""

    @staticmethod
    def _write_atomically(file: Path, data: bytes) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o644)
            os.replace(temp_name, file)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
