"""What the generated Dagster repo's tests cost, next to the floor: a bare `dg.materialize`.

    uv run python benchmarks/dagster_overhead.py [--dbt] [--runs N]

Times, in the generated repo's environment: `uv run pytest` (core tests, definitions, two full
materializations, with --dbt dbt too) and a bare `dg.materialize` of one trivial asset in a
fresh process (Dagster import + one run), the fixed cost any Dagster test pays.
"""

from _overhead import compare

BARE = """
import dagster as dg

@dg.asset
def one() -> int:
    return 1

assert dg.materialize([one]).success
"""

if __name__ == "__main__":
    compare(
        "dagster",
        BARE,
        "bare dg.materialize of one asset, fresh",
        {"DAGSTER_DISABLE_TELEMETRY": "1"},
    )
