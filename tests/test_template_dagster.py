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

INFRA_CLOUD = [
    ("local", None),
    ("kubernetes", None),
    ("managed", "aws"),
    ("managed", "gcp"),
    ("managed", "azure"),
    ("managed", "none"),
]
# The README's "run the pipeline once" and local UI (copier.yml's run_command and ui_command):
# both through the Makefile, so both use the project's Dagster instance in ./.dagster.
RUN_COMMAND = "make run"
UI_COMMAND = "make dev"
# The README's backfill of the daily partitioned asset: one run (its single-run backfill policy).
BACKFILL_COMMAND = (
    "uv run dg launch --assets daily_predictions --partition-range 2026-11-01...2026-11-03"
)
# The days that backfill writes, and their rows, as the scores I/O manager stored them.
STORED_DAYS = (
    "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).execute("
    "\"SELECT strftime(partition_date, '%Y-%m-%d'), count(*) FROM scoring.daily_predictions "
    'GROUP BY ALL ORDER BY 1").fetchall())'
)


def _render(tmp_path: Path, infra: str = "local", cloud: str | None = None, **answers) -> Path:
    if cloud is not None:
        answers["cloud"] = cloud
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
    run([uv(), "run", "deptry", "."], repo)
    # Then the README's run command, as a user types it: the real `dg` CLI, every asset once.
    assert RUN_COMMAND in (repo / "README.md").read_text()
    data = tmp_path / "run-data"
    env = clean_env(PIPELINE_DATA_DIR=str(data))
    env.pop("DAGSTER_HOME", None)
    proc = run(RUN_COMMAND.split(), repo, timeout=600, env=env)
    assert "RUN_SUCCESS" in proc.stdout + proc.stderr
    assert "Warning" not in proc.stdout + proc.stderr  # e.g. Dagster's BetaWarning
    assert (repo / ".dagster" / "dagster.yaml").is_file()  # the instance `make dev` shows
    artifacts = data / "artifacts"
    for artifact in ("model.joblib", "current.json", "predictions.csv"):  # the promoted model's
        assert (artifacts / artifact).is_file(), artifact
    (run_dir,) = [path for path in artifacts.iterdir() if path.is_dir()]  # the run's own
    for artifact in ("model.joblib", "manifest.json", "evaluation.md", "confusion_matrix.png"):
        assert (run_dir / artifact).is_file(), artifact
    # Then the README's backfill, with the model that run promoted.
    assert f"`{BACKFILL_COMMAND}`" in (repo / "README.md").read_text()
    proc = run(BACKFILL_COMMAND.split(), repo, timeout=600, env=env)
    assert "RUN_SUCCESS" in proc.stdout + proc.stderr
    assert "Warning" not in proc.stdout + proc.stderr
    scores = data / "scores.duckdb"
    stored = run([uv(), "run", "python", "-c", STORED_DAYS, str(scores)], repo, env=env).stdout
    assert stored.strip() == "[('2026-11-01', 20), ('2026-11-02', 20), ('2026-11-03', 20)]"
    if dbt:
        _a_dbt_project_that_does_not_parse_stops_the_tests_with_dbts_message(repo)
    else:
        _a_failing_finalizer_a_test_leaves_is_still_reported(repo)


# A test that leaves an object whose finalizer raises in a reference cycle: only a garbage
# collection finds it.
LEAKING_TEST = """
class Leak:
    def __del__(self):
        raise RuntimeError("a finalizer failed")


def test_leaves_a_failing_finalizer_in_a_reference_cycle():
    leak = Leak()
    leak.itself = leak
"""


def _a_failing_finalizer_a_test_leaves_is_still_reported(repo: Path) -> None:
    """The shared conftest.py hides the modules loaded by collection from the garbage collector
    (gc.freeze) and, at exit, everything: pytest's own last collection must still see what a
    test left, and fail the run (its warnings are errors). Checked: the probe run exits 0, wrongly,
    when the freeze is moved to pytest_sessionfinish, before that collection."""
    # In one process (-n 0): a pytest-xdist worker's warnings at its exit never reach the
    # report, with or without conftest.py's gc.freeze().
    proc = run_probe_test(repo, "test_probe_leak.py", LEAKING_TEST)
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0, said
    assert "RuntimeError: a finalizer failed" in said


def _a_dbt_project_that_does_not_parse_stops_the_tests_with_dbts_message(repo: Path) -> None:
    model = repo / "dbt" / "models" / "features.sql"
    model.write_text(model.read_text() + "\n{{ unclosed\n")
    proc = run([uv(), "run", "pytest", "-q", "-p", "no:cacheprovider"], repo, check=False)
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "`dbt parse` failed, so no test ran" in said
    assert "Compilation Error in model features" in said
    assert "Traceback" not in said


