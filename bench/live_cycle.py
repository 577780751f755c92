"""Wall time of live-grading cycles on a built warehouse (bench/RESULTS.md, section "Live cycle").

    python bench/live_cycle.py --warehouse .warehouse/props.duckdb

The warehouse must hold a full build (`make demo`): the live cycle reads the season
tables as built. For each replayed snapshot (sample_data.live_replay, not timed) one
cycle runs the build and publish commands of `make live` as separate processes, as a
scheduler would: `dbt build --selector live`, then `python -m publisher.cli --group live
--dest DEST` (`make live` also checks the live source's freshness first and holds the run's
locks; neither is timed here).
A last cycle replays the final snapshot again: nothing changed, nothing is uploaded.
--one-process times the cycles of `make live-night` instead (ops/live_night.py: dbt parses
once, then each cycle runs the live source's freshness, the build and the publisher in this
one process, the locks not taken). Its clock is the warehouse's own (sample_data.clock: the
newest live update) and moves with each replayed snapshot, as a night's clock does: a clock
fixed before the replay would find the final updates, past midnight UTC, in its future, and
source freshness ignores rows past the clock's date (macros/freshness.sql).
Prints a Markdown table. dbt's target/ and the site go to a temporary folder unless
--target-path / --dest are given, so a developer's target/ is never touched. The night's
live rows are left at the final snapshot. --project DIR runs another checkout's project and
publisher (e.g. the base of bench/scale.py --base, .warehouse/bench/base) with this .venv, to
compare two versions on the same warehouse in turn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sample_data import live_replay  # noqa: E402


def timed(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return elapsed, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", required=True, help="a fully built DuckDB warehouse (make demo)")
    parser.add_argument("--steps", help="comma-separated snapshots to replay (default: 0, the middle, the last)")
    parser.add_argument("--target-path", help="dbt target folder (default: a temporary folder)")
    parser.add_argument("--dest", help="publish destination (default: a temporary folder)")
    parser.add_argument("--project", default=str(ROOT), help="the dbt project and publisher to run (default: this one)")
    parser.add_argument("--one-process", action="store_true", help="the cycles of make live-night: one process, "
                        "parsed once; each cycle = freshness + build + publish")
    args = parser.parse_args(argv)
    project = Path(args.project).resolve()

    scratch = Path(tempfile.mkdtemp(prefix="live_cycle_"))
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, DUCKDB_PATH=str(Path(args.warehouse).resolve()),
               DBT_PROFILES_DIR=os.environ.get("DBT_PROFILES_DIR", str(ROOT)),
               DBT_TARGET_PATH=args.target_path or str(scratch / "target"), DBT_LOG_PATH=str(scratch / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dest = args.dest or str(scratch / "site")

    con = live_replay.duckdb.connect(args.warehouse, read_only=True)
    try:
        night, finals = live_replay.read_finals(con)
    finally:
        con.close()
    count = live_replay.step_count(finals)
    steps = [int(s) for s in args.steps.split(",")] if args.steps else [0, count // 2, count - 1]
    steps.append(steps[-1])  # the same snapshot again: unchanged

    print(f"night {night}: {len(set(f.game_id for f in finals))} games, {len(finals)} live rows, "
          f"{count} snapshots; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; project {project}; load average {os.getloadavg()[0]:.1f}\n")
    if args.one_process:
        return one_process(project, env, dest, steps, night, args.warehouse)
    print("| snapshot | dbt build --selector live (s) | publish --group live (s) | cycle (s) | uploaded | unchanged |")
    print("|---|---:|---:|---:|---:|---:|")
    for step in steps:
        live_replay.apply_step(args.warehouse, step, night)
        dbt_s, _ = timed([str(bin_dir / "dbt"), "build", "--selector", "live", "-q"], env, project)
        pub_s, done = timed([sys.executable, "-m", "publisher.cli", "--group", "live", "--dest", dest, "--json", "-q"],
                            env, project)
        objects = json.loads(done.stdout)["objects"]
        uploaded = sum(o["status"] in ("created", "updated") for o in objects)
        unchanged = sum(o["status"] == "unchanged" for o in objects)
        print(f"| {step} | {dbt_s:.1f} | {pub_s:.1f} | {dbt_s + pub_s:.1f} | {uploaded} | {unchanged} |", flush=True)
    return 0


def one_process(project: Path, env: dict[str, str], dest: str, steps: list[int], night: dt.date,
                warehouse: str) -> int:
    """The cycles of ops.live_night in this process: the parse once (timed apart), then per snapshot one cycle."""
    import contextlib
    import io

    from ops.live_night import Night
    from sample_data.clock import sample_clock

    os.environ.update(env)
    clock = sample_clock(warehouse)
    started = time.perf_counter()
    os.environ["PROPS_CLOCK"] = clock  # the run's clock, as make live-night CLOCK=... passes it (macros/clock.sql)
    cycle = Night(str(project), None, ["--dest", dest, "--json", "-q"], quiet=True)
    print(f"one process (make live-night), clock {clock} (then each snapshot's newest update): "
          f"dbt parse {time.perf_counter() - started:.1f} s, once\n")
    print("| snapshot | cycle: freshness + build + publish (s) | uploaded | unchanged |")
    print("|---|---:|---:|---:|")
    for step in steps:
        live_replay.apply_step(warehouse, step, night)
        os.environ["PROPS_CLOCK"] = sample_clock(warehouse)  # read by dbt at each invocation's start
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            problem = cycle.cycle()
        elapsed = time.perf_counter() - started
        if problem:
            sys.exit(f"snapshot {step}: {problem}\n{out.getvalue()[-4000:]}")
        objects = json.loads(out.getvalue()[out.getvalue().index("{"):])["objects"]
        uploaded = sum(o["status"] in ("created", "updated") for o in objects)
        unchanged = sum(o["status"] == "unchanged" for o in objects)
        print(f"| {step} | {elapsed:.1f} | {uploaded} | {unchanged} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
