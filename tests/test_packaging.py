"""Packaging: the distribution's name and metadata, what the wheel carries, every install
instruction, the release and CI workflows and the pre-commit hooks.

The PyPI name `mlscaffold` belongs to an unrelated project, so the distribution is
`mlscaffold.DISTRIBUTION` (mlscaffold-cli) while the command and the import package stay
`mlscaffold`. The release workflow runs the non-e2e tests of this file against the wheel it
built (MLSCAFFOLD_WHEEL_DIR) instead of building one here.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest
import yaml

import mlscaffold
from mlscaffold import DISTRIBUTION, __version__
from mlscaffold.store import BUNDLE
from support import BIN, ROOT, clean_env, render_repo, run, uv

WHEEL_PREFIX = DISTRIBUTION.replace("-", "_")  # wheel file names normalise - to _
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
WORKFLOWS = ROOT / ".github" / "workflows"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("MLSCAFFOLD_WHEEL_DIR")
    if prebuilt:
        out = Path(prebuilt).resolve()
    else:
        out = tmp_path_factory.mktemp("dist")
        run([uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)], ROOT)
    (built,) = out.glob(f"{WHEEL_PREFIX}-*.whl")
    return built


def _dist_info(wheel: Path, name: str) -> str:
    return zipfile.ZipFile(wheel).read(f"{WHEEL_PREFIX}-{__version__}.dist-info/{name}").decode()


def _tracked(*paths: str) -> list[str]:
    return subprocess.run(
        ["git", "ls-files", *paths], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_wheel_contains_every_template_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = _tracked("templates")
    assert tracked, "templates/ is tracked by git"
    missing = [p for p in tracked if f"mlscaffold/{p}" not in names]
    assert missing == []
    assert "mlscaffold/templates/copier.yml" in names


def test_wheel_contains_every_module_and_the_template_history_bundle(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = [p.removeprefix("src/") for p in _tracked("src/mlscaffold")]
    assert "mlscaffold/cli.py" in modules
    assert [m for m in modules if m not in names] == []
    # The bundle exists once scripts/archive_template_version.py has run (the release does it
    # before building): then the wheel must ship it, or old repositories cannot be updated.
    bundle = f"mlscaffold/{BUNDLE.name}"
    if BUNDLE.is_file() or os.environ.get("MLSCAFFOLD_WHEEL_DIR"):
        assert bundle in names


def test_wheel_metadata_names_the_new_distribution_and_the_mlscaffold_command(wheel):
    metadata = HeaderParser().parsestr(_dist_info(wheel, "METADATA"))
    assert metadata["Name"] == DISTRIBUTION == PYPROJECT["project"]["name"]
    assert metadata["Name"] != "mlscaffold", "the PyPI name mlscaffold belongs to another project"
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    licence = _dist_info(wheel, "licenses/LICENSE")
    assert "Apache License" in licence
    assert "Version 2.0, January 2004" in licence
    entry_points = configparser.ConfigParser()
    entry_points.read_string(_dist_info(wheel, "entry_points.txt"))
    # The command keeps its name; its target is whatever pyproject declares.
    assert dict(entry_points["console_scripts"]) == PYPROJECT["project"]["scripts"]
    assert list(entry_points["console_scripts"]) == ["mlscaffold"]


def test_one_version_source():
    """The version is written once, in __init__.py; hatchling reads it for the metadata."""
    project = PYPROJECT["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    source = ROOT / PYPROJECT["tool"]["hatch"]["version"]["path"]
    assert source == Path(mlscaffold.__file__)
    assert len(re.findall(r"^__version__ = ", source.read_text(), flags=re.MULTILINE)) == 1


# --- install instructions -------------------------------------------------------------------

# Install or run commands that would fetch the unrelated `mlscaffold` distribution from PyPI.
WRONG_INSTALL = re.compile(
    r"(?:pip|pipx|uv pip|uv tool) install(?: -U| --upgrade| --force-reinstall| --reinstall)*"
    r" mlscaffold(?![-\w])"
    r"|uvx mlscaffold(?![-\w])"
    r"|--from mlscaffold(?![-\w])"
    r"|pypi\.org/project/mlscaffold(?![-\w])"
)
UPDATE = f"uvx --from {DISTRIBUTION} mlscaffold update"


@pytest.mark.parametrize(
    "text",
    [
        "pip install mlscaffold",
        "pip install -U mlscaffold.",
        "`uvx mlscaffold update`",
        "uv tool install mlscaffold",
        "uvx --from mlscaffold mlscaffold check",
        "[mlscaffold](https://pypi.org/project/mlscaffold/)",
    ],
)
def test_wrong_install_pattern_catches_the_taken_name(text):
    assert WRONG_INSTALL.search(text)
    assert not WRONG_INSTALL.search(text.replace("mlscaffold", DISTRIBUTION))


def test_root_readme_installs_the_new_distribution():
    readme = (ROOT / "README.md").read_text()
    assert f"uv tool install {DISTRIBUTION}\n" in readme
    assert f"uvx --from {DISTRIBUTION} mlscaffold check" in readme  # the suggested CI step
    assert WRONG_INSTALL.findall(readme) == []


@pytest.mark.parametrize("orchestrator", ["airflow", "prefect", "dagster"])
def test_generated_readme_names_the_new_distribution(tmp_path, orchestrator):
    repo = render_repo(tmp_path, orchestrator)
    readme = (repo / "README.md").read_text()
    assert UPDATE in readme
    assert f"uvx --from {DISTRIBUTION} mlscaffold check" in readme
    assert f"https://pypi.org/project/{DISTRIBUTION}/" in readme
    assert WRONG_INSTALL.findall(readme) == []


def test_no_template_or_doc_tells_users_to_install_the_taken_name():
    paths = [*_tracked("templates"), "README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
    wrong = {
        path: found
        for path in paths
        if (found := WRONG_INSTALL.findall((ROOT / path).read_text(errors="replace")))
    }
    assert wrong == {}


# --- release and CI workflows ---------------------------------------------------------------


def _workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def test_workflows_pass_the_schema_and_zizmor_offline():
    files = [str(p) for p in sorted(WORKFLOWS.glob("*.yml"))]
    assert [Path(f).name for f in files] == ["ci.yml", "release.yml"]
    run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files], ROOT
    )
    dependabot = str(ROOT / ".github" / "dependabot.yml")
    run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.dependabot", dependabot], ROOT)
    # Exit 0 means zero findings at every severity; the pedantic persona adds the nits.
    audit = [str(BIN / "zizmor"), "--offline", "--persona", "pedantic", *files, dependabot]
    result = run(audit, ROOT)
    assert "No findings to report" in result.stdout + result.stderr


def test_workflows_pin_actions_by_commit_and_hold_no_credentials():
    for name in ("ci.yml", "release.yml"):
        workflow = _workflow(name)
        assert workflow["permissions"] == {}
        for job_name, job in workflow["jobs"].items():
            assert job["timeout-minutes"] <= 90, (name, job_name)
            for step in job["steps"]:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False


def test_ci_runs_exactly_scripts_check():
    (job,) = _workflow("ci.yml")["jobs"].values()
    assert [s["run"] for s in job["steps"] if "run" in s] == ["bash scripts/check"]
    assert "bash scripts/check" in (ROOT / ".ci" / "run").read_text()


def test_release_publishes_with_trusted_publishing_only_from_its_job():
    jobs = _workflow("release.yml")["jobs"]
    with_token = [name for name, job in jobs.items() if "id-token" in job["permissions"]]
    assert with_token == ["publish"]
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["environment"]["url"] == f"https://pypi.org/project/{DISTRIBUTION}/"
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in publish["steps"][-1], "no password: trusted publishing"
    build = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert "scripts/archive_template_version.py" in build
    assert "uv build" in build
    assert "tests/test_packaging.py" in build


def test_release_notes_are_the_changelog_section_of_the_version(tmp_path):
    """Run the release workflow's own notes script on CHANGELOG.md for the current version."""
    (step,) = [
        s
        for s in _workflow("release.yml")["jobs"]["github-release"]["steps"]
        if s.get("name") == "Release notes from CHANGELOG.md"
    ]
    shutil.copy(ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    env = clean_env(GITHUB_REF_NAME=f"v{__version__}")
    run(["bash", "-euo", "pipefail", "-c", step["run"]], tmp_path, env=env)
    notes = (tmp_path / "notes.md").read_text()
    assert "### Template changes" in notes
    assert "## [" not in notes, "only the version's own section"
    missing = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=clean_env(GITHUB_REF_NAME="v99.0.0"),
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert "no section ## [99.0.0]" in missing.stdout


# --- pre-commit -----------------------------------------------------------------------------


def _locked_version(package: str) -> str:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (version,) = [p["version"] for p in lock["package"] if p["name"] == package]
    return str(version)


def test_pre_commit_hooks_are_pinned_and_match_the_locked_tools():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: repo for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "check-yaml", "check-toml", "zizmor"} <= set(hooks)
    for repo in config["repos"]:
        if repo["repo"] != "local":
            assert re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"]), repo
    # The hooks run the same tool versions as `uv run` and CI.
    assert hooks["ruff-check"]["rev"] == f"v{_locked_version('ruff')}"
    assert hooks["zizmor"]["rev"] == f"v{_locked_version('zizmor')}"
    assert "uv run" in hooks["mypy"]["hooks"][0]["entry"]


