"""The command line. Thin: parse options, call the modules, turn errors into one line.

copier and questionary are imported only inside the commands that need them, so `--help`,
`--version` and `recommend` start fast (see benchmarks/cli_startup.py).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from mlscaffold import PIP_UPGRADE, UPGRADE, __version__, faults
from mlscaffold.errors import (
    EXIT_AHEAD,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    InvalidAnswerError,
)
from mlscaffold.flags import with_catalogue_flags
from mlscaffold.models import Orchestrator

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="mlscaffold",
    help="Answer a few questions about your ML team; get a ready-to-run pipeline repository "
    "on Apache Airflow, Prefect or Dagster.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click help: wraps cleanly at 80 columns, no cut option names
)
ORCHESTRATORS = "|".join(o.value for o in Orchestrator)


_said: list[str] = []


def _error(line: str) -> None:
    """The one line every failure ends in (stderr may be gone too: then say nothing)."""
    _said.append(line)
    with suppress(OSError, ValueError):
        sys.stderr.write(f"Error: {line}\n")
        sys.stderr.flush()


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Every failure becomes one `Error:` line on stderr and an exit code; never a traceback."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except BaseException as exc:
        if _is_click_exception(exc):
            raise
        line, code = faults.describe(exc)
        _error(line)
        raise typer.Exit(code) from None


def _is_click_exception(exc: BaseException) -> bool:
    return type(exc).__module__.endswith("click.exceptions")


def run() -> None:
    """The console script: Typer's app, where every way of failing ends in one line."""
    # Typer 0.29 vendors Click as typer._click; older releases use click itself.
    try:
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover
        import click  # type: ignore[no-redef]

    faults.install_signal_handlers()
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character: '?'
        with suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    code: int
    try:
        try:
            result = app(prog_name="mlscaffold", standalone_mode=False)
            code = result if isinstance(result, int) else 0
            if sys.stdout is not None:
                sys.stdout.flush()
        except click.UsageError as err:
            where = f" See '{err.ctx.command_path} --help'." if err.ctx is not None else ""
            message = faults.shorten(" ".join(err.format_message().split()), 300).rstrip(".")
            if message:  # empty when Click has printed the help (no arguments at all)
                _error(f"{message}.{where}")
            code = err.exit_code
        except typer.Abort:
            line, code = faults.describe(KeyboardInterrupt())
            _error(line)
        except click.ClickException as err:
            _error(faults.shorten(err.format_message(), 300))
            code = err.exit_code
    except SystemExit as exc:
        # Rich and Click end a broken pipe with a silent SystemExit(1): say it in one line.
        if isinstance(exc.__context__, OSError) and exc.__context__.errno == errno.EPIPE:
            _error(faults.describe(exc.__context__)[0])
            _silence_stdout(force=True)
        raise
    except BaseException as exc:
        line, code = faults.describe(exc)
        _error(line)
    if code == EXIT_INTERRUPTED and not _said:  # Typer turns a bare Ctrl-C into a silent 130
        _error(faults.describe(KeyboardInterrupt())[0])
    if code != 0 or sys.stdout is None:
        _silence_stdout()
    sys.exit(code)


def _silence_stdout(*, force: bool = False) -> None:
    """After a failed write to stdout, keep Python's exit-time flush from printing a traceback."""
    if not force:
        with suppress(OSError, ValueError, AttributeError):
            sys.stdout.flush()
            return
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _console() -> Console:
    from rich.console import Console  # deferred: `recommend --json` never needs rich

    class Guarded(Console):
        def on_broken_pipe(self) -> None:
            """Rich exits silently here; we say so in one line like any other fault."""
            _silence_stdout(force=True)
            raise faults.from_os_error(BrokenPipeError(32, "Broken pipe"))

    return Guarded(highlight=False)


def stdin_is_terminal() -> bool:
    """Prompts appear only for a person at a terminal, never in scripts, CI or a closed stdin."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlscaffold {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Answer a few questions about your ML team; get a ready-to-run pipeline repository."""


AnswersFileOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--answers-file",
        metavar="FILE",
        help="YAML file of answers (question keys, plus 'orchestrator'); flags win over it.",
    ),
]
OrchestratorOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--orchestrator",
        metavar=ORCHESTRATORS,
        help="Use this orchestrator whatever the recommendation says.",
    ),
]


def _given(answers_file: Path | None, flags: dict[str, Any]) -> dict[str, object]:
    from mlscaffold import answers_file as answers_io

    given: dict[str, object] = answers_io.load(answers_file) if answers_file else {}
    given.update({k: v for k, v in flags.items() if v is not None})
    return given


def _orchestrator(raw: object) -> Orchestrator | None:
    return None if raw is None else Orchestrator.parse(raw)


