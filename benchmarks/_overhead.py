"""Shared by the *_overhead.py benchmarks: a generated repo's whole test suite next to the bare
cost of the orchestrator's own smallest test, both in the repo's installed environment."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Issue 20: each generated suite within 1.5x of its orchestrator's bare floor.
TARGET = 1.5

# The mlscaffold this benchmark runs under (`uv run` puts its console script beside python).
MLSCAFFOLD = Path(sys.executable).parent / "mlscaffold"


# PYTHONDONTWRITEBYTECODE: as on a user's laptop, compiled modules are cached (some CI machines,
# this one included, set it, and then every process recompiles every module it imports).
NOT_INHERITED = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    out = {k: v for k, v in out.items() if not k.startswith("PYTEST_")}  # no xdist worker of ours
    out.update(extra or {})
    return out


def new_repo(work: Path, orchestrator: str, *, dbt: bool, name: str = "demo-pipeline") -> Path:
    """`mlscaffold new NAME --defaults --orchestrator X [--dbt] -o WORK`, as a user runs it."""
    cmd = [str(MLSCAFFOLD), "new", name, "--defaults", "--no-git", "-o", str(work)]
    cmd += ["--orchestrator", orchestrator, "--dbt" if dbt else "--no-dbt"]
    subprocess.run(cmd, check=True, capture_output=True)
    return work / name


def dbt_parse(repo: Path, env: dict[str, str]) -> float:
    """Seconds for one full `dbt parse` of the repo's project: what dbt adds to the floor."""
    project = str(repo / "dbt")
    dbt = str(repo / ".venv" / "bin" / "dbt")
    cmd = [dbt, "parse", "--no-partial-parse", "--project-dir", project, "--profiles-dir", project]
    return timed(cmd, repo, {**env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"})


def compare(
    orchestrator: str,
    bare_code: str,
    bare_label: str,
    extra_env: dict[str, str],
    once_code: str,
) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dbt", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = clean_env(extra_env)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("MLSCAFFOLD_STORE", str(work / "store"))
        repo = new_repo(work, orchestrator, dbt=args.dbt)
        subprocess.run(["uv", "sync", "-q"], cwd=repo, check=True, env=env)
        python = str(repo / ".venv" / "bin" / "python")
        pytest = ["uv", "run", "pytest", "-q"]  # the README's command, pytest's cache included
        # One untimed run of each first: both sides then start with compiled modules cached
        # (and Prefect's suite with its migrated test database, as a user's second run does).
        subprocess.run(pytest, cwd=repo, check=True, capture_output=True, env=env)
        subprocess.run([python, "-c", bare_code], check=True, capture_output=True, env=env)
        if args.dbt:
            dbt_parse(repo, env)
        once = ["uv", "run", "python", "-c", once_code.format(package=repo.name.replace("-", "_"))]
        subprocess.run(once, cwd=repo, check=True, capture_output=True, env=env)
        suite, bare, pipeline = [], [], []
        for _ in range(args.runs):
            suite.append(timed(pytest, repo, env))
            pipeline.append(timed(once, repo, env))
            start = time.perf_counter()
            subprocess.run([python, "-c", bare_code], check=True, capture_output=True, env=env)
            # With dbt, the floor includes one dbt parse of the same project (issue 20).
            bare.append(time.perf_counter() - start + (dbt_parse(repo, env) if args.dbt else 0.0))

    s, b = statistics.median(suite), statistics.median(bare)
    label = f"{orchestrator} + dbt" if args.dbt else orchestrator
    print(f"generated repo ({label}), median of {args.runs} runs")
    print(f"  uv run pytest (whole suite)                 {s:7.2f} s")
    floor = f"{bare_label} + dbt parse" if args.dbt else bare_label
    print(f"  {floor:<43} {b:7.2f} s")
    print(f"  suite / bare                                {s / b:7.2f} x  {verdict(s / b)}")
    print_pipeline_once(s, statistics.median(pipeline), b)


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def print_pipeline_once(suite: float, once: float, floor: float) -> None:
    """A second reference, not the target's: the repo's own pipeline run once in a fresh process
    (import, the orchestrator's start, every step on the bundled data; no pytest). Any suite
    that runs the pipeline once on this orchestrator costs at least this much."""
    print(
        f"  the repo's pipeline run once, fresh process {once:7.2f} s  "
        f"(= {once / floor:.2f} x the floor: the least a suite that runs it costs)"
    )
    print(f"  suite / pipeline run once                   {suite / once:7.2f} x")


def verdict(ratio: float) -> str:
    """The ratio against the target, and the machine's load while it was measured."""
    ok = "ok" if ratio <= TARGET else "over"
    return f"(target <= {TARGET:.2f}x: {ok})  load average {os.getloadavg()[0]:.2f}"
