"""The workshop commands: `batch`, `doctor` and `workshop prepare | serve | verify`.

Registered on cli.app when cli.py imports this module; same rules as every command (parse, call,
print; one `Error:` line through `friendly_errors`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from mlscaffold import faults
from mlscaffold.cli import ORCHESTRATORS, app, orchestrator_option
from mlscaffold.cli_run import error_line, friendly_errors, rich_console
from mlscaffold.errors import EXIT_FAILED
from mlscaffold.models import Orchestrator
from mlscaffold.verify_view import verified


@app.command()
def batch(
    roster_file: Annotated[
        Path,
        typer.Argument(metavar="ROSTER", help="CSV or YAML: name, question keys, orchestrator."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the repositories.")],
    git: Annotated[
        bool, typer.Option("--git/--no-git", help="git init and commit each repository.")
    ] = True,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--workers", help="Parallel renders (default: one per CPU)."),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Then install and test them (as workshop verify).")
    ] = False,
    kit: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--kit", help="With --verify: install offline from this kit."),
    ] = None,
) -> None:
    """Render one repository per roster row, in one process; re-runs skip finished repos."""
    from rich.progress import Progress
    from rich.table import Table

    from mlscaffold import batch as batching
    from mlscaffold import roster

    console = rich_console()
    faults.set_outcome("nothing was created")
    with friendly_errors():
        rows = roster.load(roster_file)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Rendering", total=len(rows))
            result = batching.run(
                rows, out, git=git, workers=workers,
                progress=lambda outcome: progress.advance(task),
            )  # fmt: skip
        outcomes = result.outcomes
        table = Table(title=f"{len(outcomes)} repositories in {out}")
        for column in ("name", "orchestrator", "why", "path", "status"):
            table.add_column(column, overflow="fold")
        for o in outcomes:
            status = o.status if not o.error else f"{o.status}: {o.error}"
            table.add_row(o.name, o.orchestrator, o.why, o.path, status)
        console.print(table)
        if result.interrupted:
            made = sum(o.status == "created" for o in outcomes)
            left = sum(o.status == "not started" for o in outcomes)
            faults.set_outcome(
                f"{made} repositories were created, {left} not started (see the table); "
                "run the same command again to finish"
            )
            raise KeyboardInterrupt
        failed = [o for o in outcomes if o.status == "failed"]
        problems = [f"{len(failed)} of {len(outcomes)} rows failed"] if failed else []
        rendered = [Path(o.path) for o in outcomes if o.status in ("created", "done")]
        if verify and rendered:
            repos = verified(console, out, kit, None, only=rendered)
            red = sum(r.status == "red" for r in repos)
            problems += [f"{red} of {len(repos)} repositories are red"] if red else []
        if problems:
            error_line(f"{'; '.join(problems)} (see the table{'s' if verify else ''}).")
            raise typer.Exit(EXIT_FAILED)


@app.command()
def doctor(
    kit: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--kit", help="The workshop kit folder (from `workshop prepare`)."),
    ] = None,
) -> None:
    """Check this machine for a workshop: Python, uv, git, disk, packages, UI ports."""
    from rich.table import Table

    from mlscaffold import doctor as checks

    with friendly_errors():
        results = checks.run_all(kit)
        table = Table(title="mlscaffold doctor")
        for column in ("check", "status", "detail", "fix"):
            table.add_column(column, overflow="fold")
        for r in results:
            table.add_row(r.check, "ok" if r.passed else "FAIL", r.detail, r.fix)
        rich_console().print(table)
    if not all(r.passed for r in results):
        raise typer.Exit(EXIT_FAILED)


workshop_app = typer.Typer(help="Prepare an onboarding workshop.", no_args_is_help=True)
app.add_typer(workshop_app, name="workshop")


@workshop_app.command("prepare")
def workshop_prepare(
    out: Annotated[Path, typer.Option("--out", "-o", help="The kit folder to create or fill.")],
    orchestrator: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--orchestrator", metavar=ORCHESTRATORS, help="Only these (repeatable)."),
    ] = None,
    dbt: Annotated[
        Optional[bool],  # noqa: UP045
        typer.Option("--dbt/--no-dbt", help="Only with / without dbt (default: both)."),
    ] = None,
    platform: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--platform",
            metavar="PLATFORM",
            help="Laptops to cover (repeatable): manylinux-x86_64, manylinux-aarch64, "
            "macos-arm64, macos-x86_64, windows-amd64, or this (default: all five).",
        ),
    ] = None,
    python: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--python", metavar="X.Y", help="Python versions (default: 3.11 3.12 3.13)."),
    ] = None,
    cooldown: Annotated[
        int,
        typer.Option(
            "--cooldown",
            metavar="DAYS",
            min=0,
            max=365,
            help="Leave out releases younger than this; 0 takes the newest releases.",
        ),
    ] = 7,
) -> None:
    """Download every wheel the generated repositories need, for installs with no network."""
    from mlscaffold import kit_manifest, kit_platforms, workshop

    console = rich_console()
    faults.set_outcome(f"{out} was left as it was")
    with friendly_errors():
        chosen = [o for o in (orchestrator_option(x) for x in orchestrator or []) if o is not None]
        platforms = [
            kit_platforms.parse_platform(p) for p in platform or kit_platforms.DEFAULT_PLATFORMS
        ]
        pythons = [kit_platforms.parse_python(v) for v in python or kit_platforms.DEFAULT_PYTHONS]
        kit = Path(os.path.abspath(out))
        with console.status("Preparing the kit…") as status:
            wheels = workshop.prepare(
                kit,
                orchestrators=chosen or tuple(Orchestrator),
                dbt_options=(False, True) if dbt is None else (dbt,),
                progress=lambda message: status.update(message),
                platforms=platforms,
                pythons=pythons,
                cooldown_days=cooldown,
            )
        count = len(kit_manifest.kit_targets(kit))
        console.print(
            f"{len(wheels)} wheels for {count} platform x Python targets in {kit / 'wheels'}; "
            f"see {kit / 'INSTRUCTIONS.md'}."
        )
        fallbacks = kit_manifest.fallbacks(kit)
        if fallbacks:
            shown = "; ".join(f"{key} ({', '.join(repos)})" for key, repos in fallbacks.items())
            console.print(
                f"No wheel of a locked version for {len(fallbacks)} targets: resolved from "
                f"pyproject.toml instead (versions in INSTRUCTIONS.md): {shown}."
            )


@workshop_app.command("serve")
def workshop_serve(
    kit: Annotated[Path, typer.Argument(metavar="KIT", help="The kit folder to serve.")],
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; 0.0.0.0 for the room's LAN.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8765,
) -> None:
    """Serve KIT/wheels as a simple package index (PEP 503) over HTTP, read-only; Ctrl-C stops."""
    from mlscaffold import DISTRIBUTION, kit_index
    from mlscaffold.errors import KitError

    faults.set_outcome("nothing was changed")
    with friendly_errors():
        wheels = sorted((kit / "wheels").glob("*.whl")) if (kit / "wheels").is_dir() else []
        if not wheels:
            raise KitError(f"{kit} holds no wheels (no {kit / 'wheels'}).",
                           "Give the folder made by mlscaffold workshop prepare.")  # fmt: skip
        try:
            server = kit_index.make_server(kit, host, port)
        except OSError as err:
            hint = "Choose another --port, or a --host this machine has."
            problem = f"Cannot listen on {host}:{port}: {err.strerror or err}."
            raise KitError(problem, hint) from None
        address = kit_index.room_address(host, server.server_address[1])
        index = f"http://{address}/simple"
        trusted = address.rsplit(":", 1)[0].strip("[]")
        typer.echo(f"Serving {len(wheels)} wheels from {kit} at {index} (read-only).")
        typer.echo("In each repository, participants run:")
        typer.echo(f"  uv venv && uv pip install --index-url {index} -e . --group dev")
        typer.echo("To install mlscaffold itself and uv with only Python:")
        typer.echo(
            f"  python -m pip install --index-url {index} --trusted-host {trusted} "
            f"{DISTRIBUTION} uv"
        )
        typer.echo("Ctrl-C stops the server.")
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@workshop_app.command("verify")
def workshop_verify(
    out: Annotated[
        Path, typer.Argument(metavar="OUT", help="The folder of repositories (mlscaffold batch).")
    ],
    kit: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--kit", help="Install offline from this kit (workshop prepare)."),
    ] = None,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--workers", help="Repositories at a time (default: one per CPU)."),
    ] = None,
) -> None:
    """Install and test every repository in OUT in parallel; one row each: green or red."""
    console = rich_console()
    faults.set_outcome("nothing was changed outside each repository's .venv")
    with friendly_errors():
        repos = verified(console, out, kit, workers)
        red = [r for r in repos if r.status == "red"]
        if red:
            error_line(f"{len(red)} of {len(repos)} repositories are red (see the table).")
            raise typer.Exit(EXIT_FAILED)
