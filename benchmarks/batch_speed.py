"""A 30-row workshop batch next to 30 separate `mlscaffold new` processes. Prints figures.

    uv run python benchmarks/batch_speed.py [--rows 30]

Target (issue 8): the batch at least 8x faster (copier imported once per worker instead of once
per repository; both cores used).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["MLSCAFFOLD_STORE"] = str(work / "store")
        roster = work / "roster.csv"
        lines = ["name,team_size,dbt,infra"]
        lines += [f"team-{i:02d},{3 + i % 7},{str(i % 2 == 0).lower()},local" for i in range(rows)]
        roster.write_text("\n".join(lines) + "\n")
        cli = str(BIN / "mlscaffold")
        subprocess.run(
            [cli, "new", "warm-up", "--defaults", "--no-git", "-o", str(work)],
            check=True,
            capture_output=True,
        )

        start = time.perf_counter()
        subprocess.run(
            [cli, "batch", str(roster), "--out", str(work / "batch")],
            check=True,
            capture_output=True,
        )
        batch = time.perf_counter() - start

        separate_out = work / "separate"
        separate_out.mkdir()
        start = time.perf_counter()
        for i in range(rows):
            dbt = "--dbt" if i % 2 == 0 else "--no-dbt"
            subprocess.run(
                [
                    cli,
                    "new",
                    f"team-{i:02d}",
                    "--defaults",
                    "--team-size",
                    str(3 + i % 7),
                    dbt,
                    "--infra",
                    "local",
                    "-o",
                    str(separate_out),
                ],
                check=True,
                capture_output=True,
            )
        separate = time.perf_counter() - start

    print(f"{rows} repos, git init + commit each, {os.cpu_count()} cores")
    print(f"  mlscaffold batch (one process, pool)     {batch:7.2f} s")
    print(f"  {rows} x mlscaffold new (separate)         {separate:7.2f} s")
    print(f"  speed-up                                 {separate / batch:7.2f} x  (target >= 8x)")


if __name__ == "__main__":
    main()
