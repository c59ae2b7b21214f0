"""The question catalogue: the one place a question is defined.

The interactive prompts (`prompts.py`), the CLI flags (`flags.py`) and the Copier questions
(`templates/questions.yml`, written by `questions_copier.py`) are all derived from `CATALOGUE`.
Pure: no terminal, no disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from mlscaffold.errors import InvalidAnswerError
from mlscaffold.models import Answers, AnswerValue

Kind = Literal["int", "bool", "choice"]
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    help: str
    kind: Kind
    # None on a follow-up means "skipped": the answer sways no rule.
    default: AnswerValue
    choices: tuple[str, ...] = ()
    followup: bool = False
    minimum: int | None = None
    maximum: int | None = None  # a bound on sense: a typo of many digits is refused, not used
    # Asked only when another answer has this value (cloud only for managed infra).
    only_if: tuple[str, str] | None = None
    # Not asked when another answer has one of these values (air-gapped rules out a hosted
    # service); answering "yes" anyway is refused by `conflict`.
    unless: tuple[tuple[str, str], ...] = ()
    # Why `unless` holds, for the error message.
    unless_why: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")

    def applies(self, known: Mapping[str, AnswerValue]) -> bool:
        if any(known.get(key) == value for key, value in self.unless):
            return False
        return self.only_if is None or known.get(self.only_if[0]) == self.only_if[1]

    def expected(self) -> str:
        if self.kind == "bool":
            return f"{self.flag} or --no-{self.flag[2:]}"
        if self.kind == "int":
            return whole_number(self.minimum, self.maximum)
        return "one of " + ", ".join(self.choices)

    def in_range(self, number: int) -> bool:
        return (self.minimum is None or number >= self.minimum) and (
            self.maximum is None or number <= self.maximum
        )

    def coerce(self, raw: object) -> AnswerValue:
        """Turn a flag, YAML or CSV value into this question's type, or say what is wrong."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return self.default
        text = str(raw).strip().lower()
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
        elif self.kind == "int":
            try:
                number = raw if isinstance(raw, int) and not isinstance(raw, bool) else int(text)
            except ValueError:
                number = None
            if number is not None and self.in_range(number):
                return number
        elif text in self.choices:
            return text
        raise InvalidAnswerError(
            f"{self.flag} got {raw!r}, but it must be {self.expected()}.",
            f"Example: {self.example()}.",
        )

    def example(self) -> str:
        if self.kind == "bool":
            return self.flag
        if self.kind == "int":
            return f"{self.flag} {self.default if isinstance(self.default, int) else 5}"
        return f"{self.flag} {self.choices[0]}"


def whole_number(minimum: int | None, maximum: int | None) -> str:
    if maximum is None:
        return f"a whole number of at least {minimum}"
    return f"a whole number from {minimum} to {maximum}"


