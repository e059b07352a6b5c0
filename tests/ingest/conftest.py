"""Shared fixtures for the ingest tests: fixture files and a local web server."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SLOW_SECONDS = 1.0


@pytest.fixture
def fixture_path() -> Callable[[str], Path]:
    """Path of a file in tests/ingest/fixtures."""

    def _path(name: str) -> Path:
        return FIXTURES / name

    return _path


def _page(status: int, content_type: str | None, body: bytes) -> tuple[int, str | None, bytes]:
    return status, content_type, body


ROUTES: dict[str, tuple[int, str | None, bytes]] = {
    "/article.html": _page(200, "text/html; charset=utf-8", (FIXTURES / "page.html").read_bytes()),
    "/plain.txt": _page(
        200,
        "text/plain; charset=utf-8",
        (FIXTURES / "headline_author_dateline.txt").read_bytes(),
    ),
    "/cafes.txt": _page(
        200, "text/plain; charset=windows-1252", (FIXTURES / "cp1252.txt").read_bytes()
    ),
    "/nav-only.html": _page(
        200,
        "text/html",
        b"<html><body><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        b"<footer>Copyright</footer></body></html>",
    ),
    "/empty.html": _page(200, "text/html", b""),
    "/picture.png": _page(200, "image/png", (FIXTURES / "binary.txt").read_bytes()),
    "/big.html": _page(200, "text/html", b"<p>" + b"word " * 4000 + b"</p>"),
}
REDIRECTS = {
    "/moved": "/article.html",
    "/to-ftp": "ftp://127.0.0.1/article.txt",
    "/to-file": "file:///etc/passwd",
}


class _Handler(BaseHTTPRequestHandler):
    """Serves ROUTES, REDIRECTS, a slow page, an unsized page and 404s."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, "text/html", b"<p>late</p>")
        elif path == "/unsized":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"more words " * 2000 + b"</p></body></html>")
        elif path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path in ROUTES:
            self._send(*ROUTES[path])
        else:
            self._send(404, "text/plain", b"not here")

    def _send(self, status: int, content_type: str | None, body: bytes) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def web_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 with a free port; yields its base URL."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
