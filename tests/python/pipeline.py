"""Run the real pipeline (dbt build, then the publisher) on a warehouse file, for tests.

Each run gets its own folder: a profiles.yml copied from profiles.yml.example, dbt's
target/ (manifest, run results) and the published sites (site/: public, site-admin/: admin),
so tests never touch the developer's target/ or public/.

The folders of a test session share dbt's parse state (``PARSE_STATES``): the first dbt
command of a session with a given target and ``--vars`` parses the whole project and leaves
its partial-parse state there; a later command with the same target and vars, in any folder,
starts from a copy of it, as a developer's warm target/ does, instead of parsing the project
whole (4-7 s saved each here). dbt still checks every file's hash, the vars and the profile
against that state, and parses again whatever differs.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from dbt_forkserver import ForkServer
from publisher import cli as publisher_cli
from sample_data.fixture import load_fixture

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "warehouses"
DBT = Path(sys.executable).parent / "dbt"
GENERATED_AT = "2026-01-01T00:00:00Z"
# Unit tests test the SQL's code, not a warehouse's data: test_demo.py's build runs them all
# once; every other build excludes them (each run of the 13 costs about 10 s of a build).
NO_UNIT = ("--exclude-resource-type", "unit_test")
# The session's parse states, one file per dbt target and --vars (conftest.py sets the folder:
# one per test session, shared by the xdist workers); None: each folder parses on its own.
PARSE_STATES: Path | None = None
# The session's runs built once and copied by every test file that starts from one (built_once;
# conftest.py sets the folder, shared by the workers); None: each file builds its own.
BUILT_ONCE: Path | None = None
PARTIAL_PARSE = "partial_parse.msgpack"
# dbt commands run as forks of a process that imported dbt and parsed the project once (dbt_forkserver.py:
# 4-5 s of CPU saved each)
DBT_PROCESSES = ForkServer(sys.executable, PROJECT_DIR)
atexit.register(DBT_PROCESSES.close)


def make_dbt() -> str:
    """The `make` variable that runs the recipes' dbt commands as forks of that server (``make ... DBT=...``)."""
    return f"DBT={DBT_PROCESSES.command()}"


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
        env.pop("PROPS_CLOCK", None)  # a test states its clock (dbt's clock=...)
        return env

    def dbt(self, *args: str, check: bool = True, clock: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a dbt command on this run's warehouse, at ``clock`` (PROPS_CLOCK, macros/clock.sql) when given;
        raise with dbt's output on failure. It starts from the
        session's parse state for its target and vars, if there is one; the first command of a key offers its own.
        The warehouse is named relative to the folder (dbt runs in it): the state records the profile's rendered
        path, so the same text in every folder lets them share it."""
        env = {**self.env(), "DUCKDB_PATH": self.warehouse.name, **({"PROPS_CLOCK": clock} if clock else {})}
        vars_ = args[args.index("--vars") + 1] if "--vars" in args else ""
        key = hashlib.sha256(f"{env.get('DBT_TARGET')}\0{vars_}".encode()).hexdigest()[:16]
        own, shared = self.root / "target" / PARTIAL_PARSE, PARSE_STATES / key if PARSE_STATES else None
        offered = shared is not None and shared.is_file()
        if offered:
            own.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shared, own)
        before = own.stat().st_mtime_ns if own.is_file() else None
        done = DBT_PROCESSES.run([*args, "--project-dir", str(PROJECT_DIR)], env, self.root)
        if shared is not None and not offered and own.is_file() and own.stat().st_mtime_ns != before:
            share(own, shared)  # dbt parsed in this command: target/ holds the state of this key
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

        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    def execute(self, *statements: str) -> None:
        """Run statements on the warehouse, in order (a test's change to the upstream tables or a mart)."""
        import duckdb

        with duckdb.connect(str(self.warehouse)) as con:
            for statement in statements:
                con.execute(statement)


def share(state: Path, shared: Path) -> None:
    """Offer a folder's parse state to the session: written whole, then renamed (another worker reads it)."""
    shared.parent.mkdir(parents=True, exist_ok=True)
    temporary = shared.with_name(f"{shared.name}.{os.getpid()}.tmp")
    shutil.copyfile(state, temporary)
    os.replace(temporary, shared)


def new_run(root: Path) -> Run:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_DIR / "profiles.yml.example", root / "profiles.yml")
    return Run(root)


def copy_run(source: Run, root: Path, *, site: bool = False) -> Run:
    """A new run at ``root`` whose warehouse is a copy of ``source``'s, as built (its published public site too, with
    ``site``): a test that changes a built run works on its own copy."""
    run = new_run(root)
    shutil.copyfile(source.warehouse, run.warehouse)
    if site:
        shutil.copytree(source.root / "site", run.root / "site")
    return run


def built_once(root: Path, name: str, build: Callable[[Run], None]) -> Run:
    """A run at ``root`` copied from the session's run ``name``, which the first file to ask builds
    (``build`` on a new run) while the others wait on its lock: the files that start from the same
    warehouse built the same way (the demo's, the pick_engine fixture's) pay for one build. A file
    may change its copy; a failed build leaves nothing, and the next file to ask builds again."""
    if BUILT_ONCE is None:
        run = new_run(root)
        build(run)
        return run
    shared, done = BUILT_ONCE / name, BUILT_ONCE / f"{name}.done"
    BUILT_ONCE.mkdir(parents=True, exist_ok=True)
    with open(BUILT_ONCE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(shared, ignore_errors=True)
            build(new_run(shared))
            done.touch()
    shutil.copytree(shared, root, ignore=shutil.ignore_patterns("logs"), dirs_exist_ok=True)
    return Run(root)


def script_module(path: Path) -> ModuleType:
    """A script of the repository that is no package's module (preview/serve.py, bench/site_diff.py), imported from
    its file under its own name."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fixture_run(root: Path, fixture: str) -> Run:
    """A run whose warehouse is the hand-written fixture tests/warehouses/<fixture>/."""
    run = new_run(root)
    load_fixture(str(FIXTURES / fixture), str(run.warehouse))
    return run


def generate(run: Run, seed: int = 42) -> None:
    """The sample warehouse of one season (sample_data.generate), as `make demo` generates it with seed 42."""
    subprocess.run([sys.executable, "-m", "sample_data.generate", "--seasons", "1", "--seed", str(seed),
                    "--out", str(run.warehouse)], check=True, capture_output=True)


def demo_site(root: Path) -> Run:
    """The demo: the sample of seed 42, dbt build with every data and unit test (the suite's one DuckDB run of
    the unit tests), every date published (built once a session: built_once)."""
    def build(run: Run) -> None:
        generate(run)
        run.dbt("build")
        assert run.publish("--all-dates") == 0
    return built_once(root, "demo", build)


def pick_engine_site(root: Path) -> Run:
    """The hand-written pick_engine fixture built and published (built once a session: built_once)."""
    def build(run: Run) -> None:
        load_fixture(str(FIXTURES / "pick_engine"), str(run.warehouse))
        run.dbt("build", *NO_UNIT)
        assert run.publish("--all-dates") == 0
    return built_once(root, "pick_engine", build)


def holding(lock: Path, holder: subprocess.Popen, says: str) -> None:
    """Wait until ``holder`` holds ``lock``: a holder writes who it is into the lock file once it has the lock
    (ops/locked.sh its pid, ops/live_night.py its cycle too), so wait until the file says ``says``. A fixed sleep
    was not always enough on a loaded machine: the run meant to wait could take the lock first."""
    deadline = time.monotonic() + 120
    while says not in (lock.read_text() if lock.is_file() else ""):
        assert holder.poll() is None and time.monotonic() < deadline, f"{holder.args} never took {lock}"
        time.sleep(0.02)
