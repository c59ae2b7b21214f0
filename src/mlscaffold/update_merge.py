"""The template side of `mlscaffold update`, run inside the private clone: Copier's three-way
merge, plus the guards for the edits Copier would drop (a file the template deletes or renames,
a binary both sides changed) and the decision record for an orchestrator switch."""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from mlscaffold import faults, shell, store
from mlscaffold.decision_record import decision_record
from mlscaffold.errors import RenderError
from mlscaffold.models import Orchestrator
from mlscaffold.questions import BY_KEY, resolve
from mlscaffold.render import ANSWERS_FILE, DECISION_RECORD
from mlscaffold.scoring import recommend
from mlscaffold.update_result import UpdateReport

TEMPLATE_SUFFIX = ".template-version"
RENAME_SIMILARITY = 0.6
ORIGINAL_STATUS = "Status: accepted. Written by `mlscaffold new`; edit freely."


def apply(
    repo: Path,
    scratch: Path,
    answers: dict[str, Any],
    old: str,
    target: str,
    changes: Mapping[str, object],
    conflict: Literal["inline", "rej"],
) -> UpdateReport:
    """Run Copier's update in `repo` (the private clone) and guard the edits Copier drops.

    Copier renders the old and the new template version beside the repository to compute its
    merge; the guards compare the same two renders (kept as Copier makes them), so the update
    renders each version once. Only if a Copier release renders differently than expected are
    they rendered again here.
    """
    old_answers = {k: v for k, v in answers.items() if not k.startswith("_")}
    new_answers = {**old_answers, **changes}
    original = snapshot(repo)  # the clone is the user's clean tree: their files as they are
    renders = copier_update(repo, target, changes, conflict)
    before = renders.get("old") or render(scratch / "old", old, old_answers)
    after = renders.get("new") or render(scratch / "new", target, new_answers)
    removed = sorted(set(before) - set(after) - {ANSWERS_FILE})
    added = sorted(set(after) - set(before))
    # Edited files the new template removes: Copier dropped the edit.
    edited = {
        path: original[path]
        for path in removed
        if path in original and original[path] != before[path]
    }
    renames = {path: renamed_to(before[path], after, added) for path in edited}
    # Files the user and the template both changed: Copier may have overwritten a binary one.
    both = {
        path: original[path]
        for path in set(before) & set(after) - {ANSWERS_FILE}
        if before[path] != after[path]
        and path in original
        and original[path] not in (before[path], after[path])
    }

    report = UpdateReport(old, target)
    for path, content in edited.items():
        new_name = renames[path]
        if new_name is None:
            write(repo / path, content)
            report.kept.append(path)
        else:
            merged = merge_file(repo / new_name, before[path], content)
            write(repo / new_name, merged)
            (repo / path).unlink(missing_ok=True)
            report.carried.append((path, new_name))
    for path, content in both.items():
        if (repo / path).is_file() and (repo / path).read_bytes() == after[path]:
            # Copier replaced the user's version: put it back, offer the template's beside it.
            write(repo / path, content)
            write(repo / f"{path}{TEMPLATE_SUFFIX}", after[path])
            report.overwritten.append(path)
    if "orchestrator" in changes and changes["orchestrator"] != answers.get("orchestrator"):
        report.decision_added = record_switch(repo, new_answers, str(answers["orchestrator"]))
    return report


def copier_update(
    repo: Path, target: str, changes: Mapping[str, object], conflict: Literal["inline", "rej"]
) -> dict[str, dict[str, bytes]]:
    """Copier's update of `repo`; returns the old and new renders it made on the way, or {}.

    The renders are read from Copier's own worker (`copier._main.Worker`, internal): a Copier
    without it, or one that renders elsewhere, is run through its public `run_update` and the
    caller renders both versions itself. Speed depends on the internals; correctness does not.
    """
    import copier

    renders: dict[str, dict[str, bytes]] = {}
    options: dict[str, Any] = {"data": dict(changes), "vcs_ref": target, "conflict": conflict}
    options |= dict.fromkeys(("defaults", "overwrite", "skip_answered", "quiet", "unsafe"), True)
    try:
        try:
            from copier._main import Worker
        except ImportError:  # pragma: no cover - a Copier that moved its worker
            copier.run_update(str(repo), **options)
            return {}

        class Recording(Worker):
            """Keeps the files of the renders Copier makes beside the repository (old_copy,
            new_copy in its temporary folders) before Copier deletes them."""

            def run_copy(self) -> None:
                super().run_copy()
                dst = Path(self.dst_path)
                kind = next((k for k in ("old", "new") if _made_by_copier(dst, k)), None)
                if kind is not None and kind not in renders:
                    renders[kind] = snapshot(dst)

        with Recording(dst_path=repo, **options) as worker:
            worker.run_update()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:
        raise RenderError(
            f"Copier could not update: {faults.first_line(err)}", "Nothing was changed."
        ) from err
    return renders if set(renders) == {"old", "new"} else {}


