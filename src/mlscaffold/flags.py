"""One CLI option per catalogue question, added to a command whose signature ends in **flags."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, Optional, TypeVar, get_type_hints

import typer

from mlscaffold.questions import CATALOGUE

F = TypeVar("F", bound=Callable[..., Any])


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
            text = q.help + default
            if len(q.flag) + len(metavar) > 60:  # keep --help whole at 80 columns
                text = f"{text} One of: {', '.join(q.choices)}."
                metavar = "CHOICE"
            option = typer.Option(q.flag, metavar=metavar, help=text, rich_help_panel=panel)
            annotation = Optional[str]  # noqa: UP045
        params.append(
            inspect.Parameter(
                q.key,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[annotation, option],
            )
        )
        hints[q.key] = Annotated[annotation, option]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = hints
    return wrapper  # type: ignore[return-value]
