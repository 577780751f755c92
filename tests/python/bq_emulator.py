"""The local BigQuery emulator for tests, and pipeline runs of the project on it.

The emulator is the PyPI package crucible-emulator (`crucible serve --dialect bigquery`),
installed in its own virtualenv .venv-bq by `make env-bq` (it pins its own duckdb and
sqlglot). ``Emulator`` starts it on a free loopback port and stops it; a missing
.venv-bq is a test FAILURE telling to run `make env-bq`, never a skip.

``BigQueryRun`` is a ``pipeline.Run`` whose dbt and publisher use the profile's
``bq_emulator`` target (dbt-bigquery with api_endpoint = the emulator, dummy token).
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pytest
from pipeline import PROJECT_DIR, Run

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

    def query(self, sql: str) -> list[tuple]:
        from sample_data.bigquery import client_for

        client = client_for(PROJECT, self.endpoint)
        try:
            return [tuple(row.values()) for row in client.query(sql).result()]
        finally:
            client.close()


def relation(schema: str, table: str) -> str:
    return f"`{PROJECT}`.`props_{schema}`.`{table}`"
