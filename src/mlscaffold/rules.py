"""The decision matrix as data.

Each rule reads the answers and, when it holds, adds `weight` (negative for a caution) to one
orchestrator. Reasons use the terms of the source comparison (shared/seed/orchestrators.txt):
its "Decision Matrix for ML Teams", the three "Choose X if" lists and their "less ideal if"
cautions. A follow-up the user skipped is None and makes no rule hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlscaffold.models import Answers, Orchestrator

AIRFLOW, PREFECT, DAGSTER = Orchestrator.AIRFLOW, Orchestrator.PREFECT, Orchestrator.DAGSTER

# The article gives no number for "small team" or "large DAG estate"; these are ours.
SMALL_TEAM = 8
LARGE_ESTATE = 100

# Ties go first to the option with fewer cautions against it, then to the one with the least to
# operate: the article's "for ML teams starting fresh, Prefect and Dagster usually present
# lower-friction developer workflows than traditional Airflow", and Prefect's "lower
# infrastructure burden" ahead of Dagster's "more moving parts".
TIE_BREAK_ORDER: tuple[Orchestrator, ...] = (PREFECT, DAGSTER, AIRFLOW)
TIE_BREAK_RULE = (
    "fewer cautions first, then least operational overhead: Prefect, then Dagster, then Airflow"
)


@dataclass(frozen=True)
class Rule:
    id: str
    orchestrator: Orchestrator
    weight: int
    reason: str
    when: Callable[[Answers], bool]


def _small_team_without_platform(a: Answers) -> bool:
    size = a["team_size"]
    return isinstance(size, int) and size <= SMALL_TEAM and a["platform_engineers"] is False


def _large_estate(a: Answers) -> bool:
    count = a["pipelines"]
    return isinstance(count, int) and count >= LARGE_ESTATE


RULES: tuple[Rule, ...] = (
    # The seven rows of the article's decision matrix.
    Rule(
        "R001",
        AIRFLOW,
        3,
        "Existing Airflow deployment or expertise: existing knowledge, mature ecosystem, "
        "managed options.",
        lambda a: a["existing_airflow"] is True,
    ),
    Rule(
        "R002",
        PREFECT,
        2,
        "Python-heavy data science team shipping orchestrated pipelines: low ceremony, simple "
        "local execution, fast script-to-flow path.",
        lambda a: a["workload"] == "python-scripts",
    ),
    Rule(
        "R003",
        DAGSTER,
        2,
        "Greenfield ML/data platform with feature tables and model artifacts: asset lineage, "
        "I/O managers, partitions, backfills.",
        lambda a: a["workload"] == "ml-assets" and a["existing_airflow"] is not True,
    ),
    Rule(
        "R004",
        AIRFLOW,
        2,
        "Large number of heterogeneous integrations: 1,000+ provider packages cited.",
        lambda a: a["integrations"] == "many",
    ),
    Rule(
        "R005",
        DAGSTER,
        2,
        "dbt plus Python pipelines in one lineage graph: dbt models are first-class "
        "software-defined assets.",
        lambda a: a["dbt"] is True,
    ),
    Rule(
        "R006",
        PREFECT,
        1,
        f"Small team (≤{SMALL_TEAM}) without platform engineers: lower local friction than "
        "Airflow, and Prefect if you are Python-first.",
        lambda a: _small_team_without_platform(a) and a["style"] != "asset-first",
    ),
    Rule(
        "R007",
        DAGSTER,
        1,
        f"Small team (≤{SMALL_TEAM}) without platform engineers: lower local friction than "
        "Airflow, and Dagster if you are asset-first.",
        lambda a: _small_team_without_platform(a) and a["style"] != "python-first",
    ),
    Rule(
        "R008",
        AIRFLOW,
        3,
        "Need to orchestrate arbitrary infrastructure tasks: the operator model is more "
        "flexible for non-data workloads.",
        lambda a: a["workload"] == "infra-tasks",
    ),
    # The "Choose X if" lists.
    Rule(
        "R009",
        AIRFLOW,
        2,
        f"{LARGE_ESTATE}+ pipelines: Airflow is battle-tested with very large DAG counts.",
        _large_estate,
    ),
    Rule(
        "R010",
        AIRFLOW,
        1,
        "Platform engineering support: Airflow's scheduler, executors and metadata DB "
        "need operating, and you can.",
        lambda a: a["platform_engineers"] is True,
    ),
    Rule(
        "R011",
        AIRFLOW,
        1,
        "Managed Airflow from your cloud (Amazon MWAA, Google Cloud Composer) lowers the "
        "operating burden.",
        lambda a: a["infra"] == "managed" and a["cloud"] in ("aws", "gcp"),
    ),
    Rule(
        "R012",
        PREFECT,
        1,
        "Python-first: minimal ceremony around existing scripts, flows are plain functions.",
        lambda a: a["style"] == "python-first",
    ),
    Rule(
        "R013",
        DAGSTER,
        1,
        "Asset-first: your team thinks in datasets, feature tables, models and reports.",
        lambda a: a["style"] == "asset-first",
    ),
    # The "less ideal if" cautions.
    Rule(
        "R014",
        PREFECT,
        -3,
        "Air-gapped: Prefect is less attractive where a fully air-gapped deployment is "
        "required (Prefect Cloud gives the best experience).",
        lambda a: a["air_gapped"] is True,
    ),
    Rule(
        "R015",
        PREFECT,
        -1,
        "Many integrations: Prefect's ecosystem is smaller (100+ integrations), so expect "
        "more custom code for niche systems.",
        lambda a: a["integrations"] == "many",
    ),
    Rule(
        "R016",
        PREFECT,
        -1,
        f"{LARGE_ESTATE}+ pipelines: Prefect is less proven at Airflow-like scale.",
        _large_estate,
    ),
    Rule(
        "R017",
        DAGSTER,
        -2,
        "Infrastructure tasks: Dagster is less ideal for orchestrating non-data "
        "infrastructure work.",
        lambda a: a["workload"] == "infra-tasks",
    ),
    Rule(
        "R018",
        DAGSTER,
        -1,
        "Existing Airflow expertise: budget 2-4 weeks of ramp-up to Dagster's asset-centric model.",
        lambda a: a["existing_airflow"] is True,
    ),
    Rule(
        "R019",
        PREFECT,
        -1,
        "Existing Airflow expertise: migrating means rewriting DAGs as flows.",
        lambda a: a["existing_airflow"] is True,
    ),
    Rule(
        "R020",
        AIRFLOW,
        -1,
        "Without platform engineers Airflow is usually not ideal unless managed: local "
        "setup, testing and operations are heavier.",
        lambda a: a["platform_engineers"] is False and a["infra"] != "managed",
    ),
)
