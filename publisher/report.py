"""What a run tells people: progress on stderr, the summary rows and their table."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

COUNTS = ("files", "created", "updated", "unchanged", "failed", "stale")


@dataclass
class Tally:
    """One row of the summary: an endpoint, or the (schemas) / (latest) / (manifest) pseudo-endpoints."""
    name: str
    path: str = ""
    group: str = ""
    status: str = "pending"  # ok, unchanged, empty (nothing to publish), failed, aborted (not written), planned
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    stale: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def fail(self, *messages: str) -> None:
        self.errors += messages
        if messages:
            self.status = "failed"

    def settle(self, dry_run: bool, aborted: bool) -> None:
        """The endpoint's final status once every object is done."""
        if self.errors or self.failed:
            self.status = "failed"
        elif aborted or self.files > self.created + self.updated + self.unchanged:  # a file never attempted
            self.status = "aborted"
        elif dry_run:
            self.status = "planned"
        else:  # nothing to publish, or every file as stored
            self.status = "empty" if not self.files else "ok" if self.created or self.updated else "unchanged"


@contextmanager
def timed(seconds: dict[str, float], name: str) -> Iterator[None]:
    """Record how long the block took, in ``seconds[name]``."""
    started = time.monotonic()
    yield
    seconds[name] = time.monotonic() - started


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe(error: BaseException) -> str:
    """The error in one line: its type and the first paragraph of its message (DuckDB adds the query and a caret)."""
    first_paragraph = str(error).split("\n\n")[0]
    return f"{type(error).__name__}: {' '.join(first_paragraph.split())}"


def summary_table(tallies: list[Tally]) -> str:
    total = Tally("TOTAL", status="", **{name: sum(getattr(t, name) for t in tallies) for name in COUNTS})
    rows = [("endpoint", "status", *COUNTS),
            *((t.name, t.status, *(getattr(t, c) for c in COUNTS)) for t in [*tallies, total])]
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"{row[0]:<{width}}  {row[1]:<9}" + "".join(f"{v:>10}" for v in row[2:]) for row in rows)

