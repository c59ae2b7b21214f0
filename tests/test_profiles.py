"""The orchestrator profile is the one owner of each orchestrator fact.

Copier's computed values (templates/copier.yml, for plain `copier copy` users) must agree with it,
and every place that shows or checks an orchestrator reads it from the profile.
"""

from __future__ import annotations

import pytest

from mlscaffold import explain, naming
from mlscaffold.errors import InvalidAnswerError, TargetError
from mlscaffold.models import PROFILES, Orchestrator
from mlscaffold.naming import normalise
from mlscaffold.questions import resolve
from mlscaffold.render import render
from mlscaffold.scoring import TIE_BREAK_ORDER, plan_for


@pytest.mark.parametrize("orchestrator", list(Orchestrator))
def test_copier_computed_values_agree_with_the_profile(tmp_path, orchestrator):
    names = normalise("demo-pipeline")
    plan = plan_for(names, tmp_path / names.project, resolve({}), orchestrator, git=False)
    commands = render(plan).commands
    profile = orchestrator.profile
    assert commands["orchestrator_title"] == profile.label
    assert commands["run_command"] == profile.run("demo_pipeline")
    assert commands["ui_command"] == profile.ui_command
    assert commands["ui_url"] == profile.ui_url


def test_every_orchestrator_has_a_profile_and_a_distinct_port_and_rank():
    assert set(PROFILES) == set(Orchestrator)
    assert len({p.ui_port for p in PROFILES.values()}) == len(PROFILES)
    assert [o.profile.tie_break_rank for o in TIE_BREAK_ORDER] == sorted(
        p.tie_break_rank for p in PROFILES.values()
    )


def test_colours_and_reserved_names_come_from_the_profile():
    for orchestrator, profile in PROFILES.items():
        assert explain.COLOURS[orchestrator] == profile.colour
        for module in profile.modules:
            assert module in naming.RESERVED
            with pytest.raises(TargetError, match="would shadow"):
                normalise(module)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("prefect", Orchestrator.PREFECT),
        (" Apache Airflow ", Orchestrator.AIRFLOW),
        ("DAGSTER", Orchestrator.DAGSTER),
    ],
)
def test_one_parse_for_every_source(raw, expected):
    assert Orchestrator.parse(raw) is expected


def test_a_bad_orchestrator_names_where_it_came_from():
    with pytest.raises(InvalidAnswerError, match="column 'orchestrator' got 'luigi'"):
        Orchestrator.parse("luigi", "column 'orchestrator'")
    with pytest.raises(InvalidAnswerError, match=r"got 'x'.*Example: --orchestrator"):
        Orchestrator.parse("x")
