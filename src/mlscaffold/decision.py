"""The decision record written into every generated repository."""

from __future__ import annotations

from mlscaffold.models import Answers, Orchestrator, Recommendation
from mlscaffold.questions import CATALOGUE


def decision_record(answers: Answers, rec: Recommendation, chosen: Orchestrator) -> str:
    overridden = chosen is not rec.orchestrator
    lines = [
        f"# 1. Orchestrator: {chosen.label}",
        "",
        "Status: accepted. Written by `mlscaffold new`; edit freely.",
        "",
        "## Answers",
        "",
        "| Question | Answer |",
        "| --- | --- |",
    ]
    for q in CATALOGUE:
        if not q.applies(answers.values):
            continue
        value = answers[q.key]
        shown = "skipped" if value is None else str(value).lower()
        if q.key in answers.defaulted and value is not None:
            shown += " (default)"
        lines.append(f"| {q.prompt} | {shown} |")
    lines += ["", "## Recommendation", "", f"mlscaffold recommended **{rec.orchestrator.label}**."]
    lines += ["", "| Orchestrator | Score |", "| --- | --- |"]
    lines += [f"| {o.label} | {s} |" for o, s in rec.scores.items()]
    lines += ["", "Reasons (rule, orchestrator, weight):", ""]
    if rec.reasons:
        lines += [
            f"- {r.rule} {r.orchestrator.label} {r.weight:+d}: {r.reason}" for r in rec.reasons
        ]
    else:
        lines.append("- No rule applied; every orchestrator scored 0.")
    if rec.tie_break:
        lines += ["", f"Tie-break: {rec.tie_break}"]
    lines += ["", "## Decision", ""]
    if overridden:
        lines.append(
            f"The team overrode the recommendation and chose **{chosen.label}** instead of "
            f"{rec.orchestrator.label}."
        )
    else:
        lines.append(f"The team accepted the recommendation: **{chosen.label}**.")
    lines += [
        "",
        "The reasoning behind the rules: the decision matrix in the mlscaffold README.",
        "",
    ]
    return "\n".join(lines)
