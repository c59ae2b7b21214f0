"""The workshop kit for a real room: several platforms, the served index, verify, doctor --kit.

The e2e tests share one NARROW kit (Prefect without dbt, this platform plus macOS Intel, this
Python), built once through the CLI with a relative --out; the full kit is a benchmark
(benchmarks/kit_build.py). macOS Intel is the other platform because Prefect's locked
`cryptography` has no wheel for it: the kit must fall back to pyproject.toml's constraints.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
import typer
from packaging.version import Version
from typer.testing import CliRunner

from mlscaffold import (
    cli,
    doctor,
    kit_download,
    kit_index,
    kit_manifest,
    kit_platforms,
    kit_resolve,
    verify,
    workshop,
)
from mlscaffold.errors import CooldownError, InvalidAnswerError, KitError, ToolMissingError

runner = CliRunner()
OTHER = "macos-x86_64"  # the platform the narrow kit adds to this machine's (the fallback)
NOT_IN_KIT = "macos-arm64"


def _wheel_names(kit: Path) -> list[str]:
    return sorted(p.name for p in (kit / "wheels").glob("*.whl"))


# ---- fast tests: no network ----


def test_platform_and_python_flags_are_checked():
    assert kit_platforms.parse_platform("macOS-arm64").key == "macos-arm64"
    with pytest.raises(InvalidAnswerError, match="must be one of: manylinux-x86_64"):
        kit_platforms.parse_platform("solaris-sparc")
    with pytest.raises(InvalidAnswerError, match=r"3\.11, 3\.12, 3\.13"):
        kit_platforms.parse_python("3.10")
    result = runner.invoke(
        cli.app, ["workshop", "prepare", "--out", "kit", "--platform", "solaris"]
    )
    assert result.exit_code == 2
    assert result.stderr.count("Error:") == 1
    assert "--platform got 'solaris'" in result.stderr


def test_targets_accept_only_their_wheels():
    windows = kit_platforms.Target(kit_platforms.PLATFORMS["windows-amd64"], "3.12")
    linux = kit_platforms.Target(kit_platforms.PLATFORMS["manylinux-x86_64"], "3.12")
    mac_arm = kit_platforms.Target(kit_platforms.PLATFORMS["macos-arm64"], "3.12")
    assert windows.accepts("numpy-2.1.3-cp312-cp312-win_amd64.whl")
    assert not windows.accepts("numpy-2.1.3-cp311-cp311-win_amd64.whl")
    assert not linux.accepts("numpy-2.1.3-cp312-cp312-win_amd64.whl")
    assert linux.accepts("numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    assert not linux.accepts("x-1.0-cp312-cp312-manylinux_2_34_x86_64.whl")  # glibc too new
    assert linux.accepts("cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl")
    assert mac_arm.accepts("uv-0.5.0-py3-none-macosx_11_0_arm64.whl")
    assert not mac_arm.accepts("x-1.0-cp312-cp312-macosx_14_0_arm64.whl")  # macOS 12 must work
    for target in (windows, linux, mac_arm):
        assert target.accepts("typer-0.16.0-py3-none-any.whl")
    assert kit_platforms.this_platform("darwin", "arm64") == kit_platforms.PLATFORMS["macos-arm64"]
    assert kit_platforms.this_platform("win32", "AMD64") == kit_platforms.PLATFORMS["windows-amd64"]
    assert kit_platforms.this_platform("sunos5", "sparc") is None


def test_first_failing_line():
    output = "..F\nE   assert 1 == 2\nFAILED tests/test_x.py::test_y - assert 1 == 2\n1 failed\n"
    assert verify.first_failing_line(output) == "FAILED tests/test_x.py::test_y - assert 1 == 2"
    assert verify.first_failing_line("E   ImportError: no x\n") == "E   ImportError: no x"
    assert verify.first_failing_line("error: no wheels\n") == "error: no wheels"


@pytest.mark.parametrize(("at_once", "per_repo"), [(None, 1), (1, 4), (2, 2)])
def test_verify_shares_the_cores_between_the_repos_it_tests_at_once(
    tmp_path, monkeypatch, at_once, per_repo
):
    """Generated suites run `pytest -n auto`: each gets cores / (repositories at once) workers."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    fake_uv = bin_dir / "uv"
    fake_uv.write_text(f'#!/bin/sh\necho "$1 $PYTEST_XDIST_AUTO_NUM_WORKERS" >> {log}\nexit 0\n')
    fake_uv.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(verify, "max_workers", lambda: 4)  # a 4-core laptop
    out = tmp_path / "out"
    for name in ("team-a", "team-b", "team-c", "team-d"):
        (out / name).mkdir(parents=True)
        (out / name / "pyproject.toml").write_text("[project]\n")
        (out / name / ".copier-answers.yml").write_text("_commit: 0.2.0\n")
    repos = verify.run(out, workers=at_once)
    assert [r.status for r in repos] == ["green"] * 4
    tests = [line.split() for line in log.read_text().splitlines() if line.startswith("run ")]
    assert tests == [["run", str(per_repo)]] * 4


