"""dbt's command line, run as a batch job: `make`'s DBT (`python -m ops.dbt_cli ARGS` is `dbt ARGS`), with Python's
garbage collector tuned for one run (``main``) and no teardown of the interpreter once dbt is done.

The `dbt` script hands dbt's exit code to sys.exit, after which Python frees every object of the process one by
one before it exits: 0.4-0.5 s after a `dbt build` of this project, whatever the data (bench/RESULTS.md "Stop 61":
about 4 % of a daily cycle), and more in a forked process (the tests' dbt_forkserver.py), where freeing an object
first copies its memory page. The system takes the memory back at exit anyway. This entry point runs dbt's own
`dbt.cli.main.cli`, then the part of a normal exit that has an effect (``exit_now``) and ends the process with
os._exit. dbt has closed what it wrote by then: its artifacts, and its DuckDB database, which dbt-duckdb's
atexit handler releases (no WAL file is left, as with the `dbt` script; were one left, every commit would still
be in it, and the next reader, read-only or not, would see it). tests/python/test_ops.py checks the exit codes,
the output and the atexit handlers.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn


def exit_now(code: object) -> NoReturn:
    """Leave as ``sys.exit(code)`` would (an int is the status, None is 0, anything else is printed and gives 1),
    without freeing the process's objects: wait for the threads, as the interpreter's own shutdown does
    (threading._shutdown: executors told to stop, non-daemon threads joined), run the atexit handlers (logging's
    flush among them), flush stdout and stderr, then os._exit."""
    status = code if isinstance(code, int) else 0 if code is None else 1
    if not isinstance(code, (int, type(None))):
        print(code, file=sys.stderr)
    threading._shutdown()  # type: ignore[attr-defined]  # CPython's: what a normal exit runs first
    atexit._run_exitfuncs()  # CPython's: what a normal exit runs next
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a reader gone (broken pipe): nothing left to deliver
            pass
    os._exit(status)


def colours_on_a_terminal_only() -> None:
    """dbt colours its lines (on the console, and in dbt.log when asked for one) unless told not to, also when they go
    to a file, a pipe or a log collector (a scheduled run's log, Cloud Logging, CI), where the escape codes show as text:
    "[0m11:10:02  [31mFAIL 1[0m". Colours only when stdout is a terminal, unless $DBT_USE_COLORS says otherwise."""
    os.environ.setdefault("DBT_USE_COLORS", "true" if sys.stdout.isatty() else "false")


def main() -> NoReturn:
    # Python's cyclic garbage collector, tuned as batch tools tune it (mypy raises its thresholds too): the young
    # objects are collected every 50,000 allocations rather than 700 (from the imports on: 0.1 s of their 1.2 s),
    # and the objects of the imported modules are set aside for good (they are never garbage). The collector
    # paused dbt for 0.8-1.2 s of a daily cycle at 5 seasons, 0.3 s after this; the peak memory grows by 5-10 MB
    # (bench/RESULTS.md "Stop 61").
    gc.set_threshold(50_000, 20, 20)
    colours_on_a_terminal_only()
    from dbt.cli.main import cli

    gc.freeze()
    try:
        cli(prog_name="dbt")  # click's standalone mode: it always ends in SystemExit, with dbt's exit code
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)


if __name__ == "__main__":
    main()
