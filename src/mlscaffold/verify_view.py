"""What `workshop verify` and `batch --verify` show: a live table while repositories are
tested, then the final table (one row each: green or red, time, the first failing line)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from mlscaffold.verify import RepoRun


def _verify_table(title: str, repos: list[RepoRun]) -> Table:
    import time

    from rich.table import Table

    shown = Table(title=title)
    for column in ("repository", "status", "time", "first failing line"):
        shown.add_column(column, overflow="fold")
    now = time.perf_counter()
    for r in repos:
        seconds = r.seconds if r.done else (now - r.started if r.started else 0.0)
        colour = {"green": "green", "red": "red"}.get(r.status, "yellow")
        when = f"{seconds:.0f}s" if r.started else ""
        shown.add_row(r.name, f"[{colour}]{r.status}[/]", when, r.first_failure)
    return shown


def verified(
    console: Console,
    out: Path,
    kit: Path | None,
    workers: int | None,
    only: list[Path] | None = None,
) -> list[RepoRun]:
    """`workshop verify` with its live table, then the final table (for verify and batch)."""
    from rich.live import Live

    from mlscaffold import verify

    paths = verify.find_repos(out) if only is None else sorted(only)
    title = f"{len(paths)} repositories in {out}"
    placeholder = [verify.RepoRun(p.name, p) for p in paths]
    seen: dict[str, RepoRun] = {}
    with Live(_verify_table(title, placeholder), console=console, transient=True,
              refresh_per_second=2) as live:  # fmt: skip

        def changed(repo: RepoRun) -> None:
            seen[repo.name] = repo
            live.update(_verify_table(title, [seen.get(r.name, r) for r in placeholder]))

        repos = verify.run(out, kit=kit, workers=workers, changed=changed, only=only)
    console.print(_verify_table(title, repos))
    return repos
