"""dbt commands for the tests, each in a process forked from one that imported dbt once.

A dbt process spends about 2.7 s of CPU importing dbt and its adapter before it reads a file;
the test suite runs dbt about a hundred times. This server imports them once, then forks a
child per command: the child takes the command's environment, working folder and output
files, runs the project's dbt entry point (ops/dbt_cli.py: dbt's own `dbt.cli.main.cli`, then
its exit code, its atexit handlers and no teardown of the objects: in a forked child that
teardown copied most of the inherited memory first, about 0.5 s a command). The server forks while it is
single-threaded and holds no database connection (the child closes the request's socket), so
each child starts as a fresh dbt process would, without the import.

Before serving, the server parses the project once in a folder of its own (a full parse, with
dbt's static parser off: that parser's native threads would not survive a fork). dbt compiles
its (de)serializers and config JSON Schemas on first use in a process (mashumaro, dbt_common's
dataclass_schema): done once here, a child's partial parse takes about 1.2 s instead of 3.9 s
(a full one 8 s instead of 14). Later invocations in one process are what dbt's programmatic
runner supports: each resets dbt's flags, invocation context and adapters. A server the
warm-up left with more than its own thread answers "plain" to every request, and the client
runs the command as a process of its own.

Protocol: the server listens on a Unix socket; a client connects, writes one JSON request
{args, env, cwd, stdout, stderr} and reads one line back, the child's exit code (or "plain").
Each request is served by a process forked for it, which forks the dbt child and waits for it,
so requests from several threads or processes run side by side. Only the tests use it:
pipeline.Run.dbt through ``ForkServer``, and `make` runs through ``ForkServer.command()``, a
`dbt` command line (`make ... DBT="$(command)"`: `python dbt_forkserver.py --via SOCKET ARGS`)
that sends its arguments to the server and prints the output when dbt is done.
`python tests/python/dbt_forkserver.py --serve SOCKET [PROJECT_DIR]` is the server; it exits
when the process that started it is gone.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any


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


def serve(socket_path: str, project_dir: str | None) -> None:
    import dbt.adapters.duckdb  # noqa: F401 - imported once, shared by every child
    from dbt.cli.main import cli

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: ops.dbt_cli
    from ops.dbt_cli import main as dbt_main

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)  # clients queue here during the warm-up
    print("ready", flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # fd 1 and 2 are each child's output files
    if project_dir:
        warm_up(cli, project_dir)
    gc.freeze()  # what the children inherit is never scanned by their collector: its pages stay shared
    forkable = single_threaded()  # nothing runs in this process after the warm-up
    parent = os.getppid()
    while os.getppid() == parent:  # a client gone without closing it (killed) ends it too
        if not select.select([listener], [], [], 5.0)[0]:
            continue
        connection, _ = listener.accept()
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:  # the handlers done since the last request
                pass
        if os.fork() == 0:
            listener.close()
            handle(connection, dbt_main, forkable)
        connection.close()
    shutil.rmtree(Path(socket_path).parent, ignore_errors=True)


def handle(connection: socket.socket, dbt_main: Any, forkable: bool) -> None:
    """In a process of its own: fork dbt's child for one request, answer its exit code, exit. The child
    runs ``dbt_main`` (ops.dbt_cli.main), which ends it as a dbt process ends (dbt's code, atexit handlers)."""
    handler = os.getpid()
    try:
        request = json.loads(connection.makefile().readline())
        reply = "plain"
        if forkable:
            pid = os.fork()
            if pid == 0:
                connection.close()
                for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
                    os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
                os.chdir(request["cwd"])
                os.environ.clear()
                os.environ.update(request["env"])
                sys.argv = ["dbt", *request["args"]]
                dbt_main()
            reply = str(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        connection.sendall(f"{reply}\n".encode())
    finally:
        if os.getpid() == handler:
            os._exit(0)


def output_file(name: str) -> Path:
    fd, path = tempfile.mkstemp(prefix=f"dbt-{name}-", suffix=".txt")
    os.close(fd)
    return Path(path)


def venv_dbt(python: str) -> str:
    """The `dbt` script beside the interpreter (the environment's dbt)."""
    return str(Path(python).with_name("dbt"))


def request(socket_path: str, args: list[str], env: dict[str, str], cwd: Path | str,
            dbt: str) -> subprocess.CompletedProcess[str] | None:
    """The command as a fork of the server listening on ``socket_path``; None when it answers "plain"."""
    out, err = (output_file(name) for name in ("stdout", "stderr"))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(socket_path)
            message = {"args": args, "env": env, "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
            connection.sendall((json.dumps(message) + "\n").encode())
            reply = connection.makefile().readline()
        if not reply:
            raise RuntimeError(f"the dbt fork server at {socket_path} closed the connection without an answer")
        texts = [file.read_text(errors="replace") for file in (out, err)]
    finally:
        for file in (out, err):
            file.unlink()
    return None if reply == "plain\n" else subprocess.CompletedProcess([dbt, *args], int(reply), *texts)


class ForkServer:
    """A client of one server (started on first use; it warms up on ``project_dir``); a command the server
    cannot fork gets a process of its own."""

    def __init__(self, python: str, project_dir: Path | None = None) -> None:
        self.python, self.project_dir, self.dbt = python, project_dir, venv_dbt(python)
        self.process: subprocess.Popen[str] | None = None
        self.socket, self.starting = "", threading.Lock()

    def start(self) -> str:
        """The server's socket, the server started first if it is not running (by one thread of the client)."""
        with self.starting:
            return self._start()

    def _start(self) -> str:
        if self.process is None or self.process.poll() is not None:
            self.socket = str(Path(tempfile.mkdtemp(prefix="dbt-fork-")) / "socket")
            warm = [str(self.project_dir)] if self.project_dir else []
            self.process = subprocess.Popen([self.python, __file__, "--serve", self.socket, *warm],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
            assert self.process.stdout is not None
            if self.process.stdout.readline() != "ready\n":
                raise RuntimeError(f"the dbt fork server ({__file__}) exited with {self.process.wait()}")
            self.process.stdout.close()
        return self.socket

    def run(self, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        """`dbt ARGS` in ``cwd`` with ``env``, as a fork of the server (the environment's dbt when it cannot fork)."""
        forked = request(self.start(), args, env, cwd, self.dbt)
        return forked or subprocess.run([self.dbt, *args], env=env, capture_output=True, text=True, cwd=cwd)

    def command(self) -> str:
        """A `dbt` command line whose runs are forks of this server (for `make DBT=...`)."""
        return f"{self.python} {__file__} --via {self.start()}"

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
            shutil.rmtree(Path(self.socket).parent, ignore_errors=True)


def client_main(argv: list[str]) -> int:
    """``--via SOCKET DBT_ARGS...``: run dbt as a fork of that server (the venv's dbt when it answers "plain"),
    with this process's environment and folder, and print its output once it is done."""
    dbt = venv_dbt(sys.executable)
    done = request(argv[1], argv[2:], dict(os.environ), os.getcwd(), dbt)
    if done is None:
        os.execv(dbt, [dbt, *argv[2:]])
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        sys.exit(client_main(sys.argv[1:]))