def test_project_layout_is_todays_dg_layout(tmp_path):
    repo = _render(tmp_path)
    pyproject = (repo / "pyproject.toml").read_text()
    assert '[tool.dg]\ndirectory_type = "project"' in pyproject
    assert 'root_module = "demo_pipeline"' in pyproject
    definitions = (repo / "src" / "demo_pipeline" / "definitions.py").read_text()
    assert "@dg.definitions" in definitions
    assert "load_from_defs_folder" in definitions


@pytest.mark.parametrize(("infra", "cloud"), INFRA_CLOUD, ids=str)
def test_every_infrastructure_renders_valid_configs(tmp_path, infra, cloud):
    repo = _render(tmp_path, infra, cloud, dbt=True)
    validate_compose(repo / "docker-compose.yml")
    for workflow in (repo / ".github" / "workflows").glob("*.yml"):
        validate_workflow(workflow)
    workspace = yaml.safe_load((repo / "deploy" / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["grpc_server"]["port"] == 4000
    instance = yaml.safe_load((repo / "deploy" / "dagster.yaml").read_text())
    assert "postgres" in instance["storage"]
    # One writer on the DuckDB file: runs queue and start one at a time, here and in `make dev`.
    assert instance["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert instance["run_coordinator"]["config"]["max_concurrent_runs"] == 1
    local = yaml.safe_load((repo / "deploy" / "dagster-dev.yaml").read_text())
    assert local["concurrency"]["runs"]["max_concurrent_runs"] == 1
    ignored = (repo / ".dockerignore").read_text().splitlines()
    assert {".env", ".venv/", "data/", "dbt/target/"} <= set(ignored)
    workflows = {p.name for p in (repo / ".github" / "workflows").glob("*.yml")}
    if infra == "kubernetes":
        assert workflows == {"ci.yml", "image.yml"}
        validate_helm_values("dagster-chart", repo / "deploy" / "values.yaml")
        validate_kubernetes(repo / "deploy" / "data-volume.yaml")
        values = yaml.safe_load((repo / "deploy" / "values.yaml").read_text())
        (deployment,) = values["dagster-user-deployments"]["deployments"]
        assert deployment["dagsterApiGrpcArgs"] == ["-m", "demo_pipeline.definitions"]
        assert deployment["podSecurityContext"]["runAsNonRoot"] is True
        coordinator = values["dagsterDaemon"]["runCoordinator"]
        assert coordinator["config"]["queuedRunCoordinator"]["maxConcurrentRuns"] == 1
        env = {item["name"]: item["value"] for item in deployment["env"]}
        assert env["SCORES_DATABASE"] == "/data/scores.duckdb"
    else:
        assert not (repo / "deploy" / "values.yaml").exists()
    if infra == "managed":
        assert workflows == {"ci.yml", "deploy.yml"}
        deploy = yaml.safe_load((repo / ".github" / "workflows" / "deploy.yml").read_text())
        job = deploy["jobs"]["deploy"]
        # The token reaches only the deploy step, not uv sync or pytest.
        token = job["steps"][-1]["env"]["DAGSTER_CLOUD_API_TOKEN"]
        assert token == "${{ secrets.DAGSTER_CLOUD_API_TOKEN }}"
        steps = [step.get("run", "") for step in job["steps"]]
        assert any("uv run pytest" in step for step in steps)
        assert any("prepare-and-package" in step for step in steps)
        assert "dg plus deploy" in steps[-1]
        # dg derives the Dagster+ code location from [tool.dg]: it must name a real module.
        assert (repo / "src" / "demo_pipeline" / "definitions.py").is_file()
    elif infra == "local":
        assert workflows == {"ci.yml"}


@pytest.mark.parametrize("dbt", [False, True], ids=["python-features", "dbt-features"])
def test_the_dbt_manifest_is_built_in_ci_and_the_image_only_with_dbt(tmp_path, dbt):
    repo = _render(tmp_path, dbt=dbt)
    command = "dagster-dbt project prepare-and-package --file src/demo_pipeline/defs/dbt.py"
    assert (command in (repo / "Dockerfile").read_text()) is dbt
    ci = yaml.safe_load((repo / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert (command in "\n".join(steps)) is dbt
    assert steps[-1] == "uv run pytest"


def test_compose_binds_localhost_and_takes_secrets_from_env(tmp_path):
    compose = yaml.safe_load((_render(tmp_path) / "docker-compose.yml").read_text())
    assert compose["services"]["webserver"]["ports"] == ["127.0.0.1:3000:3000"]
    password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")
    # The daily scores' I/O manager writes its own DuckDB file on the data volume.
    scores = compose["services"]["code"]["environment"]["SCORES_DATABASE"]
    assert scores == "${SCORES_DATABASE:-/data/scores.duckdb}"


def test_readme_names_the_commands(tmp_path):
    readme = (_render(tmp_path) / "README.md").read_text()
    for command in ("uv sync", "uv run pytest", RUN_COMMAND, UI_COMMAND):
        assert f"\n{command}\n" in readme, command
