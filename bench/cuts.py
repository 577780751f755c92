"""What each commit saved: the product's floor, full build and daily cycle at several revisions, in one run.

    python bench/cuts.py b91982b 7d484f7 816c7b4 HEAD                  # floor and full build, 1 season
    python bench/cuts.py --kinds cycle --seasons 5 --runs 3 b91982b HEAD

Each revision is checked out with `git archive` into .warehouse/bench/cuts/SHA/ and run with this
checkout's .venv and bench/scale.py's measurement (one child process per figure: wall, CPU of the
process tree, peak memory). Runs are interleaved (run 1 of every revision, then run 2, ...), so a
change of load on the shared machine hits every revision alike; compare the revisions of one run,
each with the one before it (the "saved" columns). Kinds:

  floor   `dbt build --empty --exclude-resource-type unit_test` on a fresh copy of the generated warehouse;
  full    `dbt build --exclude-resource-type unit_test` on a fresh copy (the product's build);
  cycle   the daily cycle's dbt part, `dbt build --selector daily_cycle`, on the warehouse of night D
          (built untimed by that revision) given night D+1, as bench/scale.py's cycle.

Prints a Markdown table (medians, min-max) for bench/RESULTS.md; writes nothing else.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402

CUTS = scale.CACHE / "cuts"


def checkout(rev: str) -> tuple[str, Path]:
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=scale.ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    folder = CUTS / sha / "project"
    if not (folder / "dbt_project.yml").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=scale.ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return sha, folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revisions", nargs="+", help="git revisions, oldest first")
    parser.add_argument("--kinds", default="floor,full", help="floor, full, cycle (default floor,full)")
    parser.add_argument("--seasons", type=int, default=1, help="seasons of the warehouses (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="runs per revision and kind (default 3)")
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    n = args.seasons
    source = scale.generated(n, "source", None)
    day, next_day = scale.cycle_dates(source)
    base = scale.generated(n, "base", day) if "cycle" in kinds else None
    revs = [checkout(rev) for rev in args.revisions]
    projects = dict(revs)
    work = {sha: CUTS / sha / f"s{n}" for sha, _ in revs}

    def env_of(sha: str, kind: str) -> dict[str, str]:
        folder = work[sha] / kind
        wh = folder / ("live" if kind == "cycle" else "") / "warehouse.duckdb"
        return scale.dbt_env(wh, folder / "target", projects[sha])

    for sha, project in revs:  # partial parse state of each kind, untimed
        for kind in kinds:
            folder = work[sha] / kind
            folder.mkdir(parents=True, exist_ok=True)
            if kind == "cycle":
                live = folder / "live" / "warehouse.duckdb"
                scale.copy_warehouse(base, live)
                scale.log(f"{sha}: building the day-D warehouse of {n} season(s) (untimed)")
                scale.run_quiet([scale.DBT, *scale.BUILD], env_of(sha, kind), folder / "base_build.log", project)
                scale.copy_warehouse(live, folder / "base.duckdb")
            else:
                scale.run_quiet([scale.DBT, "parse"], env_of(sha, kind), folder / "parse.log", project)

    figures: dict[tuple[str, str], list[dict]] = {}
    for i in range(args.runs):
        scale.log(f"run {i + 1} of {args.runs}")
        for kind in kinds:
            for sha, project in revs:
                folder = work[sha] / kind
                env = env_of(sha, kind)
                if kind == "cycle":
                    wh = folder / "live" / "warehouse.duckdb"
                    scale.copy_warehouse(folder / "base.duckdb", wh)
                    scale.add_game_day(wh, source, day, next_day)
                    cmd = [scale.DBT, "build", "--selector", scale.SELECTOR]
                else:
                    scale.copy_warehouse(source, folder / "warehouse.duckdb")
                    cmd = [scale.DBT, *scale.BUILD, *(["--empty"] if kind == "floor" else [])]
                result = scale.measure(cmd, env, folder / f"{kind}{i}.log", project)
                figures.setdefault((sha, kind), []).append(result)
                scale.log(f"  {sha} {kind}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU, "
                          f"load {result['load']:.1f}")

    loads = [r["load"] for v in figures.values() for r in v]
    print(f"{n} season(s), {args.runs} run(s) per figure, medians (min-max); load average (1 min) at the runs' "
          f"start {min(loads):.1f}-{max(loads):.1f}, median {statistics.median(loads):.1f}; {os.cpu_count()} CPUs\n")
    for kind in kinds:
        print(f"| {kind}: revision | wall | CPU | saved vs the row above: wall, CPU |")
        print("|---|---:|---:|---:|")
        previous = None
        for sha, _ in revs:
            runs = figures[(sha, kind)]
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            saved = (f"{previous[0] - wall:+.1f} s, {previous[1] - cpu:+.1f} s" if previous else "")
            print(f"| {sha} | {scale.fmt([r['wall'] for r in runs])} | {scale.fmt([r['cpu'] for r in runs])} | "
                  f"{saved} |")
            previous = (wall, cpu)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
