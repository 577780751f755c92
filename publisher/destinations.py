"""Where documents go. One small interface, so a GCS destination can sit behind it.

``put`` skips the write when the stored document has the same content hash
(timestamps generated_at / updated_at ignored) and says what it did:
'created', 'updated' or 'unchanged'.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from publisher.serialize import content_hash_of_bytes

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class Destination(Protocol):
    def get_hash(self, path: str) -> str | None:
        """Content hash of the stored document at ``path`` (relative to v1/), None if absent."""

    def put(self, path: str, data: bytes, cache_control: str, content_type: str = JSON_CONTENT_TYPE) -> str:
        """Store ``data`` at ``path`` unless unchanged; return created, updated or unchanged."""


def plan_status(existing_hash: str | None, new_hash: str) -> str:
    """What ``put`` would do, given the stored hash and the new one."""
    if existing_hash is None:
        return CREATED
    return UNCHANGED if existing_hash == new_hash else UPDATED


def check_relative_path(path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"unsafe destination path {path!r}")


class LocalDestination:
    """Files under ``<root>/<prefix>/`` written atomically (temp file, fsync, rename)."""

    def __init__(self, root: str | os.PathLike, prefix: str = "v1") -> None:
        self.base = Path(root) / prefix

    def _file(self, path: str) -> Path:
        check_relative_path(path)
        return self.base / path

    def get_hash(self, path: str) -> str | None:
        file = self._file(path)
        if not file.is_file():
            return None
        try:
            return content_hash_of_bytes(file.read_bytes())
        except ValueError:  # unreadable JSON: a hash nothing equals, so it gets rewritten
            return "invalid"

    def put(self, path: str, data: bytes, cache_control: str, content_type: str = JSON_CONTENT_TYPE) -> str:
        status = plan_status(self.get_hash(path), content_hash_of_bytes(data))
        if status != UNCHANGED:
            self._write_atomically(self._file(path), data)
        return status

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
