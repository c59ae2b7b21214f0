"""The question catalogue: one definition feeding flags, prompts and Copier."""

from __future__ import annotations

import pytest
import yaml

from mlscaffold.errors import InvalidAnswerError
from mlscaffold.questions import BY_KEY, CATALOGUE, describe_defaults, resolve
from mlscaffold.questions_copier import copier_questions_yaml
from support import ROOT

REQUIRED_FLAGS = {
    "team_size": "--team-size",
    "platform_engineers": "--platform-engineers",
    "existing_airflow": "--existing-airflow",
    "dbt": "--dbt",
    "infra": "--infra",
    "cloud": "--cloud",
    "mlflow": "--mlflow",
    "workload": "--workload",
    "integrations": "--integrations",
    "style": "--style",
    "priority": "--priority",
    "pipelines": "--pipelines",
    "air_gapped": "--air-gapped",
}


def test_catalogue_has_every_question_of_the_issue():
    assert {q.key: q.flag for q in CATALOGUE} == REQUIRED_FLAGS


def test_the_design_card_questions_are_always_asked():
    core = ["team_size", "dbt", "infra", "cloud", "mlflow"]
    assert [q.key for q in CATALOGUE if not q.followup] == core
    assert all(q.default is None for q in CATALOGUE if q.followup)


def test_copier_questions_file_is_generated_from_the_catalogue():
    on_disk = (ROOT / "templates" / "questions.yml").read_text()
    assert on_disk == copier_questions_yaml(), "run: uv run python scripts/sync_copier_questions.py"
    assert set(yaml.safe_load(on_disk)) == set(BY_KEY)


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("team_size", "7", 7),
        ("team_size", 3, 3),
        ("dbt", "true", True),
        ("dbt", "No", False),
        ("infra", "Kubernetes", "kubernetes"),
        ("pipelines", " 12 ", 12),
        ("style", "", None),
    ],
)
def test_coerce_accepts(key, raw, expected):
    assert BY_KEY[key].coerce(raw) == expected


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("team_size", "0", "--team-size got '0', but it must be a whole number from 1 to 100000"),
        ("team_size", "-2", "from 1 to 100000"),
        ("team_size", "9" * 23, "from 1 to 100000"),  # a key held down: refused, not used
        ("pipelines", "1000001", "from 1 to 1000000"),
        ("team_size", "many", "whole number"),
        ("team_size", True, "whole number"),
        ("infra", "moon", "one of local, kubernetes, managed"),
        ("dbt", "perhaps", "--dbt or --no-dbt"),
        ("workload", "web", "python-scripts, ml-assets, infra-tasks"),
    ],
)
def test_coerce_rejects_with_a_fix(key, raw, message):
    with pytest.raises(InvalidAnswerError) as err:
        BY_KEY[key].coerce(raw)
    assert message in str(err.value)
    assert "Example:" in str(err.value)


def test_resolve_fills_defaults_and_records_them():
    answers = resolve({"dbt": True})
    assert answers["team_size"] == 5
    assert answers["dbt"] is True
    assert "dbt" not in answers.defaulted
    assert "team_size" in answers.defaulted
    assert "team_size=5" in describe_defaults(answers)
    assert "style (skipped)" in describe_defaults(answers)


def test_unknown_key_is_refused():
    with pytest.raises(InvalidAnswerError, match="Unknown question 'colour'"):
        resolve({"colour": "blue"})


def test_cloud_needs_managed_infra():
    with pytest.raises(InvalidAnswerError, match="--cloud only applies with --infra managed"):
        resolve({"cloud": "aws"})
    assert resolve({"infra": "managed", "cloud": "aws"})["cloud"] == "aws"


@pytest.mark.parametrize(
    ("given", "other"),
    [({"infra": "managed"}, "--infra managed"), ({"priority": "hybrid-execution"}, "--priority")],
)
def test_air_gapped_with_a_hosted_control_plane_is_refused(given, other):
    with pytest.raises(InvalidAnswerError, match=f"--air-gapped cannot be combined with {other}"):
        resolve(given | {"air_gapped": True})
    # Not air-gapped is consistent; the question simply does not apply.
    answers = resolve(given | {"air_gapped": False})
    assert not BY_KEY["air_gapped"].applies(answers.values)
    assert "air_gapped" not in describe_defaults(answers)
    assert BY_KEY["air_gapped"].applies(resolve({}).values)


def test_copier_skips_air_gapped_where_it_cannot_apply():
    when = yaml.safe_load(copier_questions_yaml())["air_gapped"]["when"]
    assert "infra != 'managed'" in when
    assert "priority != 'hybrid-execution'" in when


def test_priority_offers_the_article_statements():
    assert set(BY_KEY["priority"].choices) == {
        "local-iteration",
        "lineage",
        "backfills",
        "dynamic-workflows",
        "hybrid-execution",
    }
    assert BY_KEY["priority"].followup
