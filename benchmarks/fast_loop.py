"""Time the fast test loop a developer runs after each change. Prints figures.

    uv run python benchmarks/fast_loop.py [--runs N]

The loop is `pytest -m "not e2e and not slow" -n 2` (tests/conftest.py says what is slow);
the goal is 30 s or less on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cmd = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-m", "not e2e and not slow"]
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            sys.exit(f"the fast loop failed:\n{proc.stdout[-2000:]}")
        summary = proc.stdout.strip().splitlines()[-1]
    load = os.getloadavg()[0]
    median = statistics.median(times)
    print(f"fast loop: {summary}")
    print(
        f"median of {args.runs}: {median:.1f} s (goal <= {GOAL_S:.0f} s), load average {load:.2f}"
    )


if __name__ == "__main__":
    main()
