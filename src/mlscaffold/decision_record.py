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
    lines += [f"| {o.label} | {rec.scores[o]} |" for o in rec.ranking]
    lines += ["", "Reasons (rule, orchestrator, weight):", ""]
    if rec.reasons:
        lines += [
            f"- {r.rule} {r.orchestrator.label} {r.weight:+d}: {r.reason}"
            for o in rec.ranking
            for r in rec.reasons_for(o)
        ]
    else:
        lines.append("- No rule applied; every orchestrator scored 0.")
    if rec.tie_break:
        lines += ["", f"Tie-break: {rec.tie_break}"]
    if rec.weak:
        lines += ["", rec.weak]
    if rec.what_would_change:
        lines += ["", "## What would change this", ""]
        lines += [f"- {line}" for line in what_would_change_lines(rec, limit=8)]
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


def what_would_change_lines(rec: Recommendation, limit: int = 4) -> list[str]:
    """One line per orchestrator not recommended: the fewest answer changes that pick it."""
    lines = []
    for alt in rec.what_would_change:
        ways = [" and ".join(f"{k}={_show(v)}" for k, v in way) for way in alt.changes]
        if not ways:
            text = "no change of one or two answers makes it the recommendation"
        else:
            text = "; or ".join(ways[:limit])
            if len(ways) > limit:
                text += f" (and {len(ways) - limit} more: recommend --json lists them)"
        lines.append(f"{alt.orchestrator.label}: {text}")
    return lines


def _show(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
