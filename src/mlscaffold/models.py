"""The few value types everything else passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from mlscaffold.errors import InvalidAnswerError


class Orchestrator(StrEnum):
    AIRFLOW = "airflow"
    PREFECT = "prefect"
    DAGSTER = "dagster"

    @property
    def profile(self) -> Profile:
        return PROFILES[self]

    @property
    def label(self) -> str:
        return PROFILES[self].label

    @classmethod
    def parse(cls, raw: object, source: str = "--orchestrator") -> Orchestrator:
        """The one place an orchestrator name from a user is read; `source` names where from."""
        text = str(raw).strip().lower()
        for orchestrator in cls:
            if text in (orchestrator.value, orchestrator.profile.label.lower()):
                return orchestrator
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise InvalidAnswerError(
            f"{source} got {shown!r}, but it must be one of {', '.join(cls)}.",
            f"Example: {source} prefect." if source.startswith("--") else "",
        )


@dataclass(frozen=True)
class Profile:
    """Everything mlscaffold knows about one orchestrator, written once.

    templates/copier.yml computes the same commands for plain Copier users;
    tests/test_profiles.py renders every template and checks they agree with this.
    """

    label: str
    colour: str  # rich colour in the bar chart
    ui_port: int
    ui_command: str
    run_command: str  # "{package}" is the generated package name
    tie_break_rank: int  # lower = less to operate (the article's "lower-friction" order)
    modules: tuple[str, ...]  # what the generated repo imports: never a project's package name

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ui_port}"

    def run(self, package: str) -> str:
        return self.run_command.format(package=package)


PROFILES: dict[Orchestrator, Profile] = {
    Orchestrator.PREFECT: Profile(
        label="Prefect",
        colour="blue",
        ui_port=4200,
        ui_command="make dev",
        run_command="uv run python -m {package}.flows",
        tie_break_rank=0,
        modules=("prefect", "prefect_dbt", "prefect_kubernetes", "fastapi"),
    ),
    Orchestrator.DAGSTER: Profile(
        label="Dagster",
        colour="magenta",
        ui_port=3000,
        ui_command="make dev",
        run_command="make run",
        tie_break_rank=1,
        modules=(
            "dagster",
            "dagster_dbt",
            "dagster_duckdb",
            "dagster_duckdb_pandas",
            "dagster_postgres",
            "dagster_k8s",
            "dagster_webserver",
            "dagster_dg_cli",
        ),
    ),
    Orchestrator.AIRFLOW: Profile(
        label="Apache Airflow",
        colour="cyan",
        ui_port=8080,
        ui_command="make dev",
        run_command="uv run python -m {package}.run_dag",
        tie_break_rank=2,
        modules=(
            "airflow",
            "apache_airflow",
            "airflow_providers",
            "apache_airflow_providers_fab",
            "cosmos",
            "astronomer_cosmos",
        ),
    ),
}


AnswerValue = int | bool | str | None


@dataclass(frozen=True)
class Answers:
    """What the user told us. A follow-up left unanswered is None and sways nothing."""

    values: dict[str, AnswerValue]
    # Keys whose value came from the catalogue default rather than from the user.
    defaulted: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, key: str) -> AnswerValue:
        return self.values.get(key)

    def get(self, key: str) -> AnswerValue:
        return self.values.get(key)


@dataclass(frozen=True)
class Reason:
    rule: str
    orchestrator: Orchestrator
    weight: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "orchestrator": self.orchestrator.value,
            "weight": self.weight,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Alternative:
    """Ways to make `orchestrator` the recommendation: each a list of (question key, new value)."""

    orchestrator: Orchestrator
    changes: tuple[tuple[tuple[str, AnswerValue], ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "orchestrator": self.orchestrator.value,
            "changes": [[{"key": k, "value": v} for k, v in way] for way in self.changes],
        }


@dataclass(frozen=True)
class Recommendation:
    orchestrator: Orchestrator
    # In `ranking` order: the recommendation first, then by score.
    scores: dict[Orchestrator, int]
    reasons: tuple[Reason, ...]
    tie_break: str | None
    # A sentence when no rule favours the recommendation (it only avoided cautions), else None.
    weak: str | None = None
    # What the rules assumed about unanswered questions (also said in the reasons).
    assumptions: tuple[str, ...] = ()
    # For each orchestrator not recommended, the fewest answer changes that would make it so.
    what_would_change: tuple[Alternative, ...] = ()

    @property
    def ranking(self) -> tuple[Orchestrator, ...]:
        """One order everywhere: the recommendation first, then by score."""
        return tuple(self.scores)

    def reasons_for(self, orchestrator: Orchestrator) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.orchestrator is orchestrator)

    def to_json(self) -> dict[str, Any]:
        return {
            "orchestrator": self.orchestrator.value,
            "scores": {o.value: s for o, s in self.scores.items()},
            "ranking": [o.value for o in self.ranking],
            "reasons": [r.to_json() for r in self.reasons],
            "tie_break": self.tie_break,
            "weak": self.weak,
            "assumptions": list(self.assumptions),
            "what_would_change": [alt.to_json() for alt in self.what_would_change],
        }


@dataclass(frozen=True)
class Names:
    project: str  # directory and distribution name, e.g. my-pipeline
    package: str  # Python import name, e.g. my_pipeline
    normalised_from: str | None  # what the user typed, when we changed it


@dataclass(frozen=True)
class Plan:
    """One repository to render: who it is for, what was recommended, what was chosen."""

    names: Names
    target: Path
    answers: Answers
    recommendation: Recommendation
    orchestrator: Orchestrator
    git: bool = True

    @property
    def overridden(self) -> bool:
        return self.orchestrator is not self.recommendation.orchestrator