# --- the installed wheel --------------------------------------------------------------------

NO_NETWORK = """
import socket

def _refuse(*args, **kwargs):
    raise OSError("network disabled by the test")

socket.socket.connect = _refuse
socket.create_connection = _refuse
"""


@pytest.mark.e2e
def test_installed_wheel_renders_with_no_network(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([uv(), "venv", "--quiet", str(venv)], tmp_path)
    env = clean_env(VIRTUAL_ENV=str(venv))
    run([uv(), "pip", "install", "--quiet", str(wheel)], tmp_path, env=env)
    # From here on any socket connection fails: generation must not touch the network.
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NO_NETWORK)
    offline = clean_env(VIRTUAL_ENV=str(venv), PYTHONPATH=str(guard))
    python = venv / "bin" / "python"
    probe = subprocess.run(
        [str(python), "-c", "import socket; socket.create_connection(('pypi.org', 443))"],
        env=offline,
        capture_output=True,
        text=True,
    )
    assert "network disabled by the test" in probe.stderr
    # The distribution mlscaffold-cli installs the `mlscaffold` command.
    installed = run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({DISTRIBUTION!r}))"],
        tmp_path,
        env=offline,
    )
    assert installed.stdout.strip() == __version__
    cli = venv / "bin" / "mlscaffold"
    assert run([str(cli), "--version"], tmp_path, env=offline).stdout.strip() == (
        f"mlscaffold {__version__}"
    )
    out = tmp_path / "work"
    out.mkdir()
    run([str(cli), "new", "demo", "--defaults", "-o", str(out)], out, env=offline)
    assert (out / "demo" / "src" / "demo" / "pipeline.py").exists()
    assert not (out / "demo" / "templates").exists()
