"""mlscaffold: answer a few questions about your ML team, get a ready-to-run pipeline repository.

The command and the import package are `mlscaffold`; the distribution on PyPI is
`mlscaffold-cli`, because the PyPI name `mlscaffold` belongs to an unrelated project.
Install instructions shown to users must name DISTRIBUTION, never bare `mlscaffold`.
"""

# The one version source: hatchling reads it from here for the wheel and sdist metadata
# (pyproject.toml: dynamic = ["version"]), and a literal costs nothing at `--version` time.
__version__ = "0.2.0"

DISTRIBUTION = "mlscaffold-cli"
"""The PyPI distribution that provides the `mlscaffold` command."""

INSTALL = f"uv tool install {DISTRIBUTION}"
"""Install the command for good (`pipx install mlscaffold-cli` works too)."""

UPGRADE = f"uv tool upgrade {DISTRIBUTION}"
"""Upgrade an installed command."""

REINSTALL = f"uv tool install --reinstall {DISTRIBUTION}"
"""Repair an installation (missing template files)."""

PIP_INSTALL = f"pip install {DISTRIBUTION}"
PIP_UPGRADE = f"pip install -U {DISTRIBUTION}"
PIP_REINSTALL = f"pip install --force-reinstall {DISTRIBUTION}"

RUN = f"uvx --from {DISTRIBUTION} mlscaffold"
"""Run the command once without installing it, e.g. RUN + " update"."""
