"""The Airflow template: rendered repos install, pass their own checks and ship valid configs.

The e2e tests run the generated repo's suite, which runs the DAG on real Airflow (`dag.test()`
against a throwaway metadata DB) and, with --dbt, dbt through astronomer-cosmos. The config tests
render every infrastructure and cloud combination and validate what it ships, offline.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support import (
    check_generated_repo,
    render_repo,
    run,
    uv,
    validate_compose,
    validate_helm_values,
    validate_kubernetes,
    validate_workflow,
)

INFRA_CLOUD = [
    ("local", None),
    ("kubernetes", None),
    ("managed", "aws"),
    ("managed", "gcp"),
    ("managed", "azure"),
    ("managed", "none"),
]
# What each managed service expects, beyond the shared files (GENERATED_REPO.md, issue 6).
MANAGED_FILES = {
    "aws": ["mwaa/requirements.txt", "mwaa/startup.sh", ".github/workflows/deploy.yml"],
    "gcp": ["composer/requirements.txt", ".github/workflows/deploy.yml"],
    "azure": ["astro/Dockerfile", "astro/requirements.txt", ".github/workflows/deploy.yml"],
    "none": ["astro/Dockerfile", "astro/requirements.txt", ".github/workflows/deploy.yml"],
}


def _render(tmp_path: Path, infra: str = "local", cloud: str | None = None, **answers) -> Path:
    if cloud is not None:
        answers["cloud"] = cloud
    return render_repo(tmp_path, "airflow", infra=infra, **answers)


@pytest.mark.e2e
@pytest.mark.parametrize("dbt", [False, True], ids=["python-features", "dbt-features"])
def test_generated_repo_installs_and_passes_its_checks(tmp_path, dbt):
    repo = _render(tmp_path, dbt=dbt)
    assert (repo / "dags" / "ml_pipeline.py").is_file()
    assert (repo / "tests" / "test_dag.py").is_file()
    assert (repo / "tests" / "test_dbt.py").is_file() is dbt
    check_generated_repo(repo)
    run([uv(), "run", "deptry", "."], repo)


@pytest.mark.parametrize(("infra", "cloud"), INFRA_CLOUD, ids=lambda v: str(v))
def test_every_infrastructure_renders_valid_configs(tmp_path, infra, cloud):
    repo = _render(tmp_path, infra, cloud, dbt=True)
    validate_compose(repo / "docker-compose.yml")
    workflows = sorted((repo / ".github" / "workflows").glob("*.yml"))
    assert workflows
    for workflow in workflows:
        validate_workflow(workflow)
    deploy = repo / "deploy"
    if infra == "kubernetes":
        validate_helm_values("airflow-chart", deploy / "values.yaml")
        manifests = sorted((deploy / "manifests").glob("*.yaml"))
        assert manifests
        validate_kubernetes(*manifests)
    else:
        assert not deploy.exists()
    if infra == "managed":
        for name in MANAGED_FILES[cloud or "none"]:
            assert (repo / name).is_file(), name
    else:
        assert not (repo / ".github" / "workflows" / "deploy.yml").exists()


def test_compose_binds_localhost_and_takes_every_secret_from_the_environment(tmp_path):
    repo = _render(tmp_path)
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    example = (repo / ".env.example").read_text()
    for service in compose["services"].values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port
    text = (repo / "docker-compose.yml").read_text()
    for secret in ("POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD", "AIRFLOW_FERNET_KEY"):
        assert f"${{{secret}:?" in text, secret
        assert f"\n{secret}=" in example, secret
    assert "USER 10001:10001" in (repo / "Dockerfile").read_text()


def test_readme_gives_the_commands_and_where_the_password_is(tmp_path):
    readme = (_render(tmp_path).joinpath("README.md")).read_text()
    for command in (
        "uv sync",
        "uv run pytest",
        "uv run python -m demo_pipeline.run_dag",
        "make dev",
    ):
        assert command in readme, command
    assert "simple_auth_manager_passwords.json.generated" in readme


@pytest.mark.parametrize(("infra", "cloud"), INFRA_CLOUD, ids=lambda v: str(v))
def test_why_airflow_names_files_and_tests_that_exist(tmp_path, infra, cloud):
    """Issue 21: each reason of the decision record points at a file and a test in the repo."""
    repo = _render(tmp_path, infra, cloud, dbt=True)
    readme = (repo / "README.md").read_text()
    section = readme.split("## Why Airflow", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) >= 5, section
    tests = (repo / "tests" / "test_dag.py").read_text() + (
        repo / "tests" / "test_dbt.py"
    ).read_text()
    for row in rows[1:]:
        reason, where, tested_by = (cell.strip() for cell in row.strip("|").split(" | "))
        for path in re.findall(r"`([\w./{}-]+\.(?:py|yaml|yml|toml))`", where):
            assert (repo / path).is_file(), (reason, path)
        for folder in re.findall(r"`([\w.-]+/)`", where):
            assert (repo / folder).is_dir(), (reason, folder)
        for name in re.findall(r"`(?:tests/[\w.]+::)?(test_\w+)`", tested_by):
            assert f"def {name}(" in tests, (reason, name)
    for reason in ("dynamic task mapping", "data-aware scheduling"):
        assert reason in section
    assert ".expand(candidate=" in (repo / "dags" / "ml_pipeline.py").read_text()
    assert "schedule=[MODEL]" in (repo / "dags" / "score_new_data.py").read_text()
