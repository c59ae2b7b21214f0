"""The command line as a user meets it (Typer's CliRunner; stdin is never a terminal here)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlscaffold import __version__, cli, render
from mlscaffold.questions import CATALOGUE

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli.app, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"mlscaffold {__version__}"


@pytest.mark.parametrize("command", ["new", "recommend"])
def test_help_explains_every_flag(command):
    result = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for q in CATALOGUE:
        assert q.flag in result.stdout
        assert q.help.split(":")[0][:20] in result.stdout


def test_top_level_help_lists_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "new" in result.stdout
    assert "recommend" in result.stdout


def test_recommend_json():
    result = invoke("recommend", "--json", "--dbt", "--team-size", "3", "--platform-engineers")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["orchestrator"] == "dagster"
    assert data["scores"]["dagster"] == 2
    assert data["reasons"][0] == {
        "rule": "R005",
        "orchestrator": "dagster",
        "weight": 2,
        "reason": data["reasons"][0]["reason"],
    }
    assert data["tie_break"] is None
    assert "infra" in data["defaulted"]
    assert "team_size" not in data["defaulted"]


def test_recommend_human_output_explains():
    args = ["recommend", "--existing-airflow", "--integrations", "many"]
    result = runner.invoke(cli.app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    out = result.stdout
    assert "Recommended orchestrator: Apache Airflow" in out
    assert "█" in out  # the score chart
    assert "R001" in out
    assert "R004" in out
    assert out.index("Apache Airflow\n") < out.index("R001")  # grouped under its orchestrator
    assert "From defaults: team_size=5" in out


def test_recommend_says_when_a_tie_was_broken():
    result = runner.invoke(cli.app, ["recommend"], env={"COLUMNS": "200"})
    assert "Tie-break:" in result.stdout


def test_new_renders_a_repository(tmp_path):
    result = invoke("new", "demo-pipe", "--defaults", "--dbt", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    repo = tmp_path / "demo-pipe"
    assert (repo / "src" / "demo_pipe" / "model.py").exists()
    answers = (repo / ".copier-answers.yml").read_text()
    assert "orchestrator: dagster" in answers
    assert "dbt: true" in answers
    record = (repo / "docs" / "decisions" / "0001-orchestrator.md").read_text()
    assert "recommended **Dagster**" in record
    assert "accepted the recommendation" in record
    log = subprocess.run(["git", "log", "--oneline"], cwd=repo, capture_output=True, text=True)
    assert "Initial commit from mlscaffold" in log.stdout
    assert "Next steps" in result.stdout
    assert "uv run pytest" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["demo-pipe"]  # no staging dir left


def test_new_override_is_recorded(tmp_path):
    result = invoke(
        "new",
        "demo",
        "--defaults",
        "--dbt",
        "--orchestrator",
        "airflow",
        "--no-git",
        "-o",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert "you overrode Dagster" in result.stdout
    record = (tmp_path / "demo" / "docs" / "decisions" / "0001-orchestrator.md").read_text()
    assert "overrode the recommendation and chose **Apache Airflow** instead of Dagster" in record
    assert not (tmp_path / "demo" / ".git").exists()
    assert "uv run python -m demo.run_dag" in result.stdout


def test_new_normalises_the_name_and_says_so(tmp_path):
    result = invoke("new", "My Pipeline", "--defaults", "--no-git", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "normalised to 'my_pipeline'" in result.stdout
    assert (tmp_path / "my_pipeline" / "src" / "my_pipeline").is_dir()


def test_answers_file_supplies_answers_and_flags_win(tmp_path):
    answers = tmp_path / "answers.yml"
    answers.write_text("team_size: 3\nworkload: infra-tasks\norchestrator: prefect\n")
    result = invoke(
        "new",
        "demo",
        "--answers-file",
        str(answers),
        "--team-size",
        "4",
        "--no-git",
        "-o",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    recorded = (tmp_path / "demo" / ".copier-answers.yml").read_text()
    assert "team_size: 4" in recorded
    assert "workload: infra-tasks" in recorded
    assert "orchestrator: prefect" in recorded


def test_an_empty_existing_directory_is_fine(tmp_path):
    (tmp_path / "demo").mkdir()
    result = invoke("new", "demo", "--defaults", "--no-git", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output


BAD_INPUT = [
    (["new", "a/b", "--defaults"], "path separator"),
    (["new", "../escape", "--defaults"], "path separator or '..'"),
    (["new", "9lives", "--defaults"], "not a valid project name"),
    (["new", "airflow", "--defaults"], "would shadow"),
    (["new", "p" * 41, "--defaults"], "is 41 characters long"),
    (["new", "existing", "--defaults"], "already exists and is not empty"),
    (["new", "demo", "--infra", "moon"], "--infra got 'moon'"),
    (["new", "demo", "--team-size", "0"], "from 1 to 100000"),
    (["new", "demo", "--team-size", "9" * 23], "from 1 to 100000"),
    (["new", "demo", "--team-size", "five"], "whole number"),
    (["new", "demo", "--workload", "web"], "--workload got 'web'"),
    (["new", "demo", "--orchestrator", "luigi"], "--orchestrator got 'luigi'"),
    (["new", "demo", "--cloud", "aws"], "--cloud only applies with --infra managed"),
    (["new", "demo", "--answers-file", "missing.yml"], "does not exist"),
    (["new", "demo", "--answers-file", "broken.yml"], "is not valid YAML at line"),
    (["new", "demo", "--answers-file", "existing"], "existing is a folder, not a file"),
    (["new", "demo", "--answers-file", "binary.yml"], "binary.yml is a binary file"),
    (["new", "demo", "--answers-file", "list.yml"], "must be a mapping"),
    (["new", "demo", "--answers-file", "unknown.yml"], "unknown key 'colour'"),
    (["new", "demo", "--answers-file", "badvalue.yml"], "key 'team_size' has -1"),
    (["recommend", "--pipelines", "0"], "--pipelines got '0'"),
    (["recommend", "--answers-file", "broken.yml"], "not valid YAML"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[m for _, m in BAD_INPUT])
def test_bad_input_is_one_clear_line_and_changes_nothing(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing" / "keep.txt").write_text("mine")
    (tmp_path / "broken.yml").write_text("team_size: [5\n")
    (tmp_path / "list.yml").write_text("- 5\n")
    (tmp_path / "unknown.yml").write_text("colour: blue\n")
    (tmp_path / "badvalue.yml").write_text("team_size: -1\n")
    (tmp_path / "binary.yml").write_bytes(b"\xff\xfe\x00team")
    before = snapshot(tmp_path)

    result = invoke(*args)

    assert result.exit_code == 2
    assert message in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # exit 2 through sys.exit, not a crash
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["existing", "broken.yml", "list.yml", "unknown.yml", "badvalue.yml", "binary.yml"]
    )


def test_ctrl_c_while_rendering_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(repo: Path) -> None:
        assert (repo / "pyproject.toml").exists()  # Copier had written the files
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "_git_init", interrupted)
    result = invoke("new", "demo", "--defaults", "-o", str(tmp_path))
    assert result.exit_code == 130
    assert result.stderr.strip() == "Error: Interrupted (Ctrl-C); nothing was created."
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_at_a_prompt_leaves_nothing(tmp_path, monkeypatch):
    from mlscaffold import prompts

    def interrupted(given):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(prompts, "ask_missing", interrupted)
    result = invoke("new", "demo", "-o", str(tmp_path))
    assert result.exit_code == 130
    assert list(tmp_path.iterdir()) == []


def test_copier_failure_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    broken = tmp_path / "tpl"
    broken.mkdir()
    (broken / "copier.yml").write_text("_subdirectory: '{{ nope('\n")
    monkeypatch.setattr(render, "template_root", lambda: broken)
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("new", "demo", "--defaults", "--no-git", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Copier could not render the template")
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_no_prompt_without_a_terminal(tmp_path):
    # CliRunner's stdin is not a TTY: even without --defaults nothing is asked.
    result = invoke("new", "demo", "--no-git", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "From defaults:" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "x", "--bogus"], "Error: No such option: --bogus. See 'mlscaffold new --help'."),
        (["recommend", "--team-size"], "Error: Option '--team-size' requires an argument."),
        (["new"], "Error: Missing argument 'name'. See 'mlscaffold new --help'."),
    ],
)
def test_usage_errors_are_one_line_too(tmp_path, args, message):
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "mlscaffold", *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["new", "recommend", "update", "batch", "workshop prepare"])
def test_help_is_readable_at_80_columns(command):
    """Every option name appears whole: nothing is cut with an ellipsis at 80 columns."""
    result = runner.invoke(cli.app, [*command.split(), "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    if command in ("new", "recommend"):
        for q in CATALOGUE:
            assert q.flag in result.stdout
