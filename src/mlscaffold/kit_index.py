"""`workshop serve`: the kit's wheels as a simple package index (PEP 503) over HTTP, read-only.

Only GET and HEAD; only the files KIT/wheels lists (never a path outside it); each wheel's
sha256 in its link, computed once on first request.
"""

from __future__ import annotations

import hashlib
import html
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from packaging.utils import canonicalize_name, parse_wheel_filename


class KitIndex:
    """The kit's wheels by project name; sha256 computed once per file, on first request."""

    def __init__(self, wheels: Path) -> None:
        self.wheels = wheels
        self.projects: dict[str, list[str]] = {}
        for path in sorted(wheels.glob("*.whl")):
            name = canonicalize_name(parse_wheel_filename(path.name)[0])
            self.projects.setdefault(name, []).append(path.name)
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()

    def sha256(self, filename: str) -> str:
        with self._lock:
            if filename not in self._hashes:
                digest = hashlib.sha256()
                with (self.wheels / filename).open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                self._hashes[filename] = digest.hexdigest()
            return self._hashes[filename]

    def root_page(self) -> str:
        links = "\n".join(f'<a href="/simple/{n}/">{n}</a><br/>' for n in self.projects)
        return html_page("Simple index", links)

    def project_page(self, name: str) -> str | None:
        files = self.projects.get(canonicalize_name(name))
        if files is None:
            return None
        links = "\n".join(
            f'<a href="/wheels/{html.escape(f)}#sha256={self.sha256(f)}">{html.escape(f)}</a><br/>'
            for f in files
        )
        return html_page(f"Links for {canonicalize_name(name)}", links)

    def file(self, filename: str) -> Path | None:
        """Only a wheel the index lists: never a path outside KIT/wheels."""
        name = canonicalize_name(parse_wheel_filename(filename)[0]) if _is_wheel(filename) else ""
        return self.wheels / filename if filename in self.projects.get(name, []) else None


def _is_wheel(filename: str) -> bool:
    try:
        parse_wheel_filename(filename)
    except ValueError:
        return False
    return "/" not in filename and "\\" not in filename


def html_page(title: str, body: str) -> str:
    """A PEP 503 page: the served index's, and the links page a kit's download reads."""
    head = '<meta name="pypi:repository-version" content="1.0">'
    return (
        f"<!DOCTYPE html>\n<html><head>{head}<title>{title}</title></head>\n"
        f"<body>\n<h1>{title}</h1>\n{body}\n</body></html>\n"
    )


def make_server(kit: Path, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    """An HTTP server for KIT/wheels as /simple/ (GET and HEAD only); call serve_forever()."""
    index = KitIndex(kit / "wheels")

    class Handler(BaseHTTPRequestHandler):
        server_version = "mlscaffold-kit"

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the CLI prints what matters

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _refuse(self) -> None:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "The kit index is read-only.")

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

        def _answer(self, body: bool) -> None:
            path = unquote(self.path.split("?", 1)[0].split("#", 1)[0])
            parts = [p for p in path.split("/") if p]
            if parts == ["simple"] or not parts:
                return self._send_text(index.root_page(), body)
            if len(parts) == 2 and parts[0] == "simple":
                page = index.project_page(parts[1])
                if page is not None:
                    return self._send_text(page, body)
            if len(parts) == 2 and parts[0] == "wheels":
                found = index.file(parts[1])
                if found is not None and found.is_file():
                    return self._send_file(found, body)
            self.send_error(HTTPStatus.NOT_FOUND, "Not in the kit.")
            return None

        def _send_text(self, text: str, body: bool) -> None:
            data = text.encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _send_file(self, path: Path, body: bool) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(path.stat().st_size))
            self.end_headers()
            if body:
                with path.open("rb") as handle:
                    while block := handle.read(1 << 20):
                        self.wfile.write(block)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def room_address(host: str, port: int) -> str:
    """The address participants type: the LAN address when serving on every interface."""
    shown = host
    if host in ("0.0.0.0", ""):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
                shown = probe.getsockname()[0]
            except OSError:
                shown = socket.gethostname()
    elif host == "::":
        shown = socket.gethostname()
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{shown}:{port}"
