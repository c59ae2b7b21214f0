"""What a rule of the decision matrix is (`Rule`), and the matrix as README.md's table.

The rules themselves are data in `rules.py`; `scoring.py` scores them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mlscaffold.models import Answers, Orchestrator


@dataclass(frozen=True)
class Rule:
    id: str
    orchestrator: Orchestrator
    weight: int
    summary: str  # our words
    quote: str  # the article's, verbatim
    condition: str  # the answers it reads, for the README
    when: Callable[[Answers], bool]
    # What the rule assumed about an unanswered question, if anything (None: nothing).
    assumed: Callable[[Answers], str | None] = lambda a: None

    @property
    def reason(self) -> str:
        return f"{self.summary} Article: “{self.quote}”"

    def explain(self, answers: Answers) -> str:
        assumption = self.assumed(answers)
        return self.reason if assumption is None else f"{self.reason} ({assumption})"


def readme_table(rules: Iterable[Rule]) -> str:
    """The rule table of README.md's "How the recommendation works" section."""
    lines = [
        "| rule | favours | weight | when | the article says | in short |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules:
        cells = (
            r.id,
            r.orchestrator.label,
            f"{r.weight:+d}",
            r.condition,
            f"“{r.quote}”",
            r.summary,
        )
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
