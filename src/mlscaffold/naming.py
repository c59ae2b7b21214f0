"""Project and package names: normalise what the user typed, or say why it cannot be used."""

from __future__ import annotations

import keyword
import re
import sys

from mlscaffold.errors import TargetError
from mlscaffold.models import Names, Orchestrator

# Package names that would shadow something the generated repo imports, or confuse tooling.
RESERVED = frozenset(
    {
        "airflow",
        "prefect",
        "dagster",
        "dagster_dbt",
        "dbt",
        "cosmos",
        "sklearn",
        "duckdb",
        "pandas",
        "numpy",
        "joblib",
        "matplotlib",
        "pytest",
        "xdist",
        "pytest_xdist",
        "test",
        "tests",
        "src",
        "mlscaffold",
        "copier",
        "typer",
        # Distributions the generated repos depend on: a project of the same name depends on itself.
        "dbt_core",
        "dbt_duckdb",
        "pandera",
        "scikit_learn",
        "deptry",
        "ruff",
        "yaml",
        "sqlalchemy",
        "mlflow",
        "hatchling",
        "dbt_common",
        "dbt_adapters",
        # Integration modules a team adds next (tests/test_reserved_names.py checks the rest).
        "airflow_dbt",
        "prefect_dbt",
        "dagster_mlflow",
        # and every orchestrator's own modules (models.PROFILES)
        *(module for o in Orchestrator for module in o.profile.modules),
    }
)
# Longer names push generated import lines past the line length ruff checks.
MAX_LENGTH = 40
_PROJECT = re.compile(r"^[a-z]([a-z0-9_-]*[a-z0-9])?$")


def normalise(raw: str) -> Names:
    """`My Pipeline` -> `my_pipeline`; reject paths and names no Python package can have."""
    text = raw.strip()
    if not text:
        raise TargetError("The project name is empty.", "Example: mlscaffold new my-pipeline")
    if "/" in text or "\\" in text or ".." in text:
        raise TargetError(
            f"The project name {raw!r} contains a path separator or '..'.",
            "Give a plain name and choose the parent folder with --output-dir.",
        )
    project = re.sub(r"[\s.]+", "_", text).lower()
    project = re.sub(r"[_-]{2,}", "_", project).strip("_-")
    if not _PROJECT.match(project):
        raise TargetError(
            f"{raw!r} is not a valid project name.",
            "Use letters, digits, '-' and '_', starting with a letter, e.g. my-pipeline.",
        )
    if len(project) > MAX_LENGTH:
        raise TargetError(
            f"The project name {project!r} is {len(project)} characters long.",
            f"Use at most {MAX_LENGTH}, e.g. {project[:MAX_LENGTH].rstrip('_-')}.",
        )
    package = project.replace("-", "_")
    if package in RESERVED or package in sys.stdlib_module_names or keyword.iskeyword(package):
        # the example keeps the user's own spelling (prefect-dbt -> prefect-dbt-pipeline)
        example = f"{project[: MAX_LENGTH - len('-pipeline')].rstrip('_-')}-pipeline"
        raise TargetError(
            f"The package name {package!r} would shadow the module of the same name.",
            f"Pick a more specific name, e.g. {example}.",
        )
    return Names(project, package, raw if project != raw else None)
