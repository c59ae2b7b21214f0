"""The command line. Thin: parse options, call the modules, turn errors into one line.

copier and questionary are imported only inside the commands that need them, so `--help`,
`--version` and `recommend` start fast (see benchmarks/cli_startup.py).
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar, get_type_hints

import typer
from rich.console import Console

from mlscaffold import __version__
from mlscaffold.errors import Aborted, InvalidAnswerError, MlscaffoldError
from mlscaffold.models import Orchestrator
from mlscaffold.questions import CATALOGUE

app = typer.Typer(
    name="mlscaffold",
    help="Answer a few questions about your ML team; get a ready-to-run pipeline repository "
    "on Apache Airflow, Prefect or Dagster.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
F = TypeVar("F", bound=Callable[..., Any])
ORCHESTRATORS = "|".join(o.value for o in Orchestrator)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Every failure the user can fix becomes one line on stderr and an exit code."""
    try:
        yield
    except MlscaffoldError as err:
        sys.stderr.write(f"Error: {err}\n")
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        sys.stderr.write(f"Error: {Aborted('Interrupted; nothing was created.')}\n")
        raise typer.Exit(Aborted.exit_code) from None


def with_catalogue_flags(func: F) -> F:
    """Add one option per catalogue question to a command whose signature ends in **flags."""
    sig = inspect.signature(func)
    hints = get_type_hints(func, include_extras=True)
    params = [
        p.replace(annotation=hints[p.name])
        for p in sig.parameters.values()
        if p.kind is not p.VAR_KEYWORD
    ]
    hints.pop("flags", None)
    for q in CATALOGUE:
        panel = "Follow-up questions (skipped unless given)" if q.followup else "Team questions"
        default = "" if q.default is None else f" (default: {str(q.default).lower()})"
        annotation: Any
        if q.kind == "bool":
            option = typer.Option(
                f"{q.flag}/--no-{q.flag[2:]}", help=q.help + default, rich_help_panel=panel
            )
            annotation = Optional[bool]  # noqa: UP045 (Typer reads it at runtime)
        else:
            metavar = "|".join(q.choices) if q.kind == "choice" else "N"
            option = typer.Option(
                q.flag, metavar=metavar, help=q.help + default, rich_help_panel=panel
            )
            annotation = Optional[str]  # noqa: UP045
        params.append(
            inspect.Parameter(
                q.key, inspect.Parameter.KEYWORD_ONLY, default=None,
                annotation=Annotated[annotation, option],
            )
        )  # fmt: skip
        hints[q.key] = Annotated[annotation, option]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = hints
    return wrapper  # type: ignore[return-value]


def stdin_is_terminal() -> bool:
    """Prompts appear only for a person at a terminal, never in scripts or CI."""
    return sys.stdin.isatty()


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
    if raw is None:
        return None
    try:
        return Orchestrator(str(raw).strip().lower())
    except ValueError:
        raise InvalidAnswerError(
            f"--orchestrator got {raw!r}, but it must be one of {', '.join(Orchestrator)}.",
            "Example: --orchestrator prefect.",
        ) from None


@app.command()
@with_catalogue_flags
def recommend(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the explanation.")
    ] = False,
    answers_file: AnswersFileOpt = None,
    **flags: Any,
) -> None:
    """Recommend an orchestrator for your team, with its reasons. Renders nothing."""
    from mlscaffold.decide import recommend as score
    from mlscaffold.questions import resolve

    with friendly_errors():
        given = _given(answers_file, flags)
        given.pop("orchestrator", None)
        answers = resolve(given)
        rec = score(answers)
        if as_json:
            out = rec.to_json() | {
                "answers": answers.values,
                "defaulted": sorted(answers.defaulted),
            }
            typer.echo(json.dumps(out, indent=2))
            return
        from mlscaffold.explain import show

        show(Console(highlight=False), rec, answers)


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
    from mlscaffold.decide import recommend as score
    from mlscaffold.explain import show
    from mlscaffold.naming import normalise
    from mlscaffold.questions import resolve
    from mlscaffold.render import Plan, check_target, render

    console = Console(highlight=False)
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
        rec = score(answers)
        show(console, rec, answers)
        chosen = override
        if chosen is None:
            chosen = prompts.choose_orchestrator(rec) if interactive else rec.orchestrator
        if chosen is not rec.orchestrator:
            console.print(f"Using {chosen.label} (you overrode {rec.orchestrator.label}).")
        plan = Plan(names, target, answers, rec, chosen, git=git)
        with console.status(f"Rendering {names.project} with {chosen.label}…"):
            result = render(plan)
        console.print(f"\nCreated {result.path} ({chosen.label}).", style="bold green")
        _next_steps(console, result.path, result.commands)


def _next_steps(console: Console, path: Path, commands: dict[str, str] | Any) -> None:
    steps = [
        (f"cd {path}", "enter the repository"),
        ("uv sync", "install (creates .venv and uv.lock)"),
        (commands.get("test_command", "uv run pytest"), "run its tests"),
        (commands.get("run_command", ""), "run the pipeline once"),
        (commands.get("ui_command", ""), f"local UI at {commands.get('ui_url', '')}"),
    ]
    console.print("Next steps:")
    width = max(len(cmd) for cmd, _ in steps)
    for cmd, what in steps:
        if cmd:
            console.print(f"  {cmd:<{width}}  # {what}", soft_wrap=True)


# ---- workshop commands (issue 8): batch, doctor, workshop prepare ----
