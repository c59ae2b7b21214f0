"""What a kit folder records: KIT/kit.json (each target's wheels) and KIT/INSTRUCTIONS.md.

kit.json lists, per target (platform x Python), the wheels it uses, how many were downloaded
for it, and `fallback`: the repositories whose wheels came from pyproject.toml's constraints
because a locked version has no wheel there, with each version that differs from the lock;
and `uploaded_before`: the cut-off its releases were chosen under (None: the newest releases).
"""

from __future__ import annotations

import json
from pathlib import Path

from mlscaffold import DISTRIBUTION, __version__
from mlscaffold.errors import InputFileError
from mlscaffold.kit_platforms import PLATFORMS, Platform, Target, describe_machine

MANIFEST = "kit.json"
FALLBACK = "fallback"  # a target's repositories resolved from pyproject.toml, not the lock


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
        return False, f"no kit platform matches this machine ({describe_machine()})"
    key = Target(platform_, python).key
    if key in held:
        return True, f"{platform_.label}, Python {python}"
    shown = ", ".join(names) if names else "no targets (made by an older mlscaffold?)"
    return False, f"not {key}; the kit covers {shown}"


def write(kit: Path, repositories: list[str], done: dict[str, object], own: str) -> None:
    """kit.json and INSTRUCTIONS.md, each replaced whole (never half-written)."""
    manifest = {"mlscaffold": __version__, "repositories": repositories, "targets": done}
    _replace(kit / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    _replace(kit / "INSTRUCTIONS.md", instructions(repositories, done, own))


def _replace(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)  # ours: the folder carries the kit marker


def instructions(repositories: list[str], done: dict[str, object], own: str) -> str:
    rows, fallback, cutoffs = [], [], set()
    for key in sorted(done):
        entry = done[key]
        if isinstance(entry, dict):
            cutoffs.add(entry.get("uploaded_before"))
            label = PLATFORMS[str(entry["platform"])].label
            rows.append(f"| {label} | {entry['python']} | `{key}` |")
            for repository, changed in (entry.get(FALLBACK) or {}).items():
                shown = "; ".join(changed) or "the same versions"
                fallback.append(f"- `{key}`, {repository}: {shown}.")
    if fallback:
        fallback = [FALLBACK_NOTE, *fallback, ""]
    return INSTRUCTIONS.format(
        version=__version__,
        repositories=", ".join(repositories),
        rows="\n".join(rows),
        distribution=DISTRIBUTION,
        own=own,
        fallback="\n".join(fallback),
        releases=_releases(cutoffs),
    )


def _releases(cutoffs: set[object]) -> str:
    dates = sorted(str(c) for c in cutoffs if c)
    if not dates:
        return "Versions: the newest releases when the kit was prepared (no cool-down)."
    newest = " / ".join(dates)
    plain = " (some targets: the newest releases)" if None in cutoffs else ""
    return f"Versions: releases uploaded before {newest}{plain} (`--cooldown`)."


FALLBACK_NOTE = """
Some locked versions have no wheel for these targets; their wheels were resolved from the
repository's pyproject.toml constraints for that platform and Python instead (what differs
from the lock):"""
INSTRUCTIONS = """# Offline workshop kit

Made by `mlscaffold workshop prepare` (mlscaffold {version}, `{own}`).
Repositories: {repositories}.
{releases}

| laptop | Python | target |
| --- | --- | --- |
{rows}
{fallback}
Copy this whole folder to your laptop (USB stick, shared drive). Nothing below needs the
network. Replace the KIT path with where you put the folder.

## macOS and Linux (bash or zsh)

```bash
KIT="$HOME/Downloads/kit"
TOOLS="$HOME/.mlscaffold-workshop"
python3 -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install --no-index --find-links "$KIT/wheels" {distribution} uv
source "$TOOLS/bin/activate"
mlscaffold doctor --kit "$KIT"
mlscaffold new my-pipeline --defaults
cd my-pipeline
uv venv
uv pip install --offline --no-index --find-links "$KIT/wheels" -e . --group dev
uv run --no-sync pytest            # --no-sync: `uv run` would otherwise try to lock online
```

## Windows (PowerShell)

```powershell
$KIT = "$HOME\\Downloads\\kit"
$TOOLS = "$HOME\\.mlscaffold-workshop"
py -m venv $TOOLS
& "$TOOLS\\Scripts\\python.exe" -m pip install --no-index -f "$KIT\\wheels" {distribution} uv
# If PowerShell refuses the next line: Set-ExecutionPolicy -Scope CurrentUser RemoteSigned
& "$TOOLS\\Scripts\\Activate.ps1"
mlscaffold doctor --kit "$KIT"
mlscaffold new my-pipeline --defaults
cd my-pipeline
uv venv
uv pip install --offline --no-index --find-links "$KIT\\wheels" -e . --group dev
uv run --no-sync pytest
```

## From the room's index instead of a copy

The facilitator runs `mlscaffold workshop serve KIT --host 0.0.0.0` and shows its address
(ADDRESS below, e.g. 192.168.1.20:8765). Replace `--no-index --find-links ...` with the index:

```
python -m pip install --index-url http://ADDRESS/simple --trusted-host HOST {distribution} uv
uv pip install --index-url http://ADDRESS/simple -e . --group dev
```

`uv sync` would lock for every platform and Python version and needs PyPI; install with
`uv pip install` as above.
"""
