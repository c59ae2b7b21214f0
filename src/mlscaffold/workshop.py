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

from mlscaffold import shell
from mlscaffold.decide import recommend
from mlscaffold.errors import MlscaffoldError
from mlscaffold.models import Orchestrator
from mlscaffold.naming import normalise
from mlscaffold.questions import resolve
from mlscaffold.render import Plan, render

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


class KitError(MlscaffoldError):
    """The offline kit could not be built."""


def _run(cmd: list[str], cwd: Path) -> str:
    return shell.run(cmd, cwd, KitError, "Preparing a kit needs the network (PyPI); retry.")


def _uv() -> str:
    found = shutil.which("uv")
    if found is None:
        raise KitError("uv is not installed.", "pip install uv")
    return found


def prepare(
    kit: Path,
    orchestrators: Sequence[Orchestrator] = tuple(Orchestrator),
    dbt_options: Sequence[bool] = (False, True),
    progress: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Fill KIT/wheels; return the wheel files."""
    wheels = kit / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    uv = _uv()
    requirements: set[str] = set(BUILD_BACKEND)
    combos = list(itertools.product(orchestrators, dbt_options))
    with tempfile.TemporaryDirectory(prefix="mlscaffold-kit-") as tmp:
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
    (kit / "INSTRUCTIONS.md").write_text(
        INSTRUCTIONS.format(
            python=f"{sys.version_info.major}.{sys.version_info.minor}",
            platform=sys.platform,
            combos=", ".join(f"{o.value}{' + dbt' if d else ''}" for o, d in combos),
            kit=kit,
        )
    )
    return sorted(wheels.glob("*.whl"))
