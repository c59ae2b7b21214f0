"""What the commands print after they ran (the recommendation itself is printed by explain.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlscaffold.models import Plan

if TYPE_CHECKING:
    from rich.console import Console

    from mlscaffold.update import UpdateReport


def next_steps(console: Console, plan: Plan) -> None:
    """The first commands in the new repository, from the orchestrator's profile."""
    profile = plan.orchestrator.profile
    steps = [
        (f"cd {plan.target}", "enter the repository"),
        ("uv sync", "install (creates .venv and uv.lock)"),
        ('git add uv.lock && git commit -m "Lock dependencies"', "CI and images use --locked"),
        ("uv run pytest", "run its tests"),
        (profile.run(plan.names.package), "run the pipeline once"),
        (profile.ui_command, f"local UI at {profile.ui_url}"),
    ]
    if not plan.git:
        steps.pop(2)
    console.print("Next steps:")
    width = max(len(cmd) for cmd, _ in steps)
    for cmd, what in steps:
        console.print(f"  {cmd:<{width}}  # {what}", soft_wrap=True)


def print_update(console: Console, report: UpdateReport, dry_run: bool) -> None:
    if not report.changes:
        console.print(f"Up to date: template {report.to_version}; nothing to change.")
        return
    verb = "Would update" if dry_run else "Updated"
    console.print(f"{verb} template {report.from_version} -> {report.to_version}:")
    for change in report.changes:
        console.print(f"  {change.kind:<8} {change.path}", soft_wrap=True)
    for path in report.kept:
        console.print(f"Kept {path}: the new template removes it, but you had edited it.")
    for old, new in report.carried:
        console.print(f"Carried your edits of {old} to {new} (the template renamed it).")
    for path in report.overwritten:
        console.print(
            f"Both changed {path} and it cannot be merged: yours is kept, the template's "
            f"version is beside it as {path}.template-version."
        )
    if report.decision_added:
        console.print(
            f"Recorded the switch in {report.decision_added} (your first record is kept)."
        )
    if dry_run and report.diff:
        console.print(report.diff, markup=False, highlight=False, soft_wrap=True)
    if report.conflicts:
        console.print("Conflicts to resolve (look for <<<<<<< markers or .rej files):")
        for path in report.conflicts:
            console.print(f"  {path}")
    elif not dry_run:
        console.print(
            "Review with `git diff` and commit. To undo (the tree was clean before the update): "
            "git checkout . && git clean -fd"
        )
