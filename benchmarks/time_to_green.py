"""Time to green: `mlscaffold new` -> `uv sync` -> `uv run pytest` for each orchestrator x dbt.

    uv run python benchmarks/time_to_green.py [--orchestrator X ...] [--dbt/--no-dbt]

Uses the uv cache as it is (warm it with one run first). Each repository is new, so its first
`pytest` also writes the compiled-module cache, as on a participant's laptop (see
_overhead.clean_env). Prints one row per repository and the goal (40 s each on 2 cores, issue
20). Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _overhead import clean_env

BIN = Path(sys.executable).parent
GOAL_S = 40.0


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n" + "\n".join(tail))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--orchestrator", action="append", choices=["prefect", "dagster", "airflow"]
    )
    parser.add_argument("--dbt", action=argparse.BooleanOptionalAction, default=None)
    args = parser.parse_args()
    orchestrators = args.orchestrator or ["prefect", "dagster", "airflow"]
    dbts = [False, True] if args.dbt is None else [args.dbt]
    env = clean_env()
    header = f"{'repository':<18} {'new':>6} {'uv sync':>8} {'pytest':>8} {'total':>8}"
    print(f"{header}  goal {GOAL_S:.0f} s")
    with tempfile.TemporaryDirectory(prefix="ttg-") as tmp:
        env["MLSCAFFOLD_STORE"] = str(Path(tmp) / "store")
        for orchestrator, dbt in itertools.product(orchestrators, dbts):
            name = f"ttg-{orchestrator}{'-dbt' if dbt else ''}"
            flag = "--dbt" if dbt else "--no-dbt"
            new = [
                str(BIN / "mlscaffold"),
                "new",
                name,
                "--defaults",
                "--no-git",
                "--orchestrator",
                orchestrator,
                flag,
                "-o",
                tmp,
            ]
            t_new = timed(new, Path(tmp), env)
            repo = Path(tmp) / name
            t_sync = timed(["uv", "sync", "--quiet"], repo, env)
            t_test = timed(
                ["uv", "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"], repo, env
            )
            total = t_new + t_sync + t_test
            verdict = "ok" if total <= GOAL_S else "over"
            print(f"{name:<18} {t_new:6.1f} {t_sync:8.1f} {t_test:8.1f} {total:8.1f}  {verdict}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
