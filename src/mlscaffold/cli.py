"""The command line. Thin: parse options, call the modules, turn errors into one line.

copier and questionary are imported only inside the commands that need them, so `--help`,
`--version` and `recommend` start fast (see benchmarks/cli_speed.py). The process around the
commands (one `Error:` line for any failure, exit codes, a guarded console) is cli_run.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from mlscaffold import PIP_UPGRADE, UPGRADE, __version__, faults
from mlscaffold.cli_run import (
    error_line,
    friendly_errors,
    rich_console,
    run_app,
    stdin_is_terminal,
)
from mlscaffold.errors import EXIT_AHEAD, EXIT_FAILED, EXIT_USAGE, InvalidAnswerError
from mlscaffold.flags import with_catalogue_flags
from mlscaffold.models import Orchestrator

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


def run() -> None:
    """The console script (entry.py): the app, where every way of failing ends in one line."""
    run_app(app)


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


def orchestrator_option(raw: object) -> Orchestrator | None:
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
                error_line(
                    f"{bad} roster row(s) cannot be used (see the table); fix them and re-run."
                )
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

        show(rich_console(), rec, answers)


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

    console = rich_console()
    faults.set_outcome("nothing was created")
    with friendly_errors():
        names = normalise(name)
        target = output_dir / names.project
        check_target(target)
        given = _given(answers_file, flags)
        override = orchestrator_option(orchestrator or given.pop("orchestrator", None))
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

    console = rich_console()
    faults.set_outcome("nothing was changed")
    with friendly_errors():
        report = update(
            repo,
            to=to,
            data=parse_data(data or []),
            orchestrator=orchestrator_option(orchestrator),
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
        explain.roster_table(rich_console(), rows)
    return sum(not row.ok for row in rows)


# The workshop commands (batch, doctor, workshop prepare/serve/verify) register themselves on `app`.
from mlscaffold import cli_workshop  # noqa: E402, F401