@app.command("recommend")
@with_catalogue_flags
def recommend_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the explanation.")
    ] = False,
    answers_file: AnswersFileOpt = None,
    roster: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--roster", metavar="FILE", help="CSV/YAML roster: every team's recommendation."
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", metavar="text|markdown", help="With --roster: table format."),
    ] = "text",
    **flags: Any,
) -> None:
    """Recommend an orchestrator for your team, with its reasons. Renders nothing."""
    from mlscaffold.decide import recommend
    from mlscaffold.questions import resolve

    with friendly_errors():
        if roster is not None:
            ignored = [f"--{k.replace('_', '-')}" for k, v in flags.items() if v is not None]
            ignored += ["--json"] * as_json + ["--answers-file"] * (answers_file is not None)
            if ignored:
                raise InvalidAnswerError(
                    f"--roster takes every answer from the roster, so {ignored[0]} would be "
                    "ignored.",
                    "Put it in the roster's columns, or drop --roster.",
                )
            bad = _recommend_roster(roster, output_format)
            if bad:
                _error(f"{bad} roster row(s) cannot be used (see the table); fix them and re-run.")
                raise typer.Exit(EXIT_USAGE)
            return
        if output_format != "text":
            raise InvalidAnswerError("--format only applies with --roster.", "Drop --format.")
        given = _given(answers_file, flags)
        given.pop("orchestrator", None)
        answers = resolve(given)
        rec = recommend(answers)
        if as_json:
            out = rec.to_json() | {
                "answers": answers.values,
                "defaulted": sorted(answers.defaulted),
            }
            typer.echo(json.dumps(out, indent=2))
            return
        from mlscaffold.explain import show

        show(_console(), rec, answers)


@app.command()
@with_catalogue_flags
def new(
    name: Annotated[str, typer.Argument(help="Project name; also the new directory's name.")],
    orchestrator: OrchestratorOpt = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            "--no-input",
            help="Never prompt: unanswered questions take their defaults.",
        ),
    ] = False,
    answers_file: AnswersFileOpt = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Parent folder of the new repository.")
    ] = Path("."),
    git: Annotated[
        bool, typer.Option("--git/--no-git", help="git init and make a first commit.")
    ] = True,
    **flags: Any,
) -> None:
    """Ask about your team, recommend an orchestrator, and render a ready-to-run repository."""
    from mlscaffold.decide import plan_for
    from mlscaffold.explain import show
    from mlscaffold.naming import normalise
    from mlscaffold.questions import resolve
    from mlscaffold.render import check_target, render
    from mlscaffold.report import next_steps

    console = _console()
    faults.set_outcome("nothing was created")
    with friendly_errors():
        names = normalise(name)
        target = output_dir / names.project
        check_target(target)
        given = _given(answers_file, flags)
        override = _orchestrator(orchestrator or given.pop("orchestrator", None))
        answers = resolve(given)  # bad flags fail before any prompt
        interactive = not defaults and stdin_is_terminal()
        if interactive:
            from mlscaffold import prompts

            answers = resolve(prompts.ask_missing(given))
        if names.normalised_from is not None:
            console.print(f"Project name {name!r} normalised to {names.project!r}.")
        plan = plan_for(names, target, answers, override, git=git)
        rec = plan.recommendation
        show(console, rec, answers)
        if override is None and interactive:
            plan = replace(plan, orchestrator=prompts.choose_orchestrator(rec))
        label = plan.orchestrator.label
        if plan.overridden:
            console.print(f"Using {label} (you overrode {rec.orchestrator.label}).")
        console.file.flush()  # an unwritable stdout fails here, before anything is created
        with console.status(f"Rendering {names.project} with {label}…"):
            result = render(plan)
        faults.set_outcome(f"the repository was created at {result.path}")
        console.print(f"\nCreated {result.path} ({label}).", style="bold green")
        next_steps(console, plan)
        console.file.flush()


@app.command("update")
def update_command(
    to: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--to", metavar="VERSION", help="Template version (default: installed)."),
    ] = None,
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Change an answer, e.g. dbt=true."),
    ] = None,
    orchestrator: OrchestratorOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List and diff what would change; change nothing.")
    ] = False,
    rej: Annotated[
        bool, typer.Option("--rej", help="Write conflicts to .rej files instead of inline markers.")
    ] = False,
    repo: Annotated[
        Path, typer.Option("--repo", help="The generated repository (default: current folder).")
    ] = Path("."),
) -> None:
    """Bring template changes into this repository without losing your edits."""
    from mlscaffold.report import print_update
    from mlscaffold.update import parse_data, update

    console = _console()
    faults.set_outcome("nothing was changed")
    with friendly_errors():
        report = update(
            repo,
            to=to,
            data=parse_data(data or []),
            orchestrator=_orchestrator(orchestrator),
            dry_run=dry_run,
            conflict="rej" if rej else "inline",
        )
        print_update(console, report, dry_run)
        if report.conflicts:
            raise typer.Exit(EXIT_FAILED)


