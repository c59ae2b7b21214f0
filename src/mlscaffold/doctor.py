"""`mlscaffold doctor`: is this laptop ready for the workshop? Each check: status and a fix."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)
MIN_FREE_GB = 5.0
UI_PORTS = {"Airflow": 8080, "Prefect": 4200, "Dagster": 3000}


@dataclass(frozen=True)
class Result:
    check: str
    passed: bool
    detail: str
    fix: str = ""


def python_version(version: tuple[int, int] = sys.version_info[:2]) -> Result:
    shown = f"{version[0]}.{version[1]}"
    if version >= MIN_PYTHON:
        return Result("python", True, f"Python {shown}")
    return Result("python", False, f"Python {shown}", "Install Python 3.11 or newer.")


def tool(name: str, fix: str) -> Callable[[], Result]:
    def check() -> Result:
        found = shutil.which(name)
        if found:
            return Result(name, True, found)
        return Result(name, False, "not on PATH", fix)

    check.__name__ = name
    return check


def free_disk(path: Path | None = None, minimum_gb: float = MIN_FREE_GB) -> Result:
    where = path or Path.cwd()
    free = shutil.disk_usage(where).free / 1e9
    if free >= minimum_gb:
        return Result("disk", True, f"{free:.1f} GB free in {where}")
    return Result(
        "disk",
        False,
        f"{free:.1f} GB free in {where}",
        f"Free at least {minimum_gb:.0f} GB: a generated repo's environment takes 1-2 GB.",
    )


def offline_packages(kit: Path | None = None) -> Result:
    """The workshop kit's wheels, or at least a warm uv cache, so `uv sync` needs no network."""
    if kit is not None:
        wheels = list((kit / "wheels").glob("*.whl")) if (kit / "wheels").is_dir() else []
        if wheels:
            return Result("offline kit", True, f"{len(wheels)} wheels in {kit / 'wheels'}")
        return Result(
            "offline kit",
            False,
            f"no wheels in {kit / 'wheels'}",
            "Copy the facilitator's kit here (mlscaffold workshop prepare).",
        )
    cache = Path(os.environ.get("UV_CACHE_DIR", Path.home() / ".cache" / "uv"))
    if cache.is_dir() and any(cache.iterdir()):
        return Result("uv cache", True, str(cache))
    fix = "On a network, run `uv sync` in a generated repo once, or use the kit."
    return Result("uv cache", False, f"{cache} is empty", fix)


def kit_coverage(kit: Path) -> Result:
    """Does the kit hold this laptop's platform and Python (its kit.json targets)?"""
    from mlscaffold import kit_manifest, kit_platforms

    here, python = kit_platforms.this_platform(), kit_platforms.this_python()
    covered, detail = kit_manifest.coverage(kit, here, python)
    if covered:
        return Result("kit platform", True, f"covers this laptop: {detail}")
    wanted = f"--platform {here.key} --python {python}" if here else "a supported laptop"
    return Result(
        "kit platform", False, detail, f"Ask the facilitator for a kit made with {wanted}."
    )


def port_free(name: str, port: int, host: str = "127.0.0.1") -> Result:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return Result(
                f"port {port}",
                False,
                f"in use ({name} UI)",
                f"Stop what listens on {port}: lsof -i :{port}",
            )
    return Result(f"port {port}", True, f"free for the {name} UI")


def run_all(kit: Path | None = None) -> list[Result]:
    checks: list[Callable[[], Result]] = [
        python_version,
        tool("uv", "pip install uv"),
        tool("git", "Install git (apt install git / brew install git)."),
        free_disk,
        lambda: offline_packages(kit),
        *([lambda: kit_coverage(kit)] if kit is not None else []),
        *[lambda n=n, p=p: port_free(n, p) for n, p in UI_PORTS.items()],
    ]
    return [check() for check in checks]
