"""What the generated Airflow repo's tests cost, next to the floor: a bare one-task `dag.test()`.

    uv run python benchmarks/airflow_overhead.py [--dbt] [--runs N]

Renders a repo into a temp dir, installs it (`uv sync`, not timed), then times in its environment:
- `uv run pytest` (the whole suite: core tests, DagBag, two dag.test() runs{, dbt}),
- a bare one-task DAG run with dag.test() in a fresh process (Airflow import, initdb on a new
  SQLite DB, parse, run): the fixed cost any Airflow test pays,
- the same without initdb's share, i.e. a second dag.test() in that process,
- as a second reference, the repo's own `make run` (its pipeline DAG run once) in a fresh process.
Prints medians of N runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _overhead import clean_env, dbt_parse, new_repo, print_pipeline_once, timed, verdict

BARE_DAG = """
from airflow.sdk import dag, task
import pendulum

@dag(schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False)
def bare():
    @task
    def one():
        return 1
    one()

bare()
"""
BARE_RUN = """
import sys, time
start = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
from airflow.utils.db import initdb
initdb()
dag = DagBag(dag_folder=sys.argv[1]).dags["bare"]
first = dag.test()
mid = time.perf_counter()
second = dag.test()
end = time.perf_counter()
assert first.state == second.state == "success", (first.state, second.state)
print(mid - start, end - mid)
"""
# The repo's own `make run` (`python -m PACKAGE.run_dag`): initdb, the pipeline DAG's dag.test(),
# the scoring run its model asset queues; on a new data folder.
ONCE = """
import tempfile
from {package}.run_dag import main
with tempfile.TemporaryDirectory() as data:
    assert main(["--data-dir", data]) == 0
"""


def env(home: Path, dags: Path) -> dict[str, str]:
    out = clean_env()
    out.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(dags),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__USAGE_DATA_COLLECTION__ENABLED="False",
        DO_NOT_TRACK="1",
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dbt", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("MLSCAFFOLD_STORE", str(work / "store.git"))
        repo = new_repo(work, "airflow", dbt=args.dbt)
        subprocess.run(["uv", "sync", "-q"], cwd=repo, check=True, env=env(work, work))
        dags = work / "bare_dags"
        dags.mkdir()
        (dags / "bare_dag.py").write_text(BARE_DAG)
        python = str(repo / ".venv" / "bin" / "python")

        once = ["uv", "run", "python", "-c", ONCE.format(package=repo.name.replace("-", "_"))]
        pytest = ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"]
        suite, cold, warm, pipeline = [], [], [], []
        # Run -1 is untimed: both sides then start with compiled modules cached.
        for i in range(-1, args.runs):
            suite.append(timed(pytest, repo, env(work / f"h{i}", repo / "dags")))
            pipeline.append(timed(once, repo, env(work / f"once{i}", repo / "dags")))
            start = time.perf_counter()
            out = subprocess.run(
                [python, "-c", BARE_RUN, str(dags)],
                check=True,
                capture_output=True,
                text=True,
                env=env(work / f"bare{i}", dags),
            )
            parse = dbt_parse(repo, env(work / f"bare{i}", dags)) if args.dbt else 0.0
            cold.append(time.perf_counter() - start + parse)
            warm.append(float(out.stdout.split()[-1]))
            if i < 0:
                suite, cold, warm, pipeline = [], [], [], []

    s, c, w = statistics.median(suite), statistics.median(cold), statistics.median(warm)
    label = "airflow + dbt" if args.dbt else "airflow"
    print(f"generated repo ({label}), median of {args.runs} runs")
    print(f"  uv run pytest (whole suite)                 {s:7.2f} s")
    what = "import + initdb + run" + (" + one dbt parse" if args.dbt else "")
    print(f"  bare one-task dag.test(), fresh process     {c:7.2f} s  ({what})")
    print(f"  bare one-task dag.test(), second run        {w:7.2f} s")
    print(f"  suite / bare fresh process                  {s / c:7.2f} x  {verdict(s / c)}")
    print_pipeline_once(s, statistics.median(pipeline), c)


if __name__ == "__main__":
    main()
