"""The decision matrix as data.

Each rule reads the answers and, when it holds, adds `weight` (negative for a caution) to one
orchestrator. Every rule quotes the sentence of the source comparison
(shared/seed/orchestrators.txt) it rests on: its "Decision Matrix for ML Teams", the three
"Choose X if" lists and their "less ideal if" cautions, and the operations section. The weights
are ours; so is the "small team" line (the article gives no number). A follow-up the user skipped
is None and makes no rule hold, except where a rule says what it assumed instead (a small team
with the platform-engineers question skipped), and says so in its reason.

Data only: `scoring.py` scores them (a pure function); `matrix.py` defines `Rule` and prints
RULES as README.md's "How the recommendation works" table (tests/test_scoring.py keeps the two
in sync).
"""

from __future__ import annotations

from mlscaffold.matrix import Rule
from mlscaffold.models import Answers, Orchestrator

AIRFLOW, PREFECT, DAGSTER = Orchestrator.AIRFLOW, Orchestrator.PREFECT, Orchestrator.DAGSTER

# Ours: the article gives no number for a "small team".
SMALL_TEAM = 8
# The article's: "You have 100+ pipelines or a large existing DAG estate."
LARGE_ESTATE = 100
# Our reading of the article's "thousands of concurrent flows" (Prefect "handles hundreds").
AIRFLOW_SCALE = 1000


def _small_team(a: Answers) -> bool:
    size = a["team_size"]
    return isinstance(size, int) and size <= SMALL_TEAM


def _no_platform(a: Answers) -> bool:
    """No platform engineers: answered so, or assumed for a small team that skipped the question."""
    answered = a["platform_engineers"]
    return answered is False or (answered is None and _small_team(a))


def _assumed_no_platform(a: Answers) -> str | None:
    if a["platform_engineers"] is None and _small_team(a):
        return (
            f"assumed: no dedicated platform engineers in a team of {a['team_size']} — answer "
            f"the platform-engineers follow-up to change this; ≤{SMALL_TEAM} is our line, "
            "the article gives no number"
        )
    return None


def _pipelines(a: Answers, at_least: int) -> bool:
    count = a["pipelines"]
    return isinstance(count, int) and count >= at_least