def _made_by_copier(dst: Path, kind: str) -> bool:
    """Is `dst` inside the temporary folder Copier renders the `kind` version into?"""
    return any(f".{kind}_copy." in part for part in dst.parts)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` but git's own, by path relative to `root`."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def render(dst: Path, version: str, answers: Mapping[str, object]) -> dict[str, bytes]:
    import copier

    try:
        copier.run_copy(
            store.spec(),
            str(dst),
            data=dict(answers),
            vcs_ref=version,
            defaults=True,
            quiet=True,
            unsafe=True,
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:  # Copier's and plumbum's errors share no useful base class
        raise RenderError(
            f"Copier could not render template {version}: "
            f"{faults.shorten(faults.first_line(err), 160)}",
            "Nothing was changed. Run `mlscaffold doctor`; if the store is damaged, delete it.",
        ) from err
    return snapshot(dst)


def renamed_to(content: bytes, after: Mapping[str, bytes], added: list[str]) -> str | None:
    """The added file most like `content`, if alike enough to call it a rename."""
    try:
        text = content.decode()
    except UnicodeDecodeError:
        return None
    best, best_ratio = None, RENAME_SIMILARITY
    for candidate in added:
        try:
            other = after[candidate].decode()
        except UnicodeDecodeError:
            continue
        ratio = difflib.SequenceMatcher(None, text, other).ratio()
        if ratio >= best_ratio:
            best, best_ratio = candidate, ratio
    return best


def merge_file(current: Path, base: bytes, mine: bytes) -> bytes:
    """Three-way merge of the user's edit (base -> mine) into the renamed file."""
    with tempfile.TemporaryDirectory() as tmp:
        base_path, mine_path = Path(tmp) / "base", Path(tmp) / "mine"
        base_path.write_bytes(base)
        mine_path.write_bytes(mine)
        ours = current.read_bytes() if current.exists() else base
        ours_path = Path(tmp) / "ours"
        ours_path.write_bytes(ours)
        proc = shell.completed(
            [
                "git",
                "merge-file",
                "-p",
                "-L",
                "template",
                "-L",
                "old template",
                "-L",
                "yours",
                str(ours_path),
                str(base_path),
                str(mine_path),
            ],
            None,
            text=False,
        )
        if proc.returncode < 0 or proc.returncode > 127:
            raise RenderError("git merge-file failed.", "Nothing was changed.")
        return bytes(proc.stdout)


def write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def record_switch(repo: Path, answers: Mapping[str, object], previous: str) -> str:
    """A new decision record for the switch; the first record is the user's, never rewritten.

    Only its "Status" line, if still the one mlscaffold wrote, is marked as superseded.
    """
    resolved = resolve({k: v for k, v in answers.items() if k in BY_KEY and v is not None})
    chosen = Orchestrator(str(answers["orchestrator"]))
    folder = repo / DECISION_RECORD.parent
    numbers = [int(p.name[:4]) for p in folder.glob("[0-9][0-9][0-9][0-9]-*.md")]
    number = max(numbers, default=0) + 1
    name = f"{number:04d}-switch-to-{chosen.value}.md"
    body = decision_record(resolved, recommend(resolved), chosen)
    rest = body.partition("\n")[2]
    heading = (
        f"# {number}. Orchestrator: switch from {Orchestrator(previous).label} to {chosen.label}"
    )
    supersedes = f"Supersedes [{DECISION_RECORD.name}]({DECISION_RECORD.name})."
    write(folder / name, f"{heading}\n\n{supersedes}\n{rest}".encode())
    first = repo / DECISION_RECORD
    if first.is_file():
        text = first.read_text(errors="replace")
        if ORIGINAL_STATUS in text:
            first.write_text(
                text.replace(ORIGINAL_STATUS, f"Status: superseded by [{name}]({name}).", 1)
            )
    return str(DECISION_RECORD.parent / name)
