"""`mlscaffold workshop verify` of N repos vs verifying them one by one; served index vs folder.

    uv run python benchmarks/verify_speed.py [--kit KIT] [--repos 30] [--orchestrator prefect]
                                             [--warm] [--no-index-check]

Renders N repositories with `mlscaffold batch` (Prefect without dbt unless --orchestrator; a
kit must hold that orchestrator's wheels for this platform; without --kit both modes install
from the registry, so use --warm), then times, from the same state:

- `mlscaffold workshop verify OUT [--kit KIT]` (one repository per core at a time);
- one by one: for each repository in turn, the commands a facilitator would type (`uv venv`,
  `uv pip install [--offline --no-index --find-links KIT/wheels] -e . --group dev`,
  `uv run --no-sync pytest`), i.e. verify.verify_one in a loop.

Same state for both: no repository has a .venv, and each mode gets its own uv cache, empty by
default, or (--warm) a copy of one cache filled by a single install beforehand. The kit's files
are read once before timing, so the OS file cache favours neither. Then one repository's install
with --no-cache from the served index (`workshop serve`) vs from the folder (--find-links), if
a kit is given.
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

from mlscaffold import kit_index, verify

BIN = Path(sys.executable).parent


def clean_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return {**env, "UV_CACHE_DIR": str(cache)}


def fresh_state(out: Path, cache: Path, warm: Path | None) -> None:
    for venv in out.glob("*/.venv"):
        shutil.rmtree(venv)
    shutil.rmtree(cache, ignore_errors=True)
    if warm is None:
        cache.mkdir(parents=True)
    else:
        shutil.copytree(warm, cache, symlinks=True)


def with_command(out: Path, kit: Path | None, cache: Path) -> tuple[float, int]:
    """`mlscaffold workshop verify OUT [--kit KIT]`: seconds, green repositories."""
    source = ["--kit", str(kit)] if kit is not None else []
    start = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "mlscaffold"), "workshop", "verify", str(out), *source],
        capture_output=True,
        text=True,
        env={**clean_env(cache), "COLUMNS": "200"},
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:])
    return seconds, proc.stdout.count("green")


def one_by_one(out: Path, kit: Path | None, cache: Path) -> tuple[float, int]:
    """The same three commands per repository, one repository after the other."""
    os.environ["UV_CACHE_DIR"] = str(cache)  # verify_one's commands inherit it
    uv = shutil.which("uv")
    assert uv is not None
    repos = [verify.RepoRun(p.name, p) for p in verify.find_repos(out)]
    start = time.perf_counter()
    for repo in repos:
        # one repository at a time: its tests get every core, as `pytest -n auto` gives them
        verify.verify_one(repo, uv, kit, lambda r: None, verify.max_workers())
        if repo.status != "green":
            print(f"  {repo.name}: {repo.first_failure}")
    return time.perf_counter() - start, sum(r.status == "green" for r in repos)


def install(repo: Path, source: list[str], cache: Path, cached: bool = False) -> float:
    shutil.rmtree(repo / ".venv", ignore_errors=True)
    env = clean_env(cache)
    subprocess.run(["uv", "venv", "--quiet"], cwd=repo, check=True, env=env)
    start = time.perf_counter()
    no_cache = [] if cached else ["--no-cache"]
    subprocess.run(
        ["uv", "pip", "install", "--quiet", *no_cache, *source, "-e", ".", "--group", "dev"],
        cwd=repo,
        check=True,
        env=env,
    )
    return time.perf_counter() - start


def read_all(folder: Path) -> None:
    for path in folder.glob("*.whl"):
        with path.open("rb") as handle:
            while handle.read(1 << 20):
                pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", type=Path)
    parser.add_argument("--repos", type=int, default=30, help="How many repositories (30).")
    parser.add_argument("--orchestrator", default="prefect")
    parser.add_argument("--warm", action="store_true", help="Start both from a warm uv cache.")
    parser.add_argument("--no-index-check", action="store_true")
    args = parser.parse_args()
    # Both modes run the repositories' tests as a participant's laptop does: compiled modules
    # cached (one_by_one runs in this process, verify in a child: both inherit this).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    kit = args.kit.resolve() if args.kit else None
    work = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    roster = work / "roster.csv"
    rows = [f"team-{i:02d},false,{args.orchestrator}" for i in range(args.repos)]
    roster.write_text("name,dbt,orchestrator\n" + "\n".join(rows) + "\n")
    out = work / "out"
    subprocess.run(
        [str(BIN / "mlscaffold"), "batch", str(roster), "--out", str(out), "--no-git"],
        check=True,
        capture_output=True,
    )
    offline = ["--offline", "--no-index", "--find-links", str(kit / "wheels")] if kit else []
    if kit is not None:
        read_all(kit / "wheels")
    warm = None
    if args.warm:
        warm = work / "cache-warm"
        install(out / "team-00", offline, warm, cached=True)
    cache = work / "cache"
    fresh_state(out, cache, warm)
    serial, green_s = one_by_one(out, kit, cache)
    fresh_state(out, cache, warm)
    parallel, green_p = with_command(out, kit, cache)
    cores = os.cpu_count() or 1
    state = "warm" if args.warm else "empty"
    origin = "the kit" if kit else "the registry"
    print(
        f"{args.repos} {args.orchestrator} repos from {origin}, {cores} cores, {state} uv cache "
        "and no .venv at the start of each"
    )
    print(f"  workshop verify        {parallel:8.1f} s   green: {green_p}/{args.repos}")
    print(f"  one by one             {serial:8.1f} s   green: {green_s}/{args.repos}")
    print(f"  one by one / verify    {serial / parallel:8.2f} x")

    if kit is not None and not args.no_index_check:
        repo = out / "team-00"
        server = kit_index.make_server(kit, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        index = f"http://127.0.0.1:{server.server_address[1]}/simple"
        served = install(repo, ["--index-url", index], work / "cache-a")
        local = install(repo, offline, work / "cache-b")
        server.shutdown()
        print(f"one repo's install, --no-cache: served index {served:.1f} s, folder {local:.1f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
