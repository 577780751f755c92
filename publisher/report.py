"""What a run tells people: progress on stderr, the summary table, the --json report."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

COUNTS = ("files", "created", "updated", "unchanged", "failed", "stale")


@dataclass
class Tally:
    """One row of the summary: an endpoint, or the (schemas) / (manifest) pseudo-endpoints."""
    name: str
    path: str = ""
    group: str = ""
    status: str = "pending"  # ok, unchanged, empty (nothing to publish), failed, aborted, planned (dry run)
    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    stale: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def fail(self, message: str) -> None:
        self.errors.append(message)
        self.status = "failed"

    def settle(self, dry_run: bool, aborted: bool) -> None:
        """The endpoint's final status once every object is done."""
        if self.errors or self.failed:
            self.status = "failed"
        elif aborted:
            self.status = "aborted"
        elif dry_run:
            self.status = "planned"
        elif not self.files:
            self.status = "empty"
        else:
            self.status = "ok" if self.created or self.updated else "unchanged"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summary_table(tallies: list[Tally]) -> str:
    header = ("endpoint", "status", *COUNTS)
    total = Tally("TOTAL", status="")
    for tally in tallies:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    rows = [(t.name, t.status, *(getattr(t, c) for c in COUNTS)) for t in [*tallies, total]]
    width = max(len(header[0]), *(len(row[0]) for row in rows))
    return "\n".join(f"{row[0]:<{width}}  {row[1]:<9}" + "".join(f"{v:>10}" for v in row[2:]) for row in [header, *rows])


def json_report(tallies: list[Tally], objects: list[dict[str, Any]], extra: dict[str, Any]) -> str:
    endpoints = [asdict(t) for t in tallies]
    return json.dumps({**extra, "endpoints": endpoints, "objects": objects}, indent=2, default=str)


class Progress:
    """A one-line progress bar on a terminal; a line every 25 % otherwise (logs stay short)."""

    def __init__(self, total: int, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.label, self.stream, self.width = total, label, stream, width
        self.done = 0
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last_draw = 0.0
        self._next_quarter = 1

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.tty and (now - self._last_draw > 0.1 or self.done == self.total):
            self._last_draw = now
            self.stream.write("\r" + self.line() + ("\n" if self.done == self.total else ""))
            self.stream.flush()
        elif not self.tty and self.total and self.done * 4 >= self._next_quarter * self.total:
            while self._next_quarter <= 4 and self.done * 4 >= self._next_quarter * self.total:
                self._next_quarter += 1
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        fraction = self.done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                f"{100 * fraction:5.1f}% {self.done / elapsed:7.1f}/s")
