"""A project named like one of its own dependencies depends on itself (`uv sync` fails), and one
named like an integration module shadows it: both are refused when the name is chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlscaffold.errors import TargetError
from mlscaffold.naming import normalise

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# A requirement with a version specifier, e.g. "apache-airflow[postgres]>=3.3,<4".
_REQUIREMENT = re.compile(r'"([A-Za-z][A-Za-z0-9_.-]*)(?:\[[^\]]*\])?\s*(?:>=|<=|==|~=|<|>)')


def _template_dependencies() -> set[str]:
    found: set[str] = set()
    for pyproject in TEMPLATES.rglob("pyproject.toml.jinja"):
        for match in _REQUIREMENT.finditer(pyproject.read_text()):
            found.add(re.sub(r"[-.]", "_", match.group(1).lower()))
    return found


def test_the_templates_declare_dependencies():
    assert {"scikit_learn", "prefect", "dagster_dbt", "astronomer_cosmos"} <= (
        _template_dependencies()
    )


@pytest.mark.parametrize("dependency", sorted(_template_dependencies()))
def test_every_dependency_of_a_generated_repo_is_refused_as_a_name(dependency):
    with pytest.raises(TargetError, match="would shadow"):
        normalise(dependency)
    with pytest.raises(TargetError, match="would shadow"):
        normalise(dependency.replace("_", "-"))


@pytest.mark.parametrize(
    "module", ["prefect_dbt", "dagster_dbt", "airflow_dbt", "cosmos", "dagster_duckdb", "mlflow"]
)
def test_integration_modules_are_refused_as_names(module):
    with pytest.raises(TargetError, match="would shadow"):
        normalise(module)


def test_a_name_that_merely_starts_like_an_integration_is_accepted():
    assert normalise("prefect-dbt-pipeline").package == "prefect_dbt_pipeline"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prefect-dbt", "prefect-dbt-pipeline"),
        ("prefect_dbt", "prefect_dbt-pipeline"),
        ("Dagster DBT", "dagster_dbt-pipeline"),
        ("json", "json-pipeline"),
        ("class", "class-pipeline"),
    ],
)
def test_the_example_in_the_refusal_keeps_the_name_and_works(name, expected):
    """The hint once read 'e.g. prefect_dbt-pipeline' for `prefect-dbt`: the package spelling,
    not the user's. The example now starts from what was typed and is accepted as it stands."""
    with pytest.raises(TargetError, match="would shadow") as refused:
        normalise(name)
    assert str(refused.value).endswith(f"e.g. {expected}.")
    assert normalise(expected).project == expected
