"""`mlscaffold workshop prepare`: an offline kit of every wheel the generated repositories need.

For each orchestrator (and dbt on/off) a repository is rendered into a temporary folder, locked
with uv and exported (all dependency groups). Then, for each target (platform x Python):

1. `uv pip compile --python-platform P --python-version V` turns the universal lock into the
   exact pins of that target (markers evaluated, wheel tags checked); when a locked version has
   no wheel there, the repository's pyproject.toml constraints are resolved for that target
   instead (kit_resolve.py), and kit.json and INSTRUCTIONS.md say so;
2. pins that a wheel already in KIT/wheels serves are kept (a pure-Python wheel is stored once);
3. the rest are downloaded with `pip download --only-binary=:all: --no-deps --platform ...
   --python-version V --implementation cp --no-index --find-links PAGE`, where PAGE lists the
   wheel files uv's resolution named (its pylock.toml: URL and sha256), so pip fetches what uv
   chose and never asks an index that may not have it yet.

The kit also holds mlscaffold's own wheel (built with `uv build` from a source checkout, or
downloaded) with its dependencies, and uv's wheels, so a participant with only Python can
bootstrap. KIT/kit.json lists the wheels of each target; KIT/INSTRUCTIONS.md the commands.
Participants install with no network:

    uv venv && uv pip install --offline --no-index --find-links KIT/wheels -e . --group dev
    uv run --no-sync pytest

(`uv sync --offline` is not enough: it locks for every platform and Python version at once.)
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

from mlscaffold import (
    DISTRIBUTION,
    faults,
    kit_download,
    kit_manifest,
    kit_resolve,
    staging_folders,
)
from mlscaffold.errors import TargetError
from mlscaffold.kit_manifest import FALLBACK, read_manifest
from mlscaffold.kit_platforms import DEFAULT_PYTHONS, PLATFORMS, Platform, Target, targets
from mlscaffold.models import Orchestrator
from mlscaffold.render import STAGING_TAG

TOOLS = ("uv",)  # uv ships one wheel per platform: the bootstrap for a laptop with only Python
MARKER = ".mlscaffold-kit"  # says: this folder is a kit mlscaffold made; it may be refilled
COMPILE_WORKERS = 4
COOLDOWN_DAYS = 7  # releases younger than this are left out of a kit (uv --exclude-newer)


def cutoff_for(days: int, now: datetime | None = None) -> str | None:
    """The RFC 3339 upload time a kit's releases must precede; None: no cool-down."""
    if days <= 0:
        return None
    moment = (now or datetime.now(UTC)) - timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def check_kit_folder(kit: Path) -> None:
    """A new folder, an empty one, or a kit made before; never someone else's files."""
    if kit.is_symlink() or (kit.exists() and not kit.is_dir()):
        raise TargetError(f"--out {kit} is not a folder.", "Choose a new folder for the kit.")
    if kit.is_dir() and any(kit.iterdir()) and not (kit / MARKER).is_file():
        raise TargetError(
            f"--out {kit} is not empty and is not a kit made by mlscaffold.",
            "Choose a new or empty folder; nothing in it was changed.",
        )


def prepare(
    kit: Path,
    orchestrators: Sequence[Orchestrator] = tuple(Orchestrator),
    dbt_options: Sequence[bool] = (False, True),
    progress: Callable[[str], None] = lambda message: None,
    *,
    platforms: Sequence[Platform] = tuple(PLATFORMS.values()),
    pythons: Sequence[str] = DEFAULT_PYTHONS,
    cooldown_days: int = COOLDOWN_DAYS,
) -> list[Path]:
    """Fill KIT/wheels for every platform x Python; return the wheel files.

    A new kit is built in a staging folder beside KIT and moved into place when complete; a
    kit made before is refilled in place (wheels are only ever added).
    """
    kit = Path(os.path.abspath(kit))  # a relative --out: the same folder whatever the cwd
    check_kit_folder(kit)
    uv = kit_resolve.find_uv()
    chosen = targets(platforms, pythons)
    cutoff = cutoff_for(cooldown_days)
    if (kit / MARKER).is_file():
        _fill(kit, uv, orchestrators, dbt_options, chosen, progress, cutoff)
        return sorted((kit / "wheels").glob("*.whl"))
    kit.parent.mkdir(parents=True, exist_ok=True)
    with staging_folders.staging(kit.parent, f".{kit.name}.{STAGING_TAG}") as staging:
        built = staging / kit.name
        built.mkdir()
        (built / MARKER).write_text("Made by mlscaffold workshop prepare.\n")
        _fill(built, uv, orchestrators, dbt_options, chosen, progress, cutoff)
        with faults.signals_deferred():
            check_kit_folder(kit)
            if kit.exists():
                kit.rmdir()  # empty, checked above
            built.rename(kit)
            faults.set_outcome(f"the kit was created at {kit}")
    return sorted((kit / "wheels").glob("*.whl"))


