"""The Prefect template: rendered repos install, pass their own checks and ship valid configs.

The e2e tests run the generated repo's suite, which runs the whole flow on real Prefect against
one throwaway Prefect API per test session (and, with --dbt, real dbt-duckdb through
prefect-dbt). The config tests
render every infrastructure and validate what it ships, offline.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import live_processes

from support import (
    check_generated_repo,
    clean_env,
    render_repo,
    run,
    run_probe_test,
    uv,
    validate_compose,
    validate_helm_values,
    validate_kubernetes,
    validate_workflow,
)

PLACEHOLDER = re.compile(r"^\{\{ (\w+) \}\}$")


def _render(tmp_path: Path, infra: str = "local", **answers: Any) -> Path:
    if infra == "managed":
        answers.setdefault("cloud", "none")
    return render_repo(tmp_path, "prefect", infra=infra, **answers)


@pytest.mark.e2e
@pytest.mark.parametrize("dbt", [False, True], ids=["python-features", "dbt-features"])
def test_generated_repo_installs_and_passes_its_checks(tmp_path, dbt):
    repo = _render(tmp_path, dbt=dbt)
    flows = (repo / "src" / "demo_pipeline" / "flows.py").read_text()
    assert ("PrefectDbtRunner" in flows) is dbt
    assert (repo / "tests" / "test_flow.py").is_file()
    check_generated_repo(repo)
    run([uv(), "run", "deptry", "."], repo)
    if not dbt:
        _the_session_api_ends_with_pytest(repo, tmp_path / "tmp")
        _the_api_leaves_no_folder_when_pytest_dies_before_reading_its_port(repo, tmp_path)
        _a_test_can_save_and_load_a_block(repo)
        _the_migrated_database_is_kept_reused_and_mended(repo)


# Named test_flow* so that conftest.py starts the session's test API for it.
BLOCK_TEST = """
from prefect.blocks.system import Secret


def test_a_block_saved_to_the_session_api_loads_back(prefect_api):
    Secret(value="probe-value").save("probe-block")
    assert Secret.load("probe-block").get() == "probe-value"
"""


def _a_test_can_save_and_load_a_block(repo: Path) -> None:
    """The test API registers no block types at start (conftest.py: it would import every
    Prefect collection installed); a test that saves a block registers its type itself."""
    proc = run_probe_test(repo, "test_flow_probe_block.py", BLOCK_TEST)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# Named test_flow* so that conftest.py starts the session's test API for it.
API_TEST = """
from prefect.client.orchestration import get_client


def test_the_session_api_writes_and_reads_its_database(prefect_api):
    with get_client(sync_client=True) as client:
        assert client.read_flow(client.create_flow_from_name("probe")).name == "probe"
"""


def _the_migrated_database_is_kept_reused_and_mended(repo: Path) -> None:
    """With pytest's cache, the test API's database is migrated once per Prefect version and
    kept; later sessions start from a copy; a damaged copy is migrated anew and replaced."""
    printed = run([uv(), "run", "python", "-c", "import prefect; print(prefect.__version__)"], repo)
    kept = (
        repo / ".pytest_cache" / "d" / "prefect-test-api" / f"prefect-{printed.stdout.strip()}.db"
    )

    def session() -> None:
        proc = run_probe_test(repo, "test_flow_probe_database.py", API_TEST, cache=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def stamped() -> list[tuple[str, ...]]:
        with closing(sqlite3.connect(kept)) as db:
            return db.execute("SELECT version_num FROM alembic_version").fetchall()

    assert not kept.exists()
    session()
    (head,) = stamped()  # Prefect's migrations ran to their head
    made = kept.stat().st_mtime_ns
    session()
    assert kept.stat().st_mtime_ns == made  # a copy was used; nothing migrated or written
    kept.write_text("not a database")
    session()
    assert stamped() == [head]
    assert not list(kept.parent.glob("*.partial"))


def _the_api_leaves_no_folder_when_pytest_dies_before_reading_its_port(
    repo: Path, tmp: Path
) -> None:
    """The server script of the generated conftest.py, its stdout a pipe whose reader is gone
    (pytest killed before it read the port): it still removes its folder (CI saw one left)."""
    script = (repo / "tests" / "conftest.py").read_text().split('_SERVE = """', 1)[1]
    script = script.split('"""', 1)[0]
    for attempt in range(3):
        folder = tmp / f"prefect-test-api-{attempt}"
        folder.mkdir()
        (folder / "server.log").write_text("")
        reader, writer = os.pipe()
        os.close(reader)
        python = str(repo / ".venv" / "bin" / "python")
        with subprocess.Popen(
            [python, "-c", script, str(folder), ""], stdin=subprocess.PIPE, stdout=writer
        ) as server:
            os.close(writer)
            assert server.stdin is not None
            server.stdin.close()
            server.wait(timeout=60)
        assert not folder.exists()


def _servers(folder: Path) -> list[str]:
    """The running processes that serve the test API from `folder`, as "pid command line" rows."""
    return [row for _, _, row in live_processes() if "uvicorn" in row and str(folder) in row]


