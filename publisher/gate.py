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
from pathlib import Path
from typing import Callable

from publisher.catalog import Endpoint

BLOCKING_STATUSES = frozenset({"error", "fail", "skipped", "runtime error"})
Statuses = dict[str, tuple[str, str]]  # unique_id -> (status, first line of its message)


class GateError(RuntimeError):
    """run_results.json is missing or unreadable."""


def load_run_results(file: Path) -> Statuses:
    if not file.is_file():
        raise GateError(f"{file} not found: run dbt build before publishing (or --allow-failed-upstream)")
    try:
        results = json.loads(file.read_text(encoding="utf-8"))["results"]
        return {r["unique_id"]: (str(r.get("status")), first_line(r.get("message"))) for r in results}
    except (ValueError, KeyError, TypeError) as error:
        raise GateError(f"{file}: unreadable run results: {error}") from error


def first_line(message: object) -> str:
    lines = str(message or "").strip().splitlines()
    return lines[0][:200] if lines else ""


def blockers(endpoint: Endpoint, statuses: Statuses, file: Path) -> list[str]:
    """The failed or skipped nodes of the last run that the endpoint depends on, sorted by id, described."""
    found = []
    for unique_id in sorted((endpoint.upstream | endpoint.tests | {endpoint.unique_id}) & statuses.keys()):
        status, message = statuses[unique_id]
        if status in BLOCKING_STATUSES:
            found.append(f"{file}: {unique_id}: status {status!r} (upstream of {endpoint.name})"
                         + (f": {message}" if message else ""))
    return found


def gate(endpoints: list[Endpoint], file: Path, override: bool, log: Callable[[str], None]) -> dict[str, list[str]]:
    """The gate's failures, by endpoint name. ``override`` (--allow-failed-upstream) turns them into loud warnings."""
    try:
        statuses: Statuses | None = load_run_results(file)
    except GateError as error:
        if not override:
            return {endpoint.name: [f"run-results gate: {error}"] for endpoint in endpoints}
        statuses = None
        log(f"WARNING: --allow-failed-upstream: {error}")
    failures: dict[str, list[str]] = {}
    for endpoint in endpoints:
        for blocker in blockers(endpoint, statuses, file) if statuses is not None else []:
            if override:
                log(f"WARNING: --allow-failed-upstream: publishing despite {blocker}")
            failures.setdefault(endpoint.name, []).append(f"run-results gate: {blocker}")
    if override:
        log("WARNING: " + "!" * 70)
        log(f"WARNING: run-results gate OVERRIDDEN (--allow-failed-upstream): {sum(map(len, failures.values()))} "
            f"failed or skipped upstream node(s) ignored{'' if statuses is not None else ', and no readable run results'}")
        log("WARNING: " + "!" * 70)
        return {}
    return failures
