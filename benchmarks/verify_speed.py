"""`mlscaffold workshop verify` of N repos in parallel vs one by one; served index vs folder.

    uv run python benchmarks/verify_speed.py --kit KIT [--repos 30]

Renders N repositories with `mlscaffold batch` (the kit's orchestrator: Prefect, no dbt, unless
--orchestrator), then times `workshop verify OUT --kit KIT` with one worker per core and with
--workers 1 (each run starts from fresh .venv folders). Then one repository's install with
--no-cache from the served index (`workshop serve`) vs from the folder (--find-links).
Slow (minutes); not run by CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from mlscaffold import kit_index

BIN = Path(sys.executable).parent


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}


def verify(out: Path, kit: Path, workers: int) -> tuple[float, int]:
    for venv in out.glob("*/.venv"):
        shutil.rmtree(venv)
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "mlscaffold"), "workshop", "verify", str(out), "--kit",
                           str(kit), "--workers", str(workers)], capture_output=True, text=True,
                          env={**clean_env(), "COLUMNS": "200"})  # fmt: skip
    seconds = time.perf_counter() - start
    green = proc.stdout.count("green")
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:])
    return seconds, green


def install(repo: Path, source: list[str], cache: Path) -> float:
    shutil.rmtree(repo / ".venv", ignore_errors=True)
    env = {**clean_env(), "UV_CACHE_DIR": str(cache)}
    subprocess.run(["uv", "venv", "--quiet"], cwd=repo, check=True, env=env)
    start = time.perf_counter()
    subprocess.run(["uv", "pip", "install", "--quiet", "--no-cache", *source, "-e", ".",
                    "--group", "dev"], cwd=repo, check=True, env=env)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", type=Path, required=True)
    parser.add_argument("--repos", type=int, default=30)
    parser.add_argument("--orchestrator", default="prefect")
    args = parser.parse_args()
    kit = args.kit.resolve()
    work = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    roster = work / "roster.csv"
    rows = [f"team-{i:02d},false,{args.orchestrator}" for i in range(args.repos)]
    roster.write_text("name,dbt,orchestrator\n" + "\n".join(rows) + "\n")
    out = work / "out"
    subprocess.run([str(BIN / "mlscaffold"), "batch", str(roster), "--out", str(out), "--no-git"],
                   check=True, capture_output=True)  # fmt: skip
    cores = os.cpu_count() or 1
    parallel, green_p = verify(out, kit, cores)
    serial, green_s = verify(out, kit, 1)
    print(f"workshop verify of {args.repos} {args.orchestrator} repos, {cores} cores, from the kit")
    print(f"  parallel ({cores} workers)   {parallel:8.1f} s   green: {green_p}")
    print(f"  one by one (1 worker)  {serial:8.1f} s   green: {green_s}")
    print(f"  speed-up               {serial / parallel:8.2f} x")

    repo = out / "team-00"
    server = kit_index.make_server(kit, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    index = f"http://127.0.0.1:{server.server_address[1]}/simple"
    folder = ["--offline", "--no-index", "--find-links", str(kit / "wheels")]
    served = install(repo, ["--index-url", index], work / "cache-a")
    local = install(repo, folder, work / "cache-b")
    server.shutdown()
    print(f"one repo's install, --no-cache: served index {served:.1f} s, folder {local:.1f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
