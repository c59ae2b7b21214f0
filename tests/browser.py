"""A real headless browser and a real dev server for the generated repos' UI tests.

The browser is Debian's chromium (`apt-get install chromium`; `scripts/check` installs it),
driven by Playwright's Python API with `executable_path`: Playwright's own browser download
does not work offline. Without chromium the UI tests skip locally and fail under
`MLSCAFFOLD_REQUIRE_BROWSER=1` (set by `scripts/check`, so CI never silently skips them).

    with ui_server(["make", "dev"], cwd=repo, env=env, port=port, timeout_s=120):
        with browser() as page:
            text = wait_for_text(page, f"http://127.0.0.1:{port}/runs", ["ml_pipeline"], 60, shot)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Debian's chromium, started the way this machine's closed network needs: no background
# connections, no component updates, a fresh profile (Playwright passes --user-data-dir itself).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Screenshots land here too, so a CI run keeps them (the folder is git-ignored).
ARTEFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "ui"


def chromium_path() -> str:
    """The system chromium, or skip (locally) / fail (under MLSCAFFOLD_REQUIRE_BROWSER=1)."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    message = "no chromium on PATH: install it with `sudo apt-get install chromium`"
    if os.environ.get("MLSCAFFOLD_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def browser(width: int = 1440, height: int = 1000) -> Iterator[Page]:
    """A Playwright sync Page in headless chromium; closed (with the browser) on exit."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = instance.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            instance.close()


def save_screenshot(page: Page, path: Path) -> Path:
    """A full-page PNG at `path`, copied to test-artifacts/ui/ for whoever reads the CI run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, ARTEFACTS / path.name)
    return path


def wait_for_text(
    page: Page, url: str, texts: list[str], timeout_s: float, screenshot: Path
) -> str:
    """Load `url` (reloading) until every text is visible; screenshot; return the page's text.

    Fails with the page's text (shortened) and a screenshot when time runs out, so the failure
    says what the user would have seen instead.
    """
    deadline = time.monotonic() + timeout_s
    body = ""
    while True:
        with contextlib.suppress(Exception):  # a server still starting refuses or 502s
            page.goto(url, wait_until="domcontentloaded")
        poll_until = min(deadline, time.monotonic() + 10)
        while time.monotonic() < poll_until:
            with contextlib.suppress(Exception):
                body = page.inner_text("body")
            if all(text in body for text in texts):
                save_screenshot(page, screenshot)
                return body
            time.sleep(0.5)
        if time.monotonic() >= deadline:
            with contextlib.suppress(Exception):
                save_screenshot(page, screenshot.with_name(f"{screenshot.stem}-timeout.png"))
            missing = [text for text in texts if text not in body]
            waited = f"{timeout_s:.0f} s"
            pytest.fail(f"{url}: {missing} not on the page after {waited}; saw:\n{body[:2000]}")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def group_alive(pgid: int) -> bool:
    """Whether any process of group `pgid` is still there (zombies included)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def live_processes() -> list[tuple[Path, int, str]]:
    """Every live (not zombie) process but this one: its /proc folder, its process group and a
    "pid command line" row (Linux /proc). Processes that end meanwhile are left out."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            state, _ppid, group = (proc / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            if state != "Z":
                found.append((proc, int(group), f"{proc.name} {args}"))
    return found


def group_members(pgid: int) -> list[str]:
    """The live processes of group `pgid`, as "pid command line" rows."""
    return [row for _, group, row in live_processes() if group == pgid]


def stop_group(
    process: subprocess.Popen[bytes], limit_s: float, signum: int = signal.SIGTERM
) -> tuple[float, list[str]]:
    """Signal the process group `process` leads, as a terminal's Ctrl-C (SIGINT) signals a
    whole foreground group, and wait up to `limit_s` for every process in it to end. Returns the
    seconds that took and the processes still alive then (none, when the group stopped)."""
    started = time.monotonic()
    os.killpg(process.pid, signum)
    while group_alive(process.pid) and time.monotonic() - started < limit_s:
        process.poll()  # reap the leader itself: a zombie still counts as in the group
        time.sleep(0.5)
    return time.monotonic() - started, group_members(process.pid)


def processes_in(folder: Path) -> list[str]:
    """The live processes whose working directory is in `folder`: what a server started there
    left behind, in whatever session or process group it moved to, as "pid command line" rows."""
    found = []
    for proc, _, row in live_processes():
        with contextlib.suppress(OSError):  # it ended meanwhile
            if Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                found.append(row)
    return found


def none_left_in(folder: Path, limit_s: float = 60) -> float:
    """Wait until no process runs in `folder` (services started there in sessions of their own,
    outside any process group the test signalled); the seconds that took. Fails after `limit_s`."""
    started = time.monotonic()
    while processes_in(folder.resolve()) and time.monotonic() - started < limit_s:
        time.sleep(0.5)
    assert processes_in(folder.resolve()) == []
    return time.monotonic() - started


def _kill_in(folder: Path) -> None:
    for row in processes_in(folder):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(row.split()[0]), signal.SIGKILL)


def _kill_group(process: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    """SIGTERM the whole process group, then SIGKILL what is left: servers leave children."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def ui_server(
    cmd: list[str], cwd: Path, env: dict[str, str], port: int, timeout_s: float
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `cmd` in its own process group, wait for `port`, yield it, kill the group on exit.

    Output goes to `cwd/ui-server.log`, quoted in the failure if the port never opens.
    """
    log_path = cwd / "ui-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout_s
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                exited = process.poll() is not None
                state = f"exited {process.returncode}" if exited else "timed out"
                pytest.fail(f"{' '.join(cmd)} {state} before port {port} opened:\n{tail}")
            time.sleep(0.5)
        yield process
    finally:
        _kill_group(process)
        _kill_in(cwd.resolve())  # services that started sessions of their own
