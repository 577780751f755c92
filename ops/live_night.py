"""Live grading for a whole game night in one process (`make live-night`; docs/deployment.md "Live grading").

`make live` is one cycle in three new processes, and dbt's start-up and parse are most of it (3-4 s of a
7-8 s cycle, bench/RESULTS.md "Live cycle"). This process parses the project once (dbtRunner with the parsed
manifest) and then runs the cycle of `make scheduled GROUP=live` every --every seconds, each under the
run's locks (--lock: taken and released per cycle, so the hourly and daily runs go in between):

  1. delete the live run's results (DBT_TARGET_PATH/run_results.json) and those --forget names, so a
     cycle that dies publishes nothing from an older build;
  2. dbt source freshness --selector live (a live feed stale beyond its error threshold fails the cycle);
  3. dbt build --selector live --exclude-resource-type unit_test (every data test the gate requires);
  4. the publisher: --group live --all-dates and the options after `--` (--dest, --admin-dest, ...).

Each cycle ends with one line on stderr: `live cycle N: ok in S s` (with `(K warning(s): ...)` when dbt warned:
a feed past its warn threshold, a live game the feed stopped updating), or `FAILED` and what failed; a failed
cycle publishes nothing (the publisher's gate) and the next one tries again. It stops at --until (UTC) or
after --cycles, and on SIGTERM or SIGINT once the running cycle is done; the exit code is 1 when any cycle
failed, 2 on a usage error. The project is parsed once: a deploy during the night takes effect at the next
start.

Example: python -m ops.live_night --every 180 --until 2026-02-22T08:00 --lock .warehouse/props.duckdb.lock \\
             -- --dest public --admin-dest public-admin
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import gc
import os
import signal
import socket
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ops.dbt_cli import colours_on_a_terminal_only

SELECTOR = "live"


class LockHeld(RuntimeError):
    """Another run held a lock for the whole wait."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def locked(files: Sequence[str], wait: float, what: str) -> Iterator[None]:
    """Hold every lock file for the block: flock(2) locks taken in sorted order within one budget of ``wait``
    seconds, the holder written into each, as ops/locked.sh takes them (the two wait for each other)."""
    deadline = time.monotonic() + wait
    with ExitStack() as held:
        for name in sorted(set(files)):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            handle = held.enter_context(open(name, "a+", encoding="utf-8"))
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        raise LockHeld(f"lock {name} is held by another run: {handle.read().strip() or 'unknown'}; "
                                       f"waited {wait:.0f} s (LOCK_WAIT)") from None
                    time.sleep(0.5)
            handle.truncate(0)
            handle.write(f"pid={os.getpid()} host={socket.gethostname()} "
                         f"since={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} what={what}\n")
            handle.flush()
        yield


def missing_warehouse(project_dir: str) -> str | None:
    """The DuckDB file the dbt profile names (as dbt opens it: relative to the working folder), when there is none; None
    when it exists, or the profile is another warehouse's or cannot be read (dbt says why at the parse)."""
    from publisher.warehouse import WarehouseError, load_profile_output

    try:
        output, _ = load_profile_output(Path(project_dir))
    except WarehouseError:
        return None
    path = str(output.get("path") or "")
    return path if output.get("type") == "duckdb" and path != ":memory:" and not Path(path).is_file() else None


def publisher_argv(project_dir: str, publish_args: Sequence[str]) -> list[str]:
    """The publisher's arguments of every cycle: the live group, every date, and the options after `--`."""
    return ["--project-dir", project_dir, "--group", SELECTOR, "--all-dates", *publish_args]


class Night:
    """The parsed project and what every cycle runs."""

    def __init__(self, project_dir: str, dbt_vars: str | None, publish_args: Sequence[str],
                 forget: Sequence[str] = (), quiet: bool = False) -> None:
        from dbt.cli.main import dbtRunner
        from dbt.contracts.graph.manifest import Manifest

        from publisher.catalog import target_dir

        self.common = ["--project-dir", project_dir, *(["--vars", dbt_vars] if dbt_vars else []),
                       *(["-q"] if quiet else [])]
        self.publish_args = publisher_argv(project_dir, publish_args)
        self.results = [target_dir(project_dir) / "run_results.json", *map(Path, forget)]  # as the publisher reads it
        parsed = dbtRunner().invoke(["parse", *self.common])
        if not parsed.success or not isinstance(parsed.result, Manifest):
            raise RuntimeError(f"dbt parse failed: {parsed.exception or 'see its output above'}")
        self.dbt = dbtRunner(manifest=parsed.result)
        self.warnings = 0

    def cycle(self) -> str | None:
        """One cycle; None when it published, else what failed. ``warnings`` counts the dbt nodes of the cycle that
        warned (a feed past its warn threshold, a warning data test: a live game the feed stopped updating)."""
        from publisher.cli import main as publish

        self.warnings = 0
        for file in self.results:
            file.unlink(missing_ok=True)
        try:
            for name, step in (("source freshness", ["source", "freshness", "--selector", SELECTOR]),
                               ("build", ["build", "--selector", SELECTOR, "--exclude-resource-type", "unit_test"])):
                result = self.dbt.invoke([*step, *self.common])
                self.warnings += sum(str(node.status) == "warn" for node in getattr(result.result, "results", []))
                if not result.success:
                    return f"dbt {name} failed" + (f": {result.exception}" if result.exception else
                                                   " (its failures are listed above)")
        finally:
            release_duckdb()
        code = publish(self.publish_args)
        return None if code == 0 else f"the publisher exited {code} (its summary is above)"


