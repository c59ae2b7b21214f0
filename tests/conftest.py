from __future__ import annotations

import pytest

# The fast loop is `uv run pytest -m "not e2e and not slow"` (benchmarks/fast_loop.py times it).
# Slow: real subprocesses, signals and linters over many renders, or whole-answer-space sweeps.
SLOW_MODULES = {
    "test_faults.py",
    "test_template_airflow.py",
    "test_template_dagster.py",
    "test_template_prefect.py",
    "test_template_format.py",
    "test_generated_workflows.py",
    "test_generated_containers.py",
    "test_prompts_pty.py",
    "test_oracle.py",
    "test_workshop_kit.py",
}
SLOW_TESTS = (
    "test_workshop.py::test_batch_",
    "test_workshop.py::test_a_bad_row_fails_alone",
    "test_workshop.py::test_rerun_skips_finished_repos",
    "test_packaging.py::test_workflows_pass_the_schema_and_zizmor_offline",
    # test_update.py renders a tiny template; these cases need the real one.
    "test_update.py::test_orchestrator_switch_keeps_the_core_and_edits[real]",
    "test_update.py::test_check_then_update_to_the_installed_version",
    "test_update.py::test_default_store_under_home_works_for_new_update_and_plain_copier",
    # Each full Copier update costs ~2 s even on the tiny template: the fast loop keeps the
    # every-kind-of-change, conflict, dry-run, refusal and interruption cases, not these variants.
    "test_update.py::test_orchestrator_switch_keeps_the_core_and_edits[tiny]",
    "test_update.py::test_conflicts_as_rej_files_on_request",
    "test_update.py::test_changed_answer_adds_dbt_and_keeps_edits",
    "test_update.py::test_plain_copier_update_works",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.name
        if module in SLOW_MODULES or any(name in item.nodeid for name in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True, scope="session")
def _private_template_store(tmp_path_factory):
    """Keep the tests' template versions out of the user's ~/.local/share/mlscaffold."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MLSCAFFOLD_STORE", str(tmp_path_factory.mktemp("store")))
    yield
    mp.undo()
