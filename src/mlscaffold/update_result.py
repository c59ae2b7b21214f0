"""What an update did: the report, the change list read from the staged private clone, and the
files left with conflicts (inline markers or .rej files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mlscaffold.update_git import run

CONFLICT_MARKER = "<<<<<<< "


@dataclass
class Change:
    path: str
    kind: Literal["added", "changed", "removed"]


@dataclass
class UpdateReport:
    from_version: str
    to_version: str
    changes: list[Change] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited files the template removed
    carried: list[tuple[str, str]] = field(default_factory=list)  # (old, new) renamed + edited
    conflicts: list[str] = field(default_factory=list)
    # Changed by both sides and not mergeable (binary): the user's kept, the template's beside it.
    overwritten: list[str] = field(default_factory=list)
    diff: str = ""
    decision_added: str = ""  # the new decision record, when the orchestrator changed


def list_changes(clone: Path, rel: Path) -> list[Change]:
    """What the update changes, from the staged clone, relative to the generated repo."""
    out = []
    listing = run(
        ["git", "diff", "--cached", "--name-status", "--no-renames", "HEAD", "--", rel.as_posix()],
        clone,
    )
    kinds: dict[str, Literal["added", "changed", "removed"]] = {
        "A": "added",
        "D": "removed",
    }
    for line in listing.splitlines():
        code, _, name = line.partition("\t")
        path = Path(name).relative_to(rel).as_posix() if rel != Path(".") else name
        out.append(Change(path, kinds.get(code[:1], "changed")))
    return out


def find_conflicts(repo: Path, changes: list[Change]) -> list[str]:
    found = []
    for change in changes:
        path = repo / change.path
        if change.kind == "removed" or not path.is_file():
            continue
        if path.suffix == ".rej":
            found.append(change.path)
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        if any(line.startswith(CONFLICT_MARKER) for line in text.splitlines()):
            found.append(change.path)
    return found