def _held(wheels: Path) -> dict[tuple[str, str], list[str]]:
    held: dict[tuple[str, str], list[str]] = {}
    for path in wheels.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(path.name)
        held.setdefault((name, str(version)), []).append(path.name)
    return held


def _served(pin: str, target: Target, held: dict[tuple[str, str], list[str]]) -> str | None:
    name, _, version = pin.partition("==")
    key = (canonicalize_name(name), str(parse_wheel_filename(f"x-{version}-py3-none-any.whl")[1]))
    accepted = [w for w in held.get(key, []) if target.accepts(w)]
    return accepted[0] if accepted else None


def _fill(
    kit: Path,
    uv: str,
    orchestrators: Sequence[Orchestrator],
    dbt_options: Sequence[bool],
    chosen: list[Target],
    progress: Callable[[str], None],
    cutoff: str | None,
) -> None:
    wheels = kit / "wheels"
    wheels.mkdir(exist_ok=True)
    manifest = read_manifest(kit)
    recorded = manifest.get("targets", {})
    done: dict[str, object] = dict(recorded) if isinstance(recorded, dict) else {}
    combos = list(itertools.product(orchestrators, dbt_options))
    with staging_folders.staging(Path(tempfile.gettempdir()), "mlscaffold-kit-") as tmp:
        exports = []
        for orchestrator, dbt in combos:
            progress(f"locking {kit_resolve.combo_name(orchestrator, dbt)}")
            exports.append(kit_resolve.export(uv, tmp, orchestrator, dbt, cutoff))
        progress("building mlscaffold's wheel")
        mine = kit_download.own_wheel(uv, tmp / "self")
        if not (wheels / mine.name).exists():
            shutil.copy2(mine, wheels / mine.name)
        tooling = [f"{DISTRIBUTION} @ {mine.as_uri()}", *TOOLS]
        for number, target in enumerate(chosen, 1):
            started = time.perf_counter()
            progress(f"[{number}/{len(chosen)}] resolving for {target.key}")
            pins: set[str] = set()
            # uv revalidates each package's index page: network-bound, so a few at a time.
            with ThreadPoolExecutor(max_workers=COMPILE_WORKERS) as pool:
                repos = [pool.submit(kit_resolve.pins_for, uv, e, target, tmp) for e in exports]
                tools = pool.submit(kit_resolve.compile_pins, uv, tooling, target, tmp, cutoff)
                resolved = {e.name: job.result() for e, job in zip(exports, repos, strict=True)}
                found = [*resolved.values(), tools.result()]
                pins = {p for r in found for p in r.pins}
                links = sorted({link for r in found for link in r.links})
            pins = {p for p in pins if canonicalize_name(p.split("==")[0]) != DISTRIBUTION}
            held = _held(wheels)
            uses = {mine.name}
            missing = set()
            for pin in pins:
                served = _served(pin, target, held)
                if served:
                    uses.add(served)
                else:
                    missing.add(pin)
            progress(
                f"[{number}/{len(chosen)}] downloading {len(missing)} wheels for {target.key} "
                f"({len(pins) - len(missing)} already in the kit)"
            )
            fresh = tmp / "download" / target.key
            fresh.mkdir(parents=True)
            pip_args = [a for tag in target.platform.tags for a in ("--platform", tag)]
            pip_args += ["--python-version", target.python, "--implementation", "cp"]
            for layer in kit_download.layers(missing):
                kit_download.pip_download(uv, fresh, layer, pip_args, tmp, links)
            for path in fresh.glob("*.whl"):
                uses.add(path.name)
                if not (wheels / path.name).exists():
                    shutil.move(path, wheels / path.name)
            shutil.rmtree(fresh, ignore_errors=True)
            fallback = {name: list(r.changed) for name, r in resolved.items() if r.fallback}
            done[target.key] = {
                "platform": target.platform.key,
                "python": target.python,
                "wheels": sorted(uses),
                "downloaded": len(missing),
                "seconds": round(time.perf_counter() - started, 1),
                "uploaded_before": cutoff,
                **({FALLBACK: fallback} if fallback else {}),
            }
    combos_done = manifest.get("repositories", [])
    names = list(
        dict.fromkeys(
            [*(combos_done if isinstance(combos_done, list) else []), *(e.name for e in exports)]
        )
    )
    kit_manifest.write(kit, names, done, mine.name)
