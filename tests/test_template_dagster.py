"""The Dagster template: rendered repos install, pass their own checks and ship valid configs.

The e2e tests run the generated repo's suite, which materializes every asset with
`dg.materialize` on real Dagster (and, with --dbt, real dbt-duckdb through dagster-dbt). The
config tests render every infrastructure and validate what it ships, offline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import (
    check_generated_repo,
    render_repo,
    validate_compose,
    validate_helm_values,
    validate_kubernetes,
    validate_workflow,
)


def _render(tmp_path: Path, infra: str = "local", **answers: object) -> Path:
    if infra == "managed":
        answers.setdefault("cloud", "none")
    return render_repo(tmp_path, "dagster", infra=infra, **answers)


@pytest.mark.e2e
@pytest.mark.parametrize("dbt", [False, True], ids=["python-features", "dbt-features"])
def test_generated_repo_installs_and_passes_its_checks(tmp_path, dbt):
    repo = _render(tmp_path, dbt=dbt)
    package = repo / "src" / "demo_pipeline"
    assert (package / "defs" / "assets.py").is_file()
    assert (package / "defs" / "dbt.py").is_file() is dbt
    assert not (repo / "dbt" / "target").exists(), "the manifest must not ship stale"
    check_generated_repo(repo)


def test_project_layout_is_todays_dg_layout(tmp_path):
    repo = _render(tmp_path)
    pyproject = (repo / "pyproject.toml").read_text()
    assert '[tool.dg]\ndirectory_type = "project"' in pyproject
    assert 'root_module = "demo_pipeline"' in pyproject
    definitions = (repo / "src" / "demo_pipeline" / "definitions.py").read_text()
    assert "@dg.definitions" in definitions
    assert "load_from_defs_folder" in definitions


@pytest.mark.parametrize("infra", ["local", "kubernetes", "managed"])
def test_every_infrastructure_renders_valid_configs(tmp_path, infra):
    repo = _render(tmp_path, infra, dbt=True)
    validate_compose(repo / "docker-compose.yml")
    for workflow in (repo / ".github" / "workflows").glob("*.yml"):
        validate_workflow(workflow)
    workspace = yaml.safe_load((repo / "deploy" / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["grpc_server"]["port"] == 4000
    assert "postgres" in yaml.safe_load((repo / "deploy" / "dagster.yaml").read_text())["storage"]
    workflows = {p.name for p in (repo / ".github" / "workflows").glob("*.yml")}
    if infra == "kubernetes":
        assert workflows == {"ci.yml", "image.yml"}
        validate_helm_values("dagster-chart", repo / "deploy" / "values.yaml")
        validate_kubernetes(repo / "deploy" / "data-volume.yaml")
        values = yaml.safe_load((repo / "deploy" / "values.yaml").read_text())
        (deployment,) = values["dagster-user-deployments"]["deployments"]
        assert deployment["dagsterApiGrpcArgs"] == ["-m", "demo_pipeline.definitions"]
    elif infra == "managed":
        assert workflows == {"ci.yml", "deploy.yml"}
        cloud = yaml.safe_load((repo / "dagster_cloud.yaml").read_text())
        module = cloud["locations"][0]["code_source"]["module_name"]
        assert module == "demo_pipeline.definitions"
        assert (repo / "src" / Path(*module.split("."))).with_suffix(".py").is_file()
        deploy = (repo / ".github" / "workflows" / "deploy.yml").read_text()
        assert "secrets.DAGSTER_CLOUD_API_TOKEN" in deploy
    else:
        assert workflows == {"ci.yml"}
        assert not (repo / "deploy" / "values.yaml").exists()


def test_compose_binds_localhost_and_takes_secrets_from_env(tmp_path):
    compose = yaml.safe_load((_render(tmp_path) / "docker-compose.yml").read_text())
    assert compose["services"]["webserver"]["ports"] == ["127.0.0.1:3000:3000"]
    password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")


def test_readme_names_the_commands(tmp_path):
    readme = (_render(tmp_path) / "README.md").read_text()
    for command in ("uv sync", "uv run pytest", 'uv run dg launch --assets "*"', "uv run dg dev"):
        assert command in readme, command
