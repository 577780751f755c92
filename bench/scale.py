"""How the pipeline's cost grows with seasons of history, against dbt's own floor and the bare SQL.

    python bench/scale.py                  # what `make bench` runs: 1 and 5 seasons, 3 runs
    python bench/scale.py --base main      # the same, and the base revision's product measured in the same run
    python bench/scale.py --sizes 1 --runs 1 --no-write    # a quick look, RESULTS.md untouched

On sample warehouses of 1 and 5 seasons (seed 42, cached under .warehouse/bench/ and
regenerated only when sample_data/ changes) it measures, each run in a fresh child
process with its wall time, CPU time (user + system of the process and its children)
and peak memory (the largest resident set of the process tree, polled every 50 ms, and
never below the kernel's max RSS of the child):

  full     the product's build: `dbt build --exclude-resource-type unit_test` (what `make
           build` and `make demo` run; unit tests test the code and run in `make test`) of
           the whole project on a fresh copy of the generated warehouse;
  floor    `dbt build --empty --exclude-resource-type unit_test` on a fresh copy: dbt's own
           cost for the same nodes (parse, graph, connections, DDL, tests) with no data read;
  plain    the floor of a plain dbt-duckdb project with the product's node counts (as many
           tables, views and incremental models of `select 1`, not_null tests spread over
           them as the product's data tests are, and seeds; same dbt, adapter, threads and
           log settings): what dbt costs per node anywhere, against which the floor is judged;
  raw      the limit: the bare compiled SQL of every model and every data test, no dbt.
           The SQL is compiled (`dbt seed`, then `dbt compile`) on a fresh copy of the
           generated warehouse, so it is a first build's SQL, as the full build runs it
           (the append-only record tables included); each model runs with the duckdb module
           in dependency order as `create or replace table|view`, then each data test as
           `select count(*) from (...)`, on a copy holding the sources and the seeds;
  cycle    one daily cycle: a warehouse generated with --today D and fully built is
           given day D+1 (D's box scores, which arrive the next day, and D+1's context,
           odds, predictions, tags, live snapshot and registry, copied from the warehouse
           generated with --today D+1), then `dbt build --selector daily_cycle` and the
           publisher for D..D+1 of the endpoints of the groups the selector builds
           (after-predictions, hourly, daily; admin ones to their own folder) into the site
           already published for D (untimed setup); the same in one Python process
           (dbtRunner + publisher.cli.main) is measured too;
  demo     `make demo` (1 season: sample, dbt build, publish) with .venv, dbt's target/
           and the generated sample (.warehouse/samples/, when the revision has it) present;
  publish  `python -m publisher.cli --all-dates` into an empty local folder, on the
           fully built warehouse.
full, floor and cycle run dbt as the project's own runs do (make's DBT: `python -m
ops.dbt_cli`, where the revision has it, else the `dbt` script); plain runs the `dbt` script.

With --base REV, the base revision (`git archive REV`, in .warehouse/bench/base/, run with
this checkout's .venv) is measured with the same commands in the same run: full, floor,
cycle and demo, each run of the base right after the same run of this checkout, so before
and after share the machine's load; RESULTS.md gets a before/after table.

Runs are interleaved (run 1 of every size and kind, then run 2, ...) so a change of load
on a shared machine hits every figure alike; medians and min-max are reported; compare
ratios of one run, never absolute times of two. dbt's target/ (partial parse state) is
kept between runs of the same kind and parsed once, untimed, before the first. Writes the
section "Scale" of bench/RESULTS.md (the other sections are left alone) and the raw
figures to .warehouse/bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".warehouse" / "bench"
RESULTS = ROOT / "bench" / "RESULTS.md"
BIN = Path(sys.executable).parent
DBT = str(BIN / "dbt")  # the plain `dbt` script: the plain project's floor, untimed preparations
PY = sys.executable
SECTION = "## Scale"
SEED = 42
SELECTOR = "daily_cycle"
# the trigger groups the daily_cycle selector builds (selectors.yml): their endpoints are published
CYCLE_GROUPS = ("after-predictions", "hourly", "daily")
# the product's build (Makefile: build-steps): unit tests test the code and run in `make test`
BUILD = ["build", "--exclude-resource-type", "unit_test"]
KINDS = ("full", "floor", "plain", "raw", "cycle", "demo", "publish", "options")
BASE_KINDS = ("full", "floor", "cycle", "demo")  # measured for --base too
# the targets of the issue
TARGET_OVERHEAD = 1.3
TARGET_FULL_GROWTH = 5.5
TARGET_CYCLE_GROWTH = 1.2
TARGET_DEMO_S = 60
TARGET_PEAK_MB = 1024
# issue #21: ratios in one bench run
TARGET_FLOOR_S = 10          # `dbt build --empty`, whole project
TARGET_FULL_OVER_BARE = 3    # full build at one season / bare SQL (models + tests)
TARGET_CYCLE_S = 10          # daily cycle at the largest size, wall
TARGET_DEMO_21_S = 30
TARGET_SAME_AS_BASE = 1.10   # issues #17 and #22: make demo and the daily cycle within 10 %
UPSTREAM = {
    "nba_predictions.player_prop_predictions": "game_date",
    "nba_predictions.pick_signal_tags": "game_date",
    "nba_analytics.upcoming_player_game_context": "game_date",
    "nba_raw.odds_player_points_props": "game_date",
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Measuring one child process
# --------------------------------------------------------------------------------------

def product_dbt(project: Path) -> list[str]:
    """The dbt command a project's own runs use (make's DBT, run in the project folder): ops/dbt_cli.py where the
    revision has it (dbt without the interpreter's teardown at exit), else the `dbt` script."""
    return [PY, "-m", "ops.dbt_cli"] if (project / "ops" / "dbt_cli.py").is_file() else [DBT]


def measure(cmd: list[str], env: dict[str, str], logfile: Path, cwd: Path = ROOT) -> dict:
    """Run cmd to completion; its wall time, CPU time and peak memory. Fails loudly."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with logfile.open("w") as out:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def poll() -> None:
            try:
                root = psutil.Process(child.pid)
            except psutil.Error:
                return
            while not done.is_set():
                total = 0
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.Error:
                    break
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total)
                done.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        poller.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = logfile.read_text(errors="replace")[-4000:]
        raise SystemExit(f"bench: {' '.join(cmd)} exited {child.returncode} (log {logfile}):\n{tail}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": max(peak[0] / 2**20, usage.ru_maxrss / 1024), "load": load_before}


def profiles_dir(project: Path) -> Path:
    """The folder of the project's own profiles.yml (copied from its profiles.yml.example, as make
    does), so another revision runs with its own DuckDB settings; this checkout's otherwise."""
    own, example = project / "profiles.yml", project / "profiles.yml.example"
    if project != ROOT and example.exists() and not own.exists():
        shutil.copyfile(example, own)
    return project if own.exists() else ROOT


