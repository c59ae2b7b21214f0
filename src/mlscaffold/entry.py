"""The console script's first code: signals are caught before the slow imports start.

Without this, a Ctrl-C or SIGTERM in the first few hundred milliseconds (while typer, rich and
copier import) would end in a traceback or a silent kill instead of one `Error:` line.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130


def _raise(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _no_bytecode_under_a_file_size_limit() -> None:
    """Under `ulimit -f`, CPython can cache a truncated .pyc (its short write is not an error),
    and every later start of the program then fails with 'marshal data too short'. With a
    finite file-size limit, nothing is compiled to disk: only this run is slower."""
    try:
        import resource
    except ImportError:  # Windows has no file-size limit of this kind
        return
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft != resource.RLIM_INFINITY:
        sys.dont_write_bytecode = True


def main() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise)
    _no_bytecode_under_a_file_size_limit()
    if sys.argv[1:] == ["--version"]:  # answered without importing typer (~40 ms, not ~300)
        from mlscaffold import __version__

        try:
            sys.stdout.write(f"mlscaffold {__version__}\n")
            sys.stdout.flush()
        except OSError as err:
            sys.stderr.write(f"Error: The output could not be written: {err.strerror}.\n")
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        return
    try:
        from mlscaffold.cli import run
    except KeyboardInterrupt as exc:
        what = str(exc) if str(exc).startswith("SIG") and str(exc) != "SIGINT" else "Ctrl-C"
        sys.stderr.write(f"Error: Interrupted ({what}); nothing was changed.\n")
        sys.exit(EXIT_INTERRUPTED)
    run()
