"""`mlscaffold update` next to raw `copier update` of the same change. Prints figures.

    uv run python benchmarks/update_speed.py [--runs N]

mlscaffold renders the old and new template versions once more than Copier does (to find edited
files the template deletes, renames or overwrites), so expect it to cost more; this shows how much.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def sh(*cmd: str, cwd: Path | None = None) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["MLSCAFFOLD_STORE"] = str(work / "store")
        from mlscaffold import store

        v1, v2 = work / "v1", work / "v2"
        shutil.copytree(ROOT / "templates", v1)
        shutil.copytree(ROOT / "templates", v2)
        core = v2 / "shared" / "core" / "model.py.jinja"
        core.write_text(core.read_text() + "\n# a template fix\n")
        store.add_version(v1, "1.0.0")
        store.add_version(v2, "2.0.0")
        base = work / "base"
        data = ["-d", "project_name=demo", "-d", "orchestrator=prefect"]
        copy = [str(BIN / "copier"), "copy", "--quiet", "--trust", "--defaults"]
        copy += ["--vcs-ref", "1.0.0"]
        sh(*copy, *data, store.spec(), str(base))
        sh("git", "init", "--quiet", cwd=base)
        sh("git", "add", "-A", cwd=base)
        sh("git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "gen", cwd=base)

        def timed(cmd: list[str], name: str) -> float:
            times = []
            for i in range(runs):
                repo = work / f"{name}-{i}"
                sh("git", "clone", "--quiet", str(base), str(repo))
                sh("git", "config", "user.email", "b@b", cwd=repo)
                sh("git", "config", "user.name", "b", cwd=repo)
                start = time.perf_counter()
                sh(*cmd, cwd=repo)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        raw = timed([str(BIN / "copier"), "update", "--quiet", "--trust", "--defaults",
                     "--vcs-ref", "2.0.0"], "copier")  # fmt: skip
        ours = timed([str(BIN / "mlscaffold"), "update", "--to", "2.0.0"], "mlscaffold")
        print(f"raw copier update (1.0.0 -> 2.0.0)   {raw * 1000:7.0f} ms (median of {runs})")
        print(
            f"mlscaffold update (same change)      {ours * 1000:7.0f} ms  ratio {ours / raw:4.2f}x"
        )


if __name__ == "__main__":
    main()
