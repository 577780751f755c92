"""The run-results gate: an endpoint is published only when dbt's last run went well for it: no node of
target/run_results.json with a blocking status is its model, upstream of it, or a test of either."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from publisher.catalog import Endpoint

BLOCKING_STATUSES = frozenset({"error", "fail", "skipped", "runtime error"})


class GateError(RuntimeError):
    """run_results.json is missing or unreadable."""


def load_run_results(file: Path) -> dict[str, tuple[str, str]]:
    """unique_id -> (status, first line of the message)."""
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


def blockers(endpoint: Endpoint, statuses: dict[str, tuple[str, str]], file: Path) -> list[str]:
    """The failed or skipped nodes of the last run that the endpoint depends on, sorted by id."""
    found = []
    for unique_id in sorted((endpoint.upstream | endpoint.tests | {endpoint.unique_id}) & statuses.keys()):
        status, message = statuses[unique_id]
        if status in BLOCKING_STATUSES:
            found.append(f"{file}: {unique_id}: status {status!r} (upstream of {endpoint.name})"
                         + (f": {message}" if message else ""))
    return found


def gate(endpoints: list[Endpoint], file: Path, override: bool, log: Callable[[str], None]) -> dict[str, list[str]]:
    """The gate's failures, by endpoint name; ``override`` (--allow-failed-upstream) only warns, loudly."""
    try:
        statuses: dict[str, tuple[str, str]] | None = load_run_results(file)
    except GateError as error:
        if not override:
            return {endpoint.name: [f"run-results gate: {error}"] for endpoint in endpoints}
        statuses = None
        log(f"WARNING: --allow-failed-upstream: {error}")
    found = {e.name: blockers(e, statuses, file) for e in endpoints} if statuses is not None else {}
    found = {name: blocked for name, blocked in found.items() if blocked}
    if not override:
        return {name: [f"run-results gate: {blocker}" for blocker in blocked] for name, blocked in found.items()}
    for blocker in (blocker for blocked in found.values() for blocker in blocked):
        log(f"WARNING: --allow-failed-upstream: publishing despite {blocker}")
    log("WARNING: " + "!" * 70)
    log(f"WARNING: run-results gate OVERRIDDEN (--allow-failed-upstream): {sum(map(len, found.values()))} failed or "
        f"skipped upstream node(s) ignored{'' if statuses is not None else ', and no readable run results'}")
    log("WARNING: " + "!" * 70)
    return {}
