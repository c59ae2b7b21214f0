"""The article as an oracle, checked against every answer combination.

The statements below are written from the source article (../shared/seed/orchestrators.txt), each
with the sentence it rests on, independently of the weights in src/mlscaffold/rules.py. For one set
of answers the oracle takes every statement that holds: the orchestrators all the favouring
statements agree on, minus any the article cautions against. When that leaves at least one
orchestrator, the article gives a clear answer and the recommendation must be one of them; when the
statements pull apart (dbt and an existing Airflow estate, say), the article gives no clear answer
and the oracle abstains.

`uv run python -m benchmarks.oracle_agreement` prints the agreement figure and every disagreement.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlscaffold.models import Answers, AnswerValue, Orchestrator
from mlscaffold.questions import BY_KEY
from mlscaffold.rules import SMALL_TEAM
from mlscaffold.scoring import recommend

A, P, D = Orchestrator.AIRFLOW, Orchestrator.PREFECT, Orchestrator.DAGSTER
ALL = frozenset(Orchestrator)
ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "orchestrators.txt"
Values = Mapping[str, AnswerValue]


@dataclass(frozen=True)
class Statement:
    id: str
    quote: str  # verbatim from the article
    when: str  # the answers it is read from, in words
    holds: Callable[[Values], bool]
    favours: frozenset[Orchestrator] = frozenset()
    against: frozenset[Orchestrator] = frozenset()


def _pipelines_at_least(v: Values, n: int) -> bool:
    count = v.get("pipelines")
    return isinstance(count, int) and count >= n


STATEMENTS: tuple[Statement, ...] = (
    # "Choose Airflow If ..." and the Airflow rows of the decision matrix.
    Statement(
        "airflow-existing",
        "You already use Airflow and have institutional knowledge.",
        "existing_airflow=true",
        lambda v: v.get("existing_airflow") is True,
        frozenset({A}),
    ),
    Statement(
        "airflow-estate",
        "You have 100+ pipelines or a large existing DAG estate.",
        "existing_airflow=true and pipelines>=100",
        lambda v: v.get("existing_airflow") is True and _pipelines_at_least(v, 100),
        frozenset({A}),
    ),
    Statement(
        "airflow-integrations",
        "You need many pre-built integrations across cloud services, databases, APIs, and "
        "SaaS tools.",
        "integrations=many",
        lambda v: v.get("integrations") == "many",
        frozenset({A}),
    ),
    Statement(
        "airflow-platform",
        "You have platform engineering support or plan to use managed Airflow.",
        "platform_engineers=true",
        lambda v: v.get("platform_engineers") is True,
        frozenset({A}),
    ),
    Statement(
        "airflow-infra-tasks",
        "Operator model is described as more flexible for non-data workloads",
        "workload=infra-tasks",
        lambda v: v.get("workload") == "infra-tasks",
        frozenset({A}),
    ),
    Statement(
        "airflow-scale",
        "sources say Prefect handles hundreds of flows well, while thousands of concurrent "
        "flows with complex dependencies are less battle-tested than Airflow at equivalent "
        "scale.",
        "pipelines>=1000 (the article's 'thousands')",
        lambda v: _pipelines_at_least(v, 1000),
        frozenset({A}),
        frozenset({P}),
    ),
    Statement(
        "airflow-less-ideal",
        "Airflow is less ideal if your top priorities are low-friction local development, "
        "asset-level lineage, and simple unit testing.",
        "priority=local-iteration or lineage",
        lambda v: v.get("priority") in ("local-iteration", "lineage"),
        against=frozenset({A}),
    ),
    Statement(
        "airflow-limited-platform",
        "Usually not ideal unless managed",
        "platform_engineers=false and infra is not managed",
        lambda v: v.get("platform_engineers") is False and v.get("infra") != "managed",
        against=frozenset({A}),
    ),
    # "Choose Prefect If ..." and its cautions.
    Statement(
        "prefect-python",
        "Your ML pipelines are mostly Python.",
        "workload=python-scripts",
        lambda v: v.get("workload") == "python-scripts",
        frozenset({P}),
    ),
    Statement(
        "prefect-first-pipelines",
        "Python-heavy data science team shipping first orchestrated pipelines",
        "workload=python-scripts and existing_airflow=false",
        lambda v: v.get("workload") == "python-scripts" and v.get("existing_airflow") is False,
        frozenset({P}),
    ),
    Statement(
        "prefect-ceremony",
        "You want minimal ceremony around existing scripts.",
        "style=python-first",
        lambda v: v.get("style") == "python-first",
        frozenset({P}),
    ),
    Statement(
        "prefect-local",
        "Your team values fast local iteration.",
        "priority=local-iteration",
        lambda v: v.get("priority") == "local-iteration",
        frozenset({P}),
    ),
    Statement(
        "prefect-dynamic",
        "Your workflows are dynamic, with Python control flow, conditional branches, "
        "subflows, and runtime task creation.",
        "priority=dynamic-workflows",
        lambda v: v.get("priority") == "dynamic-workflows",
        frozenset({P}),
    ),
    Statement(
        "prefect-hybrid",
        "You want hybrid execution, where orchestration metadata is managed while code runs "
        "on your infrastructure.",
        "priority=hybrid-execution",
        lambda v: v.get("priority") == "hybrid-execution",
        frozenset({P}),
    ),
    Statement(
        "limited-platform",
        "Lower local friction than Airflow; choice depends on Python-first vs asset-first "
        "preference",
        "platform_engineers=false",
        lambda v: v.get("platform_engineers") is False,
        frozenset({P, D}),
    ),
    Statement(
        "prefect-air-gapped",
        "Prefect may be less attractive if your organization requires the breadth of "
        "Airflow’s provider ecosystem, fully air-gapped deployment, or proven operation at "  # noqa: RUF001 (the article's own punctuation)
        "Airflow-like scale.",
        "air_gapped=true or integrations=many",
        lambda v: v.get("air_gapped") is True or v.get("integrations") == "many",
        against=frozenset({P}),
    ),
    Statement(
        "prefect-migration",
        "Migration cost from Airflow, because DAGs must be rewritten as flows.",
        "existing_airflow=true",
        lambda v: v.get("existing_airflow") is True,
        against=frozenset({P}),
    ),
    # "Choose Dagster If ..." and its cautions.
    Statement(
        "dagster-assets",
        "Your team thinks in datasets, feature tables, models, and reports.",
        "workload=ml-assets or style=asset-first",
        lambda v: v.get("workload") == "ml-assets" or v.get("style") == "asset-first",
        frozenset({D}),
    ),
    Statement(
        "dagster-greenfield",
        "Greenfield ML/data platform with feature tables and model artifacts",
        "workload=ml-assets and existing_airflow=false",
        lambda v: v.get("workload") == "ml-assets" and v.get("existing_airflow") is False,
        frozenset({D}),
    ),
    Statement(
        "dagster-lineage",
        "Lineage and observability are central requirements.",
        "priority=lineage",
        lambda v: v.get("priority") == "lineage",
        frozenset({D}),
    ),
    Statement(
        "dagster-backfills",
        "You want first-class partitioning and backfills.",
        "priority=backfills",
        lambda v: v.get("priority") == "backfills",
        frozenset({D}),
    ),
    Statement(
        "dagster-dbt",
        "You use dbt alongside Python pipelines.",
        "dbt=true",
        lambda v: v.get("dbt") is True,
        frozenset({D}),
    ),
    Statement(
        "dagster-non-data",
        "Dagster may be less ideal for teams that primarily orchestrate non-data "
        "infrastructure tasks or teams unwilling to invest in a new mental model.",
        "workload=infra-tasks",
        lambda v: v.get("workload") == "infra-tasks",
        against=frozenset({D}),
    ),
    Statement(
        "dagster-ramp-up",
        "The source data estimates 2–4 weeks of ramp-up time for engineers coming from "  # noqa: RUF001 (the article's own punctuation)
        "Airflow-style task thinking.",
        "existing_airflow=true",
        lambda v: v.get("existing_airflow") is True,
        against=frozenset({D}),
    ),
)


def verdict(values: Values) -> frozenset[Orchestrator] | None:
    """The orchestrators the article supports for these answers, or None if it gives no answer."""
    against: set[Orchestrator] = set()
    favoured, any_holds = ALL, False
    for s in STATEMENTS:
        if s.holds(values):
            any_holds = True
            if s.favours:
                favoured = favoured & s.favours
            against |= s.against
    if not any_holds:
        return None
    left = favoured - against
    return left or None


# Accepted disagreements: (predicate on answers and the two results, the reason it is right).
ACCEPTED: tuple[
    tuple[Callable[[Values, frozenset[Orchestrator], Orchestrator], bool], str], ...
] = ()


# ---- the answer space ----


def _space_values(key: str, small_team: int) -> list[AnswerValue]:
    q = BY_KEY[key]
    if key == "team_size":
        return [small_team, small_team + 1]  # the two sides of our "small team" line
    if key == "pipelines":
        return [None, 10, 100, 1000]  # the article's "100+" and "thousands"
    if key == "cloud":
        return ["none"]  # sways no rule: test_cloud_sways_nothing
    if key == "mlflow":
        return [False]  # sways no rule: test_mlflow_option.py
    options: list[AnswerValue] = [True, False] if q.kind == "bool" else list(q.choices)
    if q.default is None:
        options.append(None)  # a skipped follow-up
    return options


def answer_space(
    fixed: Mapping[str, AnswerValue] | None = None,
) -> Iterator[dict[str, AnswerValue]]:
    """Every combination of answers (cloud fixed), minus those the catalogue refuses."""
    from mlscaffold import rules

    fixed = dict(fixed or {})
    keys = [k for k in BY_KEY if k not in fixed]
    small = getattr(rules, "SMALL_TEAM", 8)
    refuse = getattr(__import__("mlscaffold.questions").questions, "conflict", None)
    for combo in itertools.product(*(_space_values(k, small) for k in keys)):
        values = dict(zip(keys, combo, strict=True)) | fixed
        if refuse is not None and refuse(values) is not None:
            continue
        if any(v != BY_KEY[k].default and not BY_KEY[k].applies(values) for k, v in values.items()):
            continue  # a question not asked for these answers (air-gapped after managed)
        yield values


@dataclass
class Audit:
    combinations: int = 0
    clear: int = 0
    agree: int = 0
    accepted: int = 0
    disagreements: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str, str], dict[str, AnswerValue]] = field(default_factory=dict)

    @property
    def agreement(self) -> float:
        return (self.agree + self.accepted) / self.clear if self.clear else 1.0


def audit(fixed: Mapping[str, AnswerValue] | None = None) -> Audit:
    result = Audit()
    for values in answer_space(fixed):
        result.combinations += 1
        expected = verdict(values)
        if expected is None:
            continue
        result.clear += 1
        got = _winner(values)
        if got in expected:
            result.agree += 1
            continue
        if any(ok(values, expected, got) for ok, _ in ACCEPTED):
            result.accepted += 1
            continue
        held = ",".join(s.id for s in STATEMENTS if s.holds(values))
        key = (held, "/".join(sorted(o.value for o in expected)), got.value)
        result.disagreements[key] += 1
        result.examples.setdefault(key, values)
    return result


def sway(
    keys: tuple[str, ...], fixed: Mapping[str, AnswerValue] | None = None
) -> dict[str, tuple[int, int]]:
    """Per key: (groups where changing only that answer changes the winner, groups)."""
    winners: dict[str, dict[tuple[object, ...], set[Orchestrator]]] = {k: {} for k in keys}
    for values in answer_space(fixed):
        winner = _winner(values)
        for key in keys:
            rest = tuple(v for k, v in values.items() if k != key)
            winners[key].setdefault(rest, set()).add(winner)
    return {k: (sum(len(w) > 1 for w in g.values()), len(g)) for k, g in winners.items()}


def _winner(values: Values) -> Orchestrator:
    try:
        return recommend(Answers(dict(values)), explore=False).orchestrator
    except TypeError:  # an older recommend() (benchmarks/oracle_agreement.py --rev)
        return recommend(Answers(dict(values))).orchestrator


# ---- tests ----


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_statement_quotes_the_article():
    article = _normalise(ARTICLE.read_text())
    for s in STATEMENTS:
        assert _normalise(s.quote) in article, s.id


def test_statement_ids_are_unique():
    assert len({s.id for s in STATEMENTS}) == len(STATEMENTS)


def test_the_oracle_abstains_when_the_article_pulls_both_ways():
    assert verdict({"dbt": True, "existing_airflow": True}) is None
    assert verdict({"dbt": True}) == frozenset({D})
    assert verdict({"platform_engineers": False, "style": "python-first"}) == frozenset({P})
    assert verdict({"air_gapped": True}) == frozenset({A, D})
    assert verdict({}) is None


def test_the_recommendation_agrees_with_the_article_everywhere():
    result = audit()
    assert result.combinations > 200_000  # the sweep really covers the space
    assert result.clear > 10_000
    assert result.disagreements == Counter(), [
        (key, n, result.examples[key]) for key, n in result.disagreements.most_common(10)
    ]


def test_cloud_sways_nothing():
    for values in answer_space({"infra": "managed", "priority": None, "pipelines": None}):
        results = {_winner(values | {"cloud": c}) for c in BY_KEY["cloud"].choices}
        assert len(results) == 1, values


def test_each_card_question_moves_the_result_somewhere():
    moved = sway(("team_size", "dbt", "infra"), {"priority": None})
    assert all(n > 0 for n, _ in moved.values()), moved


def test_core_only_answers_tie_at_zero_only_when_nothing_applies():
    followups = {q.key: None for q in BY_KEY.values() if q.followup}
    for values in answer_space(followups):
        result = recommend(Answers(dict(values)), explore=False)
        if set(result.scores.values()) == {0}:
            assert result.reasons == ()
            assert result.weak is not None
            team_size = values["team_size"]
            assert isinstance(team_size, int)
            assert team_size > SMALL_TEAM
            assert values["dbt"] is False