@app.command()
def check(
    repo: Annotated[
        Path, typer.Option("--repo", help="The generated repository (default: current folder).")
    ] = Path("."),
) -> None:
    """Is this repository on the installed template version? Exit 0 yes, 1 behind, 3 ahead."""
    from mlscaffold.update import status

    with friendly_errors():
        found = status(repo)
        versions = f"repository {found.repo_version}, installed template {found.installed_version}"
        if found.behind:
            typer.echo(f"Behind: {versions}. Run `mlscaffold update`.")
            raise typer.Exit(EXIT_FAILED)
        if found.ahead:
            typer.echo(f"Ahead: {versions}. Upgrade mlscaffold: {UPGRADE} (or {PIP_UPGRADE}).")
            raise typer.Exit(EXIT_AHEAD)
        typer.echo(f"Up to date: {versions}.")


# ---- workshop commands (issue 8): batch, doctor, workshop prepare ----


def _recommend_roster(path: Path, output_format: str) -> int:
    from mlscaffold import explain, roster

    if output_format not in ("text", "markdown"):
        raise InvalidAnswerError(
            f"--format got {output_format!r}, but it must be text or markdown.",
            "Example: --format markdown.",
        )
    rows = roster.load(path)
    if output_format == "markdown":
        typer.echo(explain.roster_markdown(rows), nl=False)
    else:
        explain.roster_table(_console(), rows)
    return sum(not row.ok for row in rows)


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
) -> None:
    """Render one repository per roster row, in one process; re-runs skip finished repos."""
    from rich.progress import Progress
    from rich.table import Table

    from mlscaffold import batch as batching
    from mlscaffold import roster

    console = _console()
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
        if failed:
            _error(f"{len(failed)} of {len(outcomes)} rows failed (see the table).")
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
        _console().print(table)
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
) -> None:
    """Download every wheel the generated repositories need, for installs with no network."""
    from mlscaffold import kit_index, workshop

    console = _console()
    faults.set_outcome(f"{out} was left as it was")
    with friendly_errors():
        chosen = [o for o in (_orchestrator(x) for x in orchestrator or []) if o is not None]
        platforms = [kit_index.parse_platform(p) for p in platform or kit_index.DEFAULT_PLATFORMS]
        pythons = [kit_index.parse_python(v) for v in python or kit_index.DEFAULT_PYTHONS]
        kit = Path(os.path.abspath(out))
        with console.status("Preparing the kit…") as status:
            wheels = workshop.prepare(
                kit,
                orchestrators=chosen or tuple(Orchestrator),
                dbt_options=(False, True) if dbt is None else (dbt,),
                progress=lambda message: status.update(message),
                platforms=platforms,
                pythons=pythons,
            )
        count = len(kit_index.kit_targets(kit))
        console.print(
            f"{len(wheels)} wheels for {count} platform x Python targets in {kit / 'wheels'}; "
            f"see {kit / 'INSTRUCTIONS.md'}."
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
    import time

    from rich.live import Live
    from rich.table import Table

    from mlscaffold import verify

    console = _console()
    faults.set_outcome("nothing was changed outside each repository's .venv")

    def table(repos: list[verify.RepoRun], live: bool) -> Table:
        shown = Table(title=f"{len(repos)} repositories in {out}")
        for column in ("repository", "status", "time", "first failing line"):
            shown.add_column(column, overflow="fold")
        now = time.perf_counter()
        for r in repos:
            seconds = r.seconds if r.done else (now - r.started if r.started else 0.0)
            colour = {"green": "green", "red": "red"}.get(r.status, "yellow")
            when = f"{seconds:.0f}s" if r.started else ""
            shown.add_row(r.name, f"[{colour}]{r.status}[/]", when, r.first_failure)
        return shown

    with friendly_errors():
        names = [p.name for p in verify.find_repos(out)]
        repos_seen: dict[str, verify.RepoRun] = {}
        placeholder = [verify.RepoRun(n, out / n) for n in names]
        with Live(table(placeholder, True), console=console, transient=True,
                  refresh_per_second=2) as live:  # fmt: skip

            def changed(repo: verify.RepoRun) -> None:
                repos_seen[repo.name] = repo
                current = [repos_seen.get(r.name, r) for r in placeholder]
                live.update(table(current, True))

            repos = verify.run(out, kit=kit, workers=workers, changed=changed)
        console.print(table(repos, False))
        red = [r for r in repos if r.status == "red"]
        if red:
            _error(f"{len(red)} of {len(repos)} repositories are red (see the table).")
            raise typer.Exit(EXIT_FAILED)
