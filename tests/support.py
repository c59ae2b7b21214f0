"""Helpers shared by the template tests: render a repo, run its commands, validate configs.

Imported by test modules (pytest puts tests/ on sys.path). Validation is offline: the Helm
schemas come from ../shared/schemas, the compose and workflow schemas from check-jsonschema.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlscaffold.models import Orchestrator
from mlscaffold.naming import normalise
from mlscaffold.questions import resolve
from mlscaffold.render import Plan, render
from mlscaffold.scoring import recommend

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT.parent / "shared" / "schemas"
BIN = Path(sys.executable).parent


def render_repo(
    parent: Path,
    orchestrator: str,
    *,
    name: str = "demo-pipeline",
    git: bool = False,
    **answers: object,
) -> Path:
    """Render like `mlscaffold new NAME --orchestrator X --flag value...` and return the repo."""
    names = normalise(name)
    resolved = resolve(answers)
    plan = Plan(
        names=names,
        target=parent / names.project,
        answers=resolved,
        recommendation=recommend(resolved),
        orchestrator=Orchestrator(orchestrator),
        git=git,
    )
    return render(plan).path


def clean_env(**extra: str) -> dict[str, str]:
    """The environment a user's shell would have: no VIRTUAL_ENV or pytest-xdist worker of ours
    leaking in (generated suites run xdist themselves), and compiled modules cached (CI
    machines may set PYTHONDONTWRITEBYTECODE; a laptop does not)."""
    ours = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("PYTEST_")}
    env.update(extra)
    return env


def run(
    cmd: list[str],
    cwd: Path,
    *,
    timeout: float = 1800,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its output (not a bare exit code), unless
    `check` is false (the caller asserts on the failure itself)."""
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-8000:]}"
        )
    return proc


def uv() -> str:
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is not on PATH; install it with `pip install uv`.")
    return found


def install_repo(repo: Path, env: dict[str, str], *source: str) -> None:
    """A participant's install of a generated repo into its own venv: the project and its dev
    group, from the package source `source` names (`--find-links KIT`, `--index-url URL`...)."""
    run([uv(), "venv", "--quiet"], repo, env=env)
    install = [uv(), "pip", "install", "--quiet", *source, "-e", ".", "--group", "dev"]
    run(install, repo, env=env)


def check_generated_repo(repo: Path) -> None:
    """What GENERATED_REPO.md asks of every repo: installs, its tests pass, ruff is clean, and
    its test session leaves nothing behind in the temporary folder."""
    run([uv(), "sync"], repo)
    run([uv(), "run", "ruff", "check"], repo)
    run([uv(), "run", "ruff", "format", "--check"], repo)
    tmp = repo.parent / f"{repo.name}-tmpdir"
    tmp.mkdir(exist_ok=True)
    run(
        [uv(), "run", "pytest", "-q", "-p", "no:cacheprovider"],
        repo,
        env=clean_env(TMPDIR=str(tmp)),
    )
    left = left_in_tmpdir(tmp)
    assert left == [], f"the test session left {left} in its TMPDIR ({tmp})"


def left_in_tmpdir(tmp: Path) -> list[str]:
    """What a run left in its TMPDIR, besides the caches kept there by design: pytest's base
    folder for tmp_path (its last three sessions), uv's empty lock files, and astronomer-cosmos's
    cache (`cosmos/`, its default AIRFLOW__COSMOS__CACHE_DIR: dbt's partial-parse state, reused
    by the next run)."""
    return sorted(
        p.name
        for p in tmp.iterdir()
        if not p.name.startswith("pytest-of-")
        and not (p.name.startswith("uv-") and p.name.endswith(".lock"))
        and p.name != "cosmos"
    )


def run_probe_test(
    repo: Path, name: str, source: str, *, cache: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run a test file of ours, `tests/<name>`, in a generated repo with its own pytest setup,
    in one process (-n 0), then remove it; the caller asserts on the outcome. `cache`: with
    pytest's cache (.pytest_cache), as a user's runs have it."""
    probe = repo / "tests" / name
    probe.write_text(source)
    try:
        pytest_ = [uv(), "run", "pytest", "-q", *([] if cache else ["-p", "no:cacheprovider"])]
        pytest_ += ["-n", "0"]
        return run([*pytest_, str(probe)], repo, check=False)
    finally:
        probe.unlink()


def validate_compose(path: Path) -> None:
    """`docker-compose config -q` (Debian's docker-compose) plus the compose-spec schema."""
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.fail("docker-compose is not installed: `apt-get install docker-compose`.")
    env = clean_env()
    # Compose interpolates ${VAR:?message}; give every variable .env.example names a value.
    example = path.parent / ".env.example"
    if example.exists():
        for line in example.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                env.setdefault(key.strip(), value.strip() or "x")
    run([compose, "-f", str(path), "config", "-q"], path.parent, env=env)
    run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)],
        path.parent,
    )


def validate_workflow(path: Path) -> None:
    run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        path.parent,
    )


def validate_kubernetes(*paths: Path) -> None:
    run([str(BIN / "kubernetes-validate"), "--strict", *map(str, paths)], paths[0].parent)


def validate_helm_values(chart: str, values: Path) -> None:
    """chart: a folder under ../shared/schemas, e.g. 'prefect-worker-chart'."""
    script = SCHEMAS / "validate_helm_values.py"
    run([sys.executable, str(script), str(SCHEMAS / chart), str(values)], values.parent)
