"""Score the decision matrix: a pure function from answers to a recommendation."""

from __future__ import annotations

from collections.abc import Iterable

from mlscaffold.models import Answers, Orchestrator, Reason, Recommendation
from mlscaffold.rules import RULES, TIE_BREAK_ORDER, TIE_BREAK_RULE, Rule


def recommend(answers: Answers, rules: Iterable[Rule] = RULES) -> Recommendation:
    reasons = tuple(
        Reason(rule.id, rule.orchestrator, rule.weight, rule.reason)
        for rule in rules
        if rule.when(answers)
    )
    scores = dict.fromkeys(TIE_BREAK_ORDER, 0)
    for reason in reasons:
        scores[reason.orchestrator] += reason.weight
    best = max(scores.values())
    cautions = {o: sum(1 for r in reasons if r.orchestrator is o and r.weight < 0) for o in scores}
    leaders = sorted(
        (o for o in TIE_BREAK_ORDER if scores[o] == best),
        key=lambda o: (cautions[o], TIE_BREAK_ORDER.index(o)),
    )
    winner = leaders[0]
    tie_break = None
    if len(leaders) > 1:
        names = " and ".join(o.label for o in leaders)
        tie_break = (
            f"{names} tied at {best}; chose {winner.label} by the tie-break rule "
            f"({TIE_BREAK_RULE})."
        )
    ordered = {o: scores[o] for o in Orchestrator}
    return Recommendation(winner, ordered, reasons, tie_break)
