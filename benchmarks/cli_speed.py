"""Startup and render speed of the CLI, side by side with their baselines. Prints figures.

    uv run python benchmarks/cli_speed.py [--runs N]

Targets (issues 3 and 20): `--help`, `--version` and `recommend` within 1.2x a two-command
hello-world Typer app (so they must not import copier or questionary): `--help` and `--version`
next to its `--help`, `recommend` next to one of its commands run with an argument (Typer 0.29
coerces every parameter of a command it runs with pydantic, which `--help` does not import:
that cost is Typer's, on both sides). `new --defaults`
within 1.0x a raw `copier copy --defaults` of the same template and answers. Each command
alternates with its baseline run by run, so a change in machine load hits both alike; the ratio
is the median of the per-pair ratios.
"""

from __future__ import annotations

import argparse
import os
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


def once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def side_by_side(
    base: Callable[[int], list[str]], ours: Callable[[int], list[str]], runs: int
) -> tuple[float, float, float]:
    """Medians of the baseline, of ours, and of their per-run ratio; run i of each alternate."""
    once(base(runs)), once(ours(runs))  # warm-up: the OS file cache, and each side's .pyc files
    pairs = [(once(base(i)), once(ours(i))) for i in range(runs)]
    return (
        statistics.median(b for b, _ in pairs),
        statistics.median(o for _, o in pairs),
        statistics.median(o / b for b, o in pairs),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    # As on a user's machine, both sides import from .pyc files written on their first run: with
    # PYTHONDONTWRITEBYTECODE set (some CI images set it), every run compiles every module again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        hello = work / "hello.py"
        hello.write_text(HELLO)
        load = os.getloadavg()[0]
        print(f"median of {runs} alternating runs after one warm-up, load average {load:.2f}")
        cli = str(BIN / "mlscaffold")
        hello_help = ("--help", [sys.executable, str(hello), "--help"])
        hello_run = ("hello x", [sys.executable, str(hello), "hello", "x"])
        cases = [
            (["--help"], hello_help),
            (["--version"], hello_help),
            (["recommend", "--json", "--dbt"], hello_run),
        ]
        for args, (label, base_cmd) in cases:
            base, t, ratio = side_by_side(
                lambda i, b=base_cmd: b, lambda i, a=args: [cli, *a], runs
            )
            print(
                f"mlscaffold {' '.join(args):<24}  {t * 1000:7.0f} ms  hello-world {label:<7} "
                f"{base * 1000:5.0f} ms  ratio {ratio:4.2f}x  (target <= 1.20x)"
            )

        data = ["project_name=demo", "package_name=demo", "orchestrator=prefect"]
        copier = [str(BIN / "copier"), "copy", "--quiet", "--defaults", "--trust"]
        for d in data:
            copier += ["-d", d]
        parents = [work / f"new-{i}" for i in range(runs + 1)]
        for parent in parents:
            parent.mkdir()
        new = [cli, "new", "demo", "--defaults", "--no-git", "--orchestrator", "prefect"]
        raw, ours, ratio = side_by_side(
            lambda i: [*copier, str(ROOT / "templates"), str(work / f"copier-{i}")],
            lambda i: [*new, "-o", str(parents[i])],
            runs,
        )
        print(f"raw copier copy --defaults             {raw * 1000:7.0f} ms")
        print(
            f"mlscaffold new --defaults --no-git      {ours * 1000:7.0f} ms  ratio {ratio:4.2f}x"
            "  (target <= 1.00x)"
        )


if __name__ == "__main__":
    main()
