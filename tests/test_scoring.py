"""The decision matrix: the article's scenarios, every rule (trigger and near miss), scoring,
tie-break, weak recommendations, the one order, and what would change the decision."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from mlscaffold.matrix import Rule, readme_table
from mlscaffold.models import Answers, Orchestrator
from mlscaffold.questions import conflict, resolve
from mlscaffold.rules import AIRFLOW_SCALE, LARGE_ESTATE, RULES, SMALL_TEAM
from mlscaffold.scoring import Change, candidate_changes, recommend
from support import ROOT

AIRFLOW, PREFECT, DAGSTER = Orchestrator.AIRFLOW, Orchestrator.PREFECT, Orchestrator.DAGSTER
ARTICLE = ROOT.parent / "shared" / "seed" / "orchestrators.txt"
BIG = SMALL_TEAM + 20  # a team no rule calls small


def rec(**given: object):
    return recommend(resolve(given))


def fired(**given: object) -> set[str]:
    return {r.rule for r in rec(**given).reasons}


# One row per line of the article's "Decision Matrix for ML Teams", plus "Choose X if" items.
SCENARIOS = [
    pytest.param(
        {"existing_airflow": True, "team_size": 40, "platform_engineers": True},
        AIRFLOW,
        id="existing enterprise Airflow deployment",
    ),
    pytest.param(
        {"workload": "python-scripts", "existing_airflow": False, "team_size": 4},
        PREFECT,
        id="Python-heavy DS team shipping first pipelines",
    ),
    pytest.param(
        {"workload": "ml-assets", "existing_airflow": False},
        DAGSTER,
        id="greenfield platform with feature tables and model artifacts",
    ),
    pytest.param({"integrations": "many", "team_size": BIG}, AIRFLOW, id="many integrations"),
    pytest.param({"dbt": True}, DAGSTER, id="dbt plus Python in one lineage graph"),
    pytest.param(
        {"team_size": 3, "platform_engineers": False, "style": "python-first"},
        PREFECT,
        id="small team without platform engineers, Python-first",
    ),
    pytest.param(
        {"team_size": 3, "platform_engineers": False, "style": "asset-first"},
        DAGSTER,
        id="small team without platform engineers, asset-first",
    ),
    pytest.param({"workload": "infra-tasks"}, AIRFLOW, id="arbitrary infrastructure tasks"),
    pytest.param(
        {"team_size": 3, "platform_engineers": False, "style": "either", "air_gapped": True},
        DAGSTER,
        id="air-gapped weighs against Prefect's hosted control plane",
    ),
    pytest.param(
        {"existing_airflow": True, "pipelines": 300}, AIRFLOW, id="large existing DAG estate"
    ),
    pytest.param({"pipelines": AIRFLOW_SCALE, "team_size": BIG}, AIRFLOW, id="thousands of DAGs"),
    pytest.param(
        {"dbt": True, "style": "asset-first", "pipelines": 150},
        DAGSTER,
        id="dbt, asset-first, 150 planned pipelines (the issue's example)",
    ),
    pytest.param({"priority": "lineage"}, DAGSTER, id="lineage and observability central"),
    pytest.param({"priority": "backfills"}, DAGSTER, id="first-class partitions and backfills"),
    pytest.param({"priority": "dynamic-workflows"}, PREFECT, id="dynamic workflows"),
    pytest.param({"priority": "hybrid-execution"}, PREFECT, id="hybrid execution"),
    pytest.param(
        {"priority": "local-iteration", "team_size": BIG}, PREFECT, id="fast local iteration"
    ),
]


@pytest.mark.parametrize(("given", "expected"), SCENARIOS)
def test_article_scenarios(given, expected):
    result = rec(**given)
    assert result.orchestrator is expected, result.to_json()
    assert result.reasons_for(expected), "the winner must have a reason of its own"
    assert result.weak is None


def test_air_gapped_costs_prefect_its_lead():
    connected = rec(team_size=3, platform_engineers=False, style="python-first")
    gapped = rec(team_size=3, platform_engineers=False, style="python-first", air_gapped=True)
    assert connected.orchestrator is PREFECT
    assert gapped.scores[PREFECT] == connected.scores[PREFECT] - 3
    assert "R014" in {r.rule for r in gapped.reasons}


def test_managed_and_air_gapped_is_refused():
    with pytest.raises(Exception, match="--air-gapped cannot be combined with --infra managed"):
        rec(infra="managed", air_gapped=True)
    assert rec(infra="managed", air_gapped=False).orchestrator is not None


def test_managed_does_not_count_for_airflow_by_cloud():
    # "managed" is the chosen orchestrator's hosted service: it counts the same on every cloud
    # (Astronomer runs anywhere) and only lifts Airflow's "unless managed" caution.
    results = {c: rec(infra="managed", cloud=c, team_size=3) for c in ("aws", "gcp", "azure")}
    assert len({(r.orchestrator, tuple(r.scores.items())) for r in results.values()}) == 1
    local = rec(infra="local", team_size=3)
    assert "R020" in {r.rule for r in local.reasons}
    assert "R020" not in {r.rule for r in results["aws"].reasons}


def test_skipped_followups_in_a_big_team_sway_nothing_and_say_it_is_weak():
    result = rec(team_size=BIG)
    assert result.reasons == ()
    assert set(result.scores.values()) == {0}
    assert result.orchestrator is PREFECT
    assert result.tie_break is not None
    assert result.weak is not None
    assert "no rule applied" in result.weak


def test_a_small_team_that_skipped_platform_engineers_is_assumed_to_have_none():
    result = rec(team_size=3)
    assert {"R006", "R007", "R020"} <= {r.rule for r in result.reasons}
    assert result.assumptions
    assert "assumed: no dedicated platform engineers in a team of 3" in result.assumptions[0]
    assert all("assumed" in r.reason for r in result.reasons if r.rule in {"R006", "R020"})
    answered = rec(team_size=3, platform_engineers=True)
    assert not answered.assumptions
    assert {"R006", "R007", "R020"}.isdisjoint(r.rule for r in answered.reasons)


def test_a_skipped_style_is_neither_style():
    assert {"R012", "R013"}.isdisjoint(fired(team_size=BIG))
    # With no platform engineers, a skipped style leaves both low-friction options open...
    assert {"R006", "R007"} <= fired(platform_engineers=False)
    # ...and a stated style closes the other.
    assert "R007" not in fired(platform_engineers=False, style="python-first")
    assert "R006" not in fired(platform_engineers=False, style="asset-first")


def test_a_skipped_existing_airflow_answer_is_not_greenfield():
    assert {"R002", "R003"}.isdisjoint(fired(workload="python-scripts"))
    assert "R003" not in fired(workload="ml-assets")
    assert "R002" in fired(workload="python-scripts", existing_airflow=False)
    assert "R002" not in fired(workload="python-scripts", existing_airflow=True)


def test_planned_pipelines_are_not_an_existing_estate():
    assert "R009" not in fired(pipelines=150)
    assert "R009" in fired(pipelines=150, existing_airflow=True)
    # "Prefect handles hundreds of flows well": no caution below the thousands.
    assert "R016" not in fired(pipelines=AIRFLOW_SCALE - 1)


def test_weak_winner_loses_a_tie_to_an_option_with_a_reason():
    rules = (
        Rule("T1", DAGSTER, 1, "plus.", "q", "c", lambda a: True),
        Rule("T2", DAGSTER, -1, "caution.", "q", "c", lambda a: True),
    )
    result = recommend(resolve({}), rules)
    assert result.scores[PREFECT] == result.scores[DAGSTER] == 0
    assert result.orchestrator is DAGSTER  # Prefect is first in the order, but has no reason
    assert result.weak is None
    assert "a rule favours it, none favours Prefect or Apache Airflow" in (result.tie_break or "")


def test_cautions_are_counted_once():
    rules = (
        Rule("T1", PREFECT, 2, "plus.", "q", "c", lambda a: True),
        Rule("T2", PREFECT, -1, "caution.", "q", "c", lambda a: True),
        Rule("T3", DAGSTER, 1, "plus.", "q", "c", lambda a: True),
    )
    result = recommend(resolve({}), rules)
    assert result.scores[PREFECT] == result.scores[DAGSTER] == 1
    assert result.orchestrator is PREFECT  # the caution is in the score, not again in the tie
    assert "least to operate" in (result.tie_break or "")


def test_an_answered_reason_beats_an_assumed_one_in_a_tie():
    result = rec(team_size=SMALL_TEAM, integrations="many", style="either")
    assert result.scores[AIRFLOW] == result.scores[DAGSTER]
    assert result.orchestrator is AIRFLOW
    assert "rests on your answers, Dagster's on an assumption" in (result.tie_break or "")


def test_a_leader_with_no_reason_is_weak():
    result = rec(team_size=BIG, air_gapped=True)
    assert result.scores[PREFECT] < 0
    assert result.orchestrator is DAGSTER
    assert result.weak is not None
    assert "only because the others scored lower" in result.weak


def test_scores_are_the_sum_of_the_reasons():
    result = rec(existing_airflow=True, integrations="many", dbt=True, pipelines=150)
    for orchestrator, score in result.scores.items():
        assert score == sum(r.weight for r in result.reasons_for(orchestrator))


def test_one_order_recommended_first_then_by_score():
    for given in ({}, {"dbt": True, "integrations": "many"}, {"workload": "infra-tasks"}):
        result = rec(**given)
        assert result.ranking[0] is result.orchestrator
        rest = [result.scores[o] for o in result.ranking[1:]]
        assert rest == sorted(rest, reverse=True)
        assert list(result.scores) == list(result.ranking)
        assert [a.orchestrator for a in result.what_would_change] == list(result.ranking[1:])


@pytest.mark.parametrize("key", ["team_size", "dbt", "infra"])
def test_each_card_question_can_move_the_result(key):
    # Over a few follow-ups, some answers differ only in `key` and get different winners.
    options: dict[str, list[object]] = {
        "team_size": [3, BIG],
        "dbt": [True, False],
        "infra": ["local", "managed"],
    }
    followups: dict[str, list[object]] = {
        "platform_engineers": [None, False],
        "integrations": [None, "many"],
        "style": [None, "python-first", "asset-first"],
        "workload": [None, "ml-assets"],
    }
    base_keys = [k for k in options if k != key]
    moved = 0
    for combo in itertools.product(*(options[k] for k in base_keys), *followups.values()):
        given = dict(zip([*base_keys, *followups], combo, strict=True))
        winners = {
            recommend(resolve({**given, key: v}), explore=False).orchestrator for v in options[key]
        }
        moved += len(winners) > 1
    assert moved > 0


# ---- every rule: a trigger where it holds, a near miss where it does not ----

TRIGGERS: dict[str, dict[str, object]] = {
    "R001": {"existing_airflow": True},
    "R002": {"workload": "python-scripts", "existing_airflow": False},
    "R003": {"workload": "ml-assets", "existing_airflow": False},
    "R004": {"integrations": "many"},
    "R005": {"dbt": True},
    "R006": {"team_size": BIG, "platform_engineers": False},
    "R007": {"team_size": BIG, "platform_engineers": False, "style": "asset-first"},
    "R008": {"workload": "infra-tasks"},
    "R009": {"existing_airflow": True, "pipelines": LARGE_ESTATE},
    "R010": {"platform_engineers": True},
    "R012": {"style": "python-first"},
    "R013": {"style": "asset-first"},
    "R014": {"air_gapped": True},
    "R015": {"integrations": "many"},
    "R016": {"pipelines": AIRFLOW_SCALE},
    "R017": {"workload": "infra-tasks"},
    "R018": {"existing_airflow": True},
    "R019": {"existing_airflow": True},
    "R020": {"team_size": SMALL_TEAM},
    "R021": {"workload": "python-scripts"},
    "R022": {"workload": "ml-assets"},
    "R023": {"pipelines": AIRFLOW_SCALE},
    "R024": {"priority": "lineage"},
    "R025": {"priority": "local-iteration"},
    "R026": {"priority": "dynamic-workflows"},
    "R027": {"priority": "hybrid-execution"},
    "R028": {"priority": "lineage"},
    "R029": {"priority": "backfills"},
}
# The answers next to each trigger where the rule must not hold.
NEAR_MISSES: dict[str, dict[str, object]] = {
    "R001": {"existing_airflow": False},
    "R002": {"workload": "python-scripts"},  # existing Airflow skipped: not "first" pipelines
    "R003": {"workload": "ml-assets", "existing_airflow": True},
    "R004": {"integrations": "few"},
    "R005": {"dbt": False},
    "R006": {"team_size": BIG, "platform_engineers": False, "style": "asset-first"},
    "R007": {"team_size": BIG, "platform_engineers": False, "style": "python-first"},
    "R008": {"workload": "ml-assets"},
    "R009": {"existing_airflow": True, "pipelines": LARGE_ESTATE - 1},
    "R010": {"platform_engineers": False},
    "R012": {"style": "either"},
    "R013": {"style": "either"},
    "R014": {"air_gapped": False},
    "R015": {"integrations": "few"},
    "R016": {"pipelines": AIRFLOW_SCALE - 1},
    "R017": {"workload": "python-scripts"},
    "R018": {"existing_airflow": False},
    "R019": {"existing_airflow": False},
    "R020": {"team_size": SMALL_TEAM, "infra": "managed"},
    "R021": {"workload": "ml-assets"},
    "R022": {"workload": "python-scripts"},
    "R023": {"pipelines": AIRFLOW_SCALE - 1},
    "R024": {"priority": "backfills"},
    "R025": {"priority": "dynamic-workflows"},
    "R026": {"priority": "hybrid-execution"},
    "R027": {"priority": "local-iteration"},
    "R028": {"priority": "local-iteration"},
    "R029": {"priority": "lineage"},
}
# Near misses of the rules that assume: the answer given, or a team that is not small.
EXTRA_MISSES: dict[str, list[dict[str, object]]] = {
    "R006": [{"team_size": SMALL_TEAM + 1}, {"team_size": 3, "platform_engineers": True}],
    "R007": [{"team_size": SMALL_TEAM + 1}],
    "R020": [{"team_size": SMALL_TEAM + 1}, {"team_size": 3, "platform_engineers": True}],
}


def test_every_rule_has_a_trigger_and_a_near_miss():
    assert {r.id for r in RULES} == set(TRIGGERS) == set(NEAR_MISSES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_holds_on_its_trigger_only(rule: Rule):
    assert rule.when(resolve(TRIGGERS[rule.id]))
    assert rule.id in {r.rule for r in recommend(resolve(TRIGGERS[rule.id])).reasons}
    for miss in [NEAR_MISSES[rule.id], *EXTRA_MISSES.get(rule.id, [])]:
        assert not rule.when(resolve(miss)), miss


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_well_formed_and_quotes_the_article(rule: Rule):
    assert rule.weight != 0
    assert rule.summary.endswith(".")
    assert ": " in rule.summary.split(".")[0], "a short head before ':' (batch's 'why' column)"
    assert len(rule.summary) < 120
    assert _normalise(rule.quote) in _normalise(ARTICLE.read_text()), "not the article's words"
    assert rule.quote in rule.reason


def test_ids_are_unique():
    assert len({r.id for r in RULES}) == len(RULES)


# ---- what would change this ----


def _brute_force(answers: Answers) -> dict[Orchestrator, list[frozenset[Change]]]:
    """Independently: every set of one or two changes that makes each orchestrator win."""
    singles = candidate_changes(answers)
    found: dict[Orchestrator, list[frozenset[Change]]] = {o: [] for o in Orchestrator}
    for size in (1, 2):
        for combo in itertools.combinations(singles, size):
            if len({k for k, _ in combo}) < size:
                continue
            values = dict(answers.values) | dict(combo)
            if values["infra"] != "managed":
                values["cloud"] = "none"
            if conflict(values) is not None:
                continue
            winner = recommend(Answers(values), explore=False).orchestrator
            found[winner].append(frozenset(combo))
    return found


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"dbt": True},
        {"existing_airflow": True, "integrations": "many"},
        {"team_size": BIG},
        {"workload": "infra-tasks", "platform_engineers": True, "pipelines": 2000},
    ],
)
def test_what_would_change_is_the_fewest_changes_found_by_rescoring(given):
    answers = resolve(given)
    result = recommend(answers)
    found = _brute_force(answers)
    for alt in result.what_would_change:
        assert alt.orchestrator is not result.orchestrator
        ways = [frozenset(way) for way in alt.changes]
        singles = [w for w in found[alt.orchestrator] if len(w) == 1]
        if singles:
            assert sorted(ways, key=sorted) == sorted(singles, key=sorted)
        else:
            minimal = [  # no single change in it gets there alone (there is none at all)
                w for w in found[alt.orchestrator] if len(w) == 2
            ]
            assert set(ways) == set(minimal)
        for way in alt.changes:
            values = dict(answers.values) | dict(way)
            assert recommend(Answers(values), explore=False).orchestrator is alt.orchestrator


def test_what_would_change_in_json():
    data = rec(dbt=True).to_json()
    alts = {a["orchestrator"]: a["changes"] for a in data["what_would_change"]}
    assert set(alts) == {"prefect", "airflow"}
    assert [{"key": "dbt", "value": False}] in alts["prefect"]
    for ways in alts.values():
        for way in ways:
            assert 1 <= len(way) <= 2
            assert all(set(change) == {"key", "value"} for change in way)


def test_json_shape():
    tied = rec(dbt=True, existing_airflow=True).to_json()
    assert tied["orchestrator"] == "dagster"
    assert tied["ranking"] == ["dagster", "airflow", "prefect"]
    assert tied["scores"] == {"dagster": 2, "airflow": 2, "prefect": 0}
    assert {"rule", "orchestrator", "weight", "reason"} == set(tied["reasons"][0])
    assert tied["tie_break"].startswith("Dagster and Apache Airflow tied at 2; chose Dagster")
    assert tied["weak"] is None
    clear = rec(dbt=True).to_json()
    assert (clear["orchestrator"], clear["tie_break"], clear["weak"]) == ("dagster", None, None)
    assert json.loads(json.dumps(tied)) == tied  # plain JSON types only
    assert "no rule applied" in rec(team_size=BIG).to_json()["weak"]


def test_recommend_is_pure():
    answers = Answers({"team_size": 3, "dbt": True})
    assert recommend(answers) == recommend(answers)


def test_readme_rule_table_is_generated_from_the_rules():
    readme = (ROOT / "README.md").read_text()
    assert readme_table(RULES) in readme, "paste matrix.readme_table(RULES) into README.md"


# ---- the same recommendation, order and alternatives in the text output and the record ----


def test_text_output_and_decision_record_agree_on_order_and_alternatives():
    from rich.console import Console

    from mlscaffold.decision_record import decision_record
    from mlscaffold.explain import show

    answers = resolve({"dbt": True, "integrations": "many", "team_size": BIG})
    result = recommend(answers)
    console = Console(record=True, width=300)
    show(console, result, answers)
    text = console.export_text()
    record = decision_record(answers, result, result.orchestrator)
    labels = [o.label for o in result.ranking]
    chart = [line.split()[0] for line in text.splitlines()[1:4]]
    assert chart == [label.split()[0] for label in labels]
    table = re.findall(r"^\| (Apache Airflow|Prefect|Dagster) \| -?\d+ \|$", record, re.M)
    assert table == labels
    assert "What would change this" in text
    assert "## What would change this" in record
    for alt in result.what_would_change:
        first = " and ".join(f"{k}={str(v).lower()}" for k, v in alt.changes[0])
        assert f"{alt.orchestrator.label}: {first}" in text
        assert f"- {alt.orchestrator.label}: {first}" in record