def test_the_fallback_says_where_it_leaves_the_lock():
    locked = [
        "cryptography==50.0.2",
        "numpy==2.1.3 ; python_version >= '3.12'",
        "numpy==2.0.2 ; python_version < '3.12'",
        "Typing_Extensions==4.12.2",
    ]
    pins = ["cryptography==48.0.1", "numpy==2.0.2", "typing-extensions==4.12.2", "cffi==1.17.1"]
    assert kit_resolve.changes(locked, pins) == ["cryptography 48.0.1 (locked 50.0.2)"]
    assert kit_resolve.changes(locked, ["numpy==2.1.3"]) == []


def _fake_kit(tmp_path: Path, targets: dict[str, dict[str, object]]) -> Path:
    kit = tmp_path / "kit"
    (kit / "wheels").mkdir(parents=True)
    (kit / "kit.json").write_text(json.dumps({"targets": targets}))
    return kit


def test_doctor_says_whether_the_kit_covers_this_laptop(tmp_path):
    here = kit_platforms.this_platform()
    assert here is not None, "this test runs on a platform the kit supports"
    python = kit_platforms.this_python()
    other = next(p for p in kit_platforms.PLATFORMS.values() if p != here)
    kit = _fake_kit(tmp_path, {kit_platforms.Target(other, python).key: {}})
    missing = doctor.kit_coverage(kit)
    assert not missing.passed
    assert f"--platform {here.key} --python {python}" in missing.fix
    (kit / "kit.json").write_text(json.dumps({"targets": {f"{here.key}-py{python}": {}}}))
    assert doctor.kit_coverage(kit).passed
    (kit / "wheels" / "demo-1.0-py3-none-any.whl").write_bytes(b"x")
    result = runner.invoke(cli.app, ["doctor", "--kit", str(kit)], env={"COLUMNS": "250"})
    assert "kit platform" in result.stdout
    assert "covers this laptop" in result.stdout


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, Path]]:
    kit = _fake_kit(tmp_path, {})
    (kit / "wheels" / "Demo_Pkg-1.0-py3-none-any.whl").write_bytes(b"wheel bytes")
    (kit / "secret.txt").write_text("not served")
    server = kit_index.make_server(kit, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", kit
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


def test_the_index_is_pep503_and_read_only(served):
    base, kit = served
    status, page = _get(f"{base}/simple/")
    assert status == 200
    assert b'href="/simple/demo-pkg/"' in page
    status, page = _get(f"{base}/simple/Demo.Pkg/")  # any spelling of the name
    digest = hashlib.sha256(b"wheel bytes").hexdigest()
    assert f"/wheels/Demo_Pkg-1.0-py3-none-any.whl#sha256={digest}".encode() in page
    assert _get(f"{base}/wheels/Demo_Pkg-1.0-py3-none-any.whl") == (200, b"wheel bytes")
    assert _get(f"{base}/simple/missing/")[0] == 404
    assert _get(f"{base}/wheels/..%2Fsecret.txt")[0] == 404
    assert _get(f"{base}/secret.txt")[0] == 404
    assert _get(f"{base}/wheels/Demo_Pkg-1.0-py3-none-any.whl", "DELETE")[0] == 405
    assert (kit / "wheels" / "Demo_Pkg-1.0-py3-none-any.whl").is_file()


def test_serve_and_verify_refuse_a_folder_that_is_not_a_kit(tmp_path):
    result = runner.invoke(cli.app, ["workshop", "serve", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1
    assert "holds no wheels" in result.stderr
    result = runner.invoke(cli.app, ["workshop", "verify", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("Error:")
    assert "holds no generated repositories" in result.stderr


# ---- e2e: one narrow kit, built through the CLI ----


@pytest.fixture(scope="module")
def narrow_kit(tmp_path_factory) -> Path:
    here = kit_platforms.this_platform()
    assert here is not None
    where = tmp_path_factory.mktemp("room")
    previous = Path.cwd()
    os.chdir(where)
    try:  # a relative --out: the kit must land in ./kit, not ./kit/kit
        result = runner.invoke(
            cli.app,
            [
                "workshop",
                "prepare",
                "--out",
                "kit",
                "--orchestrator",
                "prefect",
                "--no-dbt",
                "--platform",
                "this",
                "--platform",
                OTHER,
                "--python",
                kit_platforms.this_python(),
            ],
            env={"COLUMNS": "300"},
        )
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    kit = where / "kit"
    assert not (kit / "kit").exists()
    count = len(_wheel_names(kit))
    assert count > 50
    said = " ".join(result.stdout.split())
    assert f"{count} wheels for 2 platform x Python targets in {kit / 'wheels'}" in said
    fell_back = kit_manifest.fallbacks(kit)
    if fell_back:
        assert f"No wheel of a locked version for {len(fell_back)} targets" in said
    else:
        assert "No wheel of a locked version" not in said
    return kit


def _compile(kit: Path, inputs: list[str], target: str, python: str, cwd: Path):
    import subprocess

    from support import clean_env, uv

    return subprocess.run(
        [
            uv(),
            "pip",
            "compile",
            "--quiet",
            "--no-cache",
            "--only-binary",
            ":all:",
            "--python-platform",
            kit_platforms.PLATFORMS[target].uv,
            "--python-version",
            python,
            "--no-index",
            "--find-links",
            str(kit / "wheels"),
            *inputs,
        ],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.e2e
def test_every_target_in_the_kit_resolves_offline(narrow_kit, tmp_path):
    from support import render_repo

    repo = render_repo(tmp_path, "prefect", name="resolve-demo")
    tools = tmp_path / "tools.in"
    tools.write_text("mlscaffold-cli\nuv\nhatchling\neditables\n")
    targets = kit_manifest.kit_targets(narrow_kit)
    here = kit_platforms.this_platform()
    assert here is not None
    assert sorted(targets) == sorted(
        f"{p}-py{kit_platforms.this_python()}" for p in (here.key, OTHER)
    )
    for entry in targets.values():
        platform, python = str(entry["platform"]), str(entry["python"])
        for inputs in (["pyproject.toml", "--group", "dev"], [str(tools)]):
            proc = _compile(narrow_kit, inputs, platform, python, repo)
            assert proc.returncode == 0, f"{platform} {python} {inputs}: {proc.stderr[-3000:]}"
    # The check can fail: a platform the kit was not built for does not resolve.
    proc = _compile(
        narrow_kit,
        ["pyproject.toml", "--group", "dev"],
        NOT_IN_KIT,
        kit_platforms.this_python(),
        repo,
    )
    assert proc.returncode != 0
    assert "platform" in proc.stderr


@pytest.mark.e2e
def test_kit_holds_pure_wheels_once_and_every_platforms_tools(narrow_kit):
    names = _wheel_names(narrow_kit)
    targets = kit_manifest.kit_targets(narrow_kit)
    uses = [set(cast(list[str], entry["wheels"])) for entry in targets.values()]
    shared = set.intersection(*uses)
    assert any(n.endswith("-py3-none-any.whl") for n in shared)  # one file serves both
    assert all(n in names for n in set.union(*uses))
    assert any(n.startswith("mlscaffold_cli-") for n in shared)
    assert any(n.startswith("uv-") and "macosx" in n and "x86_64" in n for n in names)
    assert any(n.startswith("uv-") and "manylinux" in n for n in names)
    text = (narrow_kit / "INSTRUCTIONS.md").read_text()
    assert "```powershell" in text
    assert "uv pip install --offline" in text
    assert "mlscaffold-cli uv" in text
    assert kit_manifest.read_manifest(narrow_kit)["repositories"] == ["prefect"]
    cutoffs = {entry["uploaded_before"] for entry in targets.values()}
    assert len(cutoffs) == 1  # one cut-off for the whole kit, by default a week back
    (cutoff,) = cutoffs
    age = datetime.now(UTC) - datetime.fromisoformat(str(cutoff))
    assert timedelta(days=7) <= age < timedelta(days=7, hours=1)
    assert f"Versions: releases uploaded before {cutoff} (`--cooldown`)." in text


@pytest.mark.e2e
def test_a_repo_installs_through_the_served_index(narrow_kit, tmp_path):
    from support import clean_env, install_repo, render_repo, run, uv

    server = kit_index.make_server(narrow_kit, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    index = f"http://127.0.0.1:{server.server_address[1]}/simple"
    try:
        repo = render_repo(tmp_path, "prefect", name="served-demo")
        env = clean_env(UV_CACHE_DIR=str(tmp_path / "empty-cache"))
        for name in (
            "UV_INDEX_URL",
            "UV_EXTRA_INDEX_URL",
            "UV_INDEX",
            "UV_FIND_LINKS",
            "UV_DEFAULT_INDEX",
            "UV_OFFLINE",
        ):
            env.pop(name, None)
        install_repo(repo, env, "--no-cache", "--index-url", index)
        run([uv(), "run", "--no-sync", "python", "-c", "import prefect, pytest"], repo, env=env)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.e2e
def test_verify_reports_green_and_red_repos(narrow_kit, tmp_path):
    from support import render_repo

    out = tmp_path / "out"
    out.mkdir()
    render_repo(out, "prefect", name="team-green")
    red = render_repo(out, "prefect", name="team-red")
    (red / "tests" / "test_broken.py").write_text(
        "def test_broken():\n    assert 1 + 1 == 3, 'broken on purpose'\n"
    )
    result = runner.invoke(
        cli.app,
        ["workshop", "verify", str(out), "--kit", str(narrow_kit), "--workers", "2"],
        env={"COLUMNS": "300"},
    )
    rows = {
        line.split("│")[1].strip(): line
        for line in result.stdout.splitlines()
        if line.count("│") >= 4 and "team-" in line
    }
    assert "green" in rows["team-green"], result.stdout
    assert "red" in rows["team-red"]
    assert "FAILED tests/test_broken.py::test_broken" in rows["team-red"]
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == "Error: 1 of 2 repositories are red (see the table)."


@pytest.mark.e2e
def test_the_narrow_kit_falls_back_for_macos_intel(narrow_kit):
    """Prefect's locked cryptography (50.x in 2026-11) has no macOS Intel wheel; if this fails
    because it has one now, the fallback is no longer needed there: update the README."""
    here = kit_platforms.this_platform()
    assert here is not None
    targets = kit_manifest.kit_targets(narrow_kit)
    intel = f"{OTHER}-py{kit_platforms.this_python()}"
    assert kit_manifest.fallbacks(narrow_kit) == {intel: ["prefect"]}
    assert kit_manifest.FALLBACK not in targets[f"{here.key}-py{kit_platforms.this_python()}"]
    fallback, used = targets[intel][kit_manifest.FALLBACK], targets[intel]["wheels"]
    assert isinstance(fallback, dict)
    assert isinstance(used, list)
    crypto = next(c for c in fallback["prefect"] if c.startswith("cryptography "))
    version, locked = crypto.split()[1], crypto.split("(locked ")[1].rstrip(")")
    assert any(w.startswith(f"cryptography-{version}-") and "macosx" in w for w in used)
    assert not any(w.startswith(f"cryptography-{locked}-") for w in used)
    text = (narrow_kit / "INSTRUCTIONS.md").read_text()
    assert f"- `{intel}`, prefect: " in text
    assert f"cryptography {version} (locked {locked})" in text


def _demo_export(tmp_path: Path, numpy: str) -> kit_resolve.Export:
    repo = tmp_path / "demo"
    repo.mkdir(parents=True)
    repo.joinpath("pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["numpy{numpy}"]\n[dependency-groups]\ndev = ["iniconfig>=2"]\n'
    )
    return kit_resolve.Export("demo", repo, ("numpy==1.26.4", "iniconfig==2.0.0"))


def test_a_pylock_gives_the_pins_and_the_wheel_files_they_come_from(tmp_path):
    found = kit_resolve.read_pylock(
        'lock-version = "1.0"\n'
        '[[packages]]\nname = "regex"\nversion = "2026.12.2"\nwheels = [\n'
        '  { url = "https://files.example/regex-2026.12.2-cp312-cp312-macosx_11_0_arm64.whl",'
        ' hashes = { sha256 = "7bde" } },\n'
        '  { url = "https://files.example/regex-2026.12.2-cp312-cp312-macosx_10_13_universal2.whl",'
        ' hashes = { sha256 = "3aa5" } },\n]\n'
        '[[packages]]\nname = "local"\nversion = "1"\n'
        'wheels = [{ path = "w/local-1-py3-none-any.whl" }]\n',
        tmp_path,
    )
    assert found.pins == ("regex==2026.12.2", "local==1")
    assert found.links == (
        "https://files.example/regex-2026.12.2-cp312-cp312-macosx_11_0_arm64.whl#sha256=7bde",
        "https://files.example/regex-2026.12.2-cp312-cp312-macosx_10_13_universal2.whl#sha256=3aa5",
        (tmp_path / "w/local-1-py3-none-any.whl").as_uri(),
    )
    with pytest.raises(KitError, match="does not parse"):
        kit_resolve.read_pylock("[[packages]\n", tmp_path)


def test_the_cooldown_leaves_out_the_last_days_releases():
    now = datetime(2026, 12, 4, 20, 33, 8, tzinfo=UTC)
    assert workshop.cutoff_for(7, now) == "2026-11-27T20:33:08Z"
    assert workshop.cutoff_for(0, now) is None
    command = typer.main.get_command(cli.app)
    prepare = command.commands["workshop"].commands["prepare"]  # type: ignore[attr-defined]
    flag = next(p for p in prepare.params if p.name == "cooldown")
    assert flag.default == workshop.COOLDOWN_DAYS
    entry = {"platform": "macos-arm64", "python": "3.12"}
    week = kit_manifest.instructions(["prefect"], {"a": {**entry, "uploaded_before": "X"}}, "w")
    assert "Versions: releases uploaded before X (`--cooldown`)." in week
    newest = kit_manifest.instructions(["prefect"], {"a": {**entry, "uploaded_before": None}}, "w")
    assert "Versions: the newest releases when the kit was prepared (no cool-down)." in newest
    refilled = kit_manifest.instructions(  # a kit made before --cooldown, refilled with it
        ["prefect"], {"a": {**entry, "uploaded_before": "X"}, "b": entry}, "w"
    )
    assert "releases uploaded before X (some targets: the newest releases)" in refilled


def test_a_uv_too_old_for_the_kit_is_named_with_the_fix():
    kit_resolve.check_uv_version("uv 0.13.9 (x86_64-unknown-linux-gnu)", "/usr/bin/uv")
    kit_resolve.check_uv_version("uv 0.7.0", "/usr/bin/uv")
    kit_resolve.check_uv_version("something else", "/usr/bin/uv")  # its commands will say
    with pytest.raises(ToolMissingError, match=r"/usr/bin/uv is uv 0\.6\.14; .* uv 0\.7") as e:
        kit_resolve.check_uv_version("uv 0.6.14", "/usr/bin/uv")
    assert "uv self update" in e.value.hint


@pytest.mark.e2e
def test_a_cutoff_resolves_the_versions_released_before_it(tmp_path):
    uv = kit_resolve.find_uv()
    target = kit_platforms.Target(kit_platforms.PLATFORMS["manylinux-x86_64"], "3.12")
    before = kit_resolve.compile_pins(uv, ["iniconfig"], target, tmp_path, "2024-01-01T00:00:00Z")
    assert before.pins == ("iniconfig==2.0.0",)  # 2.1.0 came out in 2025
    (newest,) = kit_resolve.compile_pins(uv, ["iniconfig"], target, tmp_path).pins
    assert Version(newest.split("==")[1]) > Version("2.0.0")
    with pytest.raises(CooldownError, match="exclude-newer") as caught:  # not "the network"
        kit_resolve.compile_pins(uv, ["iniconfig>=2.1"], target, tmp_path, "2024-01-01T00:00:00Z")
    assert "shorter --cooldown" in caught.value.hint


@pytest.mark.e2e
def test_the_download_takes_the_files_uv_resolved_not_a_second_look_at_an_index(
    tmp_path, monkeypatch
):
    """CI saw uv resolve regex 2026.12.2 while pip's view of the index had no such version.

    Here pip's index is an empty one: the download must still fetch exactly the wheel uv chose.
    """
    uv = kit_resolve.find_uv()
    here = kit_platforms.this_platform()
    assert here is not None
    target = kit_platforms.Target(here, kit_platforms.this_python())
    resolved = kit_resolve.compile_pins(uv, ["iniconfig==2.0.0"], target, tmp_path)
    assert resolved.pins == ("iniconfig==2.0.0",)
    (tmp_path / "empty" / "simple").mkdir(parents=True)
    monkeypatch.setenv("PIP_INDEX_URL", (tmp_path / "empty" / "simple").as_uri())
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    pins = list(resolved.pins)
    with pytest.raises(KitError, match="iniconfig"):  # the second look, as pip had it
        kit_download.pip_download(uv, tmp_path / "asked", pins, [], tmp_path)
    kit_download.pip_download(uv, tmp_path / "got", pins, [], tmp_path, resolved.links)
    (wheel,) = (tmp_path / "got").glob("*.whl")
    assert wheel.name == "iniconfig-2.0.0-py3-none-any.whl"
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert f"{wheel.name}#sha256={digest}" in "".join(resolved.links)


@pytest.mark.e2e
def test_a_target_the_locked_versions_have_no_wheels_for_falls_back(tmp_path):
    uv = kit_resolve.find_uv()
    target = kit_platforms.Target(kit_platforms.PLATFORMS["windows-amd64"], "3.13")
    with pytest.raises(KitError, match=r"No kit for windows-amd64-py3\.13: .*numpy"):
        kit_resolve.compile_pins(uv, ["numpy==1.26.4"], target, tmp_path)  # no cp313 wheels
    found = kit_resolve.pins_for(uv, _demo_export(tmp_path, ">=1.26"), target, tmp_path)
    assert found.fallback
    numpy = next(p for p in found.pins if p.startswith("numpy=="))
    assert Version(numpy.split("==")[1]) >= Version("2.1")  # the first numpy with cp313 wheels
    assert f"numpy {numpy.split('==')[1]} (locked 1.26.4)" in found.changed
    assert {p.split("==")[0] for p in found.pins} >= {"iniconfig", "hatchling", "editables"}
    linux = kit_platforms.Target(kit_platforms.PLATFORMS["manylinux-x86_64"], "3.12")
    assert not kit_resolve.pins_for(
        uv, _demo_export(tmp_path / "b", ">=1.26"), linux, tmp_path
    ).fallback


@pytest.mark.e2e
def test_a_target_nothing_has_wheels_for_is_named(tmp_path):
    target = kit_platforms.Target(kit_platforms.PLATFORMS["windows-amd64"], "3.13")
    refused = r"No kit for windows-amd64-py3\.13: demo: neither"
    with pytest.raises(KitError, match=refused) as caught:
        kit_resolve.pins_for(
            kit_resolve.find_uv(), _demo_export(tmp_path, "==1.26.4"), target, tmp_path
        )
    assert "--platform" in caught.value.hint


@pytest.mark.e2e
def test_batch_verify_tests_the_new_repos(narrow_kit, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,dbt,orchestrator\nteam-green,false,prefect\nbad/row,false,prefect\n")
    out = tmp_path / "out"
    result = runner.invoke(
        cli.app,
        ["batch", str(roster), "--out", str(out), "--no-git", "--verify", "--kit", str(narrow_kit)],
        env={"COLUMNS": "300"},
    )
    rows = [line for line in result.stdout.splitlines() if "team-green" in line]
    assert len(rows) == 2, result.stdout  # the batch table's row, then the verify table's
    assert "created" in rows[0]
    assert "green" in rows[1], result.stdout
    assert (out / "team-green" / ".venv").is_dir()
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == "Error: 1 of 2 rows failed (see the tables)."
