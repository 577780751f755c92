"""preview/serve.py's own rules (`make preview`), on a hand-made site with its admin files beside the public ones, as a
misconfigured destination would hold them, without a browser: a public file is served with no-store and CORS; admin
paths (however written) and folders are 404; the preview's own files are served without CORS."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest

from pipeline import PROJECT_DIR, script_module

serve = script_module(PROJECT_DIR / "preview" / "serve.py")


@pytest.fixture
def base_url(tmp_path) -> Iterator[str]:
    for path in ("v1/picks/2025-01-14.json", "v1/admin/dashboard.json"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text('{"date": "2025-01-14"}')
    server = serve.make_server(tmp_path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (their names in any case) and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def test_public_files_with_no_store_and_cors_admin_paths_and_folders_not_found(base_url):
    status, headers, body = get(f"{base_url}/v1/picks/2025-01-14.json")
    assert (status, body) == (200, b'{"date": "2025-01-14"}')
    assert (headers["Content-Type"], headers["Cache-Control"], headers["Access-Control-Allow-Origin"]) == (
        "application/json", "no-store", "*")
    for path in ("/v1/admin/dashboard.json", "/v1/%61dmin/dashboard.json", "/v1/admin", "/v1/", "/v1/picks/"):
        assert get(f"{base_url}{path}")[0] == 404, path
    status, headers, _ = get(f"{base_url}/index.html")
    assert (status, headers["Cache-Control"], "Access-Control-Allow-Origin" in headers) == (200, "no-store", False)
