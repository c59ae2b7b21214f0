"""The Prefect repo's first ten minutes, in a real browser.

Render a repo, `uv sync`, run the README's run-once command, start `make dev` (its own process
group), then in headless chromium find that run, its metrics table and its plot on the page.
Screenshots land in the test's tmp dir and in test-artifacts/ui/. Last, SIGTERM to the
`make dev` process group must end every process in it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from browser import (
    browser,
    free_port,
    none_left_in,
    processes_in,
    save_screenshot,
    stop_group,
    ui_server,
    wait_for_text,
)

from support import clean_env, render_repo, run, uv

PNG_SHOWN = """() => [...document.images].some(
    (i) => i.src.startsWith("data:image/png") && i.complete && i.naturalWidth > 0)"""


def _api(port: int, path: str, body: Mapping[str, object]) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        found: list[dict[str, object]] = json.load(response)
    return found


def _wait_for_line(log: Path, text: str, timeout_s: float) -> None:
    """Wait until `text` is in the log of the `make dev` started last."""
    deadline = time.monotonic() + timeout_s
    while text not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"no {text!r}:\n{log.read_text(errors='replace')}"
        time.sleep(0.5)


@pytest.mark.e2e
def test_the_run_made_once_is_in_the_dev_ui_with_its_report_and_plot(tmp_path: Path) -> None:
    repo = render_repo(tmp_path, "prefect")
    shots = tmp_path / "screenshots"
    # A user's shell: no Prefect settings of ours, so prefect.toml and the Makefile decide.
    env = {k: v for k, v in clean_env().items() if not k.startswith("PREFECT_")}
    timings: dict[str, float] = {}

    started = time.monotonic()
    run([uv(), "sync"], repo, env=env)
    timings["uv sync"] = time.monotonic() - started

    readme = (repo / "README.md").read_text()
    command = "uv run python -m demo_pipeline.flows"
    assert f"\n{command}\n" in readme
    started = time.monotonic()
    once = run(command.split(), repo, env=env, timeout=900)
    timings["run once"] = time.monotonic() - started
    output = once.stdout + once.stderr
    # No noise of the repo's own making: no telemetry errors, no warnings.
    for noise in ("ERROR", "Warning", "warning:", "Traceback"):
        assert noise not in output, output[-4000:]
    found_run = re.search(r"run (\d{8}T\d{6}Z-[0-9a-f]{6}): balanced_accuracy", output)
    assert found_run, output[-4000:]
    found_flow_run = re.search(r"Flow run '([^']+)' - Finished in state Completed", output)
    assert found_flow_run, output[-4000:]
    run_id, flow_run_name = found_run[1], found_flow_run[1]
    assert (repo / ".prefect" / "prefect.db").is_file()  # project-local state
    assert ".prefect/" in (repo / ".gitignore").read_text().splitlines()

    port = free_port()
    started = time.monotonic()
    with ui_server(["make", "dev", f"UI_PORT={port}"], repo, env, port, 600) as server:
        base = f"http://127.0.0.1:{port}"
        with browser() as page:
            wait_for_text(page, f"{base}/runs", [flow_run_name], 300, shots / "prefect-runs.png")
            timings["make dev until the run is listed"] = time.monotonic() - started
            by_name = {"flow_runs": {"name": {"any_": [flow_run_name]}}}
            (flow_run_row,) = _api(port, "flow_runs/filter", by_name)
            flow_run_id = str(flow_run_row["id"])
            wait_for_text(
                page,
                f"{base}/runs/flow-run/{flow_run_id}",
                [flow_run_name, "Completed"],
                120,
                shots / "prefect-flow-run.png",
            )
            page.get_by_text("Artifacts", exact=True).first.click()
            page.wait_for_selector("text=evaluation-report", timeout=60_000)
            page.wait_for_selector("text=evaluation-metrics", timeout=60_000)
            save_screenshot(page, shots / "prefect-flow-run-artifacts.png")

            of_run = {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
            artifacts = {a["key"]: a for a in _api(port, "artifacts/filter", of_run)}
            report, table = artifacts["evaluation-report"], artifacts["evaluation-metrics"]
            text = wait_for_text(
                page,
                f"{base}/artifacts/artifact/{table['id']}",
                ["evaluation-metrics", run_id, "balanced_accuracy", "roc_auc", "passed"],
                120,
                shots / "prefect-metrics-table.png",
            )
            assert "not evaluated" not in text
            wait_for_text(
                page,
                f"{base}/artifacts/artifact/{report['id']}",
                [f"Evaluation report, run {run_id}", "Confusion matrix"],
                120,
                shots / "prefect-report.png",
            )
            page.wait_for_function(PNG_SHOWN, timeout=60_000)
            save_screenshot(page, shots / "prefect-report-plot.png")

        # Stopping `make dev`: SIGTERM to its process group ends every process in it, and the
        # services dev.py started in sessions of their own.
        log = repo / "ui-server.log"
        took, left = stop_group(server, 60)
        timings["SIGTERM until every process is gone"] = took + none_left_in(repo)
        assert left == [], f"{left}\n{log.read_text(errors='replace')[-3000:]}"
        stopped = log.read_text(errors="replace")
        assert "Stopping Prefect..." in stopped, stopped[-3000:]
        assert "Segmentation fault" not in stopped

    # Ctrl-C while a run started from the UI is in flight: the served flow stops first, while
    # the server still answers. It used to lose the server and retry its calls for minutes.
    api_env = {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    with ui_server(["make", "dev", f"UI_PORT={port}"], repo, env, port, 600) as server:
        _wait_for_line(log, "is being served", 300)
        run([uv(), "run", "prefect", "deployment", "run", "ml-pipeline/local"], repo, env=api_env)
        _wait_for_line(log, "Beginning flow run", 120)
        took, left = stop_group(server, 60, signal.SIGINT)
        timings["Ctrl-C during a run until every process is gone"] = took + none_left_in(repo)
        assert left == [], f"{left}\n{log.read_text(errors='replace')[-3000:]}"

    # The server dies on its own: `make dev` says so in one line and stops the served flow.
    with ui_server(["make", "dev", f"UI_PORT={port}"], repo, env, port, 600) as server:
        _wait_for_line(log, "is being served", 300)
        prefect_server = [row for row in processes_in(repo.resolve()) if "server start" in row]
        assert len(prefect_server) == 1, processes_in(repo.resolve())
        killed = time.monotonic()
        os.kill(int(prefect_server[0].split()[0]), signal.SIGKILL)
        code = server.wait(timeout=60)
        timings["server killed until all is gone"] = time.monotonic() - killed + none_left_in(repo)
        said = log.read_text(errors="replace")
        assert code != 0, said[-3000:]
        assert "Error: prefect server (exit code -9) stopped on its own" in said, said[-3000:]

    for step, seconds in timings.items():
        print(f"prefect first ten minutes: {step}: {seconds:.1f} s")
