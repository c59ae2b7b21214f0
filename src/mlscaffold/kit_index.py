"""The workshop kit's targets (platform x Python), its manifest, and its PEP 503 index server.

A kit is one folder: KIT/wheels holds every wheel once (a pure-Python wheel serves every
target), KIT/kit.json says which wheels each target uses. `workshop serve` publishes
KIT/wheels as a simple index (PEP 503) over HTTP, read-only.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
import socket
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from mlscaffold.errors import InputFileError, InvalidAnswerError

MANIFEST = "kit.json"
FALLBACK = "fallback"  # a target's repositories resolved from pyproject.toml, not the lock
MACOS_TARGET = (
    "12.0"  # the oldest macOS the kit's wheels must run on (uv: MACOSX_DEPLOYMENT_TARGET)
)


def _manylinux(arch: str) -> tuple[str, ...]:
    # glibc 2.28 (Debian 10, Ubuntu 18.10, RHEL 8) and older: what pip and uv call manylinux_2_28.
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(28, 16, -1)]
    tags.append(f"manylinux2014_{arch}")
    if arch == "x86_64":
        tags += ["manylinux2010_x86_64", "manylinux1_x86_64"]
    return tuple(tags)


def _macos(arches: tuple[str, ...], versions: Iterable[tuple[int, int]]) -> tuple[str, ...]:
    return tuple(f"macosx_{major}_{minor}_{arch}" for major, minor in versions for arch in arches)


@dataclass(frozen=True)
class Platform:
    key: str  # what --platform takes
    label: str
    uv: str  # uv's --python-platform
    tags: tuple[str, ...]  # pip's --platform values (the wheel platform tags it accepts)
    system: str  # "linux", "macos", "windows": which instructions apply


PLATFORMS = {
    p.key: p
    for p in (
        Platform(
            "manylinux-x86_64",
            "Linux x86_64 (glibc 2.28+)",
            "x86_64-manylinux_2_28",
            _manylinux("x86_64"),
            "linux",
        ),
        Platform(
            "manylinux-aarch64",
            "Linux arm64 (glibc 2.28+)",
            "aarch64-manylinux_2_28",
            _manylinux("aarch64"),
            "linux",
        ),
        Platform(
            "macos-arm64",
            "macOS Apple silicon (12+)",
            "aarch64-apple-darwin",
            _macos(("arm64", "universal2"), [(12, 0), (11, 0)]),
            "macos",
        ),
        Platform(
            "macos-x86_64",
            "macOS Intel (12+)",
            "x86_64-apple-darwin",
            _macos(
                ("x86_64", "intel", "universal2"),
                [(12, 0), (11, 0), *[(10, m) for m in range(16, 8, -1)]],
            ),
            "macos",
        ),
        Platform(
            "windows-amd64", "Windows x64", "x86_64-pc-windows-msvc", ("win_amd64",), "windows"
        ),
    )
}
DEFAULT_PLATFORMS = tuple(PLATFORMS)
DEFAULT_PYTHONS = ("3.11", "3.12", "3.13")
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")  # the generated repos: requires-python >=3.11,<3.14


@dataclass(frozen=True)
class Target:
    platform: Platform
    python: str  # "3.12"

    @property
    def key(self) -> str:
        return f"{self.platform.key}-py{self.python}"

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.python.split(".")
        return int(major), int(minor)

    def supported_tags(self) -> set[Tag]:
        """The wheel tags pip accepts for this target (CPython, these platform tags)."""
        plats = list(self.platform.tags)
        interpreter = f"cp{self.version[0]}{self.version[1]}"
        return set(cpython_tags(self.version, platforms=plats)) | set(
            compatible_tags(self.version, interpreter=interpreter, platforms=plats)
        )

    def accepts(self, wheel: str) -> bool:
        return bool(parse_wheel_filename(wheel)[3] & self.supported_tags())


def parse_platform(value: str) -> Platform:
    key = value.strip().lower()
    if key == "this":
        found = this_platform()
        if found is None:
            raise InvalidAnswerError(
                f"--platform this: no kit platform matches this machine ({_describe_machine()}).",
                f"Choose from: {', '.join(PLATFORMS)}.",
            )
        return found
    if key not in PLATFORMS:
        raise InvalidAnswerError(
            f"--platform got {value!r}, but it must be one of: {', '.join(PLATFORMS)} (or this).",
            "Example: --platform macos-arm64 --platform windows-amd64.",
        )
    return PLATFORMS[key]


def parse_python(value: str) -> str:
    shown = value.strip()
    if shown not in SUPPORTED_PYTHONS:
        raise InvalidAnswerError(
            f"--python got {value!r}, but the generated repositories support "
            f"{', '.join(SUPPORTED_PYTHONS)}.",
            "Example: --python 3.12.",
        )
    return shown


def targets(platforms: Iterable[Platform], pythons: Iterable[str]) -> list[Target]:
    chosen = list(dict.fromkeys(pythons))
    return [Target(p, v) for p in dict.fromkeys(platforms) for v in chosen]


def _describe_machine() -> str:
    return f"{sys.platform} {platform.machine()}"


def this_platform(system: str = sys.platform, machine: str = "") -> Platform | None:
    """The kit platform of the running machine; None for one the kit does not build for."""
    machine = (machine or platform.machine()).lower()
    if system.startswith("linux"):
        libc, _ = platform.libc_ver()
        if libc != "glibc":
            return None  # musl (Alpine): manylinux wheels do not install there
        return PLATFORMS.get({"x86_64": "manylinux-x86_64", "aarch64": "manylinux-aarch64",
                              "arm64": "manylinux-aarch64"}.get(machine, ""))  # fmt: skip
    if system == "darwin":
        return PLATFORMS["macos-arm64" if machine == "arm64" else "macos-x86_64"]
    if system == "win32" and machine in ("amd64", "x86_64"):
        return PLATFORMS["windows-amd64"]
    return None


def this_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


# ---- the manifest: which wheels each target uses ----


def read_manifest(kit: Path) -> dict[str, object]:
    path = kit / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        hint = "Prepare the kit again (mlscaffold workshop prepare)."
        raise InputFileError(f"{path} cannot be read: {err}.", hint) from None
    return data if isinstance(data, dict) else {}


def kit_targets(kit: Path) -> dict[str, dict[str, object]]:
    found = read_manifest(kit).get("targets", {})
    return found if isinstance(found, dict) else {}


def fallbacks(kit: Path) -> dict[str, list[str]]:
    """Targets whose wheels for some repositories came from pyproject.toml, not the lock."""
    found = {}
    for key, entry in sorted(kit_targets(kit).items()):
        repositories = entry.get(FALLBACK)
        if isinstance(repositories, dict) and repositories:
            found[key] = sorted(repositories)
    return found


def coverage(kit: Path, platform_: Platform | None, python: str) -> tuple[bool, str]:
    """Does the kit hold wheels for this platform and Python? (covered, what it holds)."""
    held = kit_targets(kit)
    names = sorted(held)
    if platform_ is None:
        return False, f"no kit platform matches this machine ({_describe_machine()})"
    key = Target(platform_, python).key
    if key in held:
        return True, f"{platform_.label}, Python {python}"
    shown = ", ".join(names) if names else "no targets (made by an older mlscaffold?)"
    return False, f"not {key}; the kit covers {shown}"


# ---- the simple index (PEP 503) ----


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
        return _page("Simple index", links)

    def project_page(self, name: str) -> str | None:
        files = self.projects.get(canonicalize_name(name))
        if files is None:
            return None
        links = "\n".join(
            f'<a href="/wheels/{html.escape(f)}#sha256={self.sha256(f)}">{html.escape(f)}</a><br/>'
            for f in files
        )
        return _page(f"Links for {canonicalize_name(name)}", links)

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


def _page(title: str, body: str) -> str:
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
