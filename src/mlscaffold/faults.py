"""What every command shares when things go wrong: signals, locks, and the one error line.

- SIGTERM and SIGHUP are handled like Ctrl-C: they raise KeyboardInterrupt, so every `finally`
  that removes a staging folder (staging_folders.py) runs. A critical section
  (`signals_deferred`) finishes first and raises afterwards, so a signal never lands between
  "written" and "recorded".
- `outcome` is what the user should be told happened if the command stops now ("nothing was
  created", "the repository was created at X").
- `describe` turns any failure into its `Error:` line and exit code.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from mlscaffold.errors import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    MlscaffoldError,
    OutputError,
)

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_deferred: list[int] = []
_deferring = False
_received: list[int] = []  # every signal this process was sent, in order
outcome = "nothing was changed"


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    if _deferring:
        _deferred.append(signum)
        return
    raise KeyboardInterrupt(signal.Signals(signum).name)


def install_signal_handlers() -> None:
    """Ctrl-C, SIGTERM and SIGHUP all unwind the stack the same way."""
    for sig in HANDLED:
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            signal.signal(sig, _on_signal)


def ignore_signals() -> None:
    """For pool workers: the parent decides what stops, the workers finish their one job."""
    for sig in HANDLED:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, signal.SIG_IGN)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Run a short critical section to its end; a signal received meanwhile is raised after."""
    global _deferring
    previous = _deferring
    _deferring = True
    try:
        yield
    finally:
        _deferring = previous
        if not previous and _deferred:
            name = signal.Signals(_deferred[0]).name
            _deferred.clear()
            raise KeyboardInterrupt(name)


def set_outcome(text: str) -> None:
    global outcome
    outcome = text


@contextlib.contextmanager
def file_lock(path: Path, busy: MlscaffoldError) -> Iterator[None]:
    """An exclusive lock held while the block runs; `busy` is raised if someone else holds it.

    The operating system releases it when the process dies, even by SIGKILL, so a stale lock
    file never blocks anyone.
    """
    handle = open(path, "a+b")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            _lock(handle.fileno())
        except OSError:
            raise busy from None
        yield
    finally:
        handle.close()


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def first_line(err: BaseException) -> str:
    """The first line of an exception's message, or its type when it has none (Copier, plumbum)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def shorten(text: str, limit: int = 300) -> str:
    """Never echo back more than `limit` characters of something the user gave."""
    return text if len(text) <= limit else f"{text[: limit - 20]}…[{len(text)} characters]"


# ---- operating-system errors ----


def from_os_error(err: OSError) -> MlscaffoldError:
    """One line for a filesystem fault, whatever operation met it."""
    where = err.filename or ""
    code = err.errno
    if code == errno.EPIPE:
        return OutputError("The output could not be written: the reading end of the pipe closed.")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return OutputError(
            f"The disk is full{f' (writing {where})' if where else ''}.",
            "Free some space and run the command again.",
        )
    if code == errno.EFBIG:
        # the shell's file-size limit (ulimit -f; Python ignores SIGXFSZ) or the file system's
        return OutputError(
            f"A file grew past the file-size limit{f' (writing {where})' if where else ''}.",
            "Raise the limit (`ulimit -f unlimited`) or choose a folder on another file system.",
        )
    if code == errno.EROFS:
        return OutputError(
            f"{where or 'The target'} is on a read-only file system.", "Choose a writable folder."
        )
    if code in (errno.EACCES, errno.EPERM):
        return OutputError(
            f"Permission denied: {where or 'a file'}.",
            "Choose a folder you can write to, or fix its permissions.",
        )
    if code == errno.ENOENT and not where:
        return OutputError(
            "The current folder no longer exists.", "cd into an existing folder and run it again."
        )
    reason = err.strerror or type(err).__name__
    return OutputError(
        f"{reason}{f': {where}' if where else ''}.", "Check the path and run the command again."
    )


# ---- one line for any failure ----


def describe(exc: BaseException) -> tuple[str, int]:
    """The one `Error:` line (without the prefix) and the exit code for any failure.

    Once a signal has arrived, whatever fails after it is its consequence (a library's cleanup
    meeting a child process still writing, say), and is said as the interrupt it is.
    """
    if not isinstance(exc, KeyboardInterrupt) and _received:
        exc = KeyboardInterrupt(signal.Signals(_received[0]).name)
    if isinstance(exc, KeyboardInterrupt):
        what = str(exc) if str(exc).startswith("SIG") and str(exc) != "SIGINT" else "Ctrl-C"
        line, code = f"Interrupted ({what}); {outcome}.", EXIT_INTERRUPTED
    elif isinstance(exc, EOFError):
        line, code = (
            "The input ended before every question was answered. Pass --defaults, or give the "
            "answers as flags or with --answers-file.",
            EXIT_USAGE,
        )
    elif isinstance(exc, (MlscaffoldError, OSError)):
        err = from_os_error(exc) if isinstance(exc, OSError) else exc
        line, code = str(err), err.exit_code
        if isinstance(err, OutputError):  # a fault mid-way: say what state it left
            line += f" {outcome[0].upper()}{outcome[1:]}."
    else:
        saved = save_traceback(exc)
        where = f"attach {saved} to the report" if saved else "the traceback could not be saved"
        line = (
            f"Unexpected {type(exc).__name__}: {exc}; {outcome}. This is a bug in mlscaffold: "
            f"please report it ({where})."
        )
        code = EXIT_BUG
    return shorten(" ".join(line.split()), 600), code


def save_traceback(exc: BaseException) -> Path | None:
    """Write the traceback of an unexpected exception where a bug report can pick it up."""
    import traceback

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        handle, name = tempfile.mkstemp(prefix="mlscaffold-traceback-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError:
        return None
    return Path(name)
