"""Run an external command (git, uv); a failure becomes the caller's one-line error."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mlscaffold.errors import MlscaffoldError


def run(cmd: list[str], cwd: Path, error: type[MlscaffoldError], hint: str) -> str:
    """Return stdout; on a non-zero exit raise `error` naming the command and its last line."""
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise error(f"{' '.join(cmd[:3])} failed: {detail[-1] if detail else 'no output'}", hint)
    return proc.stdout
