"""`mlscaffold workshop prepare`: an offline kit of every wheel the generated repositories need.

For each orchestrator (and dbt on/off) a repository is rendered into a temporary folder and
locked with uv; the locked requirements (all dependency groups) plus the build backend are
downloaded as wheels into KIT/wheels. Participants then install with no network:

    uv venv && uv pip install --offline --no-index --find-links KIT/wheels -e . --group dev
    uv run --no-sync pytest

(`uv sync --offline` is not enough: it locks for every platform and Python version, and the kit
holds wheels for one.)

The wheels are for this machine's platform and Python version: prepare the kit on the same
kind of machine the participants use.
"""

from __future__ import annotations

import itertools
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from mlscaffold import faults, shell
from mlscaffold.decide import recommend
from mlscaffold.errors import KitError, TargetError, ToolMissingError
from mlscaffold.models import Orchestrator
from mlscaffold.naming import normalise
from mlscaffold.questions import resolve
from mlscaffold.render import STAGING_TAG, Plan, render
from mlscaffold.shell import INSTALL_HINTS

BUILD_BACKEND = ("hatchling", "editables")  # editables: for the editable install of the project
INSTRUCTIONS = """# Offline workshop kit

Made by `mlscaffold workshop prepare` for Python {python} on {platform}.
Wheels for: {combos}.

On each laptop (no network needed):

```bash
mlscaffold doctor --kit {kit}
mlscaffold new my-pipeline --defaults
cd my-pipeline
uv venv
uv pip install --offline --no-index --find-links {kit}/wheels -e . --group dev
uv run --no-sync pytest            # --no-sync: `uv run` would otherwise try to lock online
```

`uv sync` would lock for every platform and Python version and needs the network; the kit holds
wheels for this platform only, so install with `uv pip install` as above.
"""


MARKER = ".mlscaffold-kit"  # says: this folder is a kit mlscaffold made; it may be refilled


def _run(cmd: list[str], cwd: Path) -> str:
    return shell.run(cmd, cwd, KitError, "Preparing a kit needs the network (PyPI); retry.")


def _uv() -> str:
    found = shutil.which("uv")
    if found is None:
        raise ToolMissingError("uv is not installed or not on PATH.", INSTALL_HINTS["uv"])
    return found


def check_kit_folder(kit: Path) -> None:
    """A new folder, an empty one, or a kit made before; never someone else's files."""
    if kit.is_symlink() or (kit.exists() and not kit.is_dir()):
        raise TargetError(f"--out {kit} is not a folder.", "Choose a new folder for the kit.")
    if kit.is_dir() and any(kit.iterdir()) and not (kit / MARKER).is_file():
        raise TargetError(
            f"--out {kit} is not empty and is not a kit made by mlscaffold.",
            "Choose a new or empty folder; nothing in it was changed.",
        )


def prepare(
    kit: Path,
    orchestrators: Sequence[Orchestrator] = tuple(Orchestrator),
    dbt_options: Sequence[bool] = (False, True),
    progress: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Fill KIT/wheels; return the wheel files.

    A new kit is built in a staging folder beside KIT and moved into place when complete; a
    kit made before is refilled in place (wheels are only ever added).
    """
    kit = kit.resolve()
    check_kit_folder(kit)
    uv = _uv()
    if (kit / MARKER).is_file():
        return _fill(kit, uv, orchestrators, dbt_options, progress)
    kit.parent.mkdir(parents=True, exist_ok=True)
    with faults.staging(kit.parent, f".{kit.name}.{STAGING_TAG}") as staging:
        built = staging / kit.name
        built.mkdir()
        (built / MARKER).write_text("Made by mlscaffold workshop prepare.\n")
        _fill(built, uv, orchestrators, dbt_options, progress)
        with faults.signals_deferred():
            check_kit_folder(kit)
            if kit.exists():
                kit.rmdir()  # empty, checked above
            built.rename(kit)
            faults.set_outcome(f"the kit was created at {kit}")
    return sorted((kit / "wheels").glob("*.whl"))


def _fill(
    kit: Path,
    uv: str,
    orchestrators: Sequence[Orchestrator],
    dbt_options: Sequence[bool],
    progress: Callable[[str], None],
) -> list[Path]:
    wheels = kit / "wheels"
    wheels.mkdir(exist_ok=True)
    requirements: set[str] = set(BUILD_BACKEND)
    combos = list(itertools.product(orchestrators, dbt_options))
    with faults.staging(Path(tempfile.gettempdir()), "mlscaffold-kit-") as tmp:
        for orchestrator, dbt in combos:
            progress(f"locking {orchestrator.value}{' + dbt' if dbt else ''}")
            name = f"kit-{orchestrator.value}{'-dbt' if dbt else ''}"
            answers = resolve({"dbt": dbt})
            plan = Plan(normalise(name), Path(tmp) / name, answers, recommend(answers),
                        orchestrator, git=False)  # fmt: skip
            repo = render(plan).path
            _run([uv, "lock", "--quiet"], repo)
            exported = _run(
                [uv, "export", "--quiet", "--format", "requirements-txt", "--no-hashes",
                 "--all-groups", "--no-emit-project", "--no-header", "--no-annotate"],
                repo,
            )  # fmt: skip
            requirements |= {
                line.strip()
                for line in exported.splitlines()
                if line.strip() and not line.startswith(("#", "-e", "."))
            }
        listing = Path(tmp) / "requirements.txt"
        listing.write_text("\n".join(sorted(requirements)) + "\n")
        progress(f"downloading {len(requirements)} packages")
        _run(
            [uv, "tool", "run", "--from", "pip", "pip", "download", "--quiet",
             "--only-binary=:all:", "--dest", str(wheels), "--python-version",
             f"{sys.version_info.major}.{sys.version_info.minor}", "-r", str(listing)],
            kit,
        )  # fmt: skip
    instructions = kit / "INSTRUCTIONS.md.partial"
    instructions.write_text(
        INSTRUCTIONS.format(
            python=f"{sys.version_info.major}.{sys.version_info.minor}",
            platform=sys.platform,
            combos=", ".join(f"{o.value}{' + dbt' if d else ''}" for o, d in combos),
            kit=kit,
        )
    )
    instructions.replace(kit / "INSTRUCTIONS.md")  # ours: the folder carries the kit marker
    return sorted(wheels.glob("*.whl"))
