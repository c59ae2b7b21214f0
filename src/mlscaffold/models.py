"""The few value types everything else passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Orchestrator(StrEnum):
    AIRFLOW = "airflow"
    PREFECT = "prefect"
    DAGSTER = "dagster"

    @property
    def label(self) -> str:
        return {"airflow": "Apache Airflow", "prefect": "Prefect", "dagster": "Dagster"}[self.value]


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
