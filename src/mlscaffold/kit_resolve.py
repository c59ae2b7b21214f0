"""What one kit target needs: a generated repository's pins for one platform x Python (uv).

First the repository's universal lock (`uv lock`, exported with all dependency groups), with
`uv pip compile --python-platform P --python-version V` turning it into exact pins for the
target. When a locked version has no wheel for that target (today: Airflow's `openlineage-sql`
on Windows, `cryptography` on macOS Intel), the fallback resolves the repository's own
pyproject.toml constraints for that platform and Python against the registry: the newest
versions that do have wheels there. Only when that fails too is the target refused, by name.

uv writes its resolution as a pylock.toml, which names the wheel files it chose from (URL and
sha256); the download fetches exactly those files. Asking an index again for the same pins is
a second look at a registry that changes: a release uv saw may not be there yet for the second
client, or a mirror may lag behind (seen in CI: uv chose regex 2026.12.2, pip's view of the
index had no such version).

Every resolution also leaves out releases newer than a cut-off (`uv --exclude-newer`; by default
seven days before the kit is prepared): registry views that lag each other by days agree on
versions that old, and a release pulled for a fault in its first days never reaches the room.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from mlscaffold import shell
from mlscaffold.errors import CooldownError, KitError, ToolMissingError
from mlscaffold.kit_platforms import MACOS_TARGET, Target
from mlscaffold.models import Orchestrator
from mlscaffold.naming import normalise
from mlscaffold.questions import resolve
from mlscaffold.render import render
from mlscaffold.scoring import plan_for
from mlscaffold.shell import INSTALL_HINTS

BUILD_BACKEND = ("hatchling", "editables")  # editables: for the editable install of the project
NETWORK_HINT = "Preparing a kit needs the network (PyPI); retry."
TARGET_HINT = "Leave that target out (--platform / --python), or retry if the network failed."


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    return shell.run(cmd, cwd, KitError, NETWORK_HINT, env=env)


UV_AT_LEAST = (0, 7)  # `uv pip compile --format pylock.toml` (PEP 751) came in uv 0.6.15


def find_uv() -> str:
    """uv on PATH, new enough for the kit's commands."""
    found = shutil.which("uv")
    if found is None:
        raise ToolMissingError("uv is not installed or not on PATH.", INSTALL_HINTS["uv"])
    check_uv_version(run([found, "--version"], Path.cwd()), found)
    return found


def check_uv_version(printed: str, where: str) -> None:
    """`uv --version` prints "uv 0.13.9 (...)"; refuse one older than UV_AT_LEAST."""
    words = printed.split()
    try:
        version = Version(words[1]) if len(words) > 1 else None
    except InvalidVersion:
        version = None
    if version is None:
        return  # a build that prints something else: let its commands speak for themselves
    if version.release[:2] < UV_AT_LEAST:
        needed = ".".join(map(str, UV_AT_LEAST))
        raise ToolMissingError(
            f"{where} is uv {version}; preparing a kit needs uv {needed} or newer.",
            "Update it: uv self update (or pip install -U uv).",
        )


@dataclass(frozen=True)
class Export:
    """One generated repository, rendered and locked: what every target of the kit needs."""

    name: str  # "airflow + dbt"
    repo: Path  # the rendered repository: its pyproject.toml is the fallback's input
    requirements: tuple[str, ...]  # the lock, exported: `name==version ; marker` lines
    cutoff: str | None = None  # releases uploaded after this (RFC 3339) were left out


@dataclass(frozen=True)
class Pins:
    """A repository's exact pins for one target, and whether the lock could not give them."""

    pins: tuple[str, ...]
    fallback: bool = False
    changed: tuple[str, ...] = ()  # with the fallback: "cryptography 48.0.1 (locked 50.0.2)"
    links: tuple[str, ...] = ()  # the wheel files uv resolved the pins from: "url#sha256=..."


def combo_name(orchestrator: Orchestrator, dbt: bool) -> str:
    return f"{orchestrator.value}{' + dbt' if dbt else ''}"


def excluding(cutoff: str | None) -> list[str]:
    return ["--exclude-newer", cutoff] if cutoff else []


def run_cooled(
    cmd: list[str], cwd: Path, cutoff: str | None, env: dict[str, str] | None = None
) -> str:
    """`run`, saying so when the cut-off, not the network, left no versions to choose."""
    try:
        return run([*cmd, *excluding(cutoff)], cwd, env)
    except KitError as err:
        if cutoff and "exclude-newer" in err.message:
            raise CooldownError(
                err.message,
                f"The repositories need releases newer than the cut-off ({cutoff}): give a "
                "shorter --cooldown, or --cooldown 0 for the newest releases.",
            ) from None
        raise


