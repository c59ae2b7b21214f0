"""What the generated Prefect repo's tests cost, next to the floor: a bare prefect_test_harness.

    uv run python benchmarks/prefect_overhead.py [--dbt] [--runs N]

Times, in the generated repo's environment: `uv run pytest` (core tests, two flow runs, the
prefect.yaml check, with --dbt dbt too) and a bare `prefect_test_harness` with one trivial flow
run in a fresh process (import, temporary API server, one run), the fixed cost of any Prefect test;
and, as a second reference, the repo's own pipeline flow run once on such a server.
"""

from _overhead import compare

BARE = """
from prefect import flow
from prefect.testing.utilities import prefect_test_harness

@flow
def one() -> int:
    return 1

with prefect_test_harness(server_startup_timeout=120):
    assert one() == 1
"""

# The repo's own pipeline flow (what `make run` runs), on the same kind of temporary API.
ONCE = """
import tempfile
from prefect.testing.utilities import prefect_test_harness
from {package}.flows import ml_pipeline
with tempfile.TemporaryDirectory() as data, prefect_test_harness(server_startup_timeout=120):
    ml_pipeline(data_dir=data)
"""

if __name__ == "__main__":
    compare(
        "prefect",
        BARE,
        "bare prefect_test_harness + one flow run",
        {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"},
        ONCE,
    )
