"""`mlscaffold update` next to raw `copier update` of the same change. Prints figures.

    uv run python benchmarks/update_speed.py [--runs N]

Target (issue 20): at most 1.3x. mlscaffold's guards (edited files the template deletes, renames
or overwrites) read the old and new renders Copier makes anyway, so the extra cost is the private
clone, the checks and the one `git apply`. The two commands alternate run by run, so a change in
machine load hits both alike.
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
TARGET = 1.3


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

        def once(cmd: list[str], name: str) -> float:
            repo = work / name
            sh("git", "clone", "--quiet", str(base), str(repo))
            sh("git", "config", "user.email", "b@b", cwd=repo)
            sh("git", "config", "user.name", "b", cwd=repo)
            start = time.perf_counter()
            sh(*cmd, cwd=repo)
            return time.perf_counter() - start

        copier_cmd = [str(BIN / "copier"), "update", "--quiet", "--trust", "--defaults"]
        copier_cmd += ["--vcs-ref", "2.0.0"]
        ours_cmd = [str(BIN / "mlscaffold"), "update", "--to", "2.0.0"]
        raws, ourss = [], []
        for i in range(runs):
            raws.append(once(copier_cmd, f"copier-{i}"))
            ourss.append(once(ours_cmd, f"mlscaffold-{i}"))
        raw, ours = statistics.median(raws), statistics.median(ourss)
        ratio = statistics.median(o / r for o, r in zip(ourss, raws, strict=True))
        print(f"raw copier update (1.0.0 -> 2.0.0)   {raw * 1000:7.0f} ms (median of {runs})")
        print(
            f"mlscaffold update (same change)      {ours * 1000:7.0f} ms  ratio {ratio:4.2f}x"
            f"  (target <= {TARGET:.2f}x)  load average {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
