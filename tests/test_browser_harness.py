"""The UI tests' harness: a real chromium reads a real server's page; the server's group dies."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from browser import browser, free_port, ui_server, wait_for_text

pytestmark = pytest.mark.slow


def test_reads_a_served_page_and_kills_the_whole_group(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>run 42 passed</h1><img src='plot.png' alt='plot'>")
    port = free_port()
    # A parent that leaves a child behind, as `make dev` does: both must be gone afterwards.
    script = (
        "import subprocess, sys, time;"
        "child = subprocess.Popen([sys.executable, '-m', 'http.server',"
        f" '{port}', '--bind', '127.0.0.1']);"
        "open('child.pid', 'w').write(str(child.pid)); time.sleep(600)"
    )
    cmd = [sys.executable, "-c", script]
    with ui_server(cmd, tmp_path, dict(os.environ), port, 30) as server, browser() as page:
        url = f"http://127.0.0.1:{port}/"
        text = wait_for_text(page, url, ["run 42 passed"], 30, tmp_path / "harness.png")
    assert "run 42 passed" in text
    assert (tmp_path / "harness.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert server.returncode is not None
    child = int((tmp_path / "child.pid").read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the server's child {child} outlived ui_server")


def test_a_missing_text_fails_with_what_the_page_showed(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>nothing here yet</p>")
    port = free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with (
        ui_server(cmd, tmp_path, dict(os.environ), port, 30),
        browser() as page,
        pytest.raises(pytest.fail.Exception, match="nothing here yet"),
    ):
        wait_for_text(page, f"http://127.0.0.1:{port}/", ["run 42"], 2, tmp_path / "x.png")
    assert (tmp_path / "x-timeout.png").exists()
