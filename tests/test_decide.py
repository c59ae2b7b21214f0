"""The decision matrix: every scenario of the seed article, every rule, scoring and tie-break."""

from __future__ import annotations

import pytest

from mlscaffold.decide import recommend
from mlscaffold.models import Answers, Orchestrator
from mlscaffold.questions import resolve
from mlscaffold.rules import RULES, SMALL_TEAM, Rule

AIRFLOW, PREFECT, DAGSTER = Orchestrator.AIRFLOW, Orchestrator.PREFECT, Orchestrator.DAGSTER


def rec(**given: object):
    return recommend(resolve(given))


# One row per line of the article's "Decision Matrix for ML Teams", plus the cautions.
SCENARIOS = [
    pytest.param(
        {"existing_airflow": True, "team_size": 40, "platform_engineers": True},
        AIRFLOW, id="existing enterprise Airflow deployment",
    ),
    pytest.param(
        {"workload": "python-scripts", "style": "python-first", "team_size": 4},
        PREFECT, id="Python-heavy DS team shipping first pipelines",
    ),
    pytest.param(
        {"workload": "ml-assets", "existing_airflow": False},
        DAGSTER, id="greenfield platform with feature tables and model artifacts",
    ),
    pytest.param({"integrations": "many"}, AIRFLOW, id="many heterogeneous integrations"),
    pytest.param({"dbt": True}, DAGSTER, id="dbt plus Python in one lineage graph"),
    pytest.param(
        {"team_size": 3, "platform_engineers": False, "style": "python-first"},
        PREFECT, id="small team without platform engineers, Python-first",
    ),
    pytest.param(
        {"team_size": 3, "platform_engineers": False, "style": "asset-first"},
        DAGSTER, id="small team without platform engineers, asset-first",
    ),
    pytest.param({"workload": "infra-tasks"}, AIRFLOW, id="arbitrary infrastructure tasks"),
    pytest.param(
        {"team_size": 3, "platform_engineers": False, "style": "either", "air_gapped": True},
        DAGSTER, id="air-gapped weighs against Prefect's hosted control plane",
    ),
    pytest.param(
        {"pipelines": 300, "platform_engineers": True}, AIRFLOW, id="very large DAG estate"
    ),
    pytest.param(
        {"infra": "managed", "cloud": "aws", "platform_engineers": False, "team_size": 20},
        AIRFLOW, id="managed Airflow on AWS without platform engineers",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("given", "expected"), SCENARIOS)
def test_seed_scenarios(given, expected):
    result = rec(**given)
    assert result.orchestrator is expected, result.to_json()
    assert result.reasons_for(expected), "the winner must have a reason of its own"


def test_air_gapped_costs_prefect_its_lead():
    connected = rec(team_size=3, platform_engineers=False, style="python-first")
    gapped = rec(team_size=3, platform_engineers=False, style="python-first", air_gapped=True)
    assert connected.orchestrator is PREFECT
    assert gapped.scores[PREFECT] == connected.scores[PREFECT] - 3
    assert "R014" in {r.rule for r in gapped.reasons}


def test_skipped_followups_sway_nothing():
    result = rec()
    assert result.reasons == ()
    assert set(result.scores.values()) == {0}


def test_all_tied_goes_to_prefect_and_says_so():
    result = rec()
    assert result.orchestrator is PREFECT
    assert result.tie_break is not None
    assert "Prefect" in result.tie_break
    assert "Dagster" in result.tie_break


def test_small_team_with_no_preference_is_a_documented_tie():
    result = rec(team_size=SMALL_TEAM, platform_engineers=False, style="either")
    assert result.scores[PREFECT] == result.scores[DAGSTER] == 1
    assert result.orchestrator is PREFECT
    assert result.tie_break is not None


def test_team_above_small_threshold_is_not_small():
    result = rec(team_size=SMALL_TEAM + 1, platform_engineers=False, style="python-first")
    assert {"R006", "R007"}.isdisjoint(r.rule for r in result.reasons)


def test_clear_winner_has_no_tie_break():
    assert rec(dbt=True).tie_break is None


def test_tie_break_prefers_fewer_cautions():
    always = lambda a: True  # noqa: E731
    rules = (
        Rule("T1", PREFECT, 3, "plus", always),
        Rule("T2", PREFECT, -1, "caution", always),
        Rule("T3", DAGSTER, 2, "plus", always),
    )
    result = recommend(resolve({}), rules)
    assert result.scores[PREFECT] == result.scores[DAGSTER] == 2
    assert result.orchestrator is DAGSTER
    assert "fewer cautions" in (result.tie_break or "")


def test_scores_are_the_sum_of_the_reasons():
    result = rec(existing_airflow=True, integrations="many", dbt=True, pipelines=150)
    for orchestrator, score in result.scores.items():
        assert score == sum(r.weight for r in result.reasons_for(orchestrator))


# Answers that make each rule hold. Each rule must hold here and not on all-defaults.
TRIGGERS: dict[str, dict[str, object]] = {
    "R001": {"existing_airflow": True},
    "R002": {"workload": "python-scripts"},
    "R003": {"workload": "ml-assets"},
    "R004": {"integrations": "many"},
    "R005": {"dbt": True},
    "R006": {"team_size": 2, "platform_engineers": False, "style": "python-first"},
    "R007": {"team_size": 2, "platform_engineers": False, "style": "asset-first"},
    "R008": {"workload": "infra-tasks"},
    "R009": {"pipelines": 100},
    "R010": {"platform_engineers": True},
    "R011": {"infra": "managed", "cloud": "gcp"},
    "R012": {"style": "python-first"},
    "R013": {"style": "asset-first"},
    "R014": {"air_gapped": True},
    "R015": {"integrations": "many"},
    "R016": {"pipelines": 100},
    "R017": {"workload": "infra-tasks"},
    "R018": {"existing_airflow": True},
    "R019": {"existing_airflow": True},
    "R020": {"platform_engineers": False},
}
# Answers next to the trigger where the rule must not hold.
NEAR_MISSES: dict[str, dict[str, object]] = {
    "R003": {"workload": "ml-assets", "existing_airflow": True},
    "R006": {"team_size": 2, "platform_engineers": False, "style": "asset-first"},
    "R007": {"team_size": 2, "platform_engineers": False, "style": "python-first"},
    "R009": {"pipelines": 99},
    "R011": {"infra": "managed", "cloud": "azure"},
    "R020": {"platform_engineers": False, "infra": "managed"},
}


def test_every_rule_has_a_trigger():
    assert {r.id for r in RULES} == set(TRIGGERS)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_holds_on_its_trigger_only(rule: Rule):
    assert rule.when(resolve(TRIGGERS[rule.id]))
    assert not rule.when(resolve({}))
    if rule.id in NEAR_MISSES:
        assert not rule.when(resolve(NEAR_MISSES[rule.id]))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_well_formed(rule: Rule):
    assert rule.weight != 0
    assert rule.reason.endswith(".")
    assert len(rule.reason) < 160


def test_ids_are_unique():
    assert len({r.id for r in RULES}) == len(RULES)


def test_json_shape():
    data = rec(dbt=True, existing_airflow=True).to_json()
    assert data["orchestrator"] in {"airflow", "prefect", "dagster"}
    assert set(data["scores"]) == {"airflow", "prefect", "dagster"}
    assert {"rule", "orchestrator", "weight", "reason"} == set(data["reasons"][0])
    assert data["tie_break"] is None or isinstance(data["tie_break"], str)


def test_recommend_is_pure():
    answers = Answers({"team_size": 3, "dbt": True})
    assert recommend(answers) == recommend(answers)


def test_readme_lists_every_rule_as_it_is():
    from support import ROOT

    readme = (ROOT / "README.md").read_text()
    for rule in RULES:
        row = f"| {rule.id} | {rule.orchestrator.label} | {rule.weight:+d} | {rule.reason} |"
        assert row in readme, f"README's rule table is stale for {rule.id}"
