"""Every rendered combination is ruff-clean, even with the longest project name we accept.

Fast (no install): runs this project's ruff with the generated repo's own configuration. The
end-to-end tests then run the generated repo's own ruff after `uv sync`.
"""

from __future__ import annotations

import itertools
import re
import sys
import tomllib
from pathlib import Path

import pytest

from mlscaffold.errors import TargetError
from mlscaffold.naming import MAX_LENGTH, normalise
from support import render_repo, run

LONGEST = ("a-long-pipeline-name-" * 3)[:MAX_LENGTH]
RUFF = str(Path(sys.executable).parent / "ruff")


@pytest.mark.parametrize(
    ("orchestrator", "dbt"),
    list(itertools.product(["airflow", "prefect", "dagster"], [False, True])),
)
def test_rendered_python_is_ruff_clean(tmp_path, orchestrator, dbt):
    repo = render_repo(tmp_path, orchestrator, name=LONGEST, dbt=dbt)
    config = str(repo / "pyproject.toml")
    run([RUFF, "check", "--no-cache", "--config", config, "."], repo)
    run([RUFF, "format", "--check", "--no-cache", "--config", config, "."], repo)


@pytest.mark.parametrize("orchestrator", ["airflow", "prefect", "dagster"])
def test_rendered_python_type_checks_against_the_standard_library(tmp_path, orchestrator):
    # Without the repo's dependencies (every third-party import is Any), mypy still catches
    # what ruff cannot: a misused standard-library module, a wrong call into the repo's own code.
    repo = render_repo(tmp_path, orchestrator, dbt=True, mlflow=True, infra="kubernetes")
    folders = [p for p in ("src", "dags", "tests") if (repo / p).is_dir()]
    isolated = ["--ignore-missing-imports", "--no-site-packages", "--no-incremental"]
    run([sys.executable, "-m", "mypy", *isolated, "--no-error-summary", *folders], repo)


@pytest.mark.parametrize(
    ("orchestrator", "dbt"),
    list(itertools.product(["airflow", "prefect", "dagster"], [False, True])),
)
def test_no_dependency_is_accepted_as_a_project_name(tmp_path, orchestrator, dbt):
    # A project named like one of its dependencies depends on itself, and `uv sync` fails.
    repo = render_repo(tmp_path, orchestrator, infra="kubernetes", dbt=dbt)
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    declared = [*config["project"]["dependencies"], *config["dependency-groups"]["dev"]]
    names = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in declared}
    for name in names:
        with pytest.raises(TargetError):
            normalise(name)
    # Warnings are errors in the generated tests; the exceptions follow.
    assert config["tool"]["pytest"]["ini_options"]["filterwarnings"][0] == "error"
