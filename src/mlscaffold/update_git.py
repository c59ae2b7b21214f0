"""The git side of `mlscaffold update`: where the repository is, is it clean, and the one
all-or-nothing `git apply` that brings a finished update into the user's tree."""

from __future__ import annotations

from pathlib import Path

from mlscaffold import faults, shell
from mlscaffold.errors import UpdateError


def apply_to_user_tree(
    top: Path, rel: Path, clone: Path, paths: list[str], head: str, patch: bytes
) -> None:
    """One `git apply`, only onto the exact state the update started from.

    git refuses the whole patch if any file it touches differs from what the clone started
    from (the user saved something meanwhile). If writing fails half-way (disk full), every
    file that now holds what the update wrote is put back as it was; anything else is left.
    """
    with faults.signals_deferred():  # a Ctrl-C now waits the few milliseconds this takes
        if run(["git", "rev-parse", "HEAD"], top) != head:
            raise UpdateError(
                "A commit was made while the update ran; nothing was applied.",
                "Run `mlscaffold update` again.",
            )
        dirty = dirty_files(top, rel)
        if dirty:
            raise UpdateError(
                f"Files changed while the update ran ({listing(dirty)}); nothing was applied, "
                "your changes are untouched.",
                "Commit or stash them, then run `mlscaffold update` again.",
            )
        before = {p: read_or_none(top / p) for p in paths}
        proc = shell.completed(
            ["git", "apply", "--binary", "--whitespace=nowarn", "-"],
            top,
            text=False,
            new_session=True,  # the terminal's Ctrl-C must not cut git apply in half
            stdin=patch,
        )
        if proc.returncode == 0:
            faults.set_outcome(f"the update was applied to {top / rel}; review it with `git diff`")
            return
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        reason = faults.shorten(detail[-1] if detail else "git apply failed", 160)
        ours = [p for p in paths if read_or_none(top / p) == read_or_none(clone / p) != before[p]]
        if not ours:
            raise UpdateError(
                f"Your files changed while the update ran; nothing was applied ({reason}).",
                "Commit or stash your work, then run `mlscaffold update` again.",
            )
        try:
            for path in ours:
                put_back(top / path, before[path])
        except OSError:
            raise UpdateError(
                f"Applying the update failed half-way ({reason}) and could not be undone.",
                f"Free some space, then run `git checkout -- {' '.join(ours[:5])}`.",
            ) from None
        raise UpdateError(
            f"Applying the update failed ({reason}); the files it had written were put back.",
            "Fix the cause (e.g. free disk space) and run `mlscaffold update` again.",
        )


def read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def put_back(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(content)


def git_location(repo: Path) -> tuple[Path, Path]:
    """The git top level holding `repo`, and `repo` relative to it (`.` for its own repo)."""
    proc = shell.completed(["git", "rev-parse", "--show-toplevel"], repo)
    if proc.returncode != 0:
        raise UpdateError(
            f"{repo} is not in a git repository.",
            "Run `git init && git add -A && git commit -m init` first, so the update can be "
            "reviewed and undone with git.",
        )
    top = Path(proc.stdout.strip()).resolve()
    return top, repo.relative_to(top) if repo != top else Path(".")


def git_dir(top: Path) -> Path:
    found = Path(run(["git", "rev-parse", "--git-dir"], top))
    return found if found.is_absolute() else top / found


def dirty_files(top: Path, rel: Path) -> list[str]:
    """Every tracked change, staged change and untracked non-ignored file under `rel`."""
    porcelain = run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", rel.as_posix()],
        top,
        strip=False,
    )
    return [
        line[3:] + (" (untracked)" if line.startswith("??") else "")
        for line in porcelain.splitlines()
        if line.strip()
    ]


def listing(paths: list[str], most: int = 5) -> str:
    shown = ", ".join(faults.shorten(p, 80) for p in paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")


def require_clean_git(top: Path, rel: Path) -> str:
    """The HEAD the update starts from; refuse uncommitted work, naming it."""
    dirty = dirty_files(top, rel)
    if dirty:
        raise UpdateError(
            f"The working tree has uncommitted changes: {listing(dirty)}.",
            "Commit them (git add -A && git commit) or stash them (git stash -u) first, so the "
            "update can be reviewed and undone with git.",
        )
    proc = shell.completed(["git", "rev-parse", "--verify", "--quiet", "HEAD"], top)
    if proc.returncode != 0:
        raise UpdateError(
            "The repository has no commit yet.",
            "Commit the generated files first: git add -A && git commit -m init",
        )
    return str(proc.stdout).strip()


def run(cmd: list[str], cwd: Path, strip: bool = True) -> str:
    out = shell.run(cmd, cwd, UpdateError, "Check the repository with `git status`.")
    return out.strip() if strip else out


def git_bytes(args: list[str], cwd: Path) -> bytes:
    proc = shell.completed(["git", *args], cwd, text=False)
    if proc.returncode != 0:
        raise UpdateError(f"git {args[0]} failed in the update's clone.", "Nothing was changed.")
    return bytes(proc.stdout)
