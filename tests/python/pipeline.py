"""Run the real pipeline (dbt build, then the publisher) on a warehouse file, for tests.

Each run gets its own folder: a profiles.yml copied from profiles.yml.example, dbt's
target/ (manifest, run results) and the published sites (site/: public, site-admin/: admin),
so tests never touch the developer's target/ or public/.

A new folder starts from the session's parsed project (``PARSE_STATE``): dbt parses the
project once per test session, and each new folder gets a copy of that partial-parse state,
so its first dbt command reads the project as a developer's warm target/ does instead of
parsing it whole (4-7 s saved each here). dbt still checks every file's hash, the vars and
the profile against that state, and parses again whatever differs (a run with other
``--vars`` parses the whole project, as before).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from publisher import cli as publisher_cli
from sample_data.fixture import load_fixture

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "warehouses"
DBT = Path(sys.executable).parent / "dbt"
GENERATED_AT = "2026-01-01T00:00:00Z"
# Unit tests test the SQL's code, not a warehouse's data: test_demo.py's build runs them all
# once; every other build excludes them (each run of the 13 costs about 10 s of a build).
NO_UNIT = ("--exclude-resource-type", "unit_test")
# The folder of the session's parsed project (conftest.py sets it: one per test session,
# shared by the xdist workers); None: every new folder parses the project whole.
PARSE_STATE: Path | None = None
PARTIAL_PARSE = "partial_parse.msgpack"


@dataclass
class Run:
    """One pipeline folder: warehouse, dbt target and published site."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def site(self) -> Path:
        return self.root / "site" / "v1"

    @property
    def admin_site(self) -> Path:
        """The private destination of the admin files (--admin-dest), beside the public site."""
        return self.root / "site-admin" / "v1"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DUCKDB_PATH=str(self.warehouse),
            DBT_PROFILES_DIR=str(self.root),
            DBT_TARGET_PATH=str(self.root / "target"),
            DBT_LOG_PATH=str(self.root / "logs"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DBT_TARGET="dev",
        )
        return env

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a dbt command on this run's warehouse; raise with dbt's output on failure. The warehouse is
        named relative to the folder (dbt runs in it): dbt's partial-parse state records the profile's
        rendered path, so the same text in every folder lets each start from the session's parsed project."""
        done = subprocess.run(
            [str(DBT), *args, "--project-dir", str(PROJECT_DIR)],
            env={**self.env(), "DUCKDB_PATH": self.warehouse.name}, capture_output=True, text=True, cwd=self.root,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}")
        return done

    def publish(self, *args: str) -> int:
        """Run the publisher CLI in-process against this run's target/ and warehouse."""
        old = dict(os.environ)
        os.environ.update(self.env())
        try:
            return publisher_cli.main([
                "--project-dir", str(self.root), "--profiles-dir", str(self.root),
                "--dest", str(self.root / "site"), "--admin-dest", str(self.admin_site.parent),
                "--schemas-dir", str(PROJECT_DIR / "schemas"), "--generated-at", GENERATED_AT, *args,
            ])
        finally:
            os.environ.clear()
            os.environ.update(old)

    def document(self, path: str) -> dict:
        site = self.admin_site if path.startswith("admin/") else self.site
        return json.loads((site / path).read_text(encoding="utf-8"))

    def query(self, sql: str) -> list[tuple]:
        import duckdb

        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def new_run(root: Path) -> Run:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_DIR / "profiles.yml.example", root / "profiles.yml")
    state = parsed_project()
    if state is not None:
        (root / "target").mkdir(exist_ok=True)
        shutil.copyfile(state, root / "target" / PARTIAL_PARSE)
    return Run(root)


def parsed_project() -> Path | None:
    """The session's partial-parse state of the project, parsed by the first caller of the session (the
    others wait on a lock); None without PARSE_STATE, or when that parse failed (each run then parses
    whole, and its own dbt command says what is wrong)."""
    if PARSE_STATE is None:
        return None
    PARSE_STATE.mkdir(parents=True, exist_ok=True)
    state, failed = PARSE_STATE / "target" / PARTIAL_PARSE, PARSE_STATE / "parse-failed"
    with (PARSE_STATE / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not state.is_file() and not failed.is_file():
            shutil.copyfile(PROJECT_DIR / "profiles.yml.example", PARSE_STATE / "profiles.yml")
            if Run(PARSE_STATE).dbt("parse", check=False).returncode != 0 or not state.is_file():
                failed.touch()
    return state if state.is_file() else None


def fixture_run(root: Path, fixture: str) -> Run:
    """A run whose warehouse is the hand-written fixture tests/warehouses/<fixture>/."""
    run = new_run(root)
    load_fixture(str(FIXTURES / fixture), str(run.warehouse))
    return run
