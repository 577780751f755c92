"""How the pipeline's cost grows with seasons of history, against dbt's own floor.

    python bench/scale.py                  # what `make bench` runs: 1, 3, 5 seasons, 3 runs
    python bench/scale.py --sizes 1 --runs 1 --no-write    # a quick look, RESULTS.md untouched

On sample warehouses of 1, 3 and 5 seasons (seed 42, cached under .warehouse/bench/ and
regenerated only when sample_data/ changes) it measures, each run in a fresh child
process with its wall time, CPU time (user + system of the process and its children)
and peak memory (the largest resident set of the process tree, polled every 50 ms, and
never below the kernel's max RSS of the child):

  full     `dbt build` of the whole project on a fresh copy of the generated warehouse;
  floor    `dbt build --empty` on a fresh copy: dbt's own cost for the same nodes
           (parse, graph, connections, DDL, tests and unit tests) with no data read;
  raw      the SQL alone: every model's compiled SQL (`dbt compile --full-refresh`, so
           incremental models are full tables) run with the duckdb module in manifest
           dependency order as `create or replace table|view`, no dbt; then every data
           test's compiled SQL (`select count(*) from (...)`), reported apart;
  cycle    one daily cycle: a warehouse generated with --today D and fully built is
           given day D+1 (D's box scores, which arrive the next day, and D+1's context,
           odds, predictions, tags, live snapshot and registry, copied from the warehouse
           generated with --today D+1), then `dbt build --selector daily_cycle` and the
           publisher for D..D+1 into the site already published for D (untimed setup);
           the same in one Python process (dbtRunner + publisher.cli.main) is measured too;
  demo     `make demo` (1 season: generate, dbt build, publish) with .venv and dbt's
           target/ present;
  publish  `python -m publisher.cli --all-dates` into an empty local folder, on the
           fully built warehouse.

Runs are interleaved (run 1 of every size and kind, then run 2, ...) so a change of load
on a shared machine hits every figure alike; medians and min-max are reported. dbt's
target/ (partial parse state) is kept between runs of the same kind and parsed once,
untimed, before the first. Writes the section "Scale" of bench/RESULTS.md (the other
sections are left alone) and the raw figures to .warehouse/bench/results.json.
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
DBT = str(BIN / "dbt")
PY = sys.executable
SECTION = "## Scale"
SEED = 42
SELECTOR = "daily_cycle"
KINDS = ("full", "floor", "raw", "cycle", "demo", "publish", "options")
# the targets of the issue
TARGET_OVERHEAD = 1.3
TARGET_FULL_GROWTH = 5.5
TARGET_CYCLE_GROWTH = 1.2
TARGET_DEMO_S = 60
TARGET_PEAK_MB = 1024
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


def dbt_env(warehouse: Path, target: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DUCKDB_PATH=str(warehouse), DBT_PROFILES_DIR=str(ROOT), DBT_TARGET_PATH=str(target),
               DBT_LOG_PATH=str(target.parent / "logs"), DBT_TARGET="dev",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_VERSION_CHECK="false")
    return env


def run_quiet(cmd: list[str], env: dict[str, str], logfile: Path) -> None:
    measure(cmd, env, logfile)


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

class Bench:
    def __init__(self, sizes: list[int], runs: int, demo_runs: int, publish_sizes: list[int], kinds: set[str]):
        self.sizes, self.runs, self.demo_runs, self.publish_sizes = sizes, runs, demo_runs, publish_sizes
        self.kinds = kinds
        self.figures: dict = {"runs": {}, "nodes": {}, "cycle_nodes": {}, "options": {}}
        self.work = CACHE / "work"

    def add(self, key: str, result: dict) -> None:
        self.figures["runs"].setdefault(key, []).append(result)
        log(f"  {key}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU, {result['peak_mb']:.0f} MB, "
            f"load {result['load']:.1f}")

    def folder(self, seasons: int, kind: str) -> Path:
        path = self.work / f"s{seasons}" / kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    # ---- setup -----------------------------------------------------------------------
    def prepare(self) -> None:
        self.sources, self.bases, self.dates = {}, {}, {}
        for n in sorted(set(self.sizes) | {1}):
            self.sources[n] = generated(n, "source", None)
            self.dates[n] = cycle_dates(self.sources[n])
            self.bases[n] = generated(n, "base", self.dates[n][0])
        if self.work.exists():
            shutil.rmtree(self.work)
        for n in self.sizes:
            for kind in ("full", "floor"):  # the cycle's target/ is warmed by its base build
                if kind in self.kinds:
                    folder = self.folder(n, kind)
                    run_quiet([DBT, "parse"], dbt_env(folder / "warehouse.duckdb", folder / "target"),
                              folder / "parse.log")
            if "cycle" in self.kinds:
                self.prepare_cycle(n)

    def prepare_cycle(self, n: int) -> None:
        """The warehouse of day D fully built and published: the state a daily cycle starts from.
        Built at the path the cycles run on (a scheduler's warehouse does not move), so dbt's
        partial parse state stays valid; saved aside and copied back before each cycle."""
        folder = self.folder(n, "cycle")
        live = folder / "live" / "warehouse.duckdb"
        copy_warehouse(self.bases[n], live)
        log(f"building the day-D warehouse of {seasons(n)} (untimed)")
        env = dbt_env(live, folder / "target")
        run_quiet([DBT, "build"], env, folder / "base_build.log")
        run_quiet([PY, "-m", "publisher.cli", "--dest", str(folder / "base" / "site"), "--all-dates", "-q",
                   "--generated-at", "2026-01-01T00:00:00Z"], env, folder / "base_publish.log")
        copy_warehouse(live, folder / "base" / "warehouse.duckdb")

    # ---- one run of each kind ----------------------------------------------------------
    def full(self, n: int, i: int) -> None:
        folder = self.folder(n, "full")
        wh = folder / "warehouse.duckdb"
        copy_warehouse(self.sources[n], wh)
        self.add(f"full/{n}", measure([DBT, "build"], dbt_env(wh, folder / "target"), folder / f"build{i}.log"))
        results = json.loads((folder / "target" / "run_results.json").read_text())
        self.figures["nodes"].setdefault(str(n), []).append(
            {r["unique_id"]: r["execution_time"] for r in results["results"]})
        if i == 0:  # the compiled SQL of this warehouse, for the raw runs
            compiled = folder / "compile"
            run_quiet([DBT, "compile", "--full-refresh"], dbt_env(wh, compiled), folder / "compile.log")
            copy_warehouse(wh, folder / "built" / "warehouse.duckdb")

    def floor(self, n: int, i: int) -> None:
        folder = self.folder(n, "floor")
        wh = folder / "warehouse.duckdb"
        copy_warehouse(self.sources[n], wh)
        self.add(f"floor/{n}", measure([DBT, "build", "--empty"], dbt_env(wh, folder / "target"),
                                       folder / f"build{i}.log"))

    def raw(self, n: int, i: int) -> None:
        full = self.folder(n, "full")
        folder = self.folder(n, "raw")
        wh = folder / "warehouse.duckdb"  # same file name: same catalog as the compiled SQL
        copy_warehouse(full / "built" / "warehouse.duckdb", wh)
        drop_built(wh)
        out = folder / f"raw{i}.json"
        result = measure([PY, str(Path(__file__)), "--raw", str(full / "compile" / "manifest.json"), str(wh),
                          str(out)], dict(os.environ), folder / f"raw{i}.log")
        split = json.loads(out.read_text())
        result.update(models=split["models"], tests=split["tests"])
        self.add(f"raw/{n}", result)

    def cycle(self, n: int, i: int) -> None:
        folder = self.folder(n, "cycle")
        day, next_day = self.dates[n]
        for mode in ("cli", "inprocess") if i == 0 else ("cli",):  # the in-process option: one run
            run = folder / "live"
            wh = run / "warehouse.duckdb"
            copy_warehouse(folder / "base" / "warehouse.duckdb", wh)
            if (run / "site").exists():
                shutil.rmtree(run / "site")
            shutil.copytree(folder / "base" / "site", run / "site")
            add_game_day(wh, self.sources[n], day, next_day)
            env = dbt_env(wh, folder / "target")
            publish_args = ["--dest", str(run / "site"), "--start", day, "--end", next_day, "-q"]
            if mode == "cli":
                dbt_part = measure([DBT, "build", "--selector", SELECTOR], env, folder / f"cycle{i}_dbt.log")
                pub_part = measure([PY, "-m", "publisher.cli", *publish_args], env, folder / f"cycle{i}_publish.log")
                result = {"wall": dbt_part["wall"] + pub_part["wall"], "cpu": dbt_part["cpu"] + pub_part["cpu"],
                          "peak_mb": max(dbt_part["peak_mb"], pub_part["peak_mb"]), "load": dbt_part["load"],
                          "dbt": dbt_part["wall"], "publish": pub_part["wall"]}
                self.add(f"cycle/{n}", result)
                results = json.loads((folder / "target" / "run_results.json").read_text())
                self.figures["cycle_nodes"].setdefault(str(n), []).append(
                    {r["unique_id"]: r["execution_time"] for r in results["results"]})
            else:
                self.add(f"cycle_inprocess/{n}", measure(
                    [PY, str(Path(__file__)), "--inprocess-cycle", *publish_args], env, folder / f"cycle{i}_inproc.log"))

    def demo(self, i: int) -> None:
        folder = self.work / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        env = dbt_env(folder / "props.duckdb", folder / "target")
        env.update(DEST=str(folder / "public"))
        if i == 0:
            # the environment is present; dbt's target/ too (as after a first `make demo`)
            run_quiet([DBT, "parse"], env, folder / "parse.log")
        if (folder / "public").exists():
            shutil.rmtree(folder / "public")
        self.add("demo/1", measure(["make", "--no-print-directory", "demo", f"DUCKDB_PATH={folder / 'props.duckdb'}",
                                    f"DEST={folder / 'public'}"], env, folder / f"demo{i}.log"))

    def publish(self, n: int, i: int) -> None:
        full = self.folder(n, "full")
        dest = self.folder(n, "publish") / "site"
        if dest.exists():
            shutil.rmtree(dest)
        # the last full build of this size: its warehouse and its run results
        env = dbt_env(full / "warehouse.duckdb", full / "target")
        self.add(f"publish/{n}", measure([PY, "-m", "publisher.cli", "--dest", str(dest), "--all-dates", "-q"],
                                         env, self.folder(n, "publish") / f"publish{i}.log"))

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
                if "full" in self.kinds:
                    self.full(n, i)
                if "floor" in self.kinds:
                    self.floor(n, i)
                if "raw" in self.kinds:
                    self.raw(n, i)
                if "cycle" in self.kinds:
                    self.cycle(n, i)
                if "publish" in self.kinds and n in self.publish_sizes:
                    self.publish(n, i)
            if "demo" in self.kinds and i < self.demo_runs:
                self.demo(i)
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
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()
    DuckDBConnectionManager.close_all_connections()
    import gc

    gc.collect()
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

    def col(key: str, field: str = "wall") -> list[float]:
        return [r[field] for r in runs[key]]

    def med(key: str, field: str = "wall") -> float:
        return statistics.median(col(key, field))

    lines = [SECTION, "",
             f"`make bench` (`python bench/scale.py`), {fig['date']}, commit {fig['commit']}.",
             f"Machine: {fig['machine']}; {fig['versions']}. Load average (1 min) at the start of the "
             f"measured runs: {min(r['load'] for v in runs.values() for r in v):.1f}-"
             f"{max(r['load'] for v in runs.values() for r in v):.1f} (the machine is shared: wall times are "
             f"upper bounds, CPU times are steadier).",
             f"Warehouses: `sample_data.generate --seed {SEED}`; medians of {fig['runs_per_size']} run(s) per figure "
             f"(min-max), runs interleaved; the whole bench took {fig['seconds'] / 60:.0f} min.",
             "",
             "How to read it. Every figure is one child process, timed from start to exit (wall), with its "
             "CPU time (user + system, children included) and peak memory (largest resident set of the "
             "process tree). `full`: `dbt build` (models, seeds, data and unit tests) on a fresh copy of the "
             "generated warehouse, dbt's target/ kept between runs (partial parse). `floor`: "
             "`dbt build --empty` on the same project: dbt's own cost for the same nodes (start-up, parse, "
             "graph, DDL, every test and unit test) with no data read. `raw`: the compiled SQL of every model "
             "(`dbt compile --full-refresh`) run with the duckdb module in dependency order, no dbt; the data "
             "tests' compiled SQL apart. The ratio full / (floor + raw models) is 1.0 when the project adds no "
             "work beyond its SQL (the data tests on real data are the rest). `daily cycle`: a warehouse "
             "built up to night D (generated with `--today D`) gets night D+1 (D's box scores, D+1's "
             "predictions, context, odds, tags, live rows, registry), then `dbt build --selector daily_cycle` "
             "and `python -m publisher.cli --start D --end D+1` into the site already published for D. "
             "Run `python bench/scale.py --help` for sizes, runs and partial runs (`--kinds`).",
             "", "| seasons | predictions | full `dbt build` | CPU | peak memory | floor `dbt build --empty` | "
             "raw SQL: models | raw SQL: tests | full / (floor + raw models) | daily cycle | cycle: dbt + publish |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        ratio = med(f"full/{n}") / (med(f"floor/{n}") + med(f"raw/{n}", "models"))
        cyc = runs[f"cycle/{n}"]
        lines.append(
            f"| {n} | {fig['rows'][str(n)]:,} | {fmt(col(f'full/{n}'))} | {med(f'full/{n}', 'cpu'):.0f} s | "
            f"{fmt(col(f'full/{n}', 'peak_mb'), 'MB', 0)} | {fmt(col(f'floor/{n}'))} | "
            f"{fmt(col(f'raw/{n}', 'models'))} | {fmt(col(f'raw/{n}', 'tests'))} | {ratio:.2f} | "
            f"{fmt(col(f'cycle/{n}'))} | {statistics.median(r['dbt'] for r in cyc):.1f} + "
            f"{statistics.median(r['publish'] for r in cyc):.1f} s |")
    lines.append("")
    if "demo/1" in runs:
        lines.append(f"- `make demo` (1 season, end to end, .venv and target/ present): {fmt(col('demo/1'))}, "
                     f"CPU {med('demo/1', 'cpu'):.0f} s, peak {med('demo/1', 'peak_mb'):.0f} MB.")
    for n in fig["publish_sizes"]:
        lines.append(f"- Publisher alone, every endpoint and date, {seasons(n)}, into an empty local folder: "
                     f"{fmt(col(f'publish/{n}'))}, CPU {med(f'publish/{n}', 'cpu'):.0f} s, "
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

    # targets
    lo, hi = min(sizes), max(sizes)
    lines += ["", "Targets:", ""]

    def verdict(ok: bool) -> str:
        return "holds" if ok else "**missed**"

    for n in sizes:
        ratio = med(f"full/{n}") / (med(f"floor/{n}") + med(f"raw/{n}", "models"))
        lines.append(f"- full build <= {TARGET_OVERHEAD} x (floor + raw SQL), {seasons(n)}: "
                     f"{med(f'full/{n}'):.1f} / ({med(f'floor/{n}'):.1f} + {med(f'raw/{n}', 'models'):.1f}) "
                     f"= {ratio:.2f}: {verdict(ratio <= TARGET_OVERHEAD)}")
    if hi != lo:
        growth = med(f"full/{hi}") / med(f"full/{lo}")
        cpu_growth = med(f"full/{hi}", "cpu") / med(f"full/{lo}", "cpu")
        lines.append(f"- full build at {seasons(hi)} <= {TARGET_FULL_GROWTH} x at {seasons(lo)}: {growth:.2f} "
                     f"(CPU {cpu_growth:.2f}): {verdict(growth <= TARGET_FULL_GROWTH)}")
        growth = med(f"cycle/{hi}") / med(f"cycle/{lo}")
        cpu_growth = med(f"cycle/{hi}", "cpu") / med(f"cycle/{lo}", "cpu")
        lines.append(f"- daily cycle at {seasons(hi)} <= {TARGET_CYCLE_GROWTH} x at {seasons(lo)}: {growth:.2f} "
                     f"(CPU {cpu_growth:.2f}): {verdict(growth <= TARGET_CYCLE_GROWTH)}")
    if "demo/1" in runs:
        lines.append(f"- `make demo` under {TARGET_DEMO_S} s: {med('demo/1'):.1f} s: "
                     f"{verdict(med('demo/1') < TARGET_DEMO_S)}")
    peak = med(f"full/{hi}", "peak_mb")
    lines.append(f"- peak memory under 1 GiB at {seasons(hi)}: {peak:.0f} MB: {verdict(peak < TARGET_PEAK_MB)}")

    # profile: the nodes that cost most, and how they grow
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
    parser.add_argument("--sizes", default="1,3,5", help="seasons of history, comma-separated (default 1,3,5)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement per size (default 3)")
    parser.add_argument("--demo-runs", type=int, help="runs of make demo (default: --runs)")
    parser.add_argument("--publish-sizes", default="1", help="sizes the publisher alone is measured at (default: 1)")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"measurements to take (default: all of {','.join(KINDS)}; raw and publish need full)")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    publish_sizes = [int(s) for s in args.publish_sizes.split(",")]
    kinds = set(args.kinds.split(","))
    bench = Bench(sizes, args.runs, args.runs if args.demo_runs is None else args.demo_runs, publish_sizes, kinds)
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
