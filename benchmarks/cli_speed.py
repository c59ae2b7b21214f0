"""Startup and render speed of the CLI, side by side with their baselines. Prints figures.

    uv run python benchmarks/cli_speed.py [--runs N]

Targets (issue 3): `--help`, `--version` and `recommend` within 1.2x a two-command hello-world
Typer app's `--help` (so they must not import copier or questionary); `new --defaults` within
1.1x a raw `copier copy --defaults` of the same template and answers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HELLO = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str) -> None:
    print(f"hello {name}")
@app.command()
def bye(name: str) -> None:
    print(f"bye {name}")
app()
"""


def timed(make_cmd: Callable[[int], list[str]], runs: int) -> float:
    """Median wall time of `runs` runs; make_cmd(i) builds run i's command."""
    times = []
    for i in range(runs):
        cmd = make_cmd(i)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        hello = work / "hello.py"
        hello.write_text(HELLO)
        base = timed(lambda i: [sys.executable, str(hello), "--help"], runs)
        print(f"baseline: hello-world Typer app --help  {base * 1000:7.0f} ms (median of {runs})")
        cli = str(BIN / "mlscaffold")
        for args in (["--help"], ["--version"], ["recommend", "--json", "--dbt"]):
            t = timed(lambda i, args=args: [cli, *args], runs)
            print(f"mlscaffold {' '.join(args):<24}  {t * 1000:7.0f} ms  ratio {t / base:4.2f}x"
                  "  (target <= 1.20x)")  # fmt: skip

        data = ["project_name=demo", "package_name=demo", "orchestrator=prefect"]
        copier = [str(BIN / "copier"), "copy", "--quiet", "--defaults", "--trust"]
        for d in data:
            copier += ["-d", d]
        raw = timed(lambda i: [*copier, str(ROOT / "templates"), str(work / f"copier-{i}")], runs)
        parents = [work / f"new-{i}" for i in range(runs)]
        for parent in parents:
            parent.mkdir()
        ours = timed(
            lambda i: [cli, "new", "demo", "--defaults", "--no-git", "--orchestrator", "prefect",
                       "-o", str(parents[i])],
            runs,
        )  # fmt: skip
        print(f"raw copier copy --defaults             {raw * 1000:7.0f} ms")
        print(f"mlscaffold new --defaults --no-git      {ours * 1000:7.0f} ms  ratio "
              f"{ours / raw:4.2f}x  (target <= 1.10x)")  # fmt: skip


if __name__ == "__main__":
    main()
