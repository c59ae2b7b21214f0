"""Render a repository with Copier into a temporary directory, then move it into place.

The only module that imports copier (slow to import; `--help` and `recommend` never load it).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscaffold import REINSTALL, __version__, faults, shell, staging_folders
from mlscaffold.decision_record import decision_record
from mlscaffold.errors import RenderError, TargetError, ToolMissingError
from mlscaffold.models import Plan

__all__ = ["Plan", "Result", "check_target", "render", "template_root"]

DECISION_RECORD = Path("docs/decisions/0001-orchestrator.md")
ANSWERS_FILE = ".copier-answers.yml"
STAGING_TAG = "mlscaffold-staging-"  # `.NAME.mlscaffold-staging-XXXX` beside the target
FALLBACK_IDENTITY = ("-c", "user.name=mlscaffold", "-c", "user.email=mlscaffold@localhost")


def template_root() -> Path:
    """The Copier template: inside the installed wheel, or `templates/` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parents[1] / "templates"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise RenderError(
        "The mlscaffold templates are missing from this installation.",
        f"Reinstall mlscaffold ({REINSTALL}).",
    )


@dataclass(frozen=True)
class Result:
    path: Path
    commands: Mapping[str, str]  # run_command, test_command, ui_command, ui_url from copier.yml


def check_target(target: Path) -> None:
    """Refuse before asking anything: anything already at the target but an empty folder.

    A missing parent folder is fine (it is created, and removed again if rendering fails), as
    long as its nearest existing ancestor is a folder we can write to.
    """
    where = "Choose another name or --output-dir."
    if target.is_symlink():
        raise TargetError(f"{target} is a symbolic link.", where)
    if target.exists():
        if not target.is_dir():
            raise TargetError(f"{target} already exists and is a file.", where)
        if os.path.ismount(target):
            raise TargetError(f"{target} is a mount point; mlscaffold renders beside it.", where)
        if any(target.iterdir()):
            raise TargetError(
                f"{target} already exists and is not empty.",
                "Choose another name or --output-dir, or remove it first.",
            )
    ancestor = target.parent
    while not ancestor.exists():
        if ancestor.is_symlink():  # a dangling link on the way
            raise TargetError(f"--output-dir: {ancestor} is a broken symbolic link.", where)
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise TargetError(f"--output-dir: {ancestor} is a file, not a folder.", where)
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise TargetError(
            f"Cannot write to {ancestor}.", "Pick a folder you can write to with --output-dir."
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
        raise ToolMissingError(
            "git is not installed or not on PATH.", "Install git, or pass --no-git."
        )
    created = _make_parents(plan.target.parent)
    prefix = f".{plan.names.project}.{STAGING_TAG}"
    try:
        with (
            staging_folders.staging(plan.target.parent, prefix) as staging,
            staging_folders.temp_inside(staging / ".tmp"),
        ):
            out = staging / plan.names.project
            commands: dict[str, str] = {}
            _render_into(plan, out, commands)
            with faults.signals_deferred():  # moved into place whole, or not at all
                check_target(plan.target)  # someone may have created it meanwhile
                if plan.target.exists():
                    plan.target.rmdir()
                out.rename(plan.target)
                faults.set_outcome(f"the repository was created at {plan.target}")
    except BaseException:
        if created is not None:  # only the empty folders we made; never anyone's files
            for folder in [plan.target.parent, *plan.target.parent.parents]:
                try:
                    folder.rmdir()
                except OSError:
                    break
                if folder == created:
                    break
        raise
    return Result(plan.target, commands)


def _make_parents(parent: Path) -> Path | None:
    """Create `parent` and missing ancestors; return the topmost one created (to undo)."""
    top = None
    probe = parent
    while not probe.exists():
        top = probe
        probe = probe.parent
    if top is not None:
        parent.mkdir(parents=True)
    return top


def _render_into(plan: Plan, out: Path, commands: dict[str, str]) -> None:
    commands.update(_copy(plan, out))
    if shutil.which("git") is not None:
        _record_template_version(out / ANSWERS_FILE)
    record = out / DECISION_RECORD
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(decision_record(plan.answers, plan.recommendation, plan.orchestrator))
    if plan.git:
        _git_init(out)


def _copy(plan: Plan, out: Path) -> dict[str, str]:
    try:
        worker = _run_copy(str(template_root()), out, copier_data(plan))
    except (KeyboardInterrupt, SystemExit):
        raise
    except OSError as err:  # disk full, read-only: said as such, not as a template problem
        raise faults.from_os_error(err) from err
    except Exception as err:  # Copier's errors share no useful base class
        raise RenderError(
            f"Copier could not render the template: {faults.first_line(err)}",
            "Check the answers; if they look right, report this as an mlscaffold bug.",
        ) from err
    combined = worker.answers.combined
    keys = ("run_command", "test_command", "ui_command", "ui_url", "orchestrator_title")
    return {k: str(combined[k]) for k in keys if k in combined}


def _run_copy(src: str, out: Path, data: dict[str, Any]) -> Any:
    """`copier.run_copy` into a fresh folder, without one git call per rendered file.

    For every file it writes, Copier asks git whether the destination's index must be told of
    an executable bit (only when core.fileMode is false and the file is tracked). Nothing in a
    fresh staging folder is tracked, so the answer is always no: the worker subclass does not ask.
    Speed depends on Copier's internal worker; a Copier without it gets the public call.
    """
    import copier  # deferred: ~1 s to import

    options: dict[str, Any] = {"data": data, "defaults": True, "quiet": True, "overwrite": True}
    try:
        from copier._main import Worker
    except ImportError:  # pragma: no cover - a Copier that moved its worker
        return copier.run_copy(src, str(out), **options)

    class FreshFolder(Worker):
        def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
            """Nothing to sync: the folder is new, so git tracks none of its files."""

        @functools.cached_property
        def jinja_env(self) -> Any:
            env = super().jinja_env
            env.bytecode_cache = _bytecode_cache(env)
            return env

    with FreshFolder(src_path=src, dst_path=out, **options) as worker:
        worker.run_copy()
    return worker


def _bytecode_cache(env: Any) -> Any:
    """Jinja's compiled templates kept between runs (a third of a render is compiling them).

    In the user's cache folder, under a key of everything that changes the compiled code other
    than the template's own source (which Jinja checks per file): Jinja's and Python's versions,
    mlscaffold's, the environment's options and extensions. Never a reason to fail: a cache that
    cannot be read or written is skipped.
    """
    import hashlib
    import sys

    import jinja2
    import platformdirs
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    options = (
        jinja2.__version__,
        sys.version,
        __version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        sorted(env.extensions),
    )
    key = hashlib.sha256(repr(options).encode()).hexdigest()[:16]
    folder = Path(platformdirs.user_cache_dir("mlscaffold")) / "jinja" / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietCache(str(folder))


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
        shell.run(
            ["git", *args], repo, RenderError, "Fix git, or pass --no-git and commit yourself."
        )

    has_identity = shell.completed(["git", "config", "user.email"], repo).returncode == 0
    identity = () if has_identity else FALLBACK_IDENTITY
    git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    message = f"Initial commit from mlscaffold {__version__}"
    git(*identity, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)
