"""`mlscaffold update` and `check` against real git repos and a real template store.

Two template versions are built from a base template plus a few extra files, so every kind of
change a template release can make is exercised file by file. The base is a tiny throwaway
template (the shape of the real one: an orchestrator folder chosen by `_subdirectory`, a shared
part pulled in with `{% include %}`, a `dbt` folder) wherever the case is update mechanics; the
real templates where the case is about them (an orchestrator switch, the installed version, the
default store). Those are marked slow in tests/conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import copier
import copier._main as copier_worker
import pytest
import yaml
from typer.testing import CliRunner, Result

from mlscaffold import cli, store
from mlscaffold.update import CONFLICT_MARKER
from support import ROOT, run

runner = CliRunner()
PNG_V1 = b"\x89PNG\r\n\x1a\n\x00\x00version-one\x00"
PNG_V2 = b"\x89PNG\r\n\x1a\n\x00\x00version-two\x00"
PNG_USER = b"\x89PNG\r\n\x1a\n\x00\x00the-users-own\x00"
GUIDE = "".join(f"Guide line {i}: how to run step {i} of the pipeline.\n" for i in range(12))
CHANGING = "".join(f"line {i}\n" for i in range(20))
ANSWERS = "{{ _copier_answers|to_nice_yaml -}}"
TINY_COPIER_YML = """\
_subdirectory: "{{ orchestrator }}"
_answers_file: .copier-answers.yml
_templates_suffix: .jinja
_envops:
  keep_trailing_newline: true
project_name: {type: str}
package_name: {type: str, default: "{{ project_name | replace('-', '_') }}"}
orchestrator: {type: str, choices: [prefect, dagster, airflow], default: prefect}
dbt: {type: bool, default: false}
"""


def tiny_template() -> dict[str, str | bytes]:
    """A template with the real one's shape and a dozen files (copier's `build_file_tree`)."""
    tree: dict[str, str | bytes] = {
        "copier.yml": TINY_COPIER_YML,
        "shared/model.py": "def train() -> int:\n    return 1\n",
    }
    for folder, dependency in (("prefect", "prefect>=3"), ("airflow", "apache-airflow>=3")):
        tree |= {
            folder + "/{{_copier_conf.answers_file}}.jinja": ANSWERS,
            folder + "/pyproject.toml.jinja": '[project]\nname = "{{ project_name }}"\n'
            f'dependencies = ["{dependency}"]\n',
            folder + "/src/{{package_name}}/model.py.jinja": '{% include "shared/model.py" %}',
            folder + "/{% if dbt %}dbt{% endif %}/dbt_project.yml.jinja": "name: demo\n",
        }
    return tree


def build_file_tree(root: Path, spec: Mapping[str, str | bytes]) -> None:
    for relative, content in spec.items():
        write(root / relative, content)


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], repo).stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", message)


def add_versions(work: Path, base: Callable[[Path], object]) -> None:
    """Template 1.0.0 (`base` plus extra files) and 2.0.0 (every kind of change) in the store."""
    v1 = work / "v1"
    base(v1)
    extra = v1 / "prefect" / "notes"
    write(extra / "changing.md", CHANGING)
    write(extra / "conflicting.md", "colour: blue\n")
    write(extra / "obsolete.md", "old advice\n")
    write(extra / "also-obsolete.md", "more old advice\n")
    write(extra / "guide.md", GUIDE)
    write(extra / "deleted-by-user.md", "keep me?\n")
    write(v1 / "prefect" / "assets" / "logo.png", PNG_V1)
    write(v1 / "prefect" / "assets" / "icon.png", PNG_V1)
    store.add_version(v1, "1.0.0")

    v2 = work / "v2"
    shutil.copytree(v1, v2)
    notes = v2 / "prefect" / "notes"
    write(notes / "changing.md", CHANGING + "line added by the template\n")
    write(notes / "conflicting.md", "colour: green\n")
    (notes / "obsolete.md").unlink()
    (notes / "also-obsolete.md").unlink()
    (notes / "guide.md").unlink()
    write(v2 / "prefect" / "docs" / "guide.md", GUIDE.replace("Guide line 11", "Guide step 11"))
    write(notes / "deleted-by-user.md", "keep me? changed by the template\n")
    write(v2 / "prefect" / "assets" / "logo.png", PNG_V2)
    write(v2 / "prefect" / "assets" / "icon.png", PNG_V2)
    store.add_version(v2, "2.0.0")


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the tiny template's 1.0.0 and 2.0.0, built once per test process."""
    work = tmp_path_factory.mktemp("tiny-versions")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLSCAFFOLD_STORE", str(work / "store"))
        add_versions(work, lambda v1: build_file_tree(v1, tiny_template()))
    return work / "store"


