"""The process around the commands: every failure one `Error:` line, and an exit code.

`run_app` runs the Typer app (cli.py) with signal handlers installed; `friendly_errors` turns an
exception inside a command into its line and code (faults.describe); `rich_console` is a console
whose broken pipe is said, not swallowed. The exit codes live in errors.py.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

import typer

from mlscaffold import faults
from mlscaffold.errors import EXIT_INTERRUPTED

if TYPE_CHECKING:
    from rich.console import Console

_said: list[str] = []


def error_line(line: str) -> None:
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
        error_line(line)
        raise typer.Exit(code) from None


def _is_click_exception(exc: BaseException) -> bool:
    return type(exc).__module__.endswith("click.exceptions")


def run_app(app: typer.Typer) -> None:
    """Run `app` so that every way of failing ends in one line and a documented exit code."""
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
                error_line(f"{message}.{where}")
            code = err.exit_code
        except typer.Abort:
            line, code = faults.describe(KeyboardInterrupt())
            error_line(line)
        except click.ClickException as err:
            error_line(faults.shorten(err.format_message(), 300))
            code = err.exit_code
    except SystemExit as exc:
        # Rich and Click end a broken pipe with a silent SystemExit(1): say it in one line.
        if isinstance(exc.__context__, OSError) and exc.__context__.errno == errno.EPIPE:
            error_line(faults.describe(exc.__context__)[0])
            silence_stdout(force=True)
        raise
    except BaseException as exc:
        line, code = faults.describe(exc)
        error_line(line)
    if code == EXIT_INTERRUPTED and not _said:  # Typer turns a bare Ctrl-C into a silent 130
        error_line(faults.describe(KeyboardInterrupt())[0])
    if code != 0 or sys.stdout is None:
        silence_stdout()
    # The outcome is final and said: a signal during interpreter shutdown must not turn a
    # finished command into a silent exit 130.
    faults.ignore_signals()
    sys.exit(code)


def silence_stdout(*, force: bool = False) -> None:
    """After a failed write to stdout, keep Python's exit-time flush from printing a traceback."""
    if not force:
        with suppress(OSError, ValueError, AttributeError):
            sys.stdout.flush()
            return
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def rich_console() -> Console:
    from rich.console import Console  # deferred: `recommend --json` never needs rich

    class Guarded(Console):
        def on_broken_pipe(self) -> None:
            """Rich exits silently here; we say so in one line like any other fault."""
            silence_stdout(force=True)
            raise faults.from_os_error(BrokenPipeError(32, "Broken pipe"))

    return Guarded(highlight=False)


def stdin_is_terminal() -> bool:
    """Prompts appear only for a person at a terminal, never in scripts, CI or a closed stdin."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False