def dbt_env(warehouse: Path, target: Path, project: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DUCKDB_PATH=str(warehouse), DBT_PROFILES_DIR=str(profiles_dir(Path(project))), DBT_TARGET_PATH=str(target),
               DBT_LOG_PATH=str(target.parent / "logs"), DBT_TARGET="dev",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_VERSION_CHECK="false")
    return env


def run_quiet(cmd: list[str], env: dict[str, str], logfile: Path, cwd: Path = ROOT) -> None:
    measure(cmd, env, logfile, cwd)


def copy_warehouse(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        target = Path(str(dst) + suffix)
        if target.exists():
            target.unlink()
        source = Path(str(src) + suffix)
        if source.exists():
            shutil.copyfile(source, target)


# --------------------------------------------------------------------------------------
# Warehouses
# --------------------------------------------------------------------------------------

def generator_stamp(seasons: int, today: str | None) -> str:
    digest = hashlib.sha256(f"{seasons} {SEED} {today}".encode())
    for path in sorted((ROOT / "sample_data").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".gz", ".json") and "__pycache__" not in path.parts:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generated(seasons: int, name: str, today: str | None) -> Path:
    """A generated warehouse, from the cache when sample_data/ did not change."""
    folder = CACHE / f"s{seasons}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.duckdb"
    stamp = folder / f"{name}.stamp"
    key = generator_stamp(seasons, today)
    if path.exists() and stamp.exists() and stamp.read_text() == key:
        return path
    log(f"generating {seasons} season(s) (--today {today or 'default'}) -> {path}")
    cmd = [PY, "-m", "sample_data.generate", "--seasons", str(seasons), "--seed", str(SEED), "--out", str(path)]
    if today:
        cmd += ["--today", today]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    stamp.write_text(key)
    return path


def cycle_dates(source: Path) -> tuple[str, str]:
    """(D, D+1): the last two game dates of the warehouse generated with the default --today."""
    with duckdb.connect(str(source), read_only=True) as con:
        row = con.execute(
            "select max(game_date), (select max(game_date) from nba_analytics.player_game_summary) "
            "from nba_predictions.player_prop_predictions").fetchone()
    assert row is not None
    today, previous = row
    return str(previous), str(today)


def add_game_day(warehouse: Path, source: Path, day: str, next_day: str) -> None:
    """Load day next_day into a warehouse generated with --today day: the rows the upstream
    pipeline writes between the two runs, copied from the warehouse generated with
    --today next_day."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"attach '{source}' as src (read_only)")
        for table, column in UPSTREAM.items():
            con.execute(f"insert into {table} select * from src.{table} where {column} = date '{next_day}'")
        con.execute(f"insert into nba_analytics.player_game_summary select * from src.nba_analytics.player_game_summary "
                    f"where game_date = date '{day}'")
        for table in ("nba_raw.live_boxscores", "nba_predictions.model_registry"):
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} select * from src.{table}")
        con.execute("detach src")
        con.execute("checkpoint")


# --------------------------------------------------------------------------------------
# Raw SQL: the compiled models in DuckDB, without dbt
# --------------------------------------------------------------------------------------

def topological(manifest: dict, kind: str) -> list[dict]:
    nodes = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == kind}
    order, seen = [], set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return order


def raw_sql(manifest_path: Path, warehouse: Path, out: Path) -> dict:
    """Run the compiled models then the compiled data tests on warehouse; seconds of each."""
    manifest = json.loads(manifest_path.read_text())
    models = topological(manifest, "model")
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test" and n.get("compiled_code")]
    per_node = {}
    con = duckdb.connect(str(warehouse))
    try:
        # the DuckDB settings of the dev profile (profiles.yml.example): threads of the machine,
        # memory_limit
        con.execute(f"set memory_limit = '{os.environ.get('DUCKDB_MEMORY_LIMIT', '600MB')}'")
        started = time.perf_counter()
        for node in models:
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            schema = node["relation_name"].rsplit(".", 1)[0]
            t0 = time.perf_counter()
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create or replace {kind} {node['relation_name']} as (\n{node['compiled_code']}\n)")
            per_node[node["unique_id"]] = time.perf_counter() - t0
        models_s = time.perf_counter() - started
        started = time.perf_counter()
        for node in tests:
            t0 = time.perf_counter()
            con.execute(f"select count(*) from (\n{node['compiled_code']}\n) as t").fetchall()
            per_node[node["unique_id"]] = time.perf_counter() - t0
        tests_s = time.perf_counter() - started
    finally:
        con.close()
    out.write_text(json.dumps({"models": models_s, "tests": tests_s, "per_node": per_node}))
    return {"models": models_s, "tests": tests_s}


def drop_built(warehouse: Path) -> None:
    """Leave the sources and the seeds: drop every schema dbt builds models into."""
    with duckdb.connect(str(warehouse)) as con:
        schemas = [r[0] for r in con.execute(
            "select schema_name from information_schema.schemata where catalog_name = current_database() "
            "and schema_name like 'props%' and schema_name != 'props_reference'").fetchall()]
        for schema in schemas:
            con.execute(f'drop schema "{schema}" cascade')
        con.execute("checkpoint")


# --------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------

def plain_project(manifest: dict, folder: Path) -> dict:
    """A plain dbt-duckdb project with the node counts of `manifest` (models by materialization,
    data tests, seeds) in folder: every model a `select` (one in five reads the previous one),
    a not_null test for each data test of the product (spread over the models as the product's
    are over its models; the tests of sources and singular tests go round the models), the same
    threads and log settings. Returns the counts."""
    nodes = list(manifest["nodes"].values())
    models = sorted((n for n in nodes if n["resource_type"] == "model"), key=lambda n: n["unique_id"])
    tests = [n for n in nodes if n["resource_type"] == "test"]
    seeds = [n for n in nodes if n["resource_type"] == "seed"]
    per_model: dict[str, int] = {}
    for test in tests:
        per_model[test.get("attached_node") or ""] = per_model.get(test.get("attached_node") or "", 0) + 1
    unattached = len(tests) - sum(per_model.get(m["unique_id"], 0) for m in models)
    for k in range(unattached):
        uid = models[k % len(models)]["unique_id"]
        per_model[uid] = per_model.get(uid, 0) + 1
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "models").mkdir(parents=True)
    (folder / "seeds").mkdir()
    flags = (ROOT / "dbt_project.yml").read_text()
    log_file = "none" if "log_level_file: none" in flags else "debug"
    (folder / "dbt_project.yml").write_text(
        "name: plain\nversion: '1.0.0'\nconfig-version: 2\nprofile: plain\n"
        f"flags:\n  send_anonymous_usage_stats: false\n  partial_parse: true\n  log_level_file: {log_file}\n")
    (folder / "profiles.yml").write_text(
        "plain:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('DUCKDB_PATH') }}\"\n      threads: 2\n")
    yml = ["version: 2", "models:"]
    for i, node in enumerate(models):
        name, materialized = f"m{i:03d}", node["config"]["materialized"]
        key = ", unique_key='id'" if materialized == "incremental" else ""
        body = (f"select * from {{{{ ref('m{i - 1:03d}') }}}}" if i % 5 else "select 1 as id, 'x' as name")
        (folder / "models" / f"{name}.sql").write_text(
            f"{{{{ config(materialized='{materialized}'{key}) }}}}\n{body}\n")
        count = per_model.get(node["unique_id"], 0)
        yml.append(f"  - name: {name}\n    columns:\n      - name: id")
        if count:
            yml.append("        data_tests:")
            yml += [f"          - not_null:\n              name: t_{name}_{j}" for j in range(count)]
    (folder / "models" / "schema.yml").write_text("\n".join(yml) + "\n")
    for seed in seeds:
        (folder / "seeds" / f"{seed['name']}.csv").write_text("id,name\n1,x\n2,y\n")
    counts: dict[str, int] = {"seed": len(seeds), "test": len(tests)}
    for node in models:
        counts[node["config"]["materialized"]] = counts.get(node["config"]["materialized"], 0) + 1
    return counts


def base_checkout(rev: str) -> tuple[Path, str]:
    """The base revision's files in .warehouse/bench/base/ (git archive), run with this checkout's
    .venv (a symlink); its requirements are dated 1970 so its Makefile never rebuilds that .venv."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    folder = CACHE / "base"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    for name in ("requirements.lock", "pyproject.toml"):
        if (folder / name).exists():
            os.utime(folder / name, (0, 0))
    return folder, sha


def cycle_endpoints(manifest_path: Path) -> list[str]:
    """The published marts of the groups the daily_cycle selector builds."""
    manifest = json.loads(manifest_path.read_text())
    return sorted(n["name"] for n in manifest["nodes"].values()
                  if ((n.get("config", {}).get("meta") or {}).get("publish") or {}).get("group") in CYCLE_GROUPS)


class Bench:
    def __init__(self, sizes: list[int], runs: int, demo_runs: int, publish_sizes: list[int], kinds: set[str],
                 base: str | None = None):
        self.sizes, self.runs, self.demo_runs, self.publish_sizes = sizes, runs, demo_runs, publish_sizes
        self.kinds = kinds
        self.figures: dict = {"runs": {}, "nodes": {}, "cycle_nodes": {}, "options": {}, "counts": {}}
        self.work = CACHE / "work"
        self.projects: dict[str, Path] = {"head": ROOT}
        self.base_rev = base

    def add(self, key: str, result: dict) -> None:
        self.figures["runs"].setdefault(key, []).append(result)
        log(f"  {key}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU, {result['peak_mb']:.0f} MB, "
            f"load {result['load']:.1f}")

    @staticmethod
    def key(project: str, kind: str, n: int) -> str:
        return f"{kind}/{n}" if project == "head" else f"{project}/{kind}/{n}"

    def folder(self, seasons: int, kind: str, project: str = "head") -> Path:
        path = self.work / project / f"s{seasons}" / kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def measured(self, kind: str) -> list[str]:
        """The projects measured for kind: this checkout, and the base for BASE_KINDS."""
        if kind not in self.kinds:
            return []
        return [p for p in self.projects if p == "head" or kind in BASE_KINDS]

    # ---- setup -----------------------------------------------------------------------
    def prepare(self) -> None:
        self.sources, self.bases, self.dates = {}, {}, {}
        for n in sorted(set(self.sizes) | {1}):
            self.sources[n] = generated(n, "source", None)
            self.dates[n] = cycle_dates(self.sources[n])
            self.bases[n] = generated(n, "base", self.dates[n][0])
        if self.work.exists():
            shutil.rmtree(self.work)
        if self.base_rev:
            self.projects["base"], sha = base_checkout(self.base_rev)
            self.figures["base"] = self.base_rev if self.base_rev == sha else f"{self.base_rev} ({sha})"
        for n in self.sizes:
            for project, cwd in self.projects.items():
                for kind in ("full", "floor"):  # the cycle's target/ is warmed by its base build
                    if project in self.measured(kind):
                        folder = self.folder(n, kind, project)
                        run_quiet([DBT, "parse"], dbt_env(folder / "warehouse.duckdb", folder / "target", cwd),
                                  folder / "parse.log", cwd)
                if project in self.measured("cycle"):
                    self.prepare_cycle(n, project)
            if "raw" in self.kinds:
                self.prepare_raw(n)
        if "plain" in self.kinds:
            self.prepare_plain()

    def prepare_raw(self, n: int) -> None:
        """The first build's SQL of every model and test (dbt seed + dbt compile on a fresh copy of
        the generated warehouse) and that warehouse with its seeds: the start of every raw run."""
        folder = self.folder(n, "compile")
        wh = folder / "warehouse.duckdb"  # the raw runs use the same file name: the same catalog
        copy_warehouse(self.sources[n], wh)
        env = dbt_env(wh, folder / "target")
        run_quiet([DBT, "seed"], env, folder / "seed.log")
        copy_warehouse(wh, folder / "seeded" / "warehouse.duckdb")
        run_quiet([DBT, "compile"], env, folder / "compile.log")

    def prepare_plain(self) -> None:
        folder = self.work / "plain"
        manifest = self.work / "plain-manifest"
        run_quiet([DBT, "parse"], dbt_env(manifest / "warehouse.duckdb", manifest / "target"),
                  manifest / "parse.log")
        self.figures["counts"] = plain_project(json.loads((manifest / "target" / "manifest.json").read_text()),
                                               folder / "project")
        env = dbt_env(folder / "warehouse.duckdb", folder / "target")
        env["DBT_PROFILES_DIR"] = str(folder / "project")
        run_quiet([DBT, "parse"], env, folder / "parse.log", folder / "project")

    def prepare_cycle(self, n: int, project: str = "head") -> None:
        """The warehouse of day D fully built and published: the state a daily cycle starts from.
        Built at the path the cycles run on (a scheduler's warehouse does not move), so dbt's
        partial parse state stays valid; saved aside and copied back before each cycle."""
        folder, cwd = self.folder(n, "cycle", project), self.projects[project]
        live = folder / "live" / "warehouse.duckdb"
        copy_warehouse(self.bases[n], live)
        log(f"building the day-D warehouse of {seasons(n)} ({project}, untimed)")
        env = dbt_env(live, folder / "target", cwd)
        run_quiet([DBT, *BUILD], env, folder / "base_build.log", cwd)
        run_quiet([PY, "-m", "publisher.cli", "--dest", str(folder / "base" / "site"),
                   "--admin-dest", str(folder / "base" / "admin"), "--all-dates", "-q",
                   "--generated-at", "2026-01-01T00:00:00Z"], env, folder / "base_publish.log", cwd)
        copy_warehouse(live, folder / "base" / "warehouse.duckdb")

    # ---- one run of each kind ----------------------------------------------------------
    def full(self, n: int, i: int, project: str = "head") -> None:
        folder = self.folder(n, "full", project)
        wh = folder / "warehouse.duckdb"
        copy_warehouse(self.sources[n], wh)
        cwd = self.projects[project]
        self.add(self.key(project, "full", n), measure([*product_dbt(cwd), *BUILD], dbt_env(wh, folder / "target", cwd),
                                                       folder / f"build{i}.log", cwd))
        results = json.loads((folder / "target" / "run_results.json").read_text())
        if project == "head":
            self.figures["nodes"].setdefault(str(n), []).append(
                {r["unique_id"]: r["execution_time"] for r in results["results"]})

    def floor(self, n: int, i: int, project: str = "head") -> None:
        folder = self.folder(n, "floor", project)
        wh = folder / "warehouse.duckdb"
        copy_warehouse(self.sources[n], wh)
        cwd = self.projects[project]
        self.add(self.key(project, "floor", n), measure([*product_dbt(cwd), *BUILD, "--empty"],
                                                        dbt_env(wh, folder / "target", cwd), folder / f"build{i}.log", cwd))

    def plain(self, n: int, i: int) -> None:
        """The plain project's floor; it reads no data, so once per run (at the first size)."""
        if n != self.sizes[0]:
            return
        folder = self.work / "plain"
        wh = folder / "warehouse.duckdb"
        if wh.exists():
            wh.unlink()
        env = dbt_env(wh, folder / "target")
        env["DBT_PROFILES_DIR"] = str(folder / "project")
        self.add("plain", measure([DBT, "build", "--empty"], env, folder / f"build{i}.log", folder / "project"))

    def raw(self, n: int, i: int) -> None:
        compiled = self.folder(n, "compile")
        folder = self.folder(n, "raw")
        wh = folder / "warehouse.duckdb"  # same file name: same catalog as the compiled SQL
        copy_warehouse(compiled / "seeded" / "warehouse.duckdb", wh)
        out = folder / f"raw{i}.json"
        result = measure([PY, str(Path(__file__)), "--raw", str(compiled / "target" / "manifest.json"), str(wh),
                          str(out)], dict(os.environ), folder / f"raw{i}.log")
        split = json.loads(out.read_text())
        result.update(models=split["models"], tests=split["tests"])
        self.add(f"raw/{n}", result)

    def cycle(self, n: int, i: int, project: str = "head") -> None:
        folder, cwd = self.folder(n, "cycle", project), self.projects[project]
        day, next_day = self.dates[n]
        modes = ("cli", "inprocess") if i == 0 and project == "head" else ("cli",)  # the in-process option: one run
        for mode in modes:
            run = folder / "live"
            wh = run / "warehouse.duckdb"
            copy_warehouse(folder / "base" / "warehouse.duckdb", wh)
            for site in ("site", "admin"):
                if (run / site).exists():
                    shutil.rmtree(run / site)
                shutil.copytree(folder / "base" / site, run / site)
            add_game_day(wh, self.sources[n], day, next_day)
            env = dbt_env(wh, folder / "target", cwd)
            publish_args = ["--dest", str(run / "site"), "--admin-dest", str(run / "admin"),
                            "--only", ",".join(cycle_endpoints(folder / "target" / "manifest.json")),
                            "--start", day, "--end", next_day, "-q"]
            if mode == "cli":
                dbt_part = measure([*product_dbt(cwd), "build", "--selector", SELECTOR], env, folder / f"cycle{i}_dbt.log",
                                   cwd)
                pub_part = measure([PY, "-m", "publisher.cli", *publish_args], env, folder / f"cycle{i}_publish.log",
                                   cwd)
                result = {"wall": dbt_part["wall"] + pub_part["wall"], "cpu": dbt_part["cpu"] + pub_part["cpu"],
                          "peak_mb": max(dbt_part["peak_mb"], pub_part["peak_mb"]), "load": dbt_part["load"],
                          "dbt": dbt_part["wall"], "publish": pub_part["wall"]}
                self.add(self.key(project, "cycle", n), result)
                if project == "head":
                    results = json.loads((folder / "target" / "run_results.json").read_text())
                    self.figures["cycle_nodes"].setdefault(str(n), []).append(
                        {r["unique_id"]: r["execution_time"] for r in results["results"]})
            else:
                self.add(f"cycle_inprocess/{n}", measure(
                    [PY, str(Path(__file__)), "--inprocess-cycle", *publish_args], env, folder / f"cycle{i}_inproc.log"))

    def demo(self, i: int, project: str = "head") -> None:
        folder = self.work / project / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        cwd = self.projects[project]
        env = dbt_env(folder / "props.duckdb", folder / "target", cwd)
        env.update(DEST=str(folder / "public"))
        if i == 0:
            # the environment is present; the generated sample and dbt's target/ too, parsed as
            # after a first `make demo` (a revision whose clock is a dbt var: with the demo's
            # clock var; a revision without the sample cache generates the sample in every run)
            run_quiet(["make", "--no-print-directory", "sample", f"DUCKDB_PATH={folder / 'props.duckdb'}"], env,
                      folder / "sample.log", cwd)
            clock = subprocess.run([PY, "-m", "sample_data.clock", str(folder / "props.duckdb")], cwd=cwd, env=env,
                                   check=True, capture_output=True, text=True).stdout.strip()
            clock_is_a_var = "PROPS_CLOCK" not in (cwd / "macros" / "clock.sql").read_text()
            run_quiet([DBT, "parse", *(["--vars", json.dumps({"clock": clock})] if clock_is_a_var else [])], env,
                      folder / "parse.log", cwd)
        for site in ("public", "public-admin"):
            if (folder / site).exists():
                shutil.rmtree(folder / site)
        self.add(self.key(project, "demo", 1), measure(
            ["make", "--no-print-directory", "demo", f"DUCKDB_PATH={folder / 'props.duckdb'}",
             f"DEST={folder / 'public'}"], env, folder / f"demo{i}.log", cwd))

    def publish(self, n: int, i: int) -> None:
        full = self.folder(n, "full")
        dest = self.folder(n, "publish")
        for site in ("site", "admin"):
            if (dest / site).exists():
                shutil.rmtree(dest / site)
        # the last full build of this size: its warehouse and its run results
        env = dbt_env(full / "warehouse.duckdb", full / "target")
        self.add(f"publish/{n}", measure([PY, "-m", "publisher.cli", "--dest", str(dest / "site"),
                                          "--admin-dest", str(dest / "admin"), "--all-dates", "-q"],
                                         env, dest / f"publish{i}.log"))

    def options(self) -> None:
        """One-off figures: dbt start-up with and without compiled bytecode."""
        folder = self.folder(self.sizes[0], "full")
        env = dbt_env(folder / "warehouse.duckdb", folder / "target")
        with_pyc = [measure([DBT, "parse"], env, folder / f"opt_parse{k}.log") for k in range(3)]
        cold = dict(env, PYTHONPYCACHEPREFIX=str(CACHE / "no-pycache"), PYTHONDONTWRITEBYTECODE="1")
        without = [measure([DBT, "parse"], cold, folder / f"opt_parse_nopyc{k}.log") for k in range(3)]
        self.figures["options"]["parse_pyc"] = with_pyc
        self.figures["options"]["parse_nopyc"] = without

    def run(self) -> None:
        self.prepare()
        for i in range(self.runs):
            log(f"run {i + 1} of {self.runs}")
            for n in self.sizes:
                for project in self.measured("full"):
                    self.full(n, i, project)
                for project in self.measured("floor"):
                    self.floor(n, i, project)
                if "plain" in self.kinds:
                    self.plain(n, i)
                if "raw" in self.kinds:
                    self.raw(n, i)
                for project in self.measured("cycle"):
                    self.cycle(n, i, project)
                if "publish" in self.kinds and n in self.publish_sizes:
                    self.publish(n, i)
            if i < self.demo_runs:
                for project in self.measured("demo"):
                    self.demo(i, project)
        if "options" in self.kinds:
            self.options()


# --------------------------------------------------------------------------------------
# Child-process entry points
# --------------------------------------------------------------------------------------

def inprocess_cycle(publish_args: list[str]) -> int:
    """dbt build --selector daily_cycle then the publisher, both in this one process."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(["build", "--selector", SELECTOR, "--project-dir", str(ROOT)])
    if not result.success:
        return 1
    # dbt-duckdb keeps its DuckDB instance open for the life of the process; the publisher
    # opens the file read-only, which DuckDB refuses while a read-write instance is open.
    sys.path.insert(0, str(ROOT))  # ops/ is the checkout's, not an installed package
    from ops.live_night import release_duckdb

    release_duckdb()
    from publisher import cli as publisher_cli

    return publisher_cli.main(["--project-dir", str(ROOT), *publish_args])


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

def seasons(n: int) -> str:
    return f"{n} season" + ("" if n == 1 else "s")


def stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def fmt(values: list[float], unit: str = "s", digits: int = 1) -> str:
    med, lo, hi = stats(values)
    return f"{med:.{digits}f} {unit} ({lo:.{digits}f}-{hi:.{digits}f})"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    mem = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def versions() -> str:
    from importlib.metadata import version

    return f"dbt-core {version('dbt-core')}, dbt-duckdb {version('dbt-duckdb')}, duckdb {duckdb.__version__}"


def commit() -> str:
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "models", "macros",
                            "dbt_project.yml", "selectors.yml", "publisher", "seeds"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return sha.strip() + (" (with uncommitted changes to models/macros/publisher)" if dirty else "")


def render(fig: dict) -> str:
    runs = fig["runs"]
    sizes = fig["sizes"]
    lo, hi = min(sizes), max(sizes)

    def col(key: str, field: str = "wall") -> list[float]:
        return [r[field] for r in runs[key]]

    def med(key: str, field: str = "wall") -> float:
        return statistics.median(col(key, field))

    def has(*keys: str) -> bool:
        return all(k in runs for k in keys)

    loads = [r["load"] for v in runs.values() for r in v]
    lines = [SECTION, "",
             f"`make bench` (`python bench/scale.py{' --base ' + fig['base'].split()[0] if fig.get('base') else ''}`), "
             f"{fig['date']}, commit {fig['commit']}.",
             f"Machine: {fig['machine']}; {fig['versions']}. Load average (1 min) at the start of the "
             f"measured runs: {min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f}; the machine "
             f"is shared: wall times are upper bounds, CPU times are steadier, ratios of one run are what to compare).",
             f"Warehouses: `sample_data.generate --seed {SEED}`; medians of {fig['runs_per_size']} run(s) per figure "
             f"(min-max), runs interleaved; the whole bench took {fig['seconds'] / 60:.0f} min.",
             "",
             "How to read it. Every figure is one child process, timed from start to exit (wall), with its "
             "CPU time (user + system, children included) and peak memory (largest resident set of the "
             "process tree). `full`: the product's build, `dbt build --exclude-resource-type unit_test` (as "
             "`make build` and `make demo`), on a fresh copy of the generated warehouse, dbt's target/ kept "
             "between runs (partial parse). `floor`: `dbt build --empty` of the same nodes: dbt's own cost "
             "(start-up, parse, graph, DDL, every data test) with no data read. `plain`: the same `--empty` "
             "floor of a plain dbt-duckdb project with the product's node counts"
             + (f" ({', '.join(f'{v} {k}' for k, v in sorted(fig['counts'].items()))})" if fig.get("counts") else "")
             + ": what dbt costs for that many nodes anywhere. `bare SQL`: the limit, the first build's "
             "compiled SQL of every model (in dependency order) and of every data test, run with the duckdb "
             "module, no dbt (seeds pre-loaded). `daily cycle`: a warehouse built up to night D (generated "
             "with `--today D`) gets night D+1 (D's box scores, D+1's predictions, context, odds, tags, live "
             "rows, registry), then `dbt build --selector daily_cycle` and the publisher for D..D+1 of the "
             "endpoints of the groups it builds (admin ones to their own folder) into the site already "
             "published for D. full, floor and cycle run dbt as make does (`python -m ops.dbt_cli`, where the "
             "revision has it: no teardown of the interpreter at exit), plain runs the `dbt` script. Run "
             "`python bench/scale.py --help` for sizes, runs, partial runs (`--kinds`) and `--base`.",
             "", "| seasons | predictions | full build | CPU | peak memory | floor (`--empty`) | bare SQL: models "
             "| bare SQL: tests | full / bare SQL | full / (floor + bare models) | daily cycle | cycle: dbt + publish |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        if not has(f"full/{n}", f"floor/{n}", f"raw/{n}", f"cycle/{n}"):
            continue
        bare = med(f"raw/{n}", "models") + med(f"raw/{n}", "tests")
        ratio = med(f"full/{n}") / (med(f"floor/{n}") + med(f"raw/{n}", "models"))
        cyc = runs[f"cycle/{n}"]
        lines.append(
            f"| {n} | {fig['rows'][str(n)]:,} | {fmt(col(f'full/{n}'))} | {med(f'full/{n}', 'cpu'):.0f} s | "
            f"{fmt(col(f'full/{n}', 'peak_mb'), 'MB', 0)} | {fmt(col(f'floor/{n}'))} | "
            f"{fmt(col(f'raw/{n}', 'models'))} | {fmt(col(f'raw/{n}', 'tests'))} | "
            f"**{med(f'full/{n}') / bare:.2f}** | {ratio:.2f} | "
            f"{fmt(col(f'cycle/{n}'))} | {statistics.median(r['dbt'] for r in cyc):.1f} + "
            f"{statistics.median(r['publish'] for r in cyc):.1f} s |")
    lines.append("")
    if has("plain", f"floor/{lo}"):
        lines.append(f"- dbt's floor against a plain dbt-duckdb project with the same node counts (same run): "
                     f"floor {fmt(col(f'floor/{lo}'))}, CPU {med(f'floor/{lo}', 'cpu'):.1f} s; plain "
                     f"{fmt(col('plain'))}, CPU {med('plain', 'cpu'):.1f} s; floor / plain **"
                     f"{med(f'floor/{lo}') / med('plain'):.2f}** (CPU {med(f'floor/{lo}', 'cpu') / med('plain', 'cpu'):.2f}).")
    if "demo/1" in runs:
        lines.append(f"- `make demo` (1 season, end to end, .venv, target/ and the generated sample present): "
                     f"{fmt(col('demo/1'))}, "
                     f"CPU {med('demo/1', 'cpu'):.0f} s, peak {med('demo/1', 'peak_mb'):.0f} MB.")
    for n in fig["publish_sizes"]:
        if f"publish/{n}" in runs:
            lines.append(f"- Publisher alone, every endpoint and date, {seasons(n)}, into empty local folders "
                         f"(public and admin): {fmt(col(f'publish/{n}'))}, CPU {med(f'publish/{n}', 'cpu'):.0f} s, "
                         f"peak {med(f'publish/{n}', 'peak_mb'):.0f} MB.")
    for n in sizes:
        if f"cycle_inprocess/{n}" in runs:
            lines.append(f"- Daily cycle in one process (dbtRunner + publisher.cli.main, one run), {seasons(n)}: "
                         f"{fmt(col(f'cycle_inprocess/{n}'))} (two CLI processes, same run: "
                         f"{runs[f'cycle/{n}'][0]['wall']:.1f} s).")
    opt = fig["options"]
    if opt:
        lines.append(f"- `dbt parse` (partial, nothing changed) with the environment's compiled bytecode: "
                     f"{fmt([r['wall'] for r in opt['parse_pyc']], digits=2)}; without it (empty "
                     f"PYTHONPYCACHEPREFIX): {fmt([r['wall'] for r in opt['parse_nopyc']], digits=2)}.")

    # before / after, same run
    if fig.get("base"):
        lines += ["", f"Before / after, measured in this run: the base revision {fig['base']} (its own project, "
                  "this checkout's bench and .venv) right after this checkout, run by run:", "",
                  "| figure | base | this checkout | this / base (wall) | CPU: base, this |", "|---|---:|---:|---:|---:|"]
        rows = [(f"full build, {seasons(n)}", f"full/{n}") for n in sizes]
        rows += [(f"floor (`--empty`), {seasons(n)}", f"floor/{n}") for n in sizes]
        rows += [(f"daily cycle, {seasons(n)}", f"cycle/{n}") for n in sizes]
        rows += [("`make demo`", "demo/1")]
        for label, key in rows:
            if has(key, f"base/{key}"):
                lines.append(f"| {label} | {fmt(col(f'base/{key}'))} | {fmt(col(key))} | "
                             f"{med(key) / med(f'base/{key}'):.2f} | {med(f'base/{key}', 'cpu'):.1f} s, "
                             f"{med(key, 'cpu'):.1f} s |")

    # targets
    lines += ["", "Targets:", ""]

    def verdict(ok: bool) -> str:
        return "holds" if ok else "**missed**"

    if has(f"floor/{lo}"):
        floor = med(f"floor/{lo}")
        lines.append(f"- (#21) `dbt build --empty` floor, whole project, at most {TARGET_FLOOR_S} s: {floor:.1f} s"
                     + (f" (a plain dbt-duckdb project with the same node counts: {med('plain'):.1f} s)"
                        if "plain" in runs else "") + f": {verdict(floor <= TARGET_FLOOR_S)}")
    if has(f"full/{lo}", f"raw/{lo}"):
        bare = med(f"raw/{lo}", "models") + med(f"raw/{lo}", "tests")
        lines.append(f"- (#21) full build at {seasons(lo)} at most {TARGET_FULL_OVER_BARE} x the bare SQL: "
                     f"{med(f'full/{lo}'):.1f} / {bare:.1f} = {med(f'full/{lo}') / bare:.2f}: "
                     f"{verdict(med(f'full/{lo}') / bare <= TARGET_FULL_OVER_BARE)}")
    if has(f"cycle/{hi}"):
        lines.append(f"- (#21) daily cycle at {seasons(hi)} at most {TARGET_CYCLE_S} s wall: {med(f'cycle/{hi}'):.1f} s: "
                     f"{verdict(med(f'cycle/{hi}') <= TARGET_CYCLE_S)}")
    if "demo/1" in runs:
        lines.append(f"- (#21) `make demo` under {TARGET_DEMO_21_S} s: {med('demo/1'):.1f} s: "
                     f"{verdict(med('demo/1') < TARGET_DEMO_21_S)}")
    for label, key in [("`make demo`", "demo/1")] + [(f"daily cycle, {seasons(n)}", f"cycle/{n}") for n in sizes]:
        if has(key, f"base/{key}"):
            ratio = med(key) / med(f"base/{key}")
            lines.append(f"- (#17, #22) {label} within 10 % of the base: {ratio:.2f} x (CPU "
                         f"{med(key, 'cpu') / med(f'base/{key}', 'cpu'):.2f} x): {verdict(ratio <= TARGET_SAME_AS_BASE)}")
    for n in sizes:
        if has(f"full/{n}", f"floor/{n}", f"raw/{n}"):
            ratio = med(f"full/{n}") / (med(f"floor/{n}") + med(f"raw/{n}", "models"))
            lines.append(f"- full build <= {TARGET_OVERHEAD} x (floor + bare models), {seasons(n)}: "
                         f"{med(f'full/{n}'):.1f} / ({med(f'floor/{n}'):.1f} + {med(f'raw/{n}', 'models'):.1f}) "
                         f"= {ratio:.2f}: {verdict(ratio <= TARGET_OVERHEAD)}")
    if hi != lo and has(f"full/{hi}", f"full/{lo}"):
        growth = med(f"full/{hi}") / med(f"full/{lo}")
        cpu_growth = med(f"full/{hi}", "cpu") / med(f"full/{lo}", "cpu")
        lines.append(f"- full build at {seasons(hi)} <= {TARGET_FULL_GROWTH} x at {seasons(lo)}: {growth:.2f} "
                     f"(CPU {cpu_growth:.2f}): {verdict(growth <= TARGET_FULL_GROWTH)}")
    if hi != lo and has(f"cycle/{hi}", f"cycle/{lo}"):
        growth = med(f"cycle/{hi}") / med(f"cycle/{lo}")
        cpu_growth = med(f"cycle/{hi}", "cpu") / med(f"cycle/{lo}", "cpu")
        lines.append(f"- daily cycle at {seasons(hi)} <= {TARGET_CYCLE_GROWTH} x at {seasons(lo)}: {growth:.2f} "
                     f"(CPU {cpu_growth:.2f}): {verdict(growth <= TARGET_CYCLE_GROWTH)}")
    if "demo/1" in runs:
        lines.append(f"- `make demo` under {TARGET_DEMO_S} s: {med('demo/1'):.1f} s: "
                     f"{verdict(med('demo/1') < TARGET_DEMO_S)}")
    if has(f"full/{hi}"):
        peak = med(f"full/{hi}", "peak_mb")
        lines.append(f"- peak memory under 1 GiB at {seasons(hi)}: {peak:.0f} MB: {verdict(peak < TARGET_PEAK_MB)}")

    # profile: the nodes that cost most, and how they grow
    if not all(str(n) in fig["nodes"] and str(n) in fig["cycle_nodes"] for n in sizes):
        return "\n".join(lines) + "\n"
    lines += ["", "Costliest nodes of the full build (dbt's execution time, median, s) and of the daily cycle:", "",
              "| node | " + " | ".join(f"full, {n}" for n in sizes) + " | " +
              " | ".join(f"cycle, {n}" for n in sizes) + " |",
              "|---|" + "---:|" * (2 * len(sizes))]

    def node_medians(per_run: list[dict]) -> dict[str, float]:
        keys = set().union(*per_run)
        return {k: statistics.median(run.get(k, 0.0) for run in per_run) for k in keys}

    full_nodes = {n: node_medians(fig["nodes"][str(n)]) for n in sizes}
    cycle_nodes = {n: node_medians(fig["cycle_nodes"][str(n)]) for n in sizes}
    top = sorted(full_nodes[hi], key=lambda k: -full_nodes[hi][k])[:12]
    for uid in top:
        name = uid.split(".", 2)[-1][:70]
        lines.append(f"| {uid.split('.')[0]} {name} | " +
                     " | ".join(f"{full_nodes[n].get(uid, 0):.2f}" for n in sizes) + " | " +
                     " | ".join(f"{cycle_nodes[n][uid]:.2f}" if uid in cycle_nodes[n] else "-" for n in sizes)
                     + " |")
    for n in sizes:
        kinds: dict[str, float] = {}
        for uid, t in full_nodes[n].items():
            kinds[uid.split(".")[0]] = kinds.get(uid.split(".")[0], 0) + t
        lines.append("")
        lines.append(f"{seasons(n)}, node time by kind (sum over threads, s): " +
                     ", ".join(f"{k} {v:.1f}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) +
                     f"; nodes: {len(full_nodes[n])} in the full build, {len(cycle_nodes[n])} in the daily cycle.")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    lines = current.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        RESULTS.write_text(current.rstrip("\n") + "\n\n" + text)
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    RESULTS.write_text("".join(lines[:start]) + text + ("\n" + tail if tail else ""))


# --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--raw":
        raw_sql(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        return 0
    if argv and argv[0] == "--inprocess-cycle":
        return inprocess_cycle(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,5", help="seasons of history, comma-separated (default 1,5)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement per size (default 3)")
    parser.add_argument("--demo-runs", type=int, help="runs of make demo (default: --runs)")
    parser.add_argument("--publish-sizes", default="1", help="sizes the publisher alone is measured at (default: 1)")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"measurements to take (default: all of {','.join(KINDS)}; raw and publish need full)")
    parser.add_argument("--base", help="also measure this git revision's product (full, floor, cycle, demo) in the "
                        "same run, e.g. main")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing RESULTS.md")
    args = parser.parse_args(argv)
    try:
        sizes, publish_sizes = ([int(s) for s in text.split(",")] for text in (args.sizes, args.publish_sizes))
    except ValueError:
        parser.error(f"--sizes {args.sizes!r} / --publish-sizes {args.publish_sizes!r}: seasons as numbers, "
                     "comma-separated (e.g. 1,5)")
    kinds = set(args.kinds.split(","))
    if unknown := sorted(kinds - set(KINDS)):  # before any warehouse is generated
        parser.error(f"--kinds: no measurement named {', '.join(unknown)}; the measurements are {', '.join(KINDS)}")
    if min(sizes + publish_sizes) < 1 or args.runs < 1:
        parser.error("--sizes, --publish-sizes and --runs must be at least 1")
    bench = Bench(sizes, args.runs, args.runs if args.demo_runs is None else args.demo_runs, publish_sizes, kinds,
                  args.base)
    started = time.perf_counter()
    bench.run()
    fig = bench.figures
    fig.update(sizes=sizes, runs_per_size=args.runs, publish_sizes=publish_sizes, machine=machine(),
               versions=versions(), commit=commit(), date=dt.date.today().isoformat(),
               seconds=time.perf_counter() - started)
    fig["rows"] = {}
    for n in sizes:
        with duckdb.connect(str(bench.sources[n]), read_only=True) as con:
            row = con.execute("select count(*) from nba_predictions.player_prop_predictions").fetchone()
            fig["rows"][str(n)] = row[0] if row else 0
    (CACHE / "results.json").write_text(json.dumps(fig, indent=1, default=str))
    if kinds != set(KINDS):  # a partial run: medians only, RESULTS.md untouched
        for key, runs in fig["runs"].items():
            print(f"{key:22s} wall {fmt([r['wall'] for r in runs])}  CPU {fmt([r['cpu'] for r in runs])}  "
                  f"peak {fmt([r['peak_mb'] for r in runs], 'MB', 0)}"
                  + (f"  models {fmt([r['models'] for r in runs])} tests {fmt([r['tests'] for r in runs])}"
                     if "models" in runs[0] else "")
                  + (f"  dbt {fmt([r['dbt'] for r in runs])} publish {fmt([r['publish'] for r in runs])}"
                     if "dbt" in runs[0] else ""))
        print(render(fig))
        return 0
    text = render(fig)
    if args.no_write:
        print(text)
    else:
        write_section(text)
        log(f"wrote the section '{SECTION[3:]}' of {RESULTS.relative_to(ROOT)}")
    log(f"done in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
