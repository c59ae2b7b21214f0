"""The template also works with plain Copier (pytest-copie), without mlscaffold's CLI."""

from __future__ import annotations

import pytest

from mlscaffold.questions import CATALOGUE


@pytest.mark.parametrize("orchestrator", ["airflow", "prefect", "dagster"])
def test_plain_copier_renders_with_catalogue_defaults(copie, orchestrator):
    result = copie.copy(extra_answers={"project_name": "plain-demo", "orchestrator": orchestrator})

    assert result.exit_code == 0, result.exception
    assert result.project_dir is not None
    assert (result.project_dir / "src" / "plain_demo" / "pipeline.py").is_file()
    for q in CATALOGUE:
        if q.only_if is None:
            assert result.answers[q.key] == q.default
    assert result.answers["package_name"] == "plain_demo"


def test_plain_copier_refuses_an_invalid_answer(copie):
    result = copie.copy(extra_answers={"project_name": "plain-demo", "team_size": 0})
    assert result.exit_code != 0