def release_duckdb() -> None:
    """dbt-duckdb (1.11, pinned in pyproject.toml) keeps its database open in the process after a command; the
    publisher, and every run between two cycles, needs the file: drop it as dbt-duckdb does at exit (its
    close_all_connections, registered with atexit) and let the collector close it. A new dbt-duckdb that keeps it
    open fails test_live_grading.py::test_a_night_in_one_process (the warehouse opened between cycles)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter (BigQuery) holds no file
        return
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def utc_time(text: str) -> dt.datetime:
    """A time without an offset is UTC; one with an offset (2026-02-22T03:00-05:00) is converted to UTC."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a UTC time YYYY-MM-DDTHH:MM, got {text!r}") from None
    return moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.live_night", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, default=180.0, help="seconds from one cycle's start to the next's "
                        "(default: 180; a cycle that runs longer is followed at once)")
    parser.add_argument("--until", type=utc_time, help="start no cycle after this time: YYYY-MM-DDTHH:MM in UTC, or "
                        "with its offset (2026-02-22T03:00-05:00)")
    parser.add_argument("--cycles", type=int, help="stop after this many cycles")
    parser.add_argument("--project-dir", default=".", help="the dbt project (default: .)")
    parser.add_argument("--vars", help="dbt --vars of every command (the clock of a replay is PROPS_CLOCK in the "
                        "environment: make live-night CLOCK=... sets it)")
    parser.add_argument("--lock", action="append", default=[], metavar="FILE",
                        help="a lock file held during each cycle (repeat; make: the run's locks)")
    parser.add_argument("--lock-wait", type=float, default=600.0, help="seconds a cycle waits for its locks "
                        "before it fails (default: 600)")
    parser.add_argument("--forget", action="append", default=[], metavar="FILE",
                        help="other run results a live build makes untrue, deleted before each cycle (repeat)")
    parser.add_argument("publish_args", nargs="*", metavar="-- PUBLISHER_OPTION",
                        help="the publisher's options, after --: --dest DEST [--admin-dest ADMIN_DEST] ...")
    args = parser.parse_args(argv)
    if args.until is None and args.cycles is None:
        parser.error("give --until or --cycles: a night ends")
    if args.every < 0 or (args.cycles is not None and args.cycles < 1) or args.lock_wait < 0:
        parser.error("--every and --lock-wait must be >= 0, --cycles >= 1")
    for name in args.lock:  # a lock file that cannot be made would fail every cycle of the night, one by one
        try:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            open(name, "a", encoding="utf-8").close()
        except OSError as error:
            parser.error(f"--lock {name}: {error.strerror or error}: name a file in a folder this run can write")
    from publisher.cli import publish_args

    try:  # the options after --, as every cycle's publisher will read them: a bad one would fail each cycle
        publish_args(publisher_argv(args.project_dir, args.publish_args))
    except SystemExit as exit_:
        if exit_.code:
            parser.exit(2, f"{parser.prog}: error: the publisher's options after -- (above); nothing ran\n")
        raise  # -- --help: the publisher's options, listed
    now = dt.datetime.now(dt.timezone.utc)
    if args.until is not None and args.until <= now:  # no cycle would start: a night of no live grading, exit 0
        parser.error(f"--until {args.until:%Y-%m-%dT%H:%M}Z is past (now {now:%Y-%m-%dT%H:%M}Z, the machine's clock, "
                     "UTC): give a later time, or --cycles N (a replay)")

    stopping: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, frame: stopping.append(number))
    colours_on_a_terminal_only()
    try:
        night = Night(args.project_dir, args.vars, args.publish_args, args.forget)
    except Exception as error:  # noqa: BLE001 - a project that does not parse: said, nothing ran
        log(f"error: {error}; no cycle ran")
        return 1
    if missing := missing_warehouse(args.project_dir):  # dbt would make an empty one and fail on a missing schema
        log(f"error: {missing}: no such warehouse file (the dbt profile's path, DUCKDB_PATH); point DUCKDB_PATH at the "
            "warehouse; no cycle ran")
        return 2
    done = failed = 0
    while not stopping and (args.cycles is None or done < args.cycles) and \
            (args.until is None or dt.datetime.now(dt.timezone.utc) < args.until):
        started, done = time.monotonic(), done + 1
        try:
            with locked(args.lock, args.lock_wait, f"python -m ops.live_night (cycle {done})"):
                problem = night.cycle()
        except Exception as error:  # noqa: BLE001 - a lock held too long, dbt or the publisher raising: said, next cycle
            problem = f"{type(error).__name__}: {error}"
        seconds = time.monotonic() - started
        failed += problem is not None
        warned = f" ({night.warnings} warning(s): the WARNING lines above)" if night.warnings else ""
        log(f"live cycle {done}: ok in {seconds:.1f} s{warned}" if problem is None else
            f"live cycle {done}: FAILED in {seconds:.1f} s: {problem}")
        if args.cycles is None or done < args.cycles:
            while not stopping and time.monotonic() < started + args.every:
                time.sleep(max(0.0, min(1.0, started + args.every - time.monotonic())))
    log(f"live night: {done} cycle(s), {failed} failed" + (" (stopped by a signal)" if stopping else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