@pytest.fixture
def versions(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A store with template 1.0.0 and 2.0.0 of the tiny template, or with `real` (parametrize
    `repo` or `versions` indirectly) of the real one; returns the store path."""
    if getattr(request, "param", "tiny") == "real":
        monkeypatch.setenv("MLSCAFFOLD_STORE", str(tmp_path / "store"))
        add_versions(tmp_path, lambda v1: shutil.copytree(ROOT / "templates", v1))
        return tmp_path / "store"
    tiny: Path = request.getfixturevalue("tiny_store")
    monkeypatch.setenv("MLSCAFFOLD_STORE", str(tiny))
    return tiny


def generate(dst: Path, version: str) -> Path:
    """A repo generated from `version` of the store's template and committed, as `mlscaffold
    new` leaves it."""
    copier.run_copy(
        store.spec(),
        str(dst),
        vcs_ref=version,
        defaults=True,
        quiet=True,
        unsafe=True,
        data={"project_name": "demo", "package_name": "demo", "orchestrator": "prefect"},
    )
    git(dst, "init", "--quiet", "--initial-branch=main")
    commit_all(dst, "generated")
    return dst


@pytest.fixture
def repo(versions: Path, tmp_path: Path) -> Path:
    """A repo generated from 1.0.0 and committed."""
    return generate(tmp_path / "demo", "1.0.0")


def update(repo: Path, *args: str) -> Result:
    return runner.invoke(cli.app, ["update", "--repo", str(repo), *args])


def test_user_edits_survive_every_kind_of_template_change(repo):
    notes = repo / "notes"
    write(notes / "changing.md", "my own first line\n" + CHANGING)  # template appends: clean merge
    write(notes / "obsolete.md", "old advice\nmy note on it\n")  # template deletes it
    write(notes / "guide.md", GUIDE.replace("Guide line 0", "MY guide line 0"))  # template renames
    (notes / "deleted-by-user.md").unlink()  # template changes it
    write(repo / "assets" / "icon.png", PNG_USER)  # a binary edit the template also changes
    commit_all(repo, "my edits")

    result = update(repo, "--to", "2.0.0")

    assert result.exit_code == 1, result.output  # the binary needs the user's decision
    merged = (notes / "changing.md").read_text()
    assert merged.startswith("my own first line\n")
    assert merged.endswith("line added by the template\n")
    assert CONFLICT_MARKER not in merged
    # Edited file the template deletes: kept and reported.
    assert (notes / "obsolete.md").read_text() == "old advice\nmy note on it\n"
    assert "Kept notes/obsolete.md" in result.stdout
    # Unedited file the template deletes: gone.
    assert not (notes / "also-obsolete.md").exists()
    # Edited file the template renames: the edit moves to the new name with the template change.
    assert not (notes / "guide.md").exists()
    guide = (repo / "docs" / "guide.md").read_text()
    assert "MY guide line 0" in guide
    assert "Guide step 11" in guide
    assert "Carried your edits of notes/guide.md to docs/guide.md" in result.stdout
    # A file the user deleted stays deleted.
    assert not (notes / "deleted-by-user.md").exists()
    # Binary: the untouched one takes the new version; the user's own one is not lost.
    assert (repo / "assets" / "logo.png").read_bytes() == PNG_V2
    assert (repo / "assets" / "icon.png").read_bytes() == PNG_USER
    assert (repo / "assets" / "icon.png.template-version").read_bytes() == PNG_V2
    assert "Both changed assets/icon.png" in result.stdout
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "2.0.0"


def test_conflicting_change_gets_markers_and_a_nonzero_exit(repo):
    write(repo / "notes" / "conflicting.md", "colour: red\n")
    commit_all(repo, "my colour")

    result = update(repo, "--to", "2.0.0")

    assert result.exit_code == 1, (result.output, result.exception)
    text = (repo / "notes" / "conflicting.md").read_text()
    assert CONFLICT_MARKER in text
    assert "red" in text
    assert "green" in text
    assert "notes/conflicting.md" in result.stdout.split("Conflicts to resolve")[1]


def test_conflicts_as_rej_files_on_request(repo):
    write(repo / "notes" / "conflicting.md", "colour: red\n")
    commit_all(repo, "my colour")
    result = update(repo, "--to", "2.0.0", "--rej")
    assert result.exit_code == 1
    assert (repo / "notes" / "conflicting.md.rej").exists()
    assert (repo / "notes" / "conflicting.md").read_text() == "colour: red\n"


def test_dry_run_lists_and_changes_nothing(repo):
    head = git(repo, "rev-parse", "HEAD")
    result = update(repo, "--to", "2.0.0", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would update template 1.0.0 -> 2.0.0" in result.stdout
    assert "removed  notes/obsolete.md" in result.stdout
    assert "+line added by the template" in result.stdout
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "HEAD") == head


def test_changed_answer_adds_dbt_and_keeps_edits(repo):
    model = repo / "src" / "demo" / "model.py"
    write(model, model.read_text() + "\n# my tuning notes\n")
    commit_all(repo, "notes")
    result = update(repo, "--to", "2.0.0", "--data", "dbt=true")
    assert result.exit_code == 0, result.output
    assert (repo / "dbt" / "dbt_project.yml").exists()
    assert model.read_text().endswith("# my tuning notes\n")
    assert yaml.safe_load((repo / ".copier-answers.yml").read_text())["dbt"] is True


def test_dirty_tree_is_refused(repo):
    write(repo / "notes" / "changing.md", "uncommitted\n")
    result = update(repo, "--to", "2.0.0")
    assert result.exit_code == 2
    assert "uncommitted changes" in result.stderr
    assert (repo / "notes" / "changing.md").read_text() == "uncommitted\n"


def test_downgrade_is_refused(versions, tmp_path):
    newer = generate(tmp_path / "newer", "2.0.0")
    head = git(newer, "rev-parse", "HEAD")
    result = update(newer, "--to", "1.0.0")
    assert result.exit_code == 2
    assert "Updating from 2.0.0 to 1.0.0 would be a downgrade" in result.stderr
    assert git(newer, "status", "--porcelain") == ""
    assert git(newer, "rev-parse", "HEAD") == head


def test_unknown_version_says_what_to_do(repo):
    result = update(repo, "--to", "9.9.9")
    assert result.exit_code == 2
    assert "9.9.9 (you asked for) is not in the template store" in result.stderr
    assert "pip install" not in result.stderr or "mlscaffold==9.9.9" in result.stderr


def test_not_a_generated_repo(tmp_path):
    result = update(tmp_path)
    assert result.exit_code == 2
    assert "was not generated by mlscaffold" in result.stderr


def test_interrupted_update_leaves_the_repo_as_it_was(repo, monkeypatch):
    def interrupted(worker):
        write(Path(worker.dst_path) / "notes" / "changing.md", "half written\n")
        write(Path(worker.dst_path) / "stray.txt", "new file\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(copier_worker.Worker, "run_update", interrupted)
    head = git(repo, "rev-parse", "HEAD")
    result = update(repo, "--to", "2.0.0")
    assert result.exit_code == 130
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "HEAD") == head


@pytest.mark.parametrize("versions", ["tiny", "real"], indirect=True)
def test_orchestrator_switch_keeps_the_core_and_edits(repo):
    model = repo / "src" / "demo" / "model.py"
    write(model, model.read_text() + "\n# my tuning notes\n")
    write(repo / "notes" / "changing.md", "my wiring notes\n")  # only the prefect folder has it
    first = repo / "docs" / "decisions" / "0001-orchestrator.md"
    mine = (
        "# 1. Orchestrator: Prefect\n\n"
        "Status: accepted. Written by `mlscaffold new`; edit freely.\n\n"
        "We also looked at Temporal; our notes are in the wiki.\n"
    )
    write(first, mine)
    commit_all(repo, "edits")

    result = update(repo, "--to", "1.0.0", "--orchestrator", "airflow")

    assert result.exit_code == 0, result.output
    assert model.read_text().endswith("# my tuning notes\n")
    assert (repo / "notes" / "changing.md").read_text() == "my wiring notes\n"
    assert not (repo / "notes" / "also-obsolete.md").exists()  # prefect-only, unedited
    assert "apache-airflow" in (repo / "pyproject.toml").read_text()
    assert "prefect>=" not in (repo / "pyproject.toml").read_text()
    # The user's record is theirs: only its status line now points at the new record.
    added = repo / "docs" / "decisions" / "0002-switch-to-airflow.md"
    assert first.read_text() == mine.replace(
        "Status: accepted. Written by `mlscaffold new`; edit freely.",
        "Status: superseded by [0002-switch-to-airflow.md](0002-switch-to-airflow.md).",
    )
    record = added.read_text()
    assert record.startswith("# 2. Orchestrator: switch from Prefect to Apache Airflow")
    assert "overrode the recommendation" in record
    assert "Recorded the switch in docs/decisions/0002-switch-to-airflow.md" in result.stdout
    assert yaml.safe_load((repo / ".copier-answers.yml").read_text())["orchestrator"] == "airflow"


def test_check_then_update_to_the_installed_version(tmp_path, monkeypatch):
    monkeypatch.setenv("MLSCAFFOLD_STORE", str(tmp_path / "store"))
    old = tmp_path / "old-templates"
    shutil.copytree(ROOT / "templates", old)
    write(old / "prefect" / "OLD.md", "from an older release\n")
    store.add_version(old, "0.0.1")
    dst = tmp_path / "old-repo"
    copier.run_copy(
        store.spec(),
        str(dst),
        vcs_ref="0.0.1",
        defaults=True,
        quiet=True,
        unsafe=True,
        data={"project_name": "old-repo", "orchestrator": "prefect"},
    )
    git(dst, "init", "--quiet")
    commit_all(dst, "generated")

    behind = runner.invoke(cli.app, ["check", "--repo", str(dst)])
    assert behind.exit_code == 1
    assert "Behind: repository 0.0.1, installed template 0." in behind.stdout

    assert update(dst).exit_code == 0
    assert not (dst / "OLD.md").exists()
    commit_all(dst, "updated")
    current = runner.invoke(cli.app, ["check", "--repo", str(dst)])
    assert current.exit_code == 0, current.output
    assert current.stdout.startswith("Up to date")


def test_check_on_a_repo_newer_than_mlscaffold(repo):
    result = runner.invoke(cli.app, ["check", "--repo", str(repo)])
    assert result.exit_code == 3
    assert "Ahead: repository 1.0.0" in result.stdout


def test_plain_copier_update_works(repo):
    run(["git", "config", "user.email", "t@t"], repo)
    run(["git", "config", "user.name", "t"], repo)
    copier_bin = shutil.which("copier") or str(Path(subprocess.__file__))
    run([copier_bin, "update", "--trust", "--defaults", "--vcs-ref", "2.0.0"], repo)
    assert (repo / "notes" / "changing.md").read_text().endswith("line added by the template\n")


def test_a_fresh_machine_finds_released_versions_in_the_shipped_bundle(tmp_path, monkeypatch):
    """The release script archives a version; a new store (a fresh machine) imports it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "archive", ROOT / "scripts" / "archive_template_version.py"
    )
    assert spec is not None
    assert spec.loader is not None
    archive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(archive)
    old = tmp_path / "released"
    build_file_tree(old, tiny_template())
    write(old / "prefect" / "RELEASED.md", "0.0.5\n")
    bundle = tmp_path / "history.bundle"
    assert archive.archive(old, "0.0.5", bundle) == ["0.0.5"]

    monkeypatch.setattr(store, "BUNDLE", bundle)
    monkeypatch.setenv("MLSCAFFOLD_STORE", str(tmp_path / "fresh-machine"))
    installed = store.ensure(ROOT / "templates")
    assert store.tags() == ["0.0.5", installed]
    dst = tmp_path / "rendered"
    copier.run_copy(
        store.spec(),
        str(dst),
        vcs_ref="0.0.5",
        defaults=True,
        quiet=True,
        unsafe=True,
        data={"project_name": "x", "orchestrator": "prefect"},
    )
    assert (dst / "RELEASED.md").read_text() == "0.0.5\n"


def test_default_store_under_home_works_for_new_update_and_plain_copier(tmp_path, monkeypatch):
    """`_src_path` is recorded with `~`: Copier must expand it (it does for bundles)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("MLSCAFFOLD_STORE")
    work = tmp_path / "work"
    work.mkdir()
    made = runner.invoke(cli.app, ["new", "team-a", "--defaults", "-o", str(work)])
    assert made.exit_code == 0, made.output
    repo = work / "team-a"
    assert (
        "_src_path: ~/.local/share/mlscaffold/templates.bundle"
        in (repo / ".copier-answers.yml").read_text()
    )
    model = repo / "src" / "team_a" / "model.py"
    write(model, model.read_text() + "# mine\n")
    commit_all(repo, "edit")

    result = update(repo, "--data", "dbt=true")

    assert result.exit_code == 0, result.output
    assert (repo / "dbt" / "dbt_project.yml").exists()
    assert model.read_text().endswith("# mine\n")
    commit_all(repo, "dbt on")
    run(
        [
            str(Path(sys.executable).parent / "copier"),
            "update",
            "--trust",
            "--defaults",
            "--data",
            "dbt=false",
        ],
        repo,
    )
    assert not (repo / "dbt").exists()
