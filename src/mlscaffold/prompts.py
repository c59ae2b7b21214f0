"""Interactive questions. The only module that imports questionary (~0.3 s to import).

Used only when stdin is a terminal and the user did not pass --defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import questionary

from mlscaffold.models import Orchestrator, Recommendation
from mlscaffold.questions import CATALOGUE, Question

SKIP = "skip"


def ask_missing(given: Mapping[str, object]) -> dict[str, object]:
    """Ask every core question the flags did not answer, then offer the follow-ups."""
    answers: dict[str, object] = dict(given)
    for q in CATALOGUE:
        if not q.followup and q.key not in answers and q.applies(_typed(answers)):
            answers[q.key] = _ask(q, skippable=False)
    followups = [q for q in CATALOGUE if q.followup and q.key not in answers]
    if (
        followups
        and questionary.confirm(
            f"Answer {len(followups)} short follow-up questions to sharpen the recommendation?",
            default=True,
        ).unsafe_ask()
    ):
        for q in followups:
            value = _ask(q, skippable=True)
            if value is not None:
                answers[q.key] = value
    return answers


def choose_orchestrator(rec: Recommendation) -> Orchestrator:
    choices = [
        questionary.Choice(
            f"{o.label} (recommended, score {rec.scores[o]})"
            if o is rec.orchestrator
            else f"{o.label} (score {rec.scores[o]})",
            value=o.value,
        )
        for o in sorted(rec.scores, key=lambda o: o is not rec.orchestrator)
    ]
    picked = questionary.select(
        "Which orchestrator should the repository use?", choices=choices
    ).unsafe_ask()
    return Orchestrator(picked)


def _ask(q: Question, skippable: bool) -> object:
    if q.kind == "bool":
        if skippable:
            picked = questionary.select(
                q.prompt, choices=["yes", "no", SKIP], instruction=f"({q.help})"
            ).unsafe_ask()
            return None if picked == SKIP else picked == "yes"
        return questionary.confirm(q.prompt, default=bool(q.default)).unsafe_ask()
    if q.kind == "choice":
        options = [*q.choices, SKIP] if skippable else list(q.choices)
        picked = questionary.select(
            q.prompt,
            choices=options,
            default=q.default if isinstance(q.default, str) else None,
            instruction=f"({q.help})",
        ).unsafe_ask()
        return None if picked == SKIP else picked
    text = questionary.text(
        q.prompt + (" (empty to skip)" if skippable else ""),
        default="" if q.default is None else str(q.default),
        validate=lambda raw: _valid_int(q, raw, skippable),
    ).unsafe_ask()
    return None if skippable and not text.strip() else text


def _valid_int(q: Question, raw: str, skippable: bool) -> bool | str:
    if skippable and not raw.strip():
        return True
    try:
        q.coerce(raw)
    except Exception:
        return f"Enter {q.expected()}."
    return True


def _typed(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if isinstance(v, str | int | bool)}
