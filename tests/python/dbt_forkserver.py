"""dbt commands for the tests, each in a process forked from one that imported dbt once.

A dbt process spends about 2.7 s of CPU importing dbt and its adapter before it reads a file;
the test suite runs dbt about a hundred times. This server imports them once, then forks a
child per command: the child takes the command's environment, working folder and output
files, runs dbt's own entry point (`dbt.cli.main.cli`, as the `dbt` script does) and exits
like a dbt process (its exit code, its atexit handlers). The server forks while it is
single-threaded and holds no connection, so each child starts as a fresh dbt process would,
without the import.

Before serving, the server parses the project once in a folder of its own (a full parse, with
dbt's static parser off: that parser's native threads would not survive a fork). dbt compiles
its (de)serializers and config JSON Schemas on first use in a process (mashumaro, dbt_common's
dataclass_schema): done once here, a child's partial parse takes about 1.2 s instead of 3.9 s
(a full one 8 s instead of 14). Later invocations in one process are what dbt's programmatic
runner supports: each resets dbt's flags, invocation context and adapters. A server the
warm-up left with more than its own thread answers "plain" to every request, and the client
runs the command as a process of its own.

Protocol, one line each way: the client writes a JSON request {args, env, cwd, stdout,
stderr} on the server's stdin, the server answers with the child's exit code (or "plain") on
its stdout.
Only the tests use it (pipeline.Run.dbt); `python tests/python/dbt_forkserver.py` is the
server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


def warm_up(cli, project_dir: str) -> None:
    """One full parse of the project in this process, in a temporary folder (its output discarded)."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="dbt-warm-up-") as folder:
        shutil.copyfile(Path(project_dir) / "profiles.yml.example", Path(folder) / "profiles.yml")
        os.environ.update(DUCKDB_PATH=str(Path(folder) / "warehouse.duckdb"), DBT_PROFILES_DIR=folder,
                          DBT_TARGET_PATH=str(Path(folder) / "target"), DBT_LOG_PATH=str(Path(folder) / "logs"),
                          DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_TARGET="dev")
        try:
            cli.main(["parse", "--no-partial-parse", "--no-static-parser", "--project-dir", project_dir],
                     standalone_mode=False)
        except BaseException as error:  # a failed warm-up only costs time: each child parses on its own
            print(f"dbt fork server: the warm-up parse failed ({error!r}); serving without it", file=sys.stderr)
        finally:
            os.environ.clear()
            os.environ.update(saved)


def single_threaded() -> bool:
    return len(os.listdir("/proc/self/task")) == 1


def serve(project_dir: str | None) -> None:
    import dbt.adapters.duckdb  # noqa: F401 - imported once, shared by every child
    from dbt.cli.main import cli

    replies = os.fdopen(os.dup(1), "w")  # the protocol's; fd 1 and 2 are each child's output files
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    if project_dir:
        warm_up(cli, project_dir)
    forkable = single_threaded()  # nothing runs in this process after the warm-up
    for line in sys.stdin:
        request = json.loads(line)
        if not forkable:
            replies.write("plain\n")
            replies.flush()
            continue
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            os.dup2(devnull, 0)
            for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            sys.argv = ["dbt", *request["args"]]
            sys.exit(cli())
        _, status = os.waitpid(pid, 0)
        replies.write(f"{os.waitstatus_to_exitcode(status)}\n")
        replies.flush()


class ForkServer:
    """A client of one server (started on first use; it warms up on ``project_dir``); a command arriving
    while another runs, from another thread, or one the server cannot fork, gets a process of its own."""

    def __init__(self, python: str, project_dir: Path | None = None) -> None:
        self.python, self.project_dir, self.process, self.lock = python, project_dir, None, threading.Lock()

    def run(self, args: list[str], env: dict[str, str], cwd: Path, dbt: str) -> subprocess.CompletedProcess[str]:
        forked = None
        if self.lock.acquire(blocking=False):
            try:
                forked = self.forked(args, env, cwd, dbt)
            finally:
                self.lock.release()
        return forked or subprocess.run([dbt, *args], env=env, capture_output=True, text=True, cwd=cwd)

    def forked(self, args: list[str], env: dict[str, str], cwd: Path, dbt: str) -> subprocess.CompletedProcess[str] | None:
        """The command as a fork of the server; None when the server answers "plain"."""
        if self.process is None or self.process.poll() is not None:
            warm = [str(self.project_dir)] if self.project_dir else []
            self.process = subprocess.Popen([self.python, __file__, *warm], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            text=True)
        out, err = (Path(tempfile.mkstemp(prefix=f"dbt-{name}-", suffix=".txt")[1]) for name in ("stdout", "stderr"))
        request = {"args": args, "env": env, "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError(f"the dbt fork server ({__file__}) exited with {self.process.wait()}")
        texts = [file.read_text(errors="replace") for file in (out, err)]
        for file in (out, err):
            file.unlink()
        return None if reply == "plain\n" else subprocess.CompletedProcess([dbt, *args], int(reply), *texts)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else None)