def _the_session_api_ends_with_pytest(repo: Path, tmp: Path) -> None:
    """The generated conftest's shared Prefect API: one server for the session, in a folder of
    its own, and neither is left behind when pytest's process is killed (no cleanup runs)."""
    tmp.mkdir()
    env = {**clean_env(), "TMPDIR": str(tmp)}
    python = str(repo / ".venv" / "bin" / "python")
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.DEVNULL) as session:
        deadline = time.monotonic() + 60
        while not (folders := list(tmp.glob("prefect-test-api-*"))) or not _servers(folders[0]):
            assert session.poll() is None, "pytest ended before its test API started"
            assert time.monotonic() < deadline, "no test API started within 60 s"
            time.sleep(0.2)
        assert len(folders) == 1
        assert len(_servers(folders[0])) == 1
        session.kill()
    deadline = time.monotonic() + 30
    while _servers(folders[0]) or folders[0].exists():
        assert time.monotonic() < deadline, f"left behind: {_servers(folders[0])}, {folders[0]}"
        time.sleep(0.2)


@pytest.mark.parametrize("infra", ["local", "kubernetes", "managed"])
def test_every_infrastructure_renders_valid_configs(tmp_path, infra):
    repo = _render(tmp_path, infra, dbt=True)
    validate_compose(repo / "docker-compose.yml")
    workflows = {p.name for p in (repo / ".github" / "workflows").glob("*.yml")}
    for name in workflows:
        validate_workflow(repo / ".github" / "workflows" / name)
    config = yaml.safe_load((repo / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    assert deployment["entrypoint"] == "src/demo_pipeline/flows.py:ml_pipeline"
    assert deployment["schedules"] == [{"cron": "0 6 * * *", "timezone": "UTC", "active": False}]
    pool = deployment["work_pool"]["name"]
    if infra == "local":
        assert pool == "local-process"
        assert workflows == {"ci.yml"}
        compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
        worker = compose["services"]["worker"]["command"]
        assert worker[worker.index("--pool") + 1] == pool
    elif infra == "kubernetes":
        assert pool == "kubernetes"
        assert workflows == {"ci.yml", "image.yml"}
        validate_helm_values("prefect-worker-chart", repo / "deploy" / "values.yaml")
        values = yaml.safe_load((repo / "deploy" / "values.yaml").read_text())
        assert values["worker"]["config"]["workPool"] == pool
    else:
        assert pool == "managed"
        assert workflows == {"ci.yml", "deploy.yml"}
        deploy = (repo / ".github" / "workflows" / "deploy.yml").read_text()
        assert "secrets.PREFECT_API_KEY" in deploy
        assert "secrets.PREFECT_API_URL" in deploy
        assert "--type prefect:managed" in deploy


def test_compose_binds_localhost_and_takes_secrets_from_env(tmp_path):
    repo = _render(tmp_path)
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    assert compose["services"]["server"]["ports"] == ["127.0.0.1:4200:4200"]
    password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")
    example = (repo / ".env.example").read_text()
    assert "POSTGRES_PASSWORD=\n" in example
    assert "PREFECT_SERVER_API_AUTH_STRING=\n" in example


def test_readme_names_the_commands(tmp_path):
    readme = (_render(tmp_path) / "README.md").read_text()
    for command in ("uv sync", "uv run pytest", "uv run python -m demo_pipeline.flows", "make dev"):
        assert command in readme, command


def _fill(template: Any, values: dict[str, Any]) -> Any:
    """Prefect's job-template substitution: a "{{ name }}" string becomes the value; a value
    of None drops the key (as the worker does)."""
    if isinstance(template, dict):
        filled = {k: _fill(v, values) for k, v in template.items()}
        return {k: v for k, v in filled.items() if v is not None}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if isinstance(template, str) and (match := PLACEHOLDER.match(template)):
        return values[match[1]]
    return template


def test_kubernetes_runs_keep_their_data_on_a_volume(tmp_path):
    repo = _render(tmp_path, "kubernetes")
    deploy = repo / "deploy"
    (deployment,) = yaml.safe_load((repo / "prefect.yaml").read_text())["deployments"]
    job_variables = deployment["work_pool"]["job_variables"]
    template = json.loads((deploy / "base-job-template.json").read_text())
    defaults = {k: v.get("default") for k, v in template["variables"]["properties"].items()}
    env = [{"name": k, "value": v} for k, v in job_variables["env"].items()]
    values = defaults | job_variables | {"env": env, "name": "ml-pipeline", "labels": {}}
    values |= {"command": ["prefect", "flow-run", "execute"], "annotations": {}}
    job = _fill(template["job_configuration"]["job_manifest"], values)
    job["metadata"]["name"] = job["metadata"]["generateName"] + "x1"  # as the API server does
    (tmp_path / "job.yaml").write_text(yaml.safe_dump(job))
    validate_kubernetes(tmp_path / "job.yaml", deploy / "pvc.yaml")  # --strict: no stray fields

    claim = yaml.safe_load((deploy / "pvc.yaml").read_text())
    pod = job["spec"]["template"]["spec"]
    (volume,) = pod["volumes"]
    assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert job["metadata"]["namespace"] == claim["metadata"]["namespace"]
    (container,) = pod["containers"]
    (mount,) = container["volumeMounts"]
    assert (mount["name"], mount["mountPath"]) == (
        volume["name"],
        job_variables["env"]["PIPELINE_DATA_DIR"],
    )
    # The image's non-root user owns what it writes on the volume.
    assert "USER 10001" in (repo / "Dockerfile").read_text()
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["fsGroup"]) == (
        10001,
        10001,
    )
    assert "--base-job-template deploy/base-job-template.json" in (repo / "README.md").read_text()


@pytest.mark.parametrize("infra", ["local", "kubernetes", "managed"])
def test_the_deployment_runs_one_at_a_time(tmp_path, infra):
    (deployment,) = yaml.safe_load((_render(tmp_path, infra) / "prefect.yaml").read_text())[
        "deployments"
    ]
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
