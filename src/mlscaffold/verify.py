"""`mlscaffold workshop verify OUT`: install and test every generated repository, in parallel.

Each repository in OUT (a folder from `mlscaffold batch`) gets its own `.venv`, installed with
`uv pip install -e . --group dev` (offline from KIT/wheels when a kit is given), then runs
`uv run --no-sync pytest`. At most one repository per core runs at a time. The result per
repository: green or red, the seconds it took, and the first failing line.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mlscaffold import shell
from mlscaffold.errors import InputFileError, ToolMissingError
from mlscaffold.shell import INSTALL_HINTS


@dataclass
class RepoRun:
    name: str
    path: Path
    status: str = "waiting"  # waiting, installing, testing, green, red
    seconds: float = 0.0
    first_failure: str = ""
    started: float = field(default=0.0, repr=False)

    @property
    def done(self) -> bool:
        return self.status in ("green", "red")


def find_repos(out: Path) -> list[Path]:
    """The generated repositories directly inside OUT (a pyproject.toml and .copier-answers.yml)."""
    if not out.is_dir():
        raise InputFileError(
            f"{out} is not a folder.", "Give the --out folder of mlscaffold batch."
        )
    repos = sorted(
        p
        for p in out.iterdir()
        if p.is_dir() and (p / "pyproject.toml").is_file() and (p / ".copier-answers.yml").is_file()
    )
    if not repos:
        hint = "Render some first: mlscaffold batch ROSTER --out FOLDER."
        raise InputFileError(f"{out} holds no generated repositories.", hint)
    return repos


def max_workers() -> int:
    return max(1, os.cpu_count() or 1)


def first_failing_line(output: str) -> str:
    """pytest's first FAILED/ERROR summary line, else its first `E ` line, else the last line."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    for prefixes in (("FAILED ", "ERROR "), ("E ",)):
        for line in lines:
            if line.startswith(prefixes):
                return line.strip()
    return lines[-1].strip() if lines else "no output"


def _env(kit: Path | None, test_workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    if kit is not None:
        env["UV_OFFLINE"] = "1"
    # Generated suites run with `pytest -n auto` (one worker per core): share the cores among
    # the repositories tested at once rather than start cores x cores workers.
    env["PYTEST_XDIST_AUTO_NUM_WORKERS"] = str(test_workers)
    return env


def verify_one(
    repo: RepoRun,
    uv: str,
    kit: Path | None,
    changed: Callable[[RepoRun], None],
    test_workers: int = 1,
) -> None:
    repo.started = time.perf_counter()
    env = _env(kit, test_workers)
    source = (
        ["--offline", "--no-index", "--find-links", str(kit / "wheels")] if kit is not None else []
    )
    steps = [
        ("installing", [uv, "venv", "--quiet", "--allow-existing"]),
        ("installing", [uv, "pip", "install", "--quiet", *source, "-e", ".", "--group", "dev"]),
        ("testing", [uv, "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"]),
    ]
    for status, cmd in steps:
        repo.status = status
        changed(repo)
        proc = shell.completed(cmd, repo.path, env=env)
        if proc.returncode != 0:
            text = proc.stdout if status == "testing" else proc.stderr or proc.stdout
            repo.first_failure = first_failing_line(text)
            repo.status = "red"
            break
    else:
        repo.status = "green"
    repo.seconds = time.perf_counter() - repo.started
    changed(repo)


def run(
    out: Path,
    kit: Path | None = None,
    workers: int | None = None,
    changed: Callable[[RepoRun], None] = lambda repo: None,
    only: Sequence[Path] | None = None,
) -> list[RepoRun]:
    """Verify every repository in OUT (or `only` these); one RepoRun each, in name order."""
    import shutil

    uv = shutil.which("uv")
    if uv is None:
        raise ToolMissingError("uv is not installed or not on PATH.", INSTALL_HINTS["uv"])
    if kit is not None and not any((kit / "wheels").glob("*.whl")):
        raise InputFileError(
            f"--kit {kit} holds no wheels.", "Give the folder made by mlscaffold workshop prepare."
        )
    paths = find_repos(out) if only is None else sorted(only)
    repos = [RepoRun(p.name, p) for p in paths]
    if not repos:
        return []
    lock = threading.Lock()

    def report(repo: RepoRun) -> None:
        with lock:
            changed(repo)

    at_once = min(workers or max_workers(), len(repos))
    test_workers = max(1, max_workers() // at_once)
    pool = ThreadPoolExecutor(max_workers=at_once)
    try:
        futures = [pool.submit(verify_one, repo, uv, kit, report, test_workers) for repo in repos]
        for future in futures:
            future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return repos
