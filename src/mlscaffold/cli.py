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
    # The outcome is final and said: a signal during interpreter shutdown must not turn a
    # finished command into a silent exit 130.
    faults.ignore_signals()
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
    from mlscaffold.questions import resolve
    from mlscaffold.scoring import recommend

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
    from mlscaffold.explain import show
    from mlscaffold.naming import normalise
    from mlscaffold.questions import resolve
    from mlscaffold.render import check_target, render
    from mlscaffold.report import next_steps
    from mlscaffold.scoring import plan_for

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


# The workshop commands (batch, doctor, workshop prepare/serve/verify) register themselves on `app`.
from mlscaffold import cli_workshop  # noqa: E402, F401
