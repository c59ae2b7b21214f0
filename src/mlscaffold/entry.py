"""The console script's first code: signals are caught before the slow imports start.

Without this, a Ctrl-C or SIGTERM in the first few hundred milliseconds (while typer, rich and
copier import) would end in a traceback or a silent kill instead of one `Error:` line.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130


def _raise(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise)
    try:
        from mlscaffold.cli import run
    except KeyboardInterrupt as exc:
        what = str(exc) if str(exc).startswith("SIG") and str(exc) != "SIGINT" else "Ctrl-C"
        sys.stderr.write(f"Error: Interrupted ({what}); nothing was changed.\n")
        sys.exit(EXIT_INTERRUPTED)
    run()
