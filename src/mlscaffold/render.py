"""Render a repository with Copier into a temporary directory, then move it into place.

The only module that imports copier (slow to import; `--help` and `recommend` never load it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscaffold import __version__
from mlscaffold.decision import decision_record
from mlscaffold.errors import RenderError, TargetError
from mlscaffold.models import Answers, Orchestrator, Recommendation
from mlscaffold.naming import Names

DECISION_RECORD = Path("docs/decisions/0001-orchestrator.md")
ANSWERS_FILE = ".copier-answers.yml"
FALLBACK_IDENTITY = ("-c", "user.name=mlscaffold", "-c", "user.email=mlscaffold@localhost")


def template_root() -> Path:
    """The Copier template: inside the installed wheel, or `templates/` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parents[1] / "templates"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise RenderError(
        "The mlscaffold templates are missing from this installation.",
        "Reinstall mlscaffold (pip install --force-reinstall mlscaffold).",
    )


@dataclass(frozen=True)
class Plan:
    names: Names
    target: Path
    answers: Answers
    recommendation: Recommendation
    orchestrator: Orchestrator
    git: bool = True

    @property
    def overridden(self) -> bool:
        return self.orchestrator is not self.recommendation.orchestrator


@dataclass(frozen=True)
class Result:
    path: Path
    commands: Mapping[str, str]  # run_command, test_command, ui_command, ui_url from copier.yml


def check_target(target: Path) -> None:
    """Refuse before asking anything: an existing non-empty directory or a file."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetError(
            f"{target} already exists and is not empty.",
            "Choose another name or --output-dir, or remove it first.",
        )
    if not target.parent.is_dir():
        raise TargetError(
            f"The folder {target.parent} does not exist.", "Create it or pick another --output-dir."
        )
    if not os.access(target.parent, os.W_OK):
        raise TargetError(
            f"Cannot write to {target.parent}.", "Pick a folder you can write to with --output-dir."
        )


def copier_data(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project_name": plan.names.project,
        "package_name": plan.names.package,
        "orchestrator": plan.orchestrator.value,
    }
    data.update({k: v for k, v in plan.answers.values.items() if v is not None})
    return data


def render(plan: Plan) -> Result:
    """Render `plan` at `plan.target`; on any failure or Ctrl-C leave nothing behind."""
    check_target(plan.target)
    if plan.git and shutil.which("git") is None:
        raise RenderError("git is not installed.", "Install git, or pass --no-git.")
    staging = Path(tempfile.mkdtemp(prefix=f".{plan.names.project}.", dir=plan.target.parent))
    try:
        out = staging / plan.names.project
        commands = _copy(plan, out)
        if shutil.which("git") is not None:
            _record_template_version(out / ANSWERS_FILE)
        record = out / DECISION_RECORD
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(decision_record(plan.answers, plan.recommendation, plan.orchestrator))
        if plan.git:
            _git_init(out)
        check_target(plan.target)  # someone may have created it meanwhile
        if plan.target.exists():
            plan.target.rmdir()
        out.rename(plan.target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Result(plan.target, commands)


def _copy(plan: Plan, out: Path) -> dict[str, str]:
    import copier  # deferred: ~1 s to import

    try:
        worker = copier.run_copy(
            str(template_root()),
            str(out),
            data=copier_data(plan),
            defaults=True,
            quiet=True,
            overwrite=True,
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:  # Copier's errors share no useful base class
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RenderError(
            f"Copier could not render the template: {message}",
            "Check the answers; if they look right, report this as an mlscaffold bug.",
        ) from err
    combined = worker.answers.combined
    keys = ("run_command", "test_command", "ui_command", "ui_url")
    return {k: str(combined[k]) for k in keys if k in combined}


def _record_template_version(answers_file: Path) -> None:
    """Point the answers at the template store and its version tag, so updates find them."""
    import yaml

    from mlscaffold import store

    header = answers_file.read_text().split("\n", 1)[0]
    answers = yaml.safe_load(answers_file.read_text())
    answers["_commit"] = store.ensure(template_root())
    answers["_src_path"] = store.spec()
    body = yaml.safe_dump(answers, sort_keys=True, default_flow_style=False, allow_unicode=True)
    answers_file.write_text(f"{header}\n{body}")


def _git_init(repo: Path) -> None:
    def git(*args: str) -> None:
        proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise RenderError(
                f"git {args[-1] if args else ''} failed: {detail[0] if detail else 'no output'}",
                "Fix git, or pass --no-git and commit yourself.",
            )

    has_identity = (
        subprocess.run(["git", "config", "user.email"], cwd=repo, capture_output=True).returncode
        == 0
    )
    identity = () if has_identity else FALLBACK_IDENTITY
    git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    message = f"Initial commit from mlscaffold {__version__}"
    git(*identity, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)
