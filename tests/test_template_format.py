"""Every rendered combination is ruff-clean, even with the longest project name we accept.

Fast (no install): runs this project's ruff with the generated repo's own configuration. The
end-to-end tests then run the generated repo's own ruff after `uv sync`.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from mlscaffold.naming import MAX_LENGTH
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