CATALOGUE: tuple[Question, ...] = (
    Question(
        key="team_size",
        prompt="How many people will build and run these pipelines?",
        help="People on the team that will own the pipelines.",
        kind="int",
        default=5,
        minimum=1,
        maximum=100_000,
    ),
    Question(
        key="dbt",
        prompt="Do you use (or plan to use) dbt for SQL transformations?",
        help="Adds a dbt-duckdb project whose models feed the training features.",
        kind="bool",
        default=False,
    ),
    Question(
        key="infra",
        prompt="Where will the pipelines run?",
        help="local: one machine or VM (Docker Compose); kubernetes: Helm chart values; "
        "managed: the orchestrator's hosted service (MWAA, Composer or Astronomer; Prefect "
        "Cloud; Dagster+).",
        kind="choice",
        default="local",
        choices=("local", "kubernetes", "managed"),
    ),
    Question(
        key="cloud",
        prompt="Which cloud hosts the managed service?",
        help="Only for --infra managed: picks Amazon MWAA (aws), Cloud Composer (gcp) or "
        "Astronomer (azure/none) for Airflow's deploy files; sways no recommendation.",
        kind="choice",
        default="none",
        choices=("aws", "gcp", "azure", "none"),
        only_if=("infra", "managed"),
    ),
    Question(
        key="mlflow",
        prompt="Track experiments with MLflow?",
        help="Logs each candidate model (params, metrics, model with signature) to a local "
        "MLflow store; the registry alias moves only after the gate; `make mlflow` opens its UI. "
        "Sways no recommendation.",
        kind="bool",
        default=False,
    ),
    Question(
        key="platform_engineers",
        prompt="Do you have platform engineers to run the orchestrator?",
        help="Someone whose job includes operating infrastructure (follow-up; skipped = unknown).",
        kind="bool",
        default=None,
        followup=True,
    ),
    Question(
        key="existing_airflow",
        prompt="Do you already run Airflow or have Airflow expertise in-house?",
        help="An existing Airflow deployment or people who know it well (follow-up).",
        kind="bool",
        default=None,
        followup=True,
    ),
    Question(
        key="workload",
        prompt="What will the pipelines mostly do?",
        help="python-scripts: Python ML code; ml-assets: datasets, feature tables, models; "
        "infra-tasks: arbitrary infrastructure jobs (follow-up).",
        kind="choice",
        default=None,
        choices=("python-scripts", "ml-assets", "infra-tasks"),
        followup=True,
    ),
    Question(
        key="integrations",
        prompt="How many external systems must the pipelines talk to?",
        help="few: a warehouse and a bucket; many: lots of heterogeneous SaaS, APIs and "
        "databases (follow-up).",
        kind="choice",
        default=None,
        choices=("few", "many"),
        followup=True,
    ),
    Question(
        key="style",
        prompt="Which way does your team prefer to think about pipelines?",
        help="python-first: functions and scripts; asset-first: the data products they make; "
        "either (follow-up).",
        kind="choice",
        default=None,
        choices=("python-first", "asset-first", "either"),
        followup=True,
    ),
    Question(
        key="priority",
        prompt="Which matters most to the team day to day?",
        help="Fast local runs and tests, lineage, partitions and backfills, dynamic flows, or "
        "hybrid execution (hosted orchestration, your code and data) (follow-up).",
        kind="choice",
        default=None,
        choices=(
            "local-iteration",
            "lineage",
            "backfills",
            "dynamic-workflows",
            "hybrid-execution",
        ),
        followup=True,
    ),
    Question(
        key="pipelines",
        prompt="Roughly how many pipelines will you run within a year?",
        help="Count of scheduled pipelines/DAGs, existing ones included (follow-up).",
        kind="int",
        default=None,
        minimum=1,
        maximum=1_000_000,
        followup=True,
    ),
    Question(
        key="air_gapped",
        prompt="Must it run fully air-gapped (no hosted control plane)?",
        help="No connection to any vendor cloud at run time (follow-up; not with managed "
        "infra or hybrid execution).",
        kind="bool",
        default=None,
        followup=True,
        unless=(("infra", "managed"), ("priority", "hybrid-execution")),
        unless_why="a hosted control plane is not air-gapped",
    ),
)

BY_KEY: dict[str, Question] = {q.key: q for q in CATALOGUE}


def resolve(given: Mapping[str, object]) -> Answers:
    """Check and type every given answer; fill the rest from the catalogue defaults."""
    unknown = sorted(set(given) - set(BY_KEY))
    if unknown:
        raise InvalidAnswerError(
            f"Unknown question {unknown[0]!r}.",
            "Known keys: " + ", ".join(BY_KEY) + ".",
        )
    values: dict[str, AnswerValue] = {}
    defaulted: set[str] = set()
    for q in CATALOGUE:
        raw = given.get(q.key)
        if raw is None or raw == "":
            values[q.key] = q.default
            defaulted.add(q.key)
        else:
            values[q.key] = q.coerce(raw)
    refused = conflict(values)
    if refused is not None:
        raise refused
    return Answers(values=values, defaulted=frozenset(defaulted))


def conflict(values: Mapping[str, AnswerValue]) -> InvalidAnswerError | None:
    """The error for answers that contradict each other, or None."""
    for q in CATALOGUE:
        value = values.get(q.key)
        if q.only_if and value != q.default and not q.applies(values):
            # Say so rather than silently ignore an answer that changes nothing.
            key, wanted = q.only_if
            return InvalidAnswerError(
                f"{q.flag} only applies with {BY_KEY[key].flag} {wanted}.",
                f"Add {BY_KEY[key].flag} {wanted} or drop {q.flag}.",
            )
        for key, other in q.unless:
            if value is True and values.get(key) == other:
                return InvalidAnswerError(
                    f"{q.flag} cannot be combined with {BY_KEY[key].flag} {other}: {q.unless_why}.",
                    f"Drop {q.flag} or change {BY_KEY[key].flag}.",
                )
    return None


def describe_defaults(answers: Answers, keys: Iterable[str] | None = None) -> str:
    """One line naming the answers that came from defaults (or were skipped)."""
    chosen = [
        k for k in (keys or BY_KEY) if k in answers.defaulted and BY_KEY[k].applies(answers.values)
    ]
    parts = [
        f"{k}={_show(answers[k])}" if answers[k] is not None else f"{k} (skipped)" for k in chosen
    ]
    return ", ".join(parts)


def _show(value: AnswerValue) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
