"""Print a recommendation: scores as a small bar chart, reasons grouped by orchestrator.

`mlscaffold recommend` and `mlscaffold new` both call `show`, so they explain identically.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlscaffold.decision_record import what_would_change_lines
from mlscaffold.models import Answers, Orchestrator, Recommendation
from mlscaffold.questions import describe_defaults
from mlscaffold.roster import Row
from mlscaffold.scoring import recommend

BAR_WIDTH = 24
COLOURS = {o: o.profile.colour for o in Orchestrator}


def show(console: Console, rec: Recommendation, answers: Answers | None = None) -> None:
    title = (rec.orchestrator.label, "bold green")
    console.print(Text.assemble("Recommended orchestrator: ", title))
    console.print(score_chart(rec))
    console.print("Why:")
    for orchestrator in rec.ranking:
        reasons = rec.reasons_for(orchestrator)
        if not reasons:
            continue
        console.print(Text(f"  {orchestrator.label}", style=f"bold {COLOURS[orchestrator]}"))
        rows = Table.grid(padding=(0, 1))
        for r in reasons:
            rows.add_row(
                "   " + ("+" if r.weight > 0 else "-"),
                f"{r.rule} {r.weight:+d}",
                without_assumptions(r.reason, rec.assumptions),
            )
        console.print(rows)
    if not rec.reasons:
        console.print("  No rule applied to these answers; every orchestrator scored 0.")
    for assumption in rec.assumptions:
        console.print(Text(f"Assumed (*): {assumption.removeprefix('assumed: ')}", style="yellow"))
    if rec.tie_break:
        console.print(Text(f"Tie-break: {rec.tie_break}", style="yellow"))
    if rec.weak:
        console.print(Text(rec.weak, style="yellow"))
    if rec.what_would_change:
        console.print("What would change this:")
        for line in what_would_change_lines(rec):
            console.print(f"  {line}")
    if answers is not None:
        defaults = describe_defaults(answers)
        if defaults:
            console.print(Text(f"From defaults: {defaults}", style="dim"))


def without_assumptions(reason: str, assumptions: Sequence[str]) -> str:
    """A reason with its "(assumed: ...)" tail replaced by a marker (printed once, below)."""
    for assumption in assumptions:
        reason = reason.replace(f" ({assumption})", " (*)")
    return reason


def score_chart(rec: Recommendation) -> Table:
    table = Table.grid(padding=(0, 1))
    top = max([1, *rec.scores.values()])
    for orchestrator in rec.ranking:
        score = rec.scores[orchestrator]
        filled = round(BAR_WIDTH * max(score, 0) / top)
        bar = Text("█" * filled, style=COLOURS[orchestrator])
        table.add_row(f"  {orchestrator.label:<14}", f"{score:>3}", bar)
    return table


def roster_rows(rows: Sequence[Row]) -> list[tuple[str, str, str, str]]:
    """Per team: name, recommendation, scores, reasons (one line each)."""
    out = []
    for row in rows:
        if not row.ok or row.answers is None:
            out.append((row.raw_name or f"row {row.number}", "error", "", row.error or ""))
            continue
        rec = recommend(row.answers, explore=False)
        chosen = row.orchestrator or rec.orchestrator
        label = chosen.label + (" (override)" if chosen is not rec.orchestrator else "")
        scores = ", ".join(f"{o.value} {s}" for o, s in rec.scores.items())
        reasons = [
            f"{r.rule} {r.orchestrator.value} {r.weight:+d}: "
            + without_assumptions(r.reason, rec.assumptions)
            for o in rec.ranking
            for r in rec.reasons_for(o)
        ]
        reasons += [f"(*) {a}" for a in rec.assumptions]
        if rec.tie_break:
            reasons.append(f"tie-break: {rec.tie_break}")
        if rec.weak:
            reasons.append(rec.weak)
        out.append((row.raw_name, label, scores, "; ".join(reasons) or "no rule applied"))
    return out


def roster_markdown(rows: Sequence[Row]) -> str:
    lines = ["| team | orchestrator | scores | reasons |", "|---|---|---|---|"]
    for cells in roster_rows(rows):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def roster_table(console: Console, rows: Sequence[Row]) -> None:
    table = Table(title="Recommendations", show_lines=True)
    for column in ("team", "orchestrator", "scores", "reasons"):
        table.add_column(column, overflow="fold")
    for cells in roster_rows(rows):
        table.add_row(*cells)
    console.print(table)
