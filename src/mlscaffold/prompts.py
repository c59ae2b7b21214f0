"""Interactive questions. The only module that imports questionary (~0.3 s to import).

Used only when stdin is a terminal and the user did not pass --defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import questionary

from mlscaffold.errors import InvalidAnswerError
from mlscaffold.models import Orchestrator, Recommendation
from mlscaffold.questions import CATALOGUE, Question

SKIP = "skip (leave unanswered)"


def ask_missing(given: Mapping[str, object]) -> dict[str, object]:
    """Ask every core question the flags did not answer, then offer the follow-ups.

    Only what the user actively answered is returned: Enter in the team-size box (which shows its
    default without pre-filling it) and "skip" on a follow-up leave the key out, so the answer
    comes from the catalogue default and is listed under "From defaults".
    """
    answers: dict[str, object] = dict(given)
    for q in CATALOGUE:
        if not q.followup and q.key not in answers and q.applies(_typed(answers)):
            value = _ask(q, skippable=False)
            if value is not None:
                answers[q.key] = value
    followups = [q for q in CATALOGUE if q.followup and q.key not in answers]
    if (
        followups
        and questionary.confirm(
            f"Answer up to {len(followups)} short follow-up questions to sharpen the "
            "recommendation? (each one can be skipped)",
            default=True,
        ).unsafe_ask()
    ):
        for q in followups:
            if not q.applies(_typed(answers)):
                continue  # e.g. air-gapped, after choosing a hosted service
            value = _ask(q, skippable=True)
            if value is not None:
                answers[q.key] = value
    return answers


def choose_orchestrator(rec: Recommendation) -> Orchestrator:
    """The orchestrators in the recommendation's order: recommended first, then by score."""
    choices = [
        questionary.Choice(
            f"{o.label} (recommended, score {rec.scores[o]})"
            if o is rec.orchestrator
            else f"{o.label} (score {rec.scores[o]})",
            value=o.value,
        )
        for o in rec.ranking
    ]
    picked = questionary.select(
        "Which orchestrator should the repository use?", choices=choices
    ).unsafe_ask()
    return Orchestrator(picked)


def _ask(q: Question, skippable: bool) -> object:
    """One question. Follow-ups start on "skip", so Enter never answers for the user."""
    if q.kind == "bool":
        if skippable:
            picked = questionary.select(
                q.prompt, choices=[SKIP, "yes", "no"], default=SKIP, instruction=f"({q.help})"
            ).unsafe_ask()
            return None if picked == SKIP else picked == "yes"
        return questionary.confirm(q.prompt, default=bool(q.default)).unsafe_ask()
    if q.kind == "choice":
        options = [SKIP, *q.choices] if skippable else list(q.choices)
        picked = questionary.select(
            q.prompt,
            choices=options,
            default=SKIP if skippable else q.default if isinstance(q.default, str) else None,
            instruction=f"({q.help})",
        ).unsafe_ask()
        return None if picked == SKIP else picked
    # A number: the box starts empty and shows the default, so typing replaces it.
    hint = " (Enter to skip)" if skippable else f" (Enter for {q.default})"
    text = questionary.text(
        q.prompt + hint,
        validate=lambda raw: _valid_int(q, raw),
    ).unsafe_ask()
    return text.strip() or None


def _valid_int(q: Question, raw: str) -> bool | str:
    if not raw.strip():
        return True
    try:
        q.coerce(raw)
    except InvalidAnswerError:
        return f"Enter {q.expected()}, or nothing for the default."
    return True


def _typed(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if isinstance(v, str | int | bool)}
