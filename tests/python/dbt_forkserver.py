"""dbt commands for the tests, each in a process forked from one that imported dbt once.

A dbt process spends about 2.7 s of CPU importing dbt and its adapter before it reads a file;
the test suite runs dbt about a hundred times. This server imports them once, then forks a
child per command: the child takes the command's environment, working folder and output
files, runs dbt's own entry point (`dbt.cli.main.cli`, as the `dbt` script does) and exits
like a dbt process (its exit code, its atexit handlers). The server forks while it is
single-threaded and holds no connection, so each child starts as a fresh dbt process would,
without the import.

Protocol, one line each way: the client writes a JSON request {args, env, cwd, stdout,
stderr} on the server's stdin, the server answers with the child's exit code on its stdout.
Only the tests use it (pipeline.Run.dbt); `python tests/python/dbt_forkserver.py` is the
server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


def serve() -> None:
    import dbt.adapters.duckdb  # noqa: F401 - imported once, shared by every child
    from dbt.cli.main import cli

    replies = os.fdopen(os.dup(1), "w")  # the protocol's; fd 1 and 2 are each child's output files
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    for line in sys.stdin:
        request = json.loads(line)
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
    """A client of one server (started on first use); a command arriving while another runs, from another
    thread, gets a process of its own."""

    def __init__(self, python: str) -> None:
        self.python, self.process, self.lock = python, None, threading.Lock()

    def run(self, args: list[str], env: dict[str, str], cwd: Path, dbt: str) -> subprocess.CompletedProcess[str]:
        if not self.lock.acquire(blocking=False):
            return subprocess.run([dbt, *args], env=env, capture_output=True, text=True, cwd=cwd)
        try:
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen([self.python, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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
            return subprocess.CompletedProcess([dbt, *args], int(reply), *texts)
        finally:
            self.lock.release()

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


if __name__ == "__main__":
    serve()
