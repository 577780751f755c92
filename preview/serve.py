"""Serve the preview (this folder) and a published site on 127.0.0.1: `make preview`.

    /             the preview: index.html, js/, style.css, node_modules/ (the chart library)
    /v1/...       the published site's public files, read from SITE/v1/
    /v1/admin/... never served (404): admin files stay out of the preview

No directory listings; every response says `Cache-Control: no-store`, so a reload after
`make demo` shows the new files; /v1/ files allow any origin (CORS), so a preview served
elsewhere can read this site with ?base=http://127.0.0.1:PORT/v1/. Standard library only.
"""

from __future__ import annotations

import argparse
import errno
import http.server
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREVIEW_DIR = Path(__file__).resolve().parent


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the preview folder, or from the site for /v1/ paths."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".json": "application/json", ".css": "text/css"}
    site_v1: Path = PREVIEW_DIR  # set by make_server

    def route(self) -> str:
        return unquote(urlsplit(self.path).path)

    def translate_path(self, path: str) -> str:
        route = unquote(urlsplit(path).path)
        if route == "/v1" or route.startswith("/v1/"):
            self.directory = str(self.site_v1)
            path = route[len("/v1"):] or "/"
        else:
            self.directory = str(PREVIEW_DIR)
        return super().translate_path(path)

    def send_head(self):
        route = self.route()
        if route == "/v1/admin" or route.startswith("/v1/admin/"):
            self.send_error(404, "admin files are not served by the preview")
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404, "no directory listing")
        return None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        if self.route().startswith("/v1/"):  # a preview on another port may read this site (?base=)
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        if getattr(self.server, "verbose", True):
            super().log_message(format, *args)


def make_server(site: Path | str, port: int = 0, host: str = "127.0.0.1",
                verbose: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for SITE (the folder holding v1/) on HOST:PORT (0 = a free port)."""
    site_v1 = Path(site).resolve() / "v1"
    handler = type("Handler", (PreviewHandler,), {"site_v1": site_v1})
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default="public", help="folder holding the published v1/ (default: public)")
    parser.add_argument("--port", type=int, default=8765,
                        help="port on 127.0.0.1 (default 8765; a free one if taken; 0 = any free port)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    site_v1 = Path(args.site) / "v1"
    if not (site_v1 / "best-bets" / "all.json").is_file():
        print(f"no published site in {site_v1}/: run `make demo` first", file=sys.stderr)
        return 1
    if not (PREVIEW_DIR / "node_modules" / "@observablehq" / "plot").is_dir():
        print("preview/node_modules is missing: run `make preview` (it runs npm ci)", file=sys.stderr)
        return 1
    try:
        server = make_server(args.site, args.port, verbose=not args.quiet)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        server = make_server(args.site, 0, verbose=not args.quiet)
        print(f"port {args.port} is taken: using a free one", file=sys.stderr)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"preview of {site_v1.resolve()}/ at {url}  (Ctrl-C to stop)", flush=True)
    print(f"  another site or a bucket: {url}?base=https://HOST/PREFIX/v1/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
