"""Build a workshop kit for several platforms and Pythons; print time and size per platform.

    uv run python benchmarks/kit_build.py [--out DIR] [--platform P ...] [--python X.Y ...]
                                          [--orchestrator O ...] [--separate]

With de-duplication: the one kit `workshop prepare` builds (a wheel that serves several targets,
e.g. every py3-none-any wheel, is stored and downloaded once). Without: the sum of each target's
wheels, i.e. one kit per platform x Python. `--separate` also times one fresh kit per platform
(pip's download cache is warm by then: the time saved is resolution and copying, not network).
Ends with the targets that fell back from the lock to pyproject.toml's constraints (a locked
version has no wheel there) and the versions that differ. Needs the network; slow (tens of
minutes for the default set); not run by CI.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from mlscaffold import kit_index, workshop
from mlscaffold.models import Orchestrator


def mb(n: float) -> str:
    return f"{n / 1e6:8.1f} MB"


def build(kit: Path, args: argparse.Namespace, platforms: list[kit_index.Platform]) -> float:
    start = time.perf_counter()
    workshop.prepare(
        kit,
        orchestrators=[Orchestrator(o) for o in args.orchestrator] or tuple(Orchestrator),
        platforms=platforms,
        pythons=args.python or kit_index.DEFAULT_PYTHONS,
        progress=lambda m: print(f"  {time.perf_counter() - start:6.0f}s {m}", flush=True),
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--platform", action="append", default=[])
    parser.add_argument("--python", action="append", default=[])
    parser.add_argument("--orchestrator", action="append", default=[])
    parser.add_argument("--separate", action="store_true")
    args = parser.parse_args()
    platforms = [kit_index.parse_platform(p) for p in args.platform or kit_index.DEFAULT_PLATFORMS]
    work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    kit = args.out or work / "kit"
    total = build(kit, args, platforms)

    sizes = {p.name: p.stat().st_size for p in (kit / "wheels").glob("*.whl")}
    targets = kit_index.kit_targets(kit)
    by_platform: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in targets.values():
        by_platform[str(entry["platform"])].append(entry)
    print(f"\nkit: {kit}  ({len(targets)} targets, {len(sizes)} wheels)")
    print(f"{'target':32} {'seconds':>8} {'new':>5} {'wheels':>7} {'size':>11}")
    for key in sorted(targets):
        entry = targets[key]
        used = entry["wheels"]
        assert isinstance(used, list)
        print(f"{key:32} {entry['seconds']:8} {entry['downloaded']:5} {len(used):7} "
              f"{mb(sum(sizes[w] for w in used))}")  # fmt: skip
    print(f"\n{'platform':20} {'seconds':>8} {'dedup size':>12} {'no-dedup size':>14}")
    without_total = 0
    for name, entries in by_platform.items():
        seconds = sum(float(str(e["seconds"])) for e in entries)
        union = {w for e in entries for w in e["wheels"]}  # type: ignore[attr-defined]
        each = sum(sizes[w] for e in entries for w in e["wheels"])  # type: ignore[attr-defined]
        without_total += each
        print(f"{name:20} {seconds:8.0f} {mb(sum(sizes[w] for w in union)):>12} {mb(each):>14}")
    print(f"\nwhole kit, de-duplicated:       {mb(sum(sizes.values()))}  built in {total:.0f} s")
    print(f"one kit per platform x Python:  {mb(without_total)}")
    print(f"saved by de-duplication:        {1 - sum(sizes.values()) / without_total:8.1%}")
    fallbacks = kit_index.fallbacks(kit)
    print(f"\nfell back to pyproject.toml (no wheel of a locked version): {len(fallbacks)} targets")
    for key, repositories in fallbacks.items():
        changed = targets[key][kit_index.FALLBACK]
        assert isinstance(changed, dict)
        for name in repositories:
            print(f"  {key:28} {name:16} {'; '.join(changed[name])}")

    if args.separate:
        print("\nseparate kit per platform (warm pip cache):")
        for platform in platforms:
            seconds = build(work / f"kit-{platform.key}", args, [platform])
            print(f"  {platform.key:20} {seconds:7.0f} s")


if __name__ == "__main__":
    main()
