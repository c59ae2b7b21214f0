"""The Dagster repo's first ten minutes, in a real browser: the run you just made is in the UI.

Render a repo, `uv sync`, the README's run-once command, then the README's dev UI command in its
own process group, and in headless chromium: the run in the runs list, its event log, and the
evaluation report with its confusion-matrix plot on the asset page. Then SIGTERM to the dev
server's process group must end every process in it. Screenshots: the test's tmp dir and
test-artifacts/ui/.
"""

from __future__ import annotations

import re

import pytest
from browser import browser, free_port, save_screenshot, stop_group, ui_server, wait_for_text

from support import clean_env, render_repo, run, uv

pytestmark = pytest.mark.e2e

RUN_ONCE = "make run"  # the README's "run the pipeline once"
DEV_UI = "make dev"  # the README's local UI
RUN_SUCCESS = re.compile(r" - ([0-9a-f]{8}-[0-9a-f-]{27}) - \d+ - RUN_SUCCESS ")


def _markdown(page, key: str):
    """The rendered markdown of metadata entry `key`: inline, or in the "[Show Markdown]" dialog
    Dagster opens for long values."""
    row = page.locator("tr").filter(has=page.locator("td", has_text=re.compile(f"^{key}$")))
    show = row.get_by_text("[Show Markdown]")
    if show.count():
        show.first.click()
        return page.get_by_role("dialog").last
    return row.first


def test_the_run_made_once_is_in_the_dev_ui_with_its_report_and_plot(tmp_path):
    repo = render_repo(tmp_path, "dagster", infra="local")
    quick_start = (repo / "README.md").read_text()
    assert f"\n{RUN_ONCE}\n" in quick_start
    assert f"\n{DEV_UI}\n" in quick_start
    assert ".dagster/" in (repo / ".gitignore").read_text().splitlines()
    # The project's Makefile decides where state lives: nothing of ours may decide it.
    env = {k: v for k, v in clean_env().items() if k not in {"DAGSTER_HOME", "PIPELINE_DATA_DIR"}}
    run([uv(), "sync"], repo, env=env)

    once = run(RUN_ONCE.split(), repo, timeout=900, env=env)
    output = once.stdout + once.stderr
    (run_id,) = RUN_SUCCESS.findall(output)
    noise = [line for line in output.splitlines() if re.search(r"warning|error", line, re.I)]
    assert not noise, "the run command printed warnings or errors:\n" + "\n".join(noise)
    assert (repo / ".dagster" / "dagster.yaml").is_file()  # project-local, not a temp instance
    assert not list(repo.glob(".tmp_dagster_home_*"))

    port = free_port()
    shots = tmp_path / "screenshots"
    with ui_server([*DEV_UI.split(), f"PORT={port}"], repo, env, port, 900) as server:
        base = f"http://127.0.0.1:{port}"
        with browser() as page:
            # Dagster OSS greets a new browser profile with a newsletter dialog; seen already.
            page.add_init_script("localStorage.setItem('communityNux', JSON.stringify('1'))")
            runs = wait_for_text(
                page,
                f"{base}/runs",
                [run_id[:8], "ml_pipeline", "Success"],
                300,
                shots / "dagster-runs.png",
            )
            assert "Manually launched" in runs
            log = wait_for_text(
                page,
                f"{base}/runs/{run_id}",
                ["RUN_SUCCESS", "evaluation_report"],
                300,
                shots / "dagster-run.png",
            )
            assert "candidate_passes_the_gate" in log
            wait_for_text(
                page,
                f"{base}/assets/evaluation_report",
                [run_id, "balanced_accuracy", "baseline", "report", "confusion_matrix"],
                300,
                shots / "dagster-evaluation-report.png",
            )
            report = _markdown(page, "report")
            report.get_by_text(f"Evaluation report, run {run_id}").wait_for()
            assert "positive class" in report.inner_text()
            save_screenshot(page, shots / "dagster-evaluation-report.png")
            page.keyboard.press("Escape")
            plot = _markdown(page, "confusion_matrix").locator("img[src^='data:image/png']")
            plot.wait_for()
            width = plot.evaluate("img => img.complete ? img.naturalWidth : 0")
            assert width > 100, f"the plot did not decode (naturalWidth {width})"
            save_screenshot(page, shots / "dagster-confusion-matrix.png")

        # Stopping `make dev` with SIGTERM to its process group ends every child, no SIGKILL.
        took, left = stop_group(server, 120)
        assert left == [], f"processes of `make dev` outlived SIGTERM by {took:.0f} s: {left}"
    assert {path.name for path in shots.iterdir()} >= {
        "dagster-runs.png",
        "dagster-run.png",
        "dagster-evaluation-report.png",
        "dagster-confusion-matrix.png",
    }
    assert (shots / "dagster-confusion-matrix.png").stat().st_size > 10_000
