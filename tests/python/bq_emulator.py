"""The local BigQuery emulator for tests, and pipeline runs of the project on it.

The emulator is the PyPI package crucible-emulator (`crucible serve --dialect bigquery`),
installed in its own virtualenv .venv-bq by `make env-bq` (it pins its own duckdb and
sqlglot). ``Emulator`` starts it on a free loopback port and stops it; a missing
.venv-bq is a test FAILURE telling to run `make env-bq`, never a skip.

``BigQueryRun`` is a ``pipeline.Run`` whose dbt and publisher use the profile's
``bq_emulator`` target (dbt-bigquery with api_endpoint = the emulator, dummy token).
The emulator has no query parameters: the publisher's BigQuery client is wrapped
(``InlineParameters``) for it, here in the test harness; production code never is.

By hand (the publisher on the emulator, parameters inlined):
    python tests/python/bq_emulator.py --target bq_emulator --dest /tmp/site --all-dates
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from unittest import mock

import pytest
from pipeline import PROJECT_DIR, Run

import publisher.warehouse
from publisher import cli

VENV_BQ = PROJECT_DIR / ".venv-bq"
CRUCIBLE = VENV_BQ / "bin" / "crucible"
PROJECT = "nba-props-platform"  # the emulator's project: upstream datasets and dbt's alike
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """A crucible BigQuery emulator process on 127.0.0.1 (in memory), for a `with` block."""

    def __init__(self, log_dir: Path) -> None:
        if not CRUCIBLE.is_file():
            pytest.fail(f"{CRUCIBLE} not found: the BigQuery emulator is not installed; run `make env-bq` "
                        f"(creates .venv-bq from requirements-bq-emulator.txt)", pytrace=False)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / "emulator.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        log = self.log.open("wb")
        self.process = subprocess.Popen(
            [str(CRUCIBLE), "serve", "--dialect", "bigquery", "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the BigQuery emulator exited ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/_crucible/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the BigQuery emulator did not answer within {START_TIMEOUT:.0f}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc) -> None:
        self.stop()

    def client(self):
        from sample_data.bigquery import client_for

        return client_for(PROJECT, self.endpoint)


class InlineParameters:
    """A BigQuery client for the emulator (crucible), which has no query parameters: each @name of
    the job's query_parameters becomes a typed literal of its value (the publisher's values: dates,
    strings, numbers)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @staticmethod
    def literal(kind: str, value: Any) -> str:
        if value is None:
            return f"CAST(NULL AS {kind})"
        if kind == "BOOL":
            return "TRUE" if value else "FALSE"
        if kind in ("INT64", "FLOAT64"):
            return repr(value)
        text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
        quoted = "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return quoted if kind == "STRING" else f"{kind} {quoted}"

    def query(self, sql: str, job_config: Any = None, **kwargs: Any):
        parameters = list(getattr(job_config, "query_parameters", None) or [])
        for parameter in sorted(parameters, key=lambda p: len(p.name), reverse=True):
            sql = re.sub(rf"@{re.escape(parameter.name)}\b", lambda _: self.literal(parameter.type_, parameter.value), sql)  # noqa: B023 - called at once
        return self._client.query(sql, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def inlined_parameters():
    """The publisher's BigQuery clients wrapped in InlineParameters, for a `with` block."""
    make = publisher.warehouse.bigquery_client
    return mock.patch.object(publisher.warehouse, "bigquery_client", lambda *args: InlineParameters(make(*args)))


@dataclass
class BigQueryRun(Run):
    """A pipeline folder whose dbt target is the emulator (profile output bq_emulator)."""

    endpoint: str = ""

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(DBT_TARGET="bq_emulator", BQ_EMULATOR_ENDPOINT=self.endpoint, BQ_EMULATOR_PROJECT=PROJECT,
                   BQ_EMULATOR_DATASET="props", PROPS_UPSTREAM_PROJECT=PROJECT)
        env.pop("BIGQUERY_EMULATOR_HOST", None)
        return env

    def publish(self, *args: str) -> int:
        with inlined_parameters():
            return super().publish(*args)

    def query(self, sql: str) -> list[tuple]:
        from sample_data.bigquery import client_for

        client = client_for(PROJECT, self.endpoint)
        try:
            return [tuple(row.values()) for row in client.query(sql).result()]
        finally:
            client.close()


# `dbt source freshness` with dbt-bigquery reads every source's last-modified time (table metadata) before it runs
# the sources' loaded_at_query, which alone decides here (macros/freshness.sql); the emulator's tables carry no such
# time, the read fails and dbt skips every source. On the emulator only, that read answers "nothing known".
NO_TABLE_METADATA = """import sys
from dbt.adapters.bigquery.impl import BigQueryAdapter
BigQueryAdapter.calculate_freshness_from_metadata_batch = lambda self, sources, macro_resolver=None: ([], {})
from dbt.cli.main import cli
sys.argv = ["dbt", *sys.argv[1:]]
sys.exit(cli())
"""


def source_freshness(run: BigQueryRun, clock: str) -> subprocess.CompletedProcess[str]:
    """`dbt source freshness` of every source on the emulator at ``clock`` (PROPS_CLOCK), in a process of its own."""
    env = {**run.env(), "DUCKDB_PATH": run.warehouse.name, "PROPS_CLOCK": clock}
    return subprocess.run([sys.executable, "-c", NO_TABLE_METADATA, "source", "freshness",
                           "--project-dir", str(PROJECT_DIR)], env=env, cwd=run.root, capture_output=True, text=True,
                          check=False)


def relation(schema: str, table: str) -> str:
    return f"`{PROJECT}`.`props_{schema}`.`{table}`"


if __name__ == "__main__":
    with inlined_parameters():
        sys.exit(cli.main())