RULES: tuple[Rule, ...] = (
    # Airflow: "Choose Airflow If You Need Maximum Maturity and Ecosystem Breadth".
    Rule(
        "R001", AIRFLOW, 3,
        "Existing Airflow deployment or expertise: existing knowledge, mature ecosystem, "
        "managed options.",
        "You already use Airflow and have institutional knowledge.",
        "existing_airflow = yes",
        lambda a: a["existing_airflow"] is True,
    ),
    Rule(
        "R002", PREFECT, 1,
        "Python pipelines and no Airflow yet (first orchestrated pipelines): low ceremony, "
        "fast script-to-flow path.",
        "Python-heavy data science team shipping first orchestrated pipelines",
        "workload = python-scripts and existing_airflow = no",
        lambda a: a["workload"] == "python-scripts" and a["existing_airflow"] is False,
    ),
    Rule(
        "R003", DAGSTER, 1,
        "ML assets and no Airflow yet (greenfield): asset lineage, I/O managers, partitions, "
        "backfills.",
        "Greenfield ML/data platform with feature tables and model artifacts",
        "workload = ml-assets and existing_airflow = no",
        lambda a: a["workload"] == "ml-assets" and a["existing_airflow"] is False,
    ),
    Rule(
        "R004", AIRFLOW, 2,
        "Many heterogeneous integrations: 1,000+ provider packages cited.",
        "You need many pre-built integrations across cloud services, databases, APIs, and "
        "SaaS tools.",
        "integrations = many",
        lambda a: a["integrations"] == "many",
    ),
    Rule(
        "R005", DAGSTER, 2,
        "dbt with Python: one lineage graph, dbt models as first-class assets.",
        "Dagster treats dbt models as first-class software-defined assets, allowing dbt models "
        "and Python pipelines to share a single lineage graph.",
        "dbt = yes",
        lambda a: a["dbt"] is True,
    ),
    Rule(
        "R006", PREFECT, 1,
        "No platform engineers: Prefect's operational model is lighter (unless the team is "
        "asset-first).",
        "The research positions Prefect as a strong fit for teams without dedicated platform "
        "engineers.",
        "platform_engineers = no (assumed when skipped in a team of ≤8), style not asset-first",
        lambda a: _no_platform(a) and a["style"] != "asset-first",
        _assumed_no_platform,
    ),
    Rule(
        "R007", DAGSTER, 1,
        "No platform engineers: Dagster is the other low-friction option (unless the team is "
        "Python-first).",
        "Lower local friction than Airflow; choice depends on Python-first vs asset-first "
        "preference",
        "platform_engineers = no (assumed when skipped in a team of ≤8), style not python-first",
        lambda a: _no_platform(a) and a["style"] != "python-first",
        _assumed_no_platform,
    ),
    Rule(
        "R008", AIRFLOW, 3,
        "Arbitrary infrastructure tasks: the operator model suits non-data workloads.",
        "Operator model is described as more flexible for non-data workloads",
        "workload = infra-tasks",
        lambda a: a["workload"] == "infra-tasks",
    ),
    Rule(
        "R009", AIRFLOW, 2,
        f"A large existing DAG estate: you already run Airflow and {LARGE_ESTATE}+ pipelines.",
        "You have 100+ pipelines or a large existing DAG estate.",
        f"existing_airflow = yes and pipelines ≥ {LARGE_ESTATE}",
        lambda a: a["existing_airflow"] is True and _pipelines(a, LARGE_ESTATE),
    ),
    Rule(
        "R010", AIRFLOW, 1,
        "Platform engineering support: people to run the scheduler, workers and metadata DB.",
        "You have platform engineering support or plan to use managed Airflow.",
        "platform_engineers = yes",
        lambda a: a["platform_engineers"] is True,
    ),
    Rule(
        "R012", PREFECT, 1,
        "Python-first: flows are plain functions around existing scripts.",
        "You want minimal ceremony around existing scripts.",
        "style = python-first",
        lambda a: a["style"] == "python-first",
    ),
    Rule(
        "R013", DAGSTER, 1,
        "Asset-first: datasets, features and models as first-class objects.",
        "An asset-centric tool may be stronger when your team wants model artifacts, feature "
        "tables, datasets, and transformations represented as first-class objects.",
        "style = asset-first",
        lambda a: a["style"] == "asset-first",
    ),
    # The cautions ("less ideal if", trade-offs).
    Rule(
        "R014", PREFECT, -3,
        "Air-gapped: Prefect's best experience depends on Prefect Cloud.",
        "Prefect may be less attractive if your organization requires the breadth of Airflow’s "  # noqa: RUF001 (the article's own punctuation)
        "provider ecosystem, fully air-gapped deployment, or proven operation at Airflow-like "
        "scale.",
        "air_gapped = yes",
        lambda a: a["air_gapped"] is True,
    ),
    Rule(
        "R015", PREFECT, -1,
        "Many integrations: Prefect's ecosystem is smaller (100+ integrations).",
        "The research suggests teams may write more custom code for niche systems compared "
        "with Airflow.",
        "integrations = many",
        lambda a: a["integrations"] == "many",
    ),
    Rule(
        "R016", PREFECT, -1,
        f"Thousands of pipelines ({AIRFLOW_SCALE}+, our reading of 'thousands'): Prefect is "
        "less proven at that scale.",
        "sources say Prefect handles hundreds of flows well, while thousands of concurrent "
        "flows with complex dependencies are less battle-tested than Airflow at equivalent "
        "scale.",
        f"pipelines ≥ {AIRFLOW_SCALE}",
        lambda a: _pipelines(a, AIRFLOW_SCALE),
    ),
    Rule(
        "R017", DAGSTER, -2,
        "Infrastructure tasks: Dagster is less ideal for non-data work.",
        "Dagster may be less ideal for teams that primarily orchestrate non-data "
        "infrastructure tasks or teams unwilling to invest in a new mental model.",
        "workload = infra-tasks",
        lambda a: a["workload"] == "infra-tasks",
    ),
    Rule(
        "R018", DAGSTER, -1,
        "Existing Airflow expertise: budget ramp-up to the asset model.",
        "The source data estimates 2–4 weeks of ramp-up time for engineers coming from "  # noqa: RUF001 (the article's own punctuation)
        "Airflow-style task thinking.",
        "existing_airflow = yes",
        lambda a: a["existing_airflow"] is True,
    ),
    Rule(
        "R019", PREFECT, -1,
        "Existing Airflow estate: migrating means rewriting DAGs.",
        "Migration cost from Airflow, because DAGs must be rewritten as flows.",
        "existing_airflow = yes",
        lambda a: a["existing_airflow"] is True,
    ),
    Rule(
        "R020", AIRFLOW, -1,
        "No platform engineers and self-hosted (local or Kubernetes): Airflow is heavier to run.",
        "Usually not ideal unless managed",
        "platform_engineers = no (assumed when skipped in a team of ≤8) and infra is not managed",
        lambda a: _no_platform(a) and a["infra"] != "managed",
        _assumed_no_platform,
    ),
    # The rest of the three "Choose X if" lists.
    Rule(
        "R021", PREFECT, 1,
        "Mostly Python pipelines: existing code wraps into flows.",
        "Your ML pipelines are mostly Python.",
        "workload = python-scripts",
        lambda a: a["workload"] == "python-scripts",
    ),
    Rule(
        "R022", DAGSTER, 1,
        "ML assets: pipelines that make datasets, feature tables and models.",
        "Your team thinks in datasets, feature tables, models, and reports.",
        "workload = ml-assets",
        lambda a: a["workload"] == "ml-assets",
    ),
    Rule(
        "R023", AIRFLOW, 2,
        f"Thousands of pipelines ({AIRFLOW_SCALE}+): Airflow is proven at that scale.",
        "The source data describes it as battle-tested at large scale, with companies running "
        "10,000+ DAGs in production.",
        f"pipelines ≥ {AIRFLOW_SCALE}",
        lambda a: _pipelines(a, AIRFLOW_SCALE),
    ),
    Rule(
        "R024", AIRFLOW, -1,
        "Top priority is fast local work or lineage: Airflow is less ideal.",
        "Airflow is less ideal if your top priorities are low-friction local development, "
        "asset-level lineage, and simple unit testing.",
        "priority = local-iteration or lineage",
        lambda a: a["priority"] in ("local-iteration", "lineage"),
    ),
    Rule(
        "R025", PREFECT, 1,
        "Fast local iteration and simple tests: flows run as plain Python.",
        "Your team values fast local iteration.",
        "priority = local-iteration",
        lambda a: a["priority"] == "local-iteration",
    ),
    Rule(
        "R026", PREFECT, 1,
        "Dynamic workflows: branches, subflows and tasks created at run time.",
        "Your workflows are dynamic, with Python control flow, conditional branches, subflows, "
        "and runtime task creation.",
        "priority = dynamic-workflows",
        lambda a: a["priority"] == "dynamic-workflows",
    ),
    Rule(
        "R027", PREFECT, 1,
        "Hybrid execution: hosted orchestration, your code and data stay on your infrastructure.",
        "You want hybrid execution, where orchestration metadata is managed while code runs on "
        "your infrastructure.",
        "priority = hybrid-execution",
        lambda a: a["priority"] == "hybrid-execution",
    ),
    Rule(
        "R028", DAGSTER, 1,
        "Lineage first: lineage and observability are central.",
        "Lineage and observability are central requirements.",
        "priority = lineage",
        lambda a: a["priority"] == "lineage",
    ),
    Rule(
        "R029", DAGSTER, 1,
        "Backfills first: partitions and backfills are first-class.",
        "You want first-class partitioning and backfills.",
        "priority = backfills",
        lambda a: a["priority"] == "backfills",
    ),
)  # fmt: skip
