"""The interactive flow as a person meets it: `uv run mlscaffold new NAME -o TMP` in a real
pseudo-terminal (pexpect), answering with the keys a person would press."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pexpect
import pytest

from mlscaffold.questions import CATALOGUE
from support import ROOT

pytestmark = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv on PATH")

ENTER, CTRL_C, DOWN = "\r", "\x03", "\x1b[B"
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")
CORE = [q for q in CATALOGUE if not q.followup and q.only_if is None]
FOLLOWUPS = [q for q in CATALOGUE if q.followup]


def spawn(tmp_path: Path, *extra: str) -> pexpect.spawn:
    env = dict(os.environ) | {"TERM": "xterm", "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    child = pexpect.spawn(
        "uv",
        ["run", "--quiet", "mlscaffold", "new", "demo", "-o", str(tmp_path), *extra],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        dimensions=(50, 220),
        timeout=30,
    )
    child.delaybeforesend = 0.15  # let prompt_toolkit draw before each key
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF, timeout=300)
    child.close()
    return ANSI.sub("", child.before or "")


def defaults_json() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    out = subprocess.run(
        ["uv", "run", "--quiet", "mlscaffold", "recommend", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(out.stdout)


def enter_through_questions(child: pexpect.spawn, *, team_size: str = "") -> None:
    for q in CORE:
        answer(child, q.prompt, (team_size if q.key == "team_size" else "") + ENTER)
    answer(child, "follow-up questions", ENTER)  # yes, show them...
    for q in FOLLOWUPS:
        answer(child, q.prompt, ENTER)  # ...and press Enter on each: skip


def test_enter_through_everything_is_the_defaults_recommendation(tmp_path):
    child = spawn(tmp_path)
    enter_through_questions(child)
    child.expect(r"Recommended orchestrator: (?:\x1b\[[0-9;]*m)*([A-Za-z ]+)")
    shown = child.match.group(1).strip()
    answer(child, "Which orchestrator should the repository use?", ENTER)
    out = finish(child)
    assert child.exitstatus == 0, out

    expected = defaults_json()
    assert (
        shown
        == {"airflow": "Apache Airflow", "prefect": "Prefect", "dagster": "Dagster"}[
            expected["orchestrator"]
        ]
    )
    record = (tmp_path / "demo" / "docs" / "decisions" / "0001-orchestrator.md").read_text()
    assert f"recommended **{shown}**" in record
    assert "| 5 (default) |" in record  # Enter in the team-size box took the default
    for q in FOLLOWUPS:
        assert f"| {q.prompt} | skipped |" in record, q.key  # nothing answered for the user
    scores = re.findall(r"\| (Apache Airflow|Prefect|Dagster) \| (-?\d+) \|", record)
    assert [(n, int(s)) for n, s in scores] == [
        ({"airflow": "Apache Airflow", "prefect": "Prefect", "dagster": "Dagster"}[o], s)
        for o, s in expected["scores"].items()
    ]
    # The same repository decision as `mlscaffold new NAME --defaults`, word for word.
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    other = tmp_path / "with-defaults"
    other.mkdir()
    subprocess.run(
        [
            "uv",
            "run",
            "--quiet",
            "mlscaffold",
            "new",
            "demo",
            "--defaults",
            "--no-git",
            "-o",
            str(other),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    by_flag = (other / "demo" / "docs" / "decisions" / "0001-orchestrator.md").read_text()
    assert _section(record, "## Recommendation") == _section(by_flag, "## Recommendation")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    return text[start : text.index("## Decision", start)]


def test_typing_over_the_team_size_default_replaces_it(tmp_path):
    child = spawn(tmp_path)
    enter_through_questions(child, team_size="3")
    child.expect_exact("Which orchestrator should the repository use?")
    out = ANSI.sub("", child.before or "")
    child.send(CTRL_C)
    rest = finish(child)
    assert "team of 3" in out  # the assumption names the size typed, not 53
    assert "team of 53" not in out
    defaults_line = next(line for line in out.splitlines() if "From defaults:" in line)
    assert "team_size" not in defaults_line
    assert "platform_engineers (skipped)" in out
    assert child.exitstatus == 130
    assert rest.count("Error:") == 1
    assert re.search(r"Error: Interrupted.*; nothing was created\.", rest)
    assert list(tmp_path.iterdir()) == []


def test_an_active_answer_counts_and_is_not_a_default(tmp_path):
    child = spawn(tmp_path, "--team-size", "20", "--no-dbt", "--infra", "local", "--no-mlflow")
    answer(child, "follow-up questions", ENTER)
    answer(child, FOLLOWUPS[0].prompt, DOWN + ENTER)  # platform engineers: skip -> yes
    for q in FOLLOWUPS[1:]:
        answer(child, q.prompt, ENTER)
    child.expect_exact("Which orchestrator should the repository use?")
    out = ANSI.sub("", child.before or "")
    child.send(CTRL_C)
    finish(child)
    assert "Recommended orchestrator: Apache Airflow" in out
    assert "R010" in out
    assert "platform_engineers (skipped)" not in out
    assert child.exitstatus == 130


def test_ctrl_c_at_the_first_prompt_creates_nothing(tmp_path):
    child = spawn(tmp_path)
    answer(child, CORE[0].prompt, CTRL_C)
    out = finish(child)
    assert child.exitstatus == 130
    errors = [line for line in out.splitlines() if line.strip().startswith("Error:")]
    assert len(errors) == 1
    assert re.fullmatch(r"Error: Interrupted.*; nothing was created\.", errors[0].strip())
    assert "Traceback" not in out
    assert list(tmp_path.iterdir()) == []
