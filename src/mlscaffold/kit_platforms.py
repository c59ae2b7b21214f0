"""The laptops a workshop kit covers: platforms, Python versions, and the wheels each accepts.

A target is one platform x Python. `Target.accepts` checks a wheel's tags the way pip would on
that laptop, so a wheel already in the kit (a pure-Python one, an abi3 one) serves every target
it fits and is stored once.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from mlscaffold.errors import InvalidAnswerError

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
                f"--platform this: no kit platform matches this machine ({describe_machine()}).",
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


def describe_machine() -> str:
    return f"{sys.platform} {platform.machine()}"


def this_platform(system: str = sys.platform, machine: str = "") -> Platform | None:
    """The kit platform of the running machine; None for one the kit does not build for."""
    machine = (machine or platform.machine()).lower()
    if system.startswith("linux"):
        libc, _ = platform.libc_ver()
        if libc != "glibc":
            return None  # musl (Alpine): manylinux wheels do not install there
        return PLATFORMS.get(
            {
                "x86_64": "manylinux-x86_64",
                "aarch64": "manylinux-aarch64",
                "arm64": "manylinux-aarch64",
            }.get(machine, "")
        )
    if system == "darwin":
        return PLATFORMS["macos-arm64" if machine == "arm64" else "macos-x86_64"]
    if system == "win32" and machine in ("amd64", "x86_64"):
        return PLATFORMS["windows-amd64"]
    return None


def this_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"
