"""A new user's first ten minutes, per orchestrator: every command of the generated README's
Quick start, in order, timed, with its result.

    uv run python benchmarks/first_ten_minutes.py [--orchestrator X ...] [--dbt]

For each orchestrator: `mlscaffold new demo-pipeline --defaults`, then each command of the
README's Quick start block as written (`uv sync`, `uv run pytest`, the linters, the run-once
command), then `make dev` until its UI answers HTTP 200, then SIGTERM to `make dev`'s process
group, and whether any process is left in the repository. Prints one markdown table. Uses the
uv cache as it is (warm it first) and runs as a laptop does (see _overhead.clean_env). Not a
test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _overhead import clean_env

BIN = Path(sys.executable).parent
PORTS = {"prefect": 4200, "dagster": 3000, "airflow": 8080}
UI_WAIT_S = 600.0


def quick_start(readme: str) -> list[str]:
    """The commands of the README's Quick start block, comments dropped, `make dev` last."""
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None, "no bash block in the Quick start"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def timed(command: str, repo: Path, env: dict[str, str]) -> tuple[float, bool, str]:
    start = time.perf_counter()
    proc = subprocess.run(command, shell=True, cwd=repo, env=env, capture_output=True, text=True)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return time.perf_counter() - start, proc.returncode == 0, lines[-1] if lines else ""


def left_in(folder: Path) -> list[int]:
    """Live processes whose working directory is inside `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")).is_relative_to(folder):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def dev(repo: Path, port: int, env: dict[str, str]) -> tuple[float, bool, str]:
    """`make dev` until the UI answers; then SIGTERM to its group; True if nothing is left."""
    log = (repo / "make-dev.log").open("wb")
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "dev"],
        cwd=repo,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    while not answers(port) and proc.poll() is None and time.perf_counter() - start < UI_WAIT_S:
        time.sleep(1)
    up = time.perf_counter() - start
    ok = answers(port)
    os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=90)
    time.sleep(5)
    left = left_in(repo.resolve())
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    detail = f"UI answered; stopped, {len(left)} process(es) left" if ok else "UI never answered"
    return up, ok and not left, detail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orchestrator", action="append", choices=sorted(PORTS))
    parser.add_argument("--dbt", action="store_true")
    args = parser.parse_args()
    env = clean_env()
    print("| orchestrator | step | seconds | result |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="first-ten-") as tmp:
        env["MLSCAFFOLD_STORE"] = str(Path(tmp) / "store")
        for orchestrator in args.orchestrator or ["prefect", "dagster", "airflow"]:
            work = Path(tmp) / orchestrator
            work.mkdir()
            new = f"{BIN / 'mlscaffold'} new demo-pipeline --defaults -o {work} "
            new += f"--orchestrator {orchestrator} {'--dbt' if args.dbt else '--no-dbt'}"
            seconds, ok, last = timed(new, work, env)
            result = "pass" if ok else f"FAIL: {last}"
            step = "`mlscaffold new demo-pipeline --defaults`"
            print(f"| {orchestrator} | {step} | {seconds:.1f} | {result} |", flush=True)
            repo = work / "demo-pipeline"
            total = seconds
            for command in quick_start((repo / "README.md").read_text()):
                if command == "make dev":
                    seconds, ok, last = dev(repo, PORTS[orchestrator], env)
                else:
                    seconds, ok, last = timed(command, repo, env)
                total += seconds
                result = "pass" if ok else f"FAIL: {last}"
                if command == "make dev" and ok:
                    result = f"pass ({last})"
                print(f"| {orchestrator} | `{command}` | {seconds:.1f} | {result} |", flush=True)
            print(f"| {orchestrator} | **total** | {total:.1f} | |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
