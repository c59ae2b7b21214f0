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
        env=offline, capture_output=True, text=True,
    )  # fmt: skip
    assert "network disabled by the test" in probe.stderr
    out = tmp_path / "work"
    out.mkdir()
    cli = venv / "bin" / "mlscaffold"
    run([str(cli), "new", "demo", "--defaults", "-o", str(out)], out, env=offline)
    assert (out / "demo" / "src" / "demo" / "pipeline.py").exists()
    assert not (out / "demo" / "templates").exists()
