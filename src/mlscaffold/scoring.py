"""Score the decision matrix (rules.py): a pure function from answers to a recommendation.

Also `plan_for`, what to render. The record of the decision is decision_record.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from mlscaffold.matrix import Rule
from mlscaffold.models import (
    Alternative,
    Answers,
    AnswerValue,
    Names,
    Orchestrator,
    Plan,
    Reason,
    Recommendation,
)
from mlscaffold.questions import CATALOGUE, conflict
from mlscaffold.rules import AIRFLOW_SCALE, LARGE_ESTATE, RULES, SMALL_TEAM

Change = tuple[str, AnswerValue]
# At most this many answers change in one way of reaching another orchestrator.
MAX_CHANGES = 2

# Values tried when looking for the answers that would change the decision: one on each side of
# every line a rule draws on a number.
BANDS: dict[str, tuple[int, ...]] = {
    "team_size": (SMALL_TEAM, SMALL_TEAM + 1),
    "pipelines": (10, LARGE_ESTATE, AIRFLOW_SCALE),
}

# Ties go first to an option with a rule in its favour (a leader that only avoided cautions is a
# weak recommendation), resting on the user's answers rather than on an assumption of ours, then
# to the one with the least to operate: the article's "for ML teams
# starting fresh, Prefect and Dagster usually present lower-friction developer workflows than
# traditional Airflow deployments", and Prefect's "lower infrastructure burden" ahead of
# Dagster's "more moving parts". Cautions are counted once, in the score.
TIE_BREAK_ORDER: tuple[Orchestrator, ...] = tuple(
    sorted(Orchestrator, key=lambda o: o.profile.tie_break_rank)
)
TIE_BREAK_RULE = (
    "a rule in its favour first, resting on your answers before our assumptions, then the "
    "least to operate"
)


def plan_for(
    names: Names,
    target: Path,
    answers: Answers,
    override: Orchestrator | None = None,
    *,
    git: bool = True,
) -> Plan:
    """What to render: the recommendation for `answers`, unless the user chose otherwise."""
    rec = recommend(answers)
    return Plan(names, target, answers, rec, override or rec.orchestrator, git=git)


def recommend(
    answers: Answers, rules: Iterable[Rule] = RULES, *, explore: bool = True
) -> Recommendation:
    """Score `answers`; with `explore`, also find what would change the decision (re-scoring)."""
    rules = tuple(rules)
    fired = [rule for rule in rules if rule.when(answers)]
    reasons = tuple(Reason(r.id, r.orchestrator, r.weight, r.explain(answers)) for r in fired)
    assumptions = tuple(dict.fromkeys(a for r in fired if (a := r.assumed(answers)) is not None))
    scores = dict.fromkeys(TIE_BREAK_ORDER, 0)
    for reason in reasons:
        scores[reason.orchestrator] += reason.weight
    backed = {r.orchestrator for r in fired if r.weight > 0}
    # Backed by a rule that assumed nothing on the user's behalf.
    answered = {r.orchestrator for r in fired if r.weight > 0 and r.assumed(answers) is None}

    def rank(o: Orchestrator) -> tuple[int, bool, bool, int]:
        return (-scores[o], o not in backed, o not in answered, TIE_BREAK_ORDER.index(o))

    ranking = sorted(scores, key=rank)
    winner = ranking[0]
    leaders = [o for o in ranking if scores[o] == scores[winner]]
    tie_break = None
    if len(leaders) > 1:
        names = " and ".join(o.label for o in leaders)
        others = " or ".join(o.label for o in leaders[1:])
        if winner in backed and not set(leaders[1:]) & backed:
            why = f"a rule favours it, none favours {others}"
        elif winner in answered and not set(leaders[1:]) & answered:
            why = f"the rule favouring it rests on your answers, {others}'s on an assumption"
        else:
            why = "it has the least to operate (Prefect, then Dagster, then Airflow)"
        tie_break = (
            f"{names} tied at {scores[winner]}; chose {winner.label}: {why}. "
            f"Tie-break rule: {TIE_BREAK_RULE}."
        )
    weak = None
    if winner not in backed:
        weak = (
            f"Weak recommendation: no rule favours {winner.label}"
            + (
                "; no rule applied to these answers at all"
                if not reasons
                else "; it leads only because the others scored lower"
            )
            + ". Answer the follow-up questions to sharpen it."
        )
    alternatives = _what_would_change(answers, ranking, rules) if explore else ()
    return Recommendation(
        winner, {o: scores[o] for o in ranking}, reasons, tie_break, weak, assumptions, alternatives
    )


def candidate_changes(answers: Answers) -> list[Change]:
    """Every one-answer change worth trying: each other value of each question a rule reads."""
    out: list[Change] = []
    for q in CATALOGUE:
        if q.key in {"cloud", "mlflow"}:
            continue  # pick files only (deployment, tracking); sway no rule
        options: Sequence[AnswerValue]
        if q.kind == "bool":
            options = (True, False)
        elif q.kind == "int":
            options = BANDS.get(q.key, ())
        else:
            options = q.choices
        out += [(q.key, v) for v in options if v != answers[q.key]]
    return out


def _apply(answers: Answers, changes: Sequence[Change]) -> Answers | None:
    values = dict(answers.values)
    values.update(changes)
    if values.get("infra") != "managed":
        values["cloud"] = next(q.default for q in CATALOGUE if q.key == "cloud")
    if conflict(values) is not None:
        return None
    return Answers(values, answers.defaulted - {k for k, _ in changes})


def _what_would_change(
    answers: Answers, ranking: Sequence[Orchestrator], rules: tuple[Rule, ...]
) -> tuple[Alternative, ...]:
    winner = ranking[0]
    singles = candidate_changes(answers)

    def outcome(changes: Sequence[Change]) -> Orchestrator | None:
        changed = _apply(answers, changes)
        return None if changed is None else recommend(changed, rules, explore=False).orchestrator

    single_result = {change: outcome([change]) for change in singles}
    ways: dict[Orchestrator, list[tuple[Change, ...]]] = {o: [] for o in Orchestrator}
    for change, result in single_result.items():
        if result is not None and result is not winner:
            ways[result].append((change,))
    missing = {o for o in Orchestrator if o is not winner and not ways[o]}
    if missing and MAX_CHANGES >= 2:
        for a, b in itertools.combinations(singles, 2):
            if a[0] == b[0]:
                continue
            result = outcome([a, b])
            # Minimal: neither change alone gets there.
            if result in missing and result not in (single_result[a], single_result[b]):
                ways[result].append((a, b))
    return tuple(Alternative(o, tuple(ways[o])) for o in ranking[1:])
