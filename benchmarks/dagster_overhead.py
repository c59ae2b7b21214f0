"""What the generated Dagster repo's tests cost, next to the floor: a bare `dg.materialize`.

    uv run python benchmarks/dagster_overhead.py [--dbt] [--runs N]

Times, in the generated repo's environment: `uv run pytest` (core tests, definitions, two full
materializations, with --dbt dbt too) and a bare `dg.materialize` of one trivial asset in a
fresh process (Dagster import + one run), the fixed cost any Dagster test pays; and, as a second
reference, the repo's own pipeline job run once in a fresh process.
"""

from _overhead import compare

BARE = """
import dagster as dg

@dg.asset
def one() -> int:
    return 1

assert dg.materialize([one]).success
"""

# The repo's own `ml_pipeline` job (what `make run` launches), in process, on a new data folder.
ONCE = """
import os, tempfile
with tempfile.TemporaryDirectory() as data:
    os.environ["PIPELINE_DATA_DIR"] = data
    from {package}.definitions import defs
    assert defs().get_job_def("ml_pipeline").execute_in_process().success
"""

if __name__ == "__main__":
    compare(
        "dagster",
        BARE,
        "bare dg.materialize of one asset, fresh",
        {"DAGSTER_DISABLE_TELEMETRY": "1"},
        ONCE,
    )
