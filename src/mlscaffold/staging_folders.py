"""Staging folders: where work is made before it is moved into place, never half-left behind.

Each folder carries a marker naming the process that made it; a folder whose process is gone
(SIGKILL, power loss) is recognised and removed by the next run (`sweep`). `temp_inside` sends
every temporary folder (Copier's included) into one, so an interrupt leaves nothing in /tmp.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MARKER = ".mlscaffold-staging"
STALE_AFTER_S = 24 * 3600  # a marker this old is stale whatever its process


def make_staging(parent: Path, prefix: str) -> Path:
    """A hidden folder in `parent` marked as ours, to be removed by us or by the next run."""
    # Absolute: the folder is also handed to subprocesses and tempfile, whose cwd may differ.
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent)).absolute()
    try:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "created": time.time()}
        (path / MARKER).write_text(json.dumps(info))
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return path


@contextlib.contextmanager
def staging(parent: Path, prefix: str) -> Iterator[Path]:
    """A marked staging folder, removed on the way out whatever happened."""
    sweep(parent, prefix)
    path = make_staging(parent, prefix)
    try:
        yield path
    finally:
        remove_tree(path)


def remove_tree(path: Path) -> None:
    """Remove `path`; a child process (Copier's git) interrupted with us may still be writing
    into it for a moment, so try again briefly rather than leave half of it behind."""
    for wait in (0.0, 0.1, 0.3, 1.0):
        time.sleep(wait)
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return


@contextlib.contextmanager
def temp_inside(folder: Path) -> Iterator[None]:
    """Send every temporary folder (Copier's included) into `folder` while the block runs, so
    whatever a signal interrupts is removed with our own staging folder."""
    folder.mkdir(exist_ok=True)
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder.absolute())
    try:
        yield
    finally:
        tempfile.tempdir = previous


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(folder: Path) -> bool:
    try:
        info: dict[str, Any] = json.loads((folder / MARKER).read_text())
        pid, host, created = int(info["pid"]), str(info["host"]), float(info["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no readable marker: not provably ours, never touched
    if time.time() - created > STALE_AFTER_S:
        return True
    return host == socket.gethostname() and pid != os.getpid() and not _alive(pid)


def sweep(parent: Path, prefix: str) -> list[Path]:
    """Remove staging folders with `prefix` that a killed run left in `parent`."""
    removed: list[Path] = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for folder in candidates:
        if folder.is_dir() and not folder.is_symlink() and is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
