"""Run an external command (git, uv); a failure becomes the caller's one-line error.

Every subprocess of mlscaffold goes through `run`, so a missing binary is always reported the
same way: one line naming the tool and how to get it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlscaffold.errors import MlscaffoldError, ToolMissingError

INSTALL_HINTS = {
    "git": "Install git (https://git-scm.com/downloads) and make sure it is on PATH.",
    "uv": "Install uv (pip install uv, or https://docs.astral.sh/uv/) and make sure it is on PATH.",
}


def run(
    cmd: list[str],
    cwd: Path | None,
    error: type[MlscaffoldError],
    hint: str,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    text: bool = True,
    new_session: bool = False,
) -> str:
    """Return stdout; on a non-zero exit raise `error` naming the command and its last line.

    `new_session`: the child does not get the terminal's Ctrl-C (a step that must not be cut
    in half runs to its end; our own handler decides what happens next).
    """
    proc = completed(cmd, cwd, env=env, text=text, new_session=new_session)
    if check and proc.returncode != 0:
        err = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode(errors="replace")
        out = proc.stdout if isinstance(proc.stdout, str) else ""
        detail = (err or out).strip().splitlines()
        raise error(f"{' '.join(cmd[:3])} failed: {detail[-1] if detail else 'no output'}", hint)
    return proc.stdout if isinstance(proc.stdout, str) else proc.stdout.decode(errors="replace")


def completed(
    cmd: list[str],
    cwd: Path | None,
    *,
    env: Mapping[str, str] | None = None,
    text: bool = True,
    new_session: bool = False,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[Any]:
    """The raw result; a missing program or folder becomes a one-line error, never a traceback."""
    try:
        return subprocess.run(
            cmd,
            cwd=cwd,
            capture_output=True,
            text=text,
            env=dict(env) if env is not None else None,
            start_new_session=new_session,
            input=stdin,
            check=False,
        )
    except FileNotFoundError as err:
        if cwd is not None and not Path(cwd).is_dir():
            raise ToolMissingError(f"The folder {cwd} no longer exists.", "") from None
        tool = Path(cmd[0]).name
        raise ToolMissingError(
            f"{tool} is not installed or not on PATH.",
            INSTALL_HINTS.get(tool, f"Install {tool}."),
        ) from err
    except PermissionError:
        raise ToolMissingError(
            f"{cmd[0]} cannot be run (permission denied).",
            "Check the program's permissions and PATH.",
        ) from None
