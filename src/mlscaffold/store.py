"""The template store: every template version mlscaffold knows, as tags of one local git repo.

`copier update` must re-render the template version a repository was made with, so that version
has to exist on the user's machine long after it was released. The store is a bare git repository
`templates.git` in `~/.local/share/mlscaffold` (or `$MLSCAFFOLD_STORE`) with one tag per template
version (PEP 440, the mlscaffold version that shipped it), published beside it as the git bundle
`templates.bundle`, which is what Copier reads (Copier expands `~` only for bundles and non-bare
repositories). It is filled from

- the templates inside the installed package: tagged with the package version on first use, so
  every mlscaffold a user ever ran leaves its template behind, even after `pip install -U`;
- `template_history.bundle`, a git bundle of all earlier released versions shipped in the wheel
  (written by `scripts/archive_template_version.py` before each release), so a fresh machine with
  only today's mlscaffold still has every older version.

Generated repositories record `_src_path: ~/.local/share/mlscaffold/templates.bundle` (expanded
by Copier per user) and `_commit: <version>`, so plain `copier update` works too.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from packaging.version import InvalidVersion, Version

from mlscaffold import __version__, shell
from mlscaffold.errors import StoreError

DEFAULT_HOME = "~/.local/share/mlscaffold"
BUNDLE = Path(__file__).resolve().parent / "template_history.bundle"
IDENTITY = {
    "GIT_AUTHOR_NAME": "mlscaffold",
    "GIT_AUTHOR_EMAIL": "mlscaffold@localhost",
    "GIT_COMMITTER_NAME": "mlscaffold",
    "GIT_COMMITTER_EMAIL": "mlscaffold@localhost",
    # Fixed dates: the same templates always give the same commit.
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def _home_spec() -> str:
    """The store folder as configured; an empty MLSCAFFOLD_STORE means the default."""
    raw = os.environ.get("MLSCAFFOLD_STORE", "").strip() or DEFAULT_HOME
    if not Path(raw).expanduser().is_absolute():
        raise StoreError(
            f"MLSCAFFOLD_STORE is {raw!r}, a relative path: generated repositories would record "
            "a template source that depends on the current folder.",
            "Set it to an absolute path, or unset it to use ~/.local/share/mlscaffold.",
        )
    if Path(raw).expanduser().exists() and not Path(raw).expanduser().is_dir():
        raise StoreError(
            f"MLSCAFFOLD_STORE {raw} is a file, not a folder.",
            "Point it at a folder, or unset it to use ~/.local/share/mlscaffold.",
        )
    return raw.rstrip("/") or "/"


def spec() -> str:
    """How generated repos refer to the store (`_src_path`): `~`-relative when default."""
    return f"{_home_spec()}/templates.bundle"


def path() -> Path:
    """The published bundle Copier reads."""
    return Path(spec()).expanduser()


def repo_path() -> Path:
    """The bare repository the bundle is published from."""
    return Path(_home_spec()).expanduser() / "templates.git"


def _publish(store: Path) -> None:
    """Write the bundle Copier reads, atomically (a reader never sees half a file)."""
    target = store.parent / "templates.bundle"
    partial = target.with_suffix(".bundle.partial")
    _git(store, "bundle", "create", "--quiet", str(partial), "--tags")
    digest = hashlib.sha256(partial.read_bytes()).hexdigest()
    partial.replace(target)
    _digest_file(target).write_text(digest + "\n")


def _digest_file(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + ".sha256")


def _git(
    store: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> str:
    proc = shell.completed(
        ["git", f"--git-dir={store}", *args], cwd, env={**os.environ, **IDENTITY, **(env or {})}
    )
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise StoreError(
            f"git {args[0]} failed in the template store {store}: "
            f"{detail[-1] if detail else 'no output'}",
            "Check that git works and the folder is writable; delete the store to rebuild it.",
        )
    return str(proc.stdout).strip()


@contextmanager
def _locked(store: Path) -> Iterator[None]:
    """Several mlscaffold processes (a workshop batch) may fill the store at once."""
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(store.parent / f".{store.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def tags(store: Path | None = None) -> list[str]:
    """Template versions in the store, oldest first."""
    store = store or repo_path()
    if not (store / "HEAD").exists():
        return []
    found = []
    for tag in _git(store, "tag", "--list").splitlines():
        try:
            found.append((Version(tag), tag))
        except InvalidVersion:
            continue
    return [tag for _, tag in sorted(found)]


def _tree_of(store: Path, templates: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(
            store,
            f"--work-tree={templates}",
            "add",
            "--all",
            "--force",
            ".",
            env=env,
            cwd=templates,
        )
        return _git(store, "write-tree", env=env)


def add_version(templates: Path, version: str, store: Path | None = None) -> str:
    """Record `templates` as `version`; return the tag (a local version if the content differs).

    A released version's content never changes. When the checkout's templates differ from the
    tagged content of the same version (a developer editing them), the content is recorded as
    `<version>+t<tree>` (a PEP 440 local version), which sorts after `<version>`.
    """
    publish = store is None
    store = store or repo_path()
    Version(version)  # refuse a non-PEP 440 tag early
    with _locked(store):
        if not (store / "HEAD").exists():
            store.mkdir(parents=True, exist_ok=True)
            _git(store, "init", "--quiet", "--bare")
        tree = _tree_of(store, templates)
        existing = set(tags(store))
        tag = version
        if version in existing:
            if _git(store, "rev-parse", f"{version}^{{tree}}") == tree:
                if publish and not (store.parent / "templates.bundle").is_file():
                    _publish(store)
                return version
            tag = f"{version}+t{tree[:10]}"
            if tag in existing:
                if publish and not (store.parent / "templates.bundle").is_file():
                    _publish(store)
                return tag
        latest = tags(store)[-1:] or []
        parents = ["-p", _git(store, "rev-parse", f"{latest[0]}^{{commit}}")] if latest else []
        commit = _git(store, "commit-tree", tree, *parents, "-m", f"mlscaffold templates {tag}")
        _git(store, "tag", tag, commit)
        if publish:
            _publish(store)
        return tag


def import_bundle(bundle: Path = BUNDLE, store: Path | None = None) -> None:
    """Fetch every released template version from the bundle shipped in the wheel."""
    publish = store is None
    store = store or repo_path()
    if not bundle.is_file():
        return
    with _locked(store):
        if not (store / "HEAD").exists():
            store.mkdir(parents=True, exist_ok=True)
            _git(store, "init", "--quiet", "--bare")
        _git(
            store,
            "fetch",
            "--quiet",
            "--no-write-fetch-head",
            str(bundle),
            "refs/tags/*:refs/tags/*",
        )
        if publish:
            _publish(store)


def ensure(templates: Path, version: str = __version__) -> str:
    """Make sure the store holds the packaged templates and every shipped version; return the
    tag of the packaged templates.

    Called on every `new`, so the usual case (nothing changed since the last call) is answered
    from a stamp file named after the templates' and the bundle's sizes and times, without git.
    """
    store = repo_path()
    stamp = store / "mlscaffold-stamps" / _fingerprint(templates, version)
    if stamp.is_file() and path().is_file():
        tag = stamp.read_text().strip()
        if (store / "refs" / "tags" / tag).is_file() or tag in tags(store):
            return tag
    if BUNDLE.is_file() and not set(_bundle_tags(BUNDLE)) <= set(tags(store)):
        import_bundle(BUNDLE)
    tag = add_version(templates, version)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(tag + "\n")
    return tag


def repair() -> None:
    """Make sure the published bundle is whole; rebuild it from the store if it is not.

    The bare repository is the truth; the bundle is a copy Copier reads. A bundle truncated by
    a full disk or a killed process is rebuilt rather than reported as a template error.
    """
    store = repo_path()
    bundle = path()
    try:
        whole = (
            _digest_file(bundle).read_text().strip()
            == hashlib.sha256(bundle.read_bytes()).hexdigest()
        )
    except OSError:
        whole = False
    if whole:
        return
    with _locked(store):
        try:
            _publish(store)
        except StoreError:
            raise StoreError(
                f"The template store {store.parent} is damaged.",
                f"Delete {store.parent} and run the command again: it is rebuilt from the "
                "installed package and its shipped history.",
            ) from None


def _fingerprint(templates: Path, version: str) -> str:
    digest = hashlib.sha256(version.encode())
    for item in sorted([*templates.rglob("*"), BUNDLE]):
        if item.is_file():
            info = item.stat()
            digest.update(f"{item}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def _bundle_tags(bundle: Path) -> list[str]:
    proc = shell.completed(["git", "bundle", "list-heads", str(bundle)], None)
    return [
        line.split("refs/tags/")[1]
        for line in proc.stdout.splitlines()
        if "refs/tags/" in line and not line.endswith("^{}")
    ]
