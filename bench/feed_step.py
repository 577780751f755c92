"""Wall time of a step of the feed replay, sample_data.feed.load_at (bench/RESULTS.md, "Feed replay step").

    python bench/feed_step.py [--truth PATH] [--runs 3]

The truth is a generated sample warehouse (default: one season of seed 42, generated into a
temporary folder first, not timed). Each run writes a new target in a temporary folder:
a step from scratch at 18:00 UTC of a mid-season game day, a continued step an hour later
(the rows visible since), then a step from scratch at the season's end (every row: the
largest). Prints a Markdown table: median (min-max) of the runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sample_data import feed, generate  # noqa: E402
from sample_data import seasons as season_data  # noqa: E402

MID_SEASON = dt.datetime(2025, 2, 6, 18)


def timed_step(truth: Path, target: Path, clock: dt.datetime, continued: bool) -> float:
    started = time.perf_counter()
    loaded = feed.load_at(truth, target, clock)
    elapsed = time.perf_counter() - started
    if (loaded.since is not None) != continued:
        sys.exit(f"the step at {clock} was {'not ' if continued else ''}continued: the bench measures the wrong step")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, help="a generated warehouse (default: one season of seed 42, generated)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the three steps (default: 3)")
    args = parser.parse_args(argv)
    end = dt.datetime.combine(season_data.last_game_date(season_data.plan_seasons(1)[-1]), dt.time(23, 59))
    steps = [("from scratch, mid-season", MID_SEASON, False),
             ("continued, an hour later", MID_SEASON + dt.timedelta(hours=1), True),
             ("from scratch, the season's end", end, False)]
    times: dict[str, list[float]] = {name: [] for name, _, _ in steps}
    with tempfile.TemporaryDirectory(prefix="feed-step-") as folder:
        truth = args.truth
        if truth is None:
            truth = Path(folder) / "truth.duckdb"
            print("generating the truth (one season, seed 42, as make demo does; not timed)", file=sys.stderr)
            if generate.main(["--seasons", "1", "--seed", "42", "--out", str(truth)]) != 0:
                sys.exit("generating the truth failed (the lines above say why)")
        for run in range(args.runs):
            target = Path(folder) / f"target-{run}.duckdb"
            for name, clock, continued in steps:
                if not continued:  # a step from scratch writes a new target
                    target.unlink(missing_ok=True)
                times[name].append(timed_step(truth, target, clock, continued))
            print(f"run {run + 1}: " + ", ".join(f"{t[-1]:.2f} s" for t in times.values()), file=sys.stderr)
    print("| step | wall, median (min-max) |\n|---|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {statistics.median(seconds):.2f} s ({min(seconds):.2f}-{max(seconds):.2f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
