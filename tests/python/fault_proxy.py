"""An HTTP proxy on 127.0.0.1 in front of the GCS emulator that injects faults, for the retry tests.

Faults apply to requests whose path contains ``match`` (uploads by default), in
order: ``fail(n, status)`` answers the next n with that status without
forwarding; ``drop(n)`` closes the next n connections without an answer;
``drop(n, after_forward=True)`` forwards them (the write lands) and then closes
the connection (the answer is lost); ``delay(n, seconds)`` forwards them late.
Counts every request it sees by (method, kind): kind "upload", "api", or "lock" for the
requests of the publisher's bucket lock (``v1.lock``), which only the faults given
``lock=True`` hit (and those hit nothing else); ``requests`` lists each one's (method, path
with its query).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


@dataclass
class Fault:
    kind: str  # fail, drop, drop-after, delay
    remaining: int
    status: int = 503
    seconds: float = 0.0
    match: str = "/upload/"
    lock: bool = False  # hits the bucket lock's requests, and only those


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.faults: list[Fault] = []
        self.seen: Counter = Counter()
        self.requests: list[tuple[str, str]] = []
        self.injected: Counter = Counter()
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = "upload" if self.path.startswith("/upload/") else "api"
                if b"v1.lock" in body or "v1.lock" in self.path:  # a bucket lock's request: counted apart; lock faults only
                    kind = "lock"
                fault = proxy._take(self.path, kind == "lock")
                with proxy.lock:
                    proxy.seen[(self.command, kind)] += 1
                    proxy.requests.append((self.command, self.path))
                if fault and fault.kind == "fail":
                    payload = b'{"error":{"code":%d,"message":"injected"}}' % fault.status
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault and fault.kind == "drop":
                    self._drop()
                    return
                if fault and fault.kind == "delay":
                    time.sleep(fault.seconds)
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                if fault and fault.kind == "drop-after":
                    self._drop()
                    return
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in HOP_HEADERS and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _drop(self) -> None:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _take(self, path: str, lock: bool) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.match in path and fault.lock == lock:
                    fault.remaining -= 1
                    self.injected[fault.kind] += 1
                    return fault
        return None

    def _forward(self, method: str, path: str, headers, body: bytes) -> tuple[int, list, bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
            connection.request(method, path, body=body, headers=forwarded)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def fail(self, n: int, status: int = 503, match: str = "/upload/") -> None:
        self.faults.append(Fault("fail", n, status=status, match=match))

    def drop(self, n: int, after_forward: bool = False, match: str = "/upload/", lock: bool = False) -> None:
        self.faults.append(Fault("drop-after" if after_forward else "drop", n, match=match, lock=lock))

    def delay(self, n: int, seconds: float, match: str = "/upload/") -> None:
        self.faults.append(Fault("delay", n, seconds=seconds, match=match))

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