def export(
    uv: str, tmp: Path, orchestrator: Orchestrator, dbt: bool, cutoff: str | None = None
) -> Export:
    """Render one generated repository into `tmp`, lock it, and export the universal lock."""
    name = f"kit-{orchestrator.value}{'-dbt' if dbt else ''}"
    plan = plan_for(normalise(name), tmp / name, resolve({"dbt": dbt}), orchestrator, git=False)
    repo = render(plan).path
    run_cooled([uv, "lock", "--quiet"], repo, cutoff)
    exported = run(
        [
            uv,
            "export",
            "--quiet",
            "--format",
            "requirements-txt",
            "--no-hashes",
            "--all-groups",
            "--no-emit-project",
            "--no-header",
            "--no-annotate",
        ],
        repo,
    )
    lines = [line.strip() for line in exported.splitlines()]
    locked = [x for x in lines if x and not x.startswith(("#", "-e", "."))]
    return Export(combo_name(orchestrator, dbt), repo, (*locked, *BUILD_BACKEND), cutoff)


def _uv_compile(uv: str, sources: list[str], target: Target, cwd: Path, cutoff: str | None) -> Pins:
    """`uv pip compile` of `sources` for one target, wheels only: pins and their wheel files."""
    env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": MACOS_TARGET}
    env.pop("VIRTUAL_ENV", None)
    out = run_cooled(
        [
            uv,
            "pip",
            "compile",
            "--quiet",
            "--no-header",
            "--format",
            "pylock.toml",
            "--only-binary",
            ":all:",
            "--python-platform",
            target.platform.uv,
            "--python-version",
            target.python,
            *sources,
        ],
        cwd,
        cutoff,
        env,
    )
    return read_pylock(out, cwd)


def read_pylock(text: str, cwd: Path) -> Pins:
    """Pins (`name==version`) and wheel links (`url#sha256=...`) of a pylock.toml (PEP 751)."""
    try:
        packages = tomllib.loads(text).get("packages", [])
    except tomllib.TOMLDecodeError as err:
        raise KitError(
            f"uv printed a pylock.toml that does not parse: {err}.",
            "Update uv (uv self update) and retry.",
        ) from None
    pins, links = [], []
    for package in packages:
        if package.get("name") and package.get("version"):  # a wheel at a known version
            pins.append(f"{package['name']}=={package['version']}")
        for wheel in package.get("wheels", []):
            where = wheel.get("url") or (wheel.get("path") and (cwd / wheel["path"]).as_uri())
            digest = wheel.get("hashes", {}).get("sha256")
            if where:
                links.append(f"{where}#sha256={digest}" if digest else where)
    return Pins(tuple(pins), links=tuple(links))


def _listing(tmp: Path, target: Target, requirements: tuple[str, ...] | list[str]) -> Path:
    listing = tmp / f"in-{os.getpid()}-{abs(hash((target.key, *requirements)))}.txt"
    listing.write_text("\n".join(requirements) + "\n")
    return listing


def compile_pins(
    uv: str, requirements: list[str], target: Target, tmp: Path, cutoff: str | None = None
) -> Pins:
    """Exact `name==version` pins of `requirements` for one target; the target named if none."""
    try:
        return _uv_compile(uv, [str(_listing(tmp, target, requirements))], target, tmp, cutoff)
    except CooldownError:
        raise
    except KitError as err:  # most often: a pinned version has no wheel for this platform
        raise KitError(f"No kit for {target.key}: {err.message}", TARGET_HINT) from None


def groups(pyproject: Path) -> list[str]:
    """The dependency groups a pyproject.toml declares (PEP 735)."""
    found = tomllib.loads(pyproject.read_text()).get("dependency-groups", {})
    return sorted(found) if isinstance(found, dict) else []


def pins_for(uv: str, exported: Export, target: Target, tmp: Path) -> Pins:
    """The locked versions for `target`; if one has no wheel there, pyproject.toml's newest."""
    try:
        listing = _listing(tmp, target, exported.requirements)
        return _uv_compile(uv, [str(listing)], target, tmp, exported.cutoff)
    except KitError as locked:
        backend = exported.repo.with_name(f"{exported.repo.name}-backend.in")  # one per job
        backend.write_text("\n".join(BUILD_BACKEND) + "\n")
        chosen = [
            arg for group in groups(exported.repo / "pyproject.toml") for arg in ("--group", group)
        ]
        try:
            sources = ["pyproject.toml", *chosen, str(backend)]
            found = _uv_compile(uv, sources, target, exported.repo, exported.cutoff)
        except CooldownError:
            raise
        except KitError as err:
            raise KitError(
                f"No kit for {target.key}: {exported.name}: neither its locked versions "
                f"({locked.message}) nor pyproject.toml's constraints ({err.message}) have wheels "
                "there.",
                TARGET_HINT,
            ) from None
    changed = tuple(changes(exported.requirements, found.pins))
    return Pins(found.pins, True, changed, found.links)


def changes(locked: tuple[str, ...] | list[str], pins: tuple[str, ...] | list[str]) -> list[str]:
    """The locked projects whose version `pins` changes: "x 1.0 (locked 2.0)"."""
    versions: dict[str, set[str]] = {}
    for line in locked:
        name, sep, version = line.split(";")[0].strip().partition("==")
        if sep:
            versions.setdefault(canonicalize_name(name), set()).add(version.strip())
    found = []
    for pin in pins:
        name, _, version = pin.partition("==")
        held = versions.get(canonicalize_name(name), {version})
        if version not in held:
            found.append(f"{name} {version} (locked {', '.join(sorted(held))})")
    return sorted(found)
