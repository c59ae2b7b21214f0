"""Workshops: rosters, batch rendering, side-by-side recommendations, the doctor."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlscaffold import cli, doctor, roster
from mlscaffold.errors import AnswersFileError

runner = CliRunner()
ROSTER = """name,team_size,dbt,infra,style,orchestrator
team-a,4,false,local,python-first,
team-b,12,true,kubernetes,asset-first,
Team C,3,,,,airflow
"""
BAD_ROWS = "bad/row,2,,,,\nteam-d,0,,,,\n"


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    return path


def test_roster_rows_take_defaults_and_overrides(good):
    rows = roster.load(good)
    assert [r.raw_name for r in rows] == ["team-a", "team-b", "Team C"]
    assert all(r.ok for r in rows)
    assert rows[0].answers is not None
    assert rows[0].answers["dbt"] is False
    assert rows[2].answers is not None
    assert rows[2].answers["infra"] == "local"  # empty cell: default
    assert rows[2].orchestrator is not None
    assert rows[2].orchestrator.value == "airflow"


def test_yaml_roster(tmp_path):
    path = tmp_path / "roster.yml"
    path.write_text("- name: team-y\n  dbt: true\n- name: team-z\n  workload: infra-tasks\n")
    rows = roster.load(path)
    assert rows[0].answers is not None
    assert rows[0].answers["dbt"] is True
    assert rows[1].answers is not None
    assert rows[1].answers["workload"] == "infra-tasks"


def test_unknown_column_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,colour\nteam-a,blue\n")
    with pytest.raises(AnswersFileError, match="unknown column 'colour'"):
        roster.load(path)


def test_a_row_error_is_one_sentence_per_problem(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,orchestrator\n,prefect\nok1,nope\n", encoding="utf-8")
    empty, bad = roster.load(path)
    assert empty.error == "row 1: column 'name': The project name is empty."
    assert bad.error == (
        "row 2: column 'orchestrator' has 'nope', but it must be one of airflow, prefect, dagster."
    )


def test_batch_renders_every_row(good, tmp_path):
    out = tmp_path / "repos"
    result = runner.invoke(cli.app, ["batch", str(good), "--out", str(out)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["team-a", "team-b", "team_c"]
    assert "orchestrator: airflow" in (out / "team_c" / ".copier-answers.yml").read_text()
    assert "orchestrator: dagster" in (out / "team-b" / ".copier-answers.yml").read_text()
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=out / "team-a", capture_output=True, text=True
    )
    assert "Initial commit" in log.stdout
    assert result.stdout.count("created") == 3


def test_a_bad_row_fails_alone(good, tmp_path):
    good.write_text(ROSTER + BAD_ROWS)
    out = tmp_path / "repos"
    result = runner.invoke(
        cli.app, ["batch", str(good), "--out", str(out), "--no-git"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: 2 of 5 rows failed (see the table)."
    assert sorted(p.name for p in out.iterdir()) == ["team-a", "team-b", "team_c"]
    table = " ".join(result.stdout.split())
    assert "row 4: column 'name': The project name 'bad/row' contains a path separator" in table
    assert "row 5: column 'team_size' has '0', but it must be a whole number" in table


def test_rerun_skips_finished_repos(good, tmp_path):
    out = tmp_path / "repos"
    first = runner.invoke(cli.app, ["batch", str(good), "--out", str(out), "--no-git"])
    assert first.exit_code == 0, first.output
    mine = out / "team-a" / "README.md"
    mine.write_text("edited by the participant\n")
    again = runner.invoke(
        cli.app, ["batch", str(good), "--out", str(out), "--no-git"], env={"COLUMNS": "250"}
    )
    assert again.exit_code == 0, again.output
    assert again.stdout.count(" done ") == 3
    assert mine.read_text() == "edited by the participant\n"


def test_recommend_roster_markdown(good):
    result = runner.invoke(cli.app, ["recommend", "--roster", str(good), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "| team | orchestrator | scores | reasons |"
    assert lines[2].startswith("| team-a | Prefect |")
    assert lines[3].startswith("| team-b | Dagster |")
    assert "R005 dagster +2" in lines[3]
    assert lines[4].startswith("| Team C | Apache Airflow (override) |")


def test_recommend_roster_text(good):
    result = runner.invoke(cli.app, ["recommend", "--roster", str(good)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Recommendations" in result.stdout
    assert "team-b" in result.stdout
    assert "Dagster" in result.stdout


def test_doctor_python():
    assert doctor.python_version((3, 11)).passed
    failed = doctor.python_version((3, 10))
    assert not failed.passed
    assert "3.11" in failed.fix


def test_doctor_tools(monkeypatch, tmp_path):
    assert doctor.tool("git", "install git")().passed
    monkeypatch.setenv("PATH", str(tmp_path))
    missing = doctor.tool("git", "install git")()
    assert not missing.passed
    assert missing.fix == "install git"


def test_doctor_disk(tmp_path):
    assert doctor.free_disk(tmp_path, minimum_gb=0.001).passed
    assert not doctor.free_disk(tmp_path, minimum_gb=1e9).passed


def test_doctor_offline_packages(tmp_path, monkeypatch):
    kit = tmp_path / "kit"
    assert not doctor.offline_packages(kit).passed
    (kit / "wheels").mkdir(parents=True)
    (kit / "wheels" / "demo-1.0-py3-none-any.whl").write_bytes(b"")
    assert doctor.offline_packages(kit).passed
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "empty-cache"))
    assert not doctor.offline_packages().passed
    (tmp_path / "empty-cache").mkdir()
    (tmp_path / "empty-cache" / "CACHEDIR.TAG").write_text("x")
    assert doctor.offline_packages().passed


def test_doctor_port():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        busy = doctor.port_free("Test", port)
        assert not busy.passed
        assert f"lsof -i :{port}" in busy.fix
    assert doctor.port_free("Test", port).passed


def test_doctor_command_exit_code(monkeypatch):
    result = runner.invoke(cli.app, ["doctor"], env={"COLUMNS": "200"})
    assert "python" in result.stdout
    monkeypatch.setattr(doctor, "MIN_FREE_GB", 1e9)
    monkeypatch.setattr(doctor.free_disk, "__defaults__", (None, 1e9))
    failing = runner.invoke(cli.app, ["doctor"], env={"COLUMNS": "200"})
    assert failing.exit_code == 1
    assert "FAIL" in failing.stdout


@pytest.mark.e2e
def test_prepared_kit_installs_a_generated_repo_with_no_network(tmp_path):
    from mlscaffold import kit_platforms, workshop
    from mlscaffold.models import Orchestrator
    from support import clean_env, install_repo, render_repo, run, uv

    kit = tmp_path / "kit"
    here = kit_platforms.this_platform()
    assert here is not None
    wheels = workshop.prepare(
        kit,
        orchestrators=[Orchestrator.PREFECT],
        dbt_options=[False],
        platforms=[here],
        pythons=[kit_platforms.this_python()],
    )
    assert wheels
    assert "uv pip install --offline" in (kit / "INSTRUCTIONS.md").read_text()
    repo = render_repo(tmp_path, "prefect", name="offline-demo")
    # A cache that cannot help, and no network: only the kit's wheels.
    env = clean_env(UV_OFFLINE="1", UV_CACHE_DIR=str(tmp_path / "empty-cache"))
    install_repo(repo, env, "--offline", "--no-index", "--find-links", str(kit / "wheels"))
    run([uv(), "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"], repo, env=env)
