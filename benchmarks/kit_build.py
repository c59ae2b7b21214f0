"""Build a workshop kit for several platforms and Pythons; print time and size per platform.

    uv run python benchmarks/kit_build.py [--out DIR] [--platform P ...] [--python X.Y ...]
                                          [--orchestrator O ...] [--separate] [--resolve-only]

With de-duplication: the one kit `workshop prepare` builds (a wheel that serves several targets,
e.g. every py3-none-any wheel, is stored and downloaded once). Without: the sum of each target's
wheels, i.e. one kit per platform x Python. `--separate` also times one fresh kit per platform
(pip's download cache is warm by then: the time saved is resolution and copying, not network).
`--resolve-only` stops before the downloads: every target's pins, from the lock or (when a
locked version has no wheel there) from pyproject.toml, i.e. whether the whole set builds, in
minutes rather than the hour a full download takes on a slow line.
Ends with the targets that fell back from the lock to pyproject.toml's constraints (a locked
version has no wheel there) and the versions that differ. Needs the network; slow (tens of
minutes for the default set); not run by CI.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mlscaffold import kit_manifest, kit_platforms, kit_resolve, workshop
from mlscaffold.errors import KitError
from mlscaffold.models import Orchestrator


def mb(n: float) -> str:
    return f"{n / 1e6:8.1f} MB"


def build(kit: Path, args: argparse.Namespace, platforms: list[kit_platforms.Platform]) -> float:
    start = time.perf_counter()
    workshop.prepare(
        kit,
        orchestrators=[Orchestrator(o) for o in args.orchestrator] or tuple(Orchestrator),
        platforms=platforms,
        pythons=args.python or kit_platforms.DEFAULT_PYTHONS,
        progress=lambda m: print(f"  {time.perf_counter() - start:6.0f}s {m}", flush=True),
    )
    return time.perf_counter() - start


def resolve_only(args: argparse.Namespace, platforms: list[kit_platforms.Platform]) -> None:
    """Each target's pins (the lock, else pyproject.toml) for every repository; no downloads."""
    uv = kit_resolve.find_uv()
    orchestrators = [Orchestrator(o) for o in args.orchestrator] or list(Orchestrator)
    chosen = kit_platforms.targets(platforms, args.python or kit_platforms.DEFAULT_PYTHONS)
    refused = 0
    with tempfile.TemporaryDirectory(prefix="kit-resolve-") as folder:
        tmp, start = Path(folder), time.perf_counter()
        cutoff = workshop.cutoff_for(workshop.COOLDOWN_DAYS)  # as `workshop prepare` resolves
        exports = [
            kit_resolve.export(uv, tmp, o, d, cutoff) for o in orchestrators for d in (False, True)
        ]
        print(f"locked {len(exports)} repositories in {time.perf_counter() - start:.0f} s")
        print(f"{'target':28} {'seconds':>7} {'pins':>5}  fell back to pyproject.toml")
        for target in chosen:
            started, pins, notes = time.perf_counter(), set(), []
            with ThreadPoolExecutor(max_workers=4) as pool:
                jobs = {
                    e.name: pool.submit(kit_resolve.pins_for, uv, e, target, tmp) for e in exports
                }
            for name, job in jobs.items():
                try:
                    found = job.result()
                except KitError as err:
                    refused += 1
                    notes.append(f"{name}: REFUSED {err.message}")
                    continue
                pins |= set(found.pins)
                if found.fallback:
                    notes.append(f"{name}: {'; '.join(found.changed) or 'same versions'}")
            seconds = time.perf_counter() - started
            print(f"{target.key:28} {seconds:7.0f} {len(pins):5}  {' | '.join(notes) or '-'}")
    print(
        f"\n{len(chosen)} targets x {len(exports)} repositories: {refused} refused "
        f"in {time.perf_counter() - start:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--platform", action="append", default=[])
    parser.add_argument("--python", action="append", default=[])
    parser.add_argument("--orchestrator", action="append", default=[])
    parser.add_argument("--separate", action="store_true")
    parser.add_argument("--resolve-only", action="store_true")
    args = parser.parse_args()
    platforms = [
        kit_platforms.parse_platform(p) for p in args.platform or kit_platforms.DEFAULT_PLATFORMS
    ]
    if args.resolve_only:
        return resolve_only(args, platforms)
    work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    kit = args.out or work / "kit"
    total = build(kit, args, platforms)

    sizes = {p.name: p.stat().st_size for p in (kit / "wheels").glob("*.whl")}
    targets = kit_manifest.kit_targets(kit)
    by_platform: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in targets.values():
        by_platform[str(entry["platform"])].append(entry)
    print(f"\nkit: {kit}  ({len(targets)} targets, {len(sizes)} wheels)")
    print(f"{'target':32} {'seconds':>8} {'new':>5} {'wheels':>7} {'size':>11}")
    for key in sorted(targets):
        entry = targets[key]
        used = entry["wheels"]
        assert isinstance(used, list)
        print(
            f"{key:32} {entry['seconds']:8} {entry['downloaded']:5} {len(used):7} "
            f"{mb(sum(sizes[w] for w in used))}"
        )
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
    fallbacks = kit_manifest.fallbacks(kit)
    print(f"\nfell back to pyproject.toml (no wheel of a locked version): {len(fallbacks)} targets")
    for key, repositories in fallbacks.items():
        changed = targets[key][kit_manifest.FALLBACK]
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
