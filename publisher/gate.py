"""The run-results gate: an endpoint is published only when dbt's last run went well for it.

Reads ``target/run_results.json`` (written by the last ``dbt build`` / ``run`` /
``test``). An endpoint is blocked when any node in that file with status error,
fail, skipped or runtime error is the endpoint's model, a node upstream of it,
or a data test / unit test on either. Nodes the last run did not include are not
judged (a schedule runs ``dbt build --selector GROUP`` then publishes GROUP).
A missing or unreadable file blocks everything. ``--allow-failed-upstream``
overrides the gate, loudly, for emergencies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from publisher.catalog import Endpoint

BLOCKING_STATUSES = frozenset({"error", "fail", "skipped", "runtime error"})


class GateError(RuntimeError):
    """run_results.json is missing or unreadable."""


@dataclass(frozen=True)
class Blocker:
    file: str
    endpoint: str
    unique_id: str
    status: str
    message: str

    def __str__(self) -> str:
        detail = f": {self.message}" if self.message else ""
        return f"{self.file}: {self.unique_id}: status {self.status!r} (upstream of {self.endpoint}){detail}"


@dataclass(frozen=True)
class RunResults:
    file: str
    statuses: dict[str, tuple[str, str]]  # unique_id -> (status, message)
    generated_at: str


def first_line(message: object) -> str:
    lines = str(message or "").strip().splitlines()
    return lines[0][:200] if lines else ""


def load_run_results(path: str | Path) -> RunResults:
    file = Path(path)
    if not file.is_file():
        raise GateError(f"{file} not found: run dbt build before publishing (or --allow-failed-upstream)")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        statuses = {r["unique_id"]: (str(r.get("status")), first_line(r.get("message"))) for r in data["results"]}
    except (ValueError, KeyError, TypeError) as error:
        raise GateError(f"{file}: unreadable run results: {error}") from error
    return RunResults(str(file), statuses, str((data.get("metadata") or {}).get("generated_at", "?")))


def blockers(endpoint: Endpoint, results: RunResults) -> list[Blocker]:
    """Failed or skipped nodes of the last run that the endpoint depends on, sorted by id."""
    relevant = endpoint.upstream | endpoint.tests | {endpoint.unique_id}
    found = []
    for unique_id in sorted(relevant & results.statuses.keys()):
        status, message = results.statuses[unique_id]
        if status in BLOCKING_STATUSES:
            found.append(Blocker(results.file, endpoint.name, unique_id, status, message))
    return found
