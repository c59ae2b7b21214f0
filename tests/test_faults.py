"""The fault suite: every way a command can fail ends in one `Error:` line, a non-zero exit, no
traceback, nothing half-written and no user file changed.

Real conditions wherever this machine can make them: the real console script in a subprocess,
real signals at several points, real full and read-only filesystems (tmpfs mounts, skipped where
mounting is not allowed), real missing binaries (an empty PATH), /dev/full and closed pipes.
"""

from __future__ import annotations

import fcntl
import hashlib
import marshal
import os
import shutil
import signal
import subprocess
import sysconfig
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
import yaml

from support import BIN, ROOT, clean_env

MLSCAFFOLD = str(BIN / "mlscaffold")
STAGING = ".mlscaffold-staging"  # the marker file inside every staging folder
TAG = "mlscaffold-staging-"  # in every staging folder's name: .NAME.mlscaffold-staging-XXXX


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under `root` with a digest of its bytes: before vs after."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if ".git/" in f"{rel}/" and not rel.startswith(".git/refs") and rel != ".git/HEAD":
            continue  # git's own bookkeeping (index stat refresh, logs) may change harmlessly
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def mlscaffold(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout: int | IO[str] | None = subprocess.PIPE,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MLSCAFFOLD, *args],
        cwd=cwd,
        env=env or clean_env(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_error(proc: subprocess.CompletedProcess[str], *, code: int | None = None) -> str:
    """Non-zero exit, exactly one line on stderr starting with `Error:`, no traceback anywhere."""
    assert proc.returncode != 0, proc.stdout
    if code is not None:
        assert proc.returncode == code, proc.stderr
    everything = (proc.stdout or "") + proc.stderr
    assert "Traceback" not in everything, everything
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Error: "), proc.stderr
    assert len(lines[0]) <= 700
    return lines[0]


@pytest.fixture
def store_env(tmp_path) -> dict[str, str]:
    return clean_env(MLSCAFFOLD_STORE=str(tmp_path / "store"), HOME=str(tmp_path / "home"))


# ---- filesystems ----


@pytest.fixture
def tmpfs(tmp_path) -> Iterator[Callable[[str, str], Path]]:
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_new_on_a_full_disk_leaves_nothing(tmpfs, store_env):
    disk = tmpfs("full", "size=96k")
    proc = mlscaffold("new", "full-team", "--defaults", "--no-git", "-o", str(disk), env=store_env)
    line = assert_one_error(proc)
    assert "disk is full" in line
    assert "Nothing was created" in line
    assert tree(disk) == {}


def test_new_past_the_file_size_limit_leaves_nothing(tmp_path, store_env):
    """`ulimit -f`: writes fail with EFBIG (Python ignores SIGXFSZ), not with a full disk."""
    import resource

    limit = 16 * 1024  # bytes: the answers and README fit, the rendered repository does not
    out = tmp_path / "out"
    out.mkdir()
    # Compiled modules go to a folder of this test's own: none exists, so every module is
    # compiled in this run, under the limit (CI saw a truncated .pyc break 104 later tests).
    pycache = tmp_path / "pycache"
    proc = subprocess.run(
        [MLSCAFFOLD, "new", "big-team", "--defaults", "--no-git", "-o", str(out)],
        env={**store_env, "PYTHONPYCACHEPREFIX": str(pycache)},
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    line = assert_one_error(proc)
    assert "file-size limit" in line
    assert "ulimit -f" in line
    assert "Nothing was created" in line
    assert tree(out) == {}
    # No compiled module was left half-written for the next start to choke on. (The standard
    # library's first modules compile here only because this folder is new: an installed
    # Python ships them compiled, and they load before mlscaffold's first line.)
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    checked = 0
    for compiled in pycache.rglob("*.pyc"):
        if stdlib not in Path("/", compiled.relative_to(pycache)).parents:
            marshal.loads(compiled.read_bytes()[16:])  # EOFError: marshal data too short
            checked += 1
    assert checked > 0  # mlscaffold's own first modules, compiled before the limit is seen


def test_new_on_a_read_only_filesystem_leaves_nothing(tmpfs, store_env):
    disk = tmpfs("ro", "ro,size=1m")
    proc = mlscaffold("new", "ro-team", "--defaults", "--no-git", "-o", str(disk), env=store_env)
    line = assert_one_error(proc, code=2)
    assert "Cannot write to" in line or "read-only" in line
    assert tree(disk) == {}


def test_store_on_a_full_disk_is_one_line(tmpfs, tmp_path):
    disk = tmpfs("storefull", "size=64k")
    env = clean_env(MLSCAFFOLD_STORE=str(disk / "store"), HOME=str(tmp_path / "home"))
    out = tmp_path / "out"
    out.mkdir()
    proc = mlscaffold("new", "team-s", "--defaults", "-o", str(out), env=env)
    assert_one_error(proc)
    assert tree(out) == {}


# ---- targets ----


@pytest.mark.parametrize("kind", ["file", "symlink", "dangling-symlink", "out-is-file"])
def test_unusable_targets_are_refused(tmp_path, store_env, kind):
    parent = tmp_path / "parent"
    parent.mkdir()
    target = parent / "team-x"
    out = parent
    if kind == "file":
        target.write_text("mine\n")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    elif kind == "dangling-symlink":
        target.symlink_to(tmp_path / "nowhere")
    else:
        out = parent / "a-file"
        out.write_text("not a folder\n")
    before = tree(tmp_path)
    proc = mlscaffold("new", "team-x", "--defaults", "--no-git", "-o", str(out), env=store_env)
    assert_one_error(proc, code=2)
    assert tree(tmp_path) == before


def test_a_mount_point_target_is_refused(tmpfs, store_env):
    point = tmpfs("team-m", "size=1m")
    before = tree(point.parent)
    proc = mlscaffold("new", "team-m", "--defaults", "-o", str(point.parent), env=store_env)
    assert "mount point" in assert_one_error(proc, code=2)
    assert tree(point.parent) == before


def test_a_missing_output_dir_is_created_and_removed_again_on_failure(tmp_path, store_env):
    out = tmp_path / "new" / "deeper"
    made = mlscaffold("new", "team-o", "--defaults", "--no-git", "-o", str(out), env=store_env)
    assert made.returncode == 0, made.stderr
    assert (out / "team-o" / "pyproject.toml").is_file()
    # Same, but interrupted: the folders it created are gone again.
    out2 = tmp_path / "other" / "deeper"
    proc = subprocess.Popen(
        [MLSCAFFOLD, "new", "team-o", "--defaults", "--no-git", "-o", str(out2)],
        env=store_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: any(out2.glob(f".team-o.{TAG}*")) if out2.exists() else False, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:  # finished first: then it must be whole
        assert (out2 / "team-o" / "pyproject.toml").is_file()
    else:
        assert proc.returncode == 130, err
        assert not (tmp_path / "other").exists()


def test_a_deleted_current_folder_is_one_line(tmp_path, store_env):
    gone = tmp_path / "gone"
    gone.mkdir()
    proc = subprocess.run(
        ["bash", "-c", f'cd "{gone}" && rmdir "{gone}" && exec "{MLSCAFFOLD}" new x --defaults'],
        env=store_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert_one_error(proc)
    assert not gone.exists()


# ---- signals ----


def _wait_for(condition, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            return
        time.sleep(0.02)


def signalled(
    args: list[str], env: dict[str, str], sig: int, delay: float
) -> subprocess.CompletedProcess[str]:
    """Run the real command, send it `sig` after `delay` seconds, and collect what it said."""
    proc = subprocess.Popen(
        [MLSCAFFOLD, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=180)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_a_signal_during_new_leaves_nothing_or_everything(tmp_path, store_env, sig, delay):
    out = tmp_path / "out"
    out.mkdir()
    result = signalled(["new", "team-sig", "--defaults", "-o", str(out)], store_env, sig, delay)
    proc, stderr = result, result.stderr
    if proc.returncode == -sig:  # landed while the interpreter itself was still starting
        assert stderr == ""
        assert tree(out) == {}
    elif proc.returncode == 0:
        assert (out / "team-sig" / ".git").is_dir()
        assert (out / "team-sig" / "docs" / "decisions" / "0001-orchestrator.md").is_file()
    else:
        line = assert_one_error(result, code=130)
        assert "Interrupted" in line
        assert (
            "nothing was created" in line or "nothing was changed" in line or "created at" in line
        )
        if "created at" not in line:
            assert tree(out) == {}
        else:
            assert (out / "team-sig" / ".git").is_dir()
    assert not list(out.glob(f".*{TAG}*"))


def test_staging_left_by_sigkill_is_cleaned_by_the_next_run(tmp_path, store_env):
    out = tmp_path / "out"
    out.mkdir()
    left: list[Path] = []
    for _ in range(3):  # SIGKILL right after the staging folder appears
        shutil.rmtree(out / "team-k", ignore_errors=True)
        proc = subprocess.Popen(
            [MLSCAFFOLD, "new", "team-k", "--defaults", "-o", str(out)],
            env=store_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(lambda: any(out.glob(f".team-k.{TAG}*")), proc)  # type: ignore[arg-type]
        proc.kill()
        proc.wait()
        left = list(out.glob(f".team-k.{TAG}*"))
        if left:
            break
    assert left, "the staging folder was never caught before SIGKILL"
    assert (left[0] / STAGING).is_file()  # recognisable: it carries the marker
    shutil.rmtree(out / "team-k", ignore_errors=True)
    again = mlscaffold("new", "team-k", "--defaults", "-o", str(out), env=store_env)
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(f".team-k.{TAG}*"))


def test_a_foreign_folder_that_looks_like_staging_is_never_removed(tmp_path, store_env):
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / f".team-f.{TAG}theirs"  # our naming, but no marker: not provably ours
    theirs.mkdir()
    (theirs / "notes.txt").write_text("not mlscaffold's\n")
    made = mlscaffold("new", "team-f", "--defaults", "--no-git", "-o", str(out), env=store_env)
    assert made.returncode == 0, made.stderr
    assert (theirs / "notes.txt").read_text() == "not mlscaffold's\n"


def test_batch_interrupted_stops_queued_rows_and_says_what_was_made(tmp_path, store_env):
    roster = tmp_path / "roster.csv"
    roster.write_text("name\n" + "".join(f"team-{i}\n" for i in range(40)))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [MLSCAFFOLD, "batch", str(roster), "--out", str(out), "--workers", "2"],
        env=store_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: len(list(out.glob("team-*"))) >= 2, proc, timeout=120)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert time.monotonic() - started < 30  # prompt: queued rows are not rendered
    result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    line = assert_one_error(result, code=130)
    made = sorted(p.name for p in out.glob("team-*"))
    assert f"{len(made)} repositories were created" in line
    assert "not started" in stdout
    assert len(made) < 40
    for name in made:  # every repo that exists is whole
        assert (out / name / ".git").is_dir(), name
    assert not list(out.glob(f".*{TAG}*"))


# ---- missing binaries, closed streams, encodings ----


def test_no_git_on_path(tmp_path, store_env):
    env = {**store_env, "PATH": str(tmp_path / "empty-bin")}
    out = tmp_path / "out"
    out.mkdir()
    line = assert_one_error(mlscaffold("new", "team-g", "--defaults", "-o", str(out), env=env))
    assert "git is not installed" in line
    assert tree(out) == {}


def test_no_uv_for_workshop_prepare(tmp_path, store_env):
    env = {**store_env, "PATH": str(tmp_path / "empty-bin")}
    kit = tmp_path / "kit"
    line = assert_one_error(mlscaffold("workshop", "prepare", "--out", str(kit), env=env))
    assert "uv is not installed" in line
    assert not kit.exists()


def test_stdout_that_cannot_be_written_creates_nothing(tmp_path, store_env):
    out = tmp_path / "out"
    out.mkdir()
    with open("/dev/full", "w") as full:
        proc = mlscaffold("new", "team-d", "--defaults", "-o", str(out), env=store_env, stdout=full)
    proc.stdout = ""
    assert_one_error(proc)
    assert tree(out) == {}
    with open("/dev/full", "w") as full:
        proc = mlscaffold("recommend", "--team-size", "3", env=store_env, stdout=full)
    proc.stdout = ""
    assert_one_error(proc)


@pytest.mark.parametrize("args", [["recommend"], ["--help"], ["recommend", "--json"]])
def test_a_closed_pipe_is_one_line(store_env, args):
    with subprocess.Popen(
        [MLSCAFFOLD, *args],
        env=store_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()  # the reader went away before the first byte
        stderr = proc.stderr.read()
        proc.wait(timeout=60)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr)
    assert "Exception ignored" not in stderr
    assert "pipe closed" in assert_one_error(result)


def test_a_terminal_that_cannot_show_the_bar_chart(store_env):
    env = {**store_env, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    proc = mlscaffold("recommend", "--team-size", "3", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_closed_stdin_without_defaults(tmp_path, store_env):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        ["bash", "-c", f'exec "{MLSCAFFOLD}" new team-c --no-git -o "{out}" <&-'],
        env=store_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr
    if proc.returncode == 0:
        assert (out / "team-c" / "pyproject.toml").is_file()
    else:
        assert_one_error(proc)
        assert tree(out) == {}


# ---- hostile input files ----

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (ALIAS_BOMB, "aliases"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ("team_size: [1, 2\n", "line"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary"),
        (b"team_size: \xff\xfe\n", "UTF-8"),
        ("team_size: 5\n" + "# padding\n" * 20000, "larger than"),
        ("team_size: " + "9" * 5000 + "\n", "team_size"),
        ("team_size: {a: 1}\n", "team_size"),
        ("- just\n- a list\n", "mapping"),
        ("x" * 400 + ": 1\n", "unknown key"),
        # YAML would keep the last one silently: which did the user mean?
        ("team_size: 5\ndbt: true\nteam_size: 6\n", "'team_size' is given twice at line 3"),
    ],
)
def test_hostile_answers_files(tmp_path, store_env, content, expected):
    answers = tmp_path / "answers.yml"
    if isinstance(content, bytes):
        answers.write_bytes(content)
    else:
        answers.write_text(content)
    started = time.monotonic()
    proc = mlscaffold("recommend", "--answers-file", str(answers), env=store_env)
    assert time.monotonic() - started < 30
    line = assert_one_error(proc, code=2)
    assert expected in line


def test_answers_file_that_is_an_endless_device(store_env):
    proc = mlscaffold("recommend", "--answers-file", "/dev/zero", env=store_env, timeout=60)
    assert "larger than" in assert_one_error(proc, code=2)


def test_roster_with_a_cell_over_the_csv_limit(tmp_path, store_env):
    roster = tmp_path / "roster.csv"
    roster.write_text('name,team_size\nteam-a,"' + "9" * 200_000 + '"\n')
    proc = mlscaffold("batch", str(roster), "--out", str(tmp_path / "out"), env=store_env)
    assert_one_error(proc, code=2)
    assert not (tmp_path / "out").exists()


def test_recommend_roster_reports_every_error_of_a_row_by_column(tmp_path, store_env):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,team_size,dbt,orchestrator\nteam-a,3,yes,prefect\nteam-b,zero,maybe,luigi\n"
    )
    proc = mlscaffold("recommend", "--roster", str(roster), env=store_env)
    line = assert_one_error(proc, code=2)
    assert "1 roster row" in line
    for column in ("'team_size'", "'dbt'", "'orchestrator'"):
        assert column in proc.stdout.replace("\n", " ") or column in line, column
    assert "--team-size" not in proc.stdout


def test_recommend_roster_refuses_flags_it_would_ignore(tmp_path, store_env):
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nteam-a\n")
    proc = mlscaffold("recommend", "--roster", str(roster), "--dbt", env=store_env)
    assert "--dbt would be ignored" in assert_one_error(proc, code=2)


def test_workers_are_capped(tmp_path, store_env):
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nteam-a\n")
    out = tmp_path / "out"
    proc = mlscaffold("batch", str(roster), "--out", str(out), "--workers", "100000", env=store_env)
    assert "--workers 100000" in assert_one_error(proc, code=2)
    assert not out.exists()


# ---- the template store ----


@pytest.mark.parametrize("value", ["relative/store", "a-file"])
def test_bad_template_store_settings(tmp_path, value):
    (tmp_path / "a-file").write_text("not a folder\n")
    env = clean_env(MLSCAFFOLD_STORE=value, HOME=str(tmp_path / "home"))
    out = tmp_path / "out"
    out.mkdir()
    line = assert_one_error(
        mlscaffold("new", "team-t", "--defaults", "-o", str(out), cwd=tmp_path, env=env)
    )
    assert "MLSCAFFOLD_STORE" in line
    assert tree(out) == {}


# ---- workshop prepare never touches what it did not make ----


def test_workshop_prepare_refuses_a_users_folder(tmp_path, store_env):
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "INSTRUCTIONS.md").write_text("my own notes\n")
    before = tree(kit)
    line = assert_one_error(mlscaffold("workshop", "prepare", "--out", str(kit), env=store_env))
    assert "not a kit made by mlscaffold" in line
    assert tree(kit) == before


# ---- update: the user's tree is never the scratch space ----


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def two_versions(tmp_path, monkeypatch) -> dict[str, str]:
    """A store with template versions 1.0.0 and 2.0.0 (2.0.0 changes and removes files)."""
    from mlscaffold import store

    env = clean_env(MLSCAFFOLD_STORE=str(tmp_path / "store"), HOME=str(tmp_path / "home"))
    monkeypatch.setenv("MLSCAFFOLD_STORE", env["MLSCAFFOLD_STORE"])
    v1 = tmp_path / "v1"
    shutil.copytree(ROOT / "templates", v1)
    for i in range(30):
        (v1 / "prefect" / "notes").mkdir(parents=True, exist_ok=True)
        (v1 / "prefect" / "notes" / f"n{i}.md").write_text(f"note {i}\n")
    store.add_version(v1, "1.0.0")
    v2 = tmp_path / "v2"
    shutil.copytree(v1, v2)
    for i in range(30):
        (v2 / "prefect" / "notes" / f"n{i}.md").write_text(f"note {i}, revised\n")
    (v2 / "prefect" / "Makefile.jinja").unlink()
    store.add_version(v2, "2.0.0")
    return env


def render_v1(env: dict[str, str], repo: Path) -> None:
    """Render template 1.0.0 from the test's store, as plain Copier would."""
    import copier

    copier.run_copy(
        str(Path(env["MLSCAFFOLD_STORE"]) / "templates.bundle"),
        str(repo),
        vcs_ref="1.0.0",
        defaults=True,
        quiet=True,
        unsafe=True,
        data={"project_name": "demo", "package_name": "demo", "orchestrator": "prefect"},
    )


@pytest.fixture
def generated(two_versions, tmp_path) -> Path:
    repo = tmp_path / "demo"
    render_v1(two_versions, repo)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "generated")
    return repo


def _updated(repo: Path) -> bool:
    return yaml.safe_load((repo / ".copier-answers.yml").read_text())["_commit"] == "2.0.0"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_update_leaves_the_repo_before_or_after(generated, two_versions, sig):
    head = git(generated, "rev-parse", "HEAD")
    before = tree(generated)
    outcomes = set()
    scratch = generated.parent / "tmp"
    scratch.mkdir()
    env = {**two_versions, "TMPDIR": str(scratch)}
    for delay in (0.5, 1.5, 2.5, 4.0):
        args = ["update", "--to", "2.0.0", "--repo", str(generated)]
        result = signalled(args, env, sig, delay)
        proc, stderr = result, result.stderr
        assert git(generated, "rev-parse", "HEAD") == head
        if proc.returncode == -sig:  # still inside the interpreter's own start-up
            assert stderr == ""
            outcomes.add("before")
        elif _updated(generated):  # completed: everything the update brings is there
            outcomes.add("after")
            assert not (generated / "Makefile").exists()
            assert (generated / "notes" / "n29.md").read_text() == "note 29, revised\n"
            if proc.returncode != 0:
                assert "was applied" in assert_one_error(result, code=130)
            git(generated, "checkout", "--quiet", ".")
            git(generated, "clean", "--quiet", "-fd")
        else:
            outcomes.add("before")
            assert "nothing was changed" in assert_one_error(result, code=130)
        assert tree(generated) == before
        assert list(scratch.iterdir()) == []  # the private clone is gone too
    assert "before" in outcomes


def test_a_cleanup_failing_after_a_signal_is_said_as_the_interrupt(generated, two_versions):
    """CI saw it: SIGHUP reached `update` while Copier's git was writing into its temporary
    clone; Copier's own cleanup then failed ('Directory not empty: .git') and that error, not
    the interrupt, was printed, with exit 1. Whatever fails after a signal is the interrupt."""
    script = textwrap.dedent(
        f"""
        import errno, os, signal, sys, time
        import copier._main

        def run_update(self):
            try:
                os.kill(os.getpid(), signal.SIGHUP)
                time.sleep(30)  # the handler raises in here
            finally:  # as Copier's TemporaryDirectory cleanup met a child still writing
                raise OSError(errno.ENOTEMPTY, "Directory not empty", ".git")

        copier._main.Worker.run_update = run_update
        sys.argv = ["mlscaffold", "update", "--to", "2.0.0", "--repo", {str(generated)!r}]
        from mlscaffold.entry import main
        main()
        """
    )
    before = tree(generated)
    result = subprocess.run(
        [str(BIN / "python"), "-c", script],
        env=two_versions,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = assert_one_error(result, code=130)
    assert "Interrupted (SIGHUP)" in line
    assert "nothing was changed" in line
    assert tree(generated) == before
    assert not _updated(generated)


def test_an_edit_saved_while_update_runs_is_never_lost(generated, monkeypatch):
    """The user saves a file and creates one while Copier works: nothing is applied, both stay."""
    import copier._main as copier_worker  # update runs Copier's worker (update_merge.py)
    from typer.testing import CliRunner

    from mlscaffold import cli

    real_update = copier_worker.Worker.run_update

    def user_saves_meanwhile(worker):
        (generated / "notes" / "n3.md").write_text("my edit, saved during the update\n")
        (generated / "scratch.py").write_text("print('mine')\n")
        return real_update(worker)

    monkeypatch.setattr(copier_worker.Worker, "run_update", user_saves_meanwhile)
    result = CliRunner().invoke(cli.app, ["update", "--to", "2.0.0", "--repo", str(generated)])
    assert result.exit_code == 2, result.output
    assert "nothing was applied" in result.stderr
    assert "notes/n3.md" in result.stderr
    assert (generated / "notes" / "n3.md").read_text() == "my edit, saved during the update\n"
    assert (generated / "scratch.py").read_text() == "print('mine')\n"
    assert (generated / "Makefile").exists()
    assert not _updated(generated)


def test_a_second_update_of_the_same_repo_is_refused(generated, two_versions):
    lock_path = generated / ".git" / "mlscaffold-update.lock"
    before = tree(generated)
    with open(lock_path, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = mlscaffold("update", "--to", "2.0.0", "--repo", str(generated), env=two_versions)
    assert "Another `mlscaffold update` is running" in assert_one_error(proc, code=2)
    assert tree(generated) == before


def test_update_names_the_dirty_files(generated, two_versions):
    (generated / "uv.lock").write_text("# made by uv sync\n")
    proc = mlscaffold(
        "update", "--to", "2.0.0", "--dry-run", "--repo", str(generated), env=two_versions
    )
    assert "uv.lock (untracked)" in assert_one_error(proc, code=2)


def test_update_applies_the_same_rules_as_new(generated, two_versions):
    proc = mlscaffold(
        "update", "--to", "2.0.0", "--data", "cloud=aws", "--repo", str(generated), env=two_versions
    )
    assert "--cloud only applies" in assert_one_error(proc, code=2)


@pytest.mark.parametrize(
    "content",
    [b"_commit: [unclosed\n", b"\x00\x01\x02binary", b"_commit: not-a-version\n", b"- a list\n"],
)
@pytest.mark.parametrize("command", ["check", "update"])
def test_a_broken_answers_file_is_one_line(generated, two_versions, content, command):
    (generated / ".copier-answers.yml").write_bytes(content)
    git(generated, "commit", "--quiet", "-am", "broken answers")
    before = tree(generated)
    proc = mlscaffold(command, "--repo", str(generated), env=two_versions)
    assert_one_error(proc)
    assert tree(generated) == before


def test_update_in_a_subfolder_of_a_larger_repository(two_versions, tmp_path):
    mono = tmp_path / "mono"
    repo = mono / "pipelines" / "demo"
    render_v1(two_versions, repo)
    (mono / "README.md").write_text("the monorepo\n")
    git(mono, "init", "--quiet", "--initial-branch=main")
    git(mono, "add", "--all")
    git(mono, "commit", "--quiet", "-m", "monorepo")
    proc = mlscaffold("update", "--to", "2.0.0", "--repo", str(repo), env=two_versions)
    assert "Traceback" not in proc.stderr
    if proc.returncode == 0:
        assert _updated(repo)
        assert (mono / "README.md").read_text() == "the monorepo\n"
    else:
        assert_one_error(proc)
        assert not _updated(repo)


def test_a_truncated_template_bundle_is_rebuilt(generated, two_versions):
    bundle = Path(two_versions["MLSCAFFOLD_STORE"]) / "templates.bundle"
    bundle.write_bytes(bundle.read_bytes()[:300])  # a full disk or a kill while publishing
    proc = mlscaffold("update", "--to", "2.0.0", "--repo", str(generated), env=two_versions)
    assert proc.returncode == 0, proc.stderr
    assert _updated(generated)


def test_version_is_answered_without_the_slow_imports(store_env):
    proc = mlscaffold("--version", env=store_env)
    assert proc.returncode == 0
    assert proc.stdout.startswith("mlscaffold ")
    with open("/dev/full", "w") as full:
        proc = mlscaffold("--version", env=store_env, stdout=full)
    proc.stdout = ""
    assert "could not be written" in assert_one_error(proc)


def test_a_relative_output_dir_works(tmp_path, store_env):
    """Staging and temporary folders are absolute, whatever cwd git and Copier run in."""
    made = mlscaffold("new", "team-r", "--defaults", "-o", "out", cwd=tmp_path, env=store_env)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "out" / "team-r" / ".git").is_dir()
    assert not list((tmp_path / "out").glob(f".*{TAG}*"))


# ---- the compiled-template cache ----


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_template_cache_is_used_and_a_damaged_or_unusable_one_is_skipped(tmp_path, store_env):
    """`new` keeps Jinja's compiled templates in the user's cache; garbage in it, or a cache
    folder that cannot be made, renders the same repository without a word."""
    args = ["new", "demo", "--defaults", "--no-git", "--orchestrator", "prefect", "-o"]
    cache = tmp_path / "home" / ".cache" / "mlscaffold" / "jinja"
    first = mlscaffold(*args, str(tmp_path / "a"), env=store_env)
    assert first.returncode == 0, first.stderr
    files = list(cache.rglob("*.cache"))
    assert len(files) > 20  # one per rendered file template
    for file in files:
        file.write_bytes(b"not bytecode")
    damaged = mlscaffold(*args, str(tmp_path / "b"), env=store_env)
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stderr == ""
    assert any(f.read_bytes() != b"not bytecode" for f in files)  # rewritten
    (tmp_path / "not-a-folder").write_text("")
    env = {**store_env, "XDG_CACHE_HOME": str(tmp_path / "not-a-folder")}
    unusable = mlscaffold(*args, str(tmp_path / "c"), env=env)
    assert unusable.returncode == 0, unusable.stderr
    assert unusable.stderr == ""
    expected = _tree(tmp_path / "a" / "demo" / "src")
    assert _tree(tmp_path / "b" / "demo" / "src") == expected
    assert _tree(tmp_path / "c" / "demo" / "src") == expected
