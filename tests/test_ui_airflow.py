"""The Airflow repo's first ten minutes, in a real browser: the run you made is in the UI.

Renders a repo, installs it, runs the README's run-once command twice (a run that passes its
gate, then one with `--threshold 1.0` that fails it), starts `make dev` (own process group,
killed at the end) and, in headless chromium, finds the runs, a task's log, each run's
"Evaluation report" tab with its metrics and plot, and the failed run's own numbers. Screenshots
go to the test's tmp dir and test-artifacts/ui/. Then `make dev` gets SIGTERM on its process
group, and every process of it must be gone.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from browser import (
    browser,
    free_port,
    none_left_in,
    save_screenshot,
    stop_group,
    ui_server,
    wait_for_text,
)

from support import clean_env, render_repo, run, uv

DAG_ID = "demo_pipeline_pipeline"
RUN_ONCE = "uv run python -m demo_pipeline.run_dag"
RUN_ID = re.compile(r"/runs/([^/\s]+)/plugin/evaluation-report")


def _run_once(repo: Path, *args: str) -> str:
    """The README's run-once command; returns the Airflow run id it prints the report URL of."""
    proc = subprocess.run(
        ["nice", *RUN_ONCE.split(), *args],
        cwd=repo,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = proc.stdout + proc.stderr
    assert "Warning" not in output, output[-4000:]
    found = RUN_ID.search(proc.stdout)
    assert found, output[-4000:]
    from urllib.parse import unquote

    return unquote(found.group(1))


def _frame_text(page, url_part: str, texts: list[str], timeout_s: float) -> tuple[str, Any]:
    """The text of the iframe whose URL contains `url_part`, once it shows every text."""
    start = time.monotonic()
    deadline = start + timeout_s
    body = ""
    reloaded = False
    while time.monotonic() < deadline:
        found = False
        for frame in page.frames:
            if url_part in frame.url:
                found = True
                with contextlib.suppress(Exception):
                    body = frame.inner_text("body")
                if all(text in body for text in texts):
                    return body, frame
        # Under load the UI can leave the tab's iframe blank (no URL yet) while its run data
        # loads; after a third of the wait, load the tab once more rather than fail on a stall.
        if not found and not reloaded and time.monotonic() - start > timeout_s / 3:
            reloaded = True
            with contextlib.suppress(Exception):
                page.reload(wait_until="domcontentloaded")
        time.sleep(0.5)
    pytest.fail(f"no frame {url_part} with {texts}; frames {[f.url for f in page.frames]}:\n{body}")


@pytest.mark.e2e
def test_the_run_made_once_shows_in_the_dev_ui_with_logs_report_and_plot(tmp_path):
    repo = render_repo(tmp_path, "airflow", infra="local", dbt=False)
    readme = (repo / "README.md").read_text()
    assert RUN_ONCE in readme
    assert "make dev" in readme
    run([uv(), "sync"], repo)
    good = _run_once(repo)
    failed = _run_once(repo, "--threshold", "1.0")
    shots = tmp_path / "screenshots"
    port = free_port()
    # The simple auth manager, every visitor an admin: no password to type in a test.
    env = clean_env(AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="True")
    base = f"http://127.0.0.1:{port}"
    with ui_server(["nice", "make", "dev", f"PORT={port}"], repo, env, port, 600) as server:
        with browser() as page:
            wait_for_text(
                page, f"{base}/dags/{DAG_ID}/runs", [good, failed], 300, shots / "airflow-runs.png"
            )
            run_url = f"{base}/dags/{DAG_ID}/runs/{quote(good, safe='')}"
            # The task log the run-once command wrote, read by the UI (not "log not found").
            log_url = f"{run_url}/tasks/select_best"
            log = wait_for_text(
                page, log_url, ["Done. Returned value was"], 120, shots / "airflow-task-log.png"
            )
            assert "run_dir" in log
            # The run's "Evaluation report" tab: the plugin page inside the UI.
            wait_for_text(
                page,
                f"{run_url}/plugin/evaluation-report",
                ["Evaluation report"],
                120,
                shots / "airflow-report-tab.png",
            )
            text, frame = _frame_text(page, "/demo_pipeline-report/", ["Gate passed"], 180)
            assert "balanced_accuracy" in text
            assert "roc_auc" in text
            image = frame.locator("img[alt='Confusion matrix']")
            assert image.evaluate("img => img.complete && img.naturalWidth > 100")
            save_screenshot(page, shots / "airflow-report.png")
            # A failed run's tab shows its own verdict and run id, never the passing run's.
            failed_url = f"{base}/dags/{DAG_ID}/runs/{quote(failed, safe='')}"
            wait_for_text(
                page,
                f"{failed_url}/plugin/evaluation-report",
                ["Evaluation report"],
                120,
                shots / "airflow-report-tab-failed.png",
            )
            text, _ = _frame_text(page, "/demo_pipeline-report/", ["Gate FAILED"], 180)
            assert "Gate passed" not in text
            assert re.sub(r"[^\w.-]", "_", failed) in text
            save_screenshot(page, shots / "airflow-report-failed.png")
        # Stopping `make dev` with SIGTERM to its process group ends every process in it.
        _, left = stop_group(server, 60)
        assert left == []
        # and nothing it started in sessions of their own (each service, its workers)
        none_left_in(repo)
        # The supervisor (dev.py) stopped them without a fault of its own.
        stopped = (repo / "ui-server.log").read_text(errors="replace")
        assert "Stopping Airflow..." in stopped, stopped[-3000:]
        assert "Traceback" not in stopped, stopped[-3000:]
