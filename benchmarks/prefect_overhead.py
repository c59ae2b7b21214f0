"""What the generated Prefect repo's tests cost, next to the floor: a bare prefect_test_harness.

    uv run python benchmarks/prefect_overhead.py [--dbt] [--runs N]

Renders a repo into a temp dir, installs it (`uv sync`, not timed), then times in its environment:
- `uv run pytest` (the whole suite: core tests, two flow runs{, dbt}, the prefect.yaml check),
- a bare `prefect_test_harness` start with one trivial flow run, in a fresh process: the fixed
  cost any Prefect test pays (import, temporary API server, one run).
Prints medians of N runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

BARE = """
from prefect import flow
from prefect.testing.utilities import prefect_test_harness

@flow
def one() -> int:
    return 1

with prefect_test_harness(server_startup_timeout=120):
    assert one() == 1
"""


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    out.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dbt", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from support import render_repo  # the test helper: renders like `mlscaffold new`

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("MLSCAFFOLD_STORE", str(work / "store"))
        repo = render_repo(work, "prefect", dbt=args.dbt)
        subprocess.run(["uv", "sync", "-q"], cwd=repo, check=True, env=env())
        python = str(repo / ".venv" / "bin" / "python")
        suite, bare = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(
                ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=repo, check=True, capture_output=True, env=env(),
            )  # fmt: skip
            suite.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([python, "-c", BARE], check=True, capture_output=True, env=env())
            bare.append(time.perf_counter() - start)

    s, b = statistics.median(suite), statistics.median(bare)
    label = "prefect + dbt" if args.dbt else "prefect"
    print(f"generated repo ({label}), median of {args.runs} runs")
    print(f"  uv run pytest (whole suite)                 {s:7.2f} s")
    print(f"  bare prefect_test_harness + one flow run    {b:7.2f} s  (import + server + run)")
    print(f"  suite / bare                                {s / b:7.2f} x")


if __name__ == "__main__":
    main()
