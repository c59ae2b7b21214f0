"""Containers, Kubernetes and local dev of the generated repos: what a security review checks.

Every orchestrator x infrastructure is rendered once per module under a name with an underscore
(`My Pipeline` -> `my_pipeline`), the case that breaks Kubernetes names. The checks run the
field's own tools: hadolint on every Dockerfile, kubernetes-validate --strict on every manifest,
the Helm charts' schemas on every values file, docker-compose on every compose file, make -n on
every Makefile target. The e2e test starts Airflow's `make dev` and reads the listening sockets.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import processes_in

from support import (
    BIN,
    clean_env,
    render_repo,
    run,
    uv,
    validate_compose,
    validate_helm_values,
    validate_kubernetes,
)

ORCHESTRATORS = ["airflow", "dagster", "prefect"]
INFRAS = ["local", "kubernetes", "managed"]
NAME = "My Pipeline"  # normalised to the project `my_pipeline`
K8S_NAME = "my-pipeline"
RFC1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
HELM_CHART = {
    "airflow": "airflow-chart",
    "dagster": "dagster-chart",
    "prefect": "prefect-worker-chart",
}
# What must never reach a `docker build` context, for every orchestrator.
DOCKERIGNORED = {
    ".env",
    ".git/",
    ".venv/",
    "data/",
    "artifacts/",
    "**/__pycache__/",
    ".pytest_cache/",
    ".ruff_cache/",
    "dbt/target/",
    "dbt/logs/",
}
LOCAL_STATE = {
    "airflow": {".airflow/", "logs/"},
    "dagster": {".dagster/", ".tmp_dagster_home_*/"},
    "prefect": {".prefect/"},
}
# The targets every Makefile has; each orchestrator may add its own.
COMMON_TARGETS = {"install", "dev", "run", "test", "lint", "format", "up", "down"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """Render each orchestrator x infrastructure once for the whole module."""
    cache: dict[tuple[str, str], Path] = {}

    def get(orchestrator: str, infra: str) -> Path:
        if (orchestrator, infra) not in cache:
            # cloud "none": the managed service with a Dockerfile of its own (Astro) for Airflow.
            cloud: dict[str, Any] = {"cloud": "none"} if infra == "managed" else {}
            parent = tmp_path_factory.mktemp(f"{orchestrator}-{infra}")
            cache[orchestrator, infra] = render_repo(
                parent, orchestrator, name=NAME, infra=infra, dbt=True, **cloud
            )
        return cache[orchestrator, infra]

    return get


@pytest.fixture(
    scope="module",
    params=[(o, i) for o in ORCHESTRATORS for i in INFRAS],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def repo(request: pytest.FixtureRequest, rendered: Callable[[str, str], Path]) -> Path:
    return rendered(*request.param)


def _answer(repo: Path, key: str) -> str:
    return str(yaml.safe_load((repo / ".copier-answers.yml").read_text())[key])


def _orchestrator(repo: Path) -> str:
    return _answer(repo, "orchestrator")


def _dockerfiles(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("Dockerfile") if ".venv" not in p.parts)


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_dockerignore_keeps_secrets_data_and_local_state_out(repo: Path) -> None:
    patterns = set((repo / ".dockerignore").read_text().splitlines())
    expected = DOCKERIGNORED | LOCAL_STATE[_orchestrator(repo)]
    assert expected <= patterns, sorted(expected - patterns)
    # What the Dockerfile copies before `uv sync` must stay in the context.
    for needed in ("pyproject.toml", "uv.lock", "README.md", "src/", "!.env.example"):
        assert needed.lstrip("!") not in patterns, needed


def test_every_dockerfile_is_hadolint_clean(repo: Path) -> None:
    dockerfiles = _dockerfiles(repo)
    assert repo / "Dockerfile" in dockerfiles
    for dockerfile in dockerfiles:
        # JSON output: any finding, even at info level, fails (cwd: a repo .hadolint.yaml applies).
        proc = subprocess.run(
            [str(BIN / "hadolint"), "-f", "json", str(dockerfile)],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.stdout.strip(), proc.stderr
        assert json.loads(proc.stdout) == [], f"{dockerfile.relative_to(repo)}: {proc.stdout}"


def test_project_image_runs_as_numeric_non_root_and_installs_locked(repo: Path) -> None:
    steps = _instructions(repo / "Dockerfile")
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users, "no USER"
    assert users[-1] == "10001:10001", users
    runs = " ".join(args for keyword, args in steps if keyword == "RUN")
    assert re.search(r"useradd [^&]*--uid 10001 ", runs)
    assert "groupadd --gid 10001 " in runs
    syncs = re.findall(r"uv sync[^&]*", runs)
    assert syncs, "no uv sync"
    assert all("--locked" in sync for sync in syncs), syncs
    copies = [args for keyword, args in steps if keyword == "COPY"]
    assert "pyproject.toml uv.lock README.md ./" in copies  # no `uv.lock*`: a missing lock fails
    comment = (repo / "Dockerfile").read_text()
    assert "commit uv.lock" in comment


def test_every_base_image_is_pinned_by_tag(repo: Path) -> None:
    for dockerfile in _dockerfiles(repo):
        images = [
            args.split()[0] for keyword, args in _instructions(dockerfile) if keyword == "FROM"
        ]
        images += re.findall(r"--from=(\S+)", dockerfile.read_text())
        assert images
        for image in images:
            tag = image.rpartition("/")[2].partition(":")[2]
            assert re.search(r"\d", tag), f"{dockerfile}: {image} has no version tag"


def test_compose_binds_localhost_and_runs_our_image_as_10001(repo: Path) -> None:
    # The compose file does not vary with the infrastructure: run the tools on it once.
    if _answer(repo, "infra") == "local":
        validate_compose(repo / "docker-compose.yml")
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    ours = 0
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
        if "build" in service or str(service.get("image", "")).endswith(":local"):
            ours += 1
            assert service.get("user") == "10001:10001", name
    assert ours >= 2


def test_makefile_targets_all_dry_run(repo: Path) -> None:
    text = (repo / "Makefile").read_text()
    (phony,) = re.findall(r"^\.PHONY: (.*)$", text, flags=re.M)
    targets = set(re.findall(r"^([a-z][a-z0-9_-]*):", text, flags=re.M))
    assert set(phony.split()) == targets
    assert targets >= COMMON_TARGETS
    make = shutil.which("make")
    assert make, "make is not installed"
    for target in sorted(targets):
        proc = subprocess.run(
            [make, "-n", target],
            cwd=repo,
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=60,
        )
        assert proc.returncode == 0, f"make -n {target}: {proc.stderr}"
        assert proc.stdout.strip(), f"make -n {target} prints no command"


def test_airflow_dev_binds_localhost_and_is_sized_for_a_laptop(
    rendered: Callable[[str, str], Path],
) -> None:
    repo = rendered("airflow", "local")
    dry = run(["make", "-n", "dev"], repo).stdout
    assert "airflow standalone" not in dry  # its log servers bind 0.0.0.0, whatever the config
    assert "uv run python -m my_pipeline.dev" in dry
    dev = (repo / "src" / "my_pipeline" / "dev.py").read_text()
    for component in ("scheduler", "triggerer"):
        assert f'"{component}", "--skip-serve-logs"' in dev, component
    exported = dict(
        re.findall(r"^export (\w+) [:?]?= (.*)$", (repo / "Makefile").read_text(), re.M)
    )
    assert exported["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert exported["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert int(exported["AIRFLOW__CORE__PARALLELISM"]) <= 4


def _names_in_values(node: object, key: str = "") -> list[str]:
    """Every Kubernetes object name a Helm values file sets (not env var names)."""
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "env":
                continue
            if isinstance(v, str) and (
                k in {"name", "claimName", "existingSecret"} or k.endswith("SecretName")
            ):
                found.append(v)
            found += _names_in_values(v, k)
    elif isinstance(node, list):
        for item in node:
            found += _names_in_values(item, key)
    return found


def test_kubernetes_names_are_rfc1123_and_manifests_validate(repo: Path) -> None:
    deploy = repo / "deploy"
    yamls = sorted(deploy.rglob("*.yaml")) if deploy.is_dir() else []
    manifests = [p for p in yamls if "kind" in (yaml.safe_load(p.read_text()) or {})]
    values = [p for p in yamls if p.name == "values.yaml"]
    infra = _answer(repo, "infra")
    if infra != "kubernetes":
        assert not manifests
        assert not values
        return
    assert values
    names: list[str] = []
    if manifests:
        validate_kubernetes(*manifests)
        for manifest in manifests:
            meta = yaml.safe_load(manifest.read_text())["metadata"]
            names += [meta["name"], meta.get("namespace", K8S_NAME)]
    for path in values:
        validate_helm_values(HELM_CHART[_orchestrator(repo)], path)
        names += _names_in_values(yaml.safe_load(path.read_text()))
    assert any(K8S_NAME in name for name in names), names
    for name in names:
        assert RFC1123_LABEL.match(name), name
    # The README's commands create and use the same names.
    commands = [
        line
        for line in (repo / "README.md").read_text().splitlines()
        if line.startswith(("kubectl", "helm upgrade"))
    ]
    assert commands
    used = re.findall(r"(?:-n|namespace|generic) (\S+)", "\n".join(commands))
    assert K8S_NAME in used
    for name in used:
        assert RFC1123_LABEL.match(name), name


def test_readme_lists_the_security_defaults(repo: Path) -> None:
    readme = (repo / "README.md").read_text()
    section = readme.split("## What this repo does for you", 1)[1].split("\n## ", 1)[0]
    for claim in (".env.example", ".dockerignore", "`10001`", "uv sync --locked", "127.0.0.1"):
        assert claim in section, claim
    assert (repo / ".env.example").is_file()
    assert (repo / ".dockerignore").is_file()
    # The GitHub claims hold for the workflows this repo ships.
    assert "`.github/dependabot.yml`" in section
    assert (repo / ".github" / "dependabot.yml").is_file()
    deploy = repo / ".github" / "workflows" / "deploy.yml"
    assert ("`production`" in section) is deploy.exists()
    if deploy.exists():
        (job,) = yaml.safe_load(deploy.read_text())["jobs"].values()
        assert job["environment"] == "production"
    if _answer(repo, "infra") == "kubernetes":
        assert f"`{K8S_NAME}`" in section


def _listening(pids: set[int]) -> list[str]:
    """Local addresses of the TCP sockets these processes listen on (`ss -ltnpH`)."""
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    return [
        line.split()[3]
        for line in out.splitlines()
        if {int(p) for p in re.findall(r"pid=(\d+)", line)} & pids
    ]


@pytest.mark.e2e
def test_airflow_make_dev_listens_on_localhost_only(tmp_path: Path) -> None:
    """Start `make dev` for real; every socket its processes listen on is 127.0.0.1, and a
    SIGTERM to its process group stops every one of them (workers included)."""
    if shutil.which("ss") is None:
        pytest.fail("ss (iproute2) is not installed")
    repo = render_repo(tmp_path, "airflow", infra="local")
    run([uv(), "sync"], repo)
    log = tmp_path / "make-dev.log"
    with log.open("wb") as output:
        proc = subprocess.Popen(
            ["make", "dev"],
            cwd=repo,
            env=clean_env(),
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    # Each Airflow service runs in a session of its own (dev.py): find them by working directory.
    folder = repo.resolve()
    try:
        deadline = time.monotonic() + 600
        addresses: list[str] = []
        while time.monotonic() < deadline and "127.0.0.1:8080" not in addresses:
            time.sleep(5)
            assert proc.poll() is None, "make dev exited"
            addresses = _listening({int(row.split()[0]) for row in processes_in(folder)})
        assert "127.0.0.1:8080" in addresses, addresses
        time.sleep(20)  # the scheduler and triggerer are up by now; they would have bound too
        rows = processes_in(folder)
        addresses = _listening({int(row.split()[0]) for row in rows})
        assert addresses, "make dev listens nowhere"
        assert all(a.startswith("127.0.0.1:") for a in addresses), addresses
        assert 1 <= sum("LocalExecutor" in row for row in rows) <= 4, rows
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=90)
        assert processes_in(folder) == []
        stopped = log.read_text(errors="replace")  # the supervisor stopped them cleanly
        assert "Stopping Airflow..." in stopped, stopped[-3000:]
        assert "Traceback" not in stopped, stopped[-3000:]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for row in processes_in(folder):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(row.split()[0]), signal.SIGKILL)
