"""The MLflow option (issue 16): off by default, and then only the recorded answer mentions it;
on, each trained candidate is tracked in a local store, the registry alias moves only inside
`promote` (after the gate), `make mlflow` serves the UI on 127.0.0.1, and the generated suite
proves the tracking offline."""

from __future__ import annotations

import ast
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlscaffold import cli
from mlscaffold.questions import CATALOGUE, resolve
from mlscaffold.scoring import candidate_changes, recommend
from support import check_generated_repo, clean_env, render_repo, run, uv

ORCHESTRATORS = ["airflow", "prefect", "dagster"]
LONGEST = ("a-long-pipeline-name-" * 3)[:40]
RUFF = str(Path(sys.executable).parent / "ruff")
RECORDS = {".copier-answers.yml", "docs/decisions/0001-orchestrator.md"}


def _mentions(repo: Path) -> set[str]:
    """Files whose path or text names mlflow (case-insensitive)."""
    found = set()
    for path in repo.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        name = str(path.relative_to(repo))
        text = path.read_bytes().decode(errors="ignore")
        if "mlflow" in name.lower() or "mlflow" in text.lower():
            found.add(name)
    return found


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def _calls(node: ast.AST, attribute: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == attribute
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "tracking"
    ]


@pytest.mark.parametrize("orchestrator", ORCHESTRATORS)
def test_off_by_default_only_the_recorded_answer_mentions_mlflow(tmp_path, orchestrator):
    repo = render_repo(tmp_path, orchestrator)
    assert _mentions(repo) == RECORDS
    assert "mlflow: false" in (repo / ".copier-answers.yml").read_text()


@pytest.mark.parametrize("orchestrator", ORCHESTRATORS)
def test_on_wires_tracking_into_the_core_and_the_makefile(tmp_path, orchestrator):
    repo = render_repo(tmp_path, orchestrator, name=LONGEST, mlflow=True)
    package = repo / "src" / LONGEST.replace("-", "_")
    assert (package / "tracking.py").is_file()
    assert (repo / "tests" / "test_tracking.py").is_file()
    assert "mlflow: true" in (repo / ".copier-answers.yml").read_text()
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    assert any(d.startswith("mlflow>=") for d in config["project"]["dependencies"])

    # The alias is set in promote only, after its gate check; every candidate is logged when
    # select_best has them all; evaluate records the verdict before it can raise.
    tree = ast.parse((package / "model.py").read_text())
    promote = _function(tree, "promote")
    (champion,) = _calls(tree, "set_champion")
    assert champion in _calls(promote, "set_champion")
    gate = next(n for n in promote.body if isinstance(n, ast.If))
    assert isinstance(gate.body[0], ast.Raise)
    assert gate.end_lineno is not None
    assert champion.lineno > gate.end_lineno
    assert _calls(_function(tree, "select_best"), "log_candidates")
    evaluate = _function(tree, "evaluate")
    (verdict,) = _calls(evaluate, "log_evaluation")
    raising = [n for n in evaluate.body if isinstance(n, ast.If)][-1]
    assert verdict.lineno < raising.lineno

    # The UI target: a dry run shows the local store and the loopback address, no other host.
    dry = run(["make", "-n", "mlflow"], repo).stdout
    assert "--host 127.0.0.1" in dry
    assert f"sqlite:///{repo}/data/mlflow.db" in dry
    assert "MLFLOW_DISABLE_TELEMETRY=true" in dry

    # What the option adds is ruff-clean with the longest accepted name (it is in tracking.py's
    # strings); test_template_format.py checks the rest of the repository.
    toml = str(repo / "pyproject.toml")
    ours = [str(package / "tracking.py"), str(package / "model.py"), "tests/test_tracking.py"]
    run([RUFF, "check", "--no-cache", "--config", toml, *ours], repo)
    run([RUFF, "format", "--check", "--no-cache", "--config", toml, *ours], repo)


def test_the_question_is_a_flag_and_defaults_to_off(tmp_path):
    (question,) = [q for q in CATALOGUE if q.key == "mlflow"]
    assert (question.kind, question.default, question.followup) == ("bool", False, False)
    runner = CliRunner()
    for flag, expected in (("--mlflow", True), ("--no-mlflow", False)):
        out = tmp_path / flag.strip("-")
        result = runner.invoke(
            cli.app, ["new", "demo", "--defaults", "--no-git", flag, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert (out / "demo" / "src" / "demo" / "tracking.py").exists() is expected


def test_mlflow_never_steers_the_recommendation():
    sweep = itertools.product(
        [1, 5, 40],
        [False, True],
        ["local", "kubernetes", "managed"],
        [None, "python-scripts", "ml-assets", "infra-tasks"],
        [None, True, False],
    )
    for team_size, dbt, infra, workload, existing_airflow in sweep:
        given = {
            "team_size": team_size,
            "dbt": dbt,
            "infra": infra,
            "workload": workload,
            "existing_airflow": existing_airflow,
        }
        off, on = resolve({**given, "mlflow": False}), resolve({**given, "mlflow": True})
        assert recommend(off) == recommend(on), given
        assert not [c for c in candidate_changes(on) if c[0] == "mlflow"]


@pytest.mark.e2e
@pytest.mark.parametrize("orchestrator", ORCHESTRATORS)
def test_generated_repo_with_mlflow_passes_its_own_suite(tmp_path, orchestrator):
    """uv sync, ruff, deptry and pytest in the generated repo: tests/test_tracking.py logs to
    the local SQLite store and checks that a failed gate sets no alias."""
    repo = render_repo(tmp_path, orchestrator, mlflow=True)
    check_generated_repo(repo)
    run([uv(), "run", "deptry", "."], repo)


@pytest.mark.e2e
def test_make_mlflow_serves_the_ui_on_loopback(tmp_path):
    repo = render_repo(tmp_path, "prefect", mlflow=True)
    run([uv(), "sync"], repo)
    with socket.socket() as probe:  # a free port, in case 5000 is taken
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["make", "mlflow"],
        cwd=repo,
        env=clean_env(MLFLOW_PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline, page = time.monotonic() + 600, b""
        while time.monotonic() < deadline and not page:
            assert server.poll() is None, "make mlflow exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read()
            except OSError:
                time.sleep(2)
        assert b"<html" in page.lower()
        assert (repo / "data" / "mlflow.db").is_file()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
