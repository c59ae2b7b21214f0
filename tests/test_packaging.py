"""The templates ship inside the wheel, and an installed wheel renders with no checkout."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from support import ROOT, clean_env, run, uv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)], ROOT)
    (built,) = out.glob("mlscaffold-*.whl")
    return built


def test_wheel_contains_every_template_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "templates"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert tracked, "templates/ is tracked by git"
    missing = [p for p in tracked if f"mlscaffold/{p}" not in names]
    assert missing == []
    assert "mlscaffold/templates/copier.yml" in names


@pytest.mark.e2e
def test_installed_wheel_renders_offline(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([uv(), "venv", "--quiet", str(venv)], tmp_path)
    # Offline: every dependency must come from uv's cache, as in a workshop with no network.
    env = clean_env(UV_OFFLINE="1", VIRTUAL_ENV=str(venv))
    run([uv(), "pip", "install", "--quiet", str(wheel)], tmp_path, env=env)
    cli = venv / "bin" / "mlscaffold"
    out = tmp_path / "work"
    out.mkdir()
    run([str(cli), "new", "demo", "--defaults", "--no-git", "-o", str(out)], out, env=env)
    assert (out / "demo" / "src" / "demo" / "pipeline.py").exists()
    assert not (out / "demo" / "templates").exists()
