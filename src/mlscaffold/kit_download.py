"""The wheels a kit target's pins name, fetched: exactly the files uv's resolution chose.

`pip download --only-binary=:all: --no-deps --no-index --find-links PAGE`, where PAGE lists the
wheel files (URL and sha256) of uv's pylock.toml (kit_resolve.py): pip picks the best file for
the target's tags among those, and never asks an index again for the same pins. Also
mlscaffold's own wheel, built from a source checkout or downloaded.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from mlscaffold import DISTRIBUTION, __version__
from mlscaffold.errors import KitError
from mlscaffold.kit_index import html_page
from mlscaffold.kit_resolve import run


def source_checkout() -> Path | None:
    """The mlscaffold source tree this module runs from, if it is one (not an installed wheel)."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and f'name = "{DISTRIBUTION}"' in pyproject.read_text():
        return root
    return None


def own_wheel(uv: str, dest: Path) -> Path:
    """mlscaffold's wheel: built from the source checkout, else this version from PyPI."""
    dest.mkdir(parents=True, exist_ok=True)
    root = source_checkout()
    if root is not None:
        run([uv, "build", "--wheel", "--quiet", "--out-dir", str(dest), str(root)], root)
    else:
        pip_download(uv, dest, [f"{DISTRIBUTION}=={__version__}"], [], dest)
    found = sorted(dest.glob(f"{DISTRIBUTION.replace('-', '_')}-{__version__}-*.whl"))
    if not found:
        raise KitError(
            f"mlscaffold's own wheel ({DISTRIBUTION} {__version__}) was not found.",
            "Run from a source checkout, or check the network.",
        )
    return found[-1]


def pip_download(
    uv: str, dest: Path, pins: list[str], pip_args: list[str], cwd: Path, links: Sequence[str] = ()
) -> None:
    """pip download of `pins`, wheels only; with `links`, only from those files (no index)."""
    listing = dest.parent / f"{dest.name}.requirements.txt"
    listing.write_text("\n".join(pins) + "\n")
    source: list[str] = []
    if links:  # pip picks the best wheel for the target among the files uv resolved from
        page = dest.parent / f"{dest.name}.links.html"
        anchors = (f'<a href="{html.escape(link)}">{html.escape(link)}</a><br/>' for link in links)
        page.write_text(html_page("the wheels uv resolved", "\n".join(anchors)))
        source = ["--no-index", "--find-links", str(page)]
    run(
        [
            uv,
            "tool",
            "run",
            "--from",
            "pip",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            "--no-deps",
            *source,
            "--dest",
            str(dest),
            *pip_args,
            "-r",
            str(listing),
        ],
        cwd,
    )


def layers(pins: set[str]) -> list[list[str]]:
    """Pins split so no file names one project twice (pip refuses x==1 with x==2)."""
    found: list[dict[str, str]] = []
    for pin in sorted(pins):
        name = canonicalize_name(pin.split("==")[0])
        for layer in found:
            if name not in layer:
                layer[name] = pin
                break
        else:
            found.append({name: pin})
    return [sorted(layer.values()) for layer in found]
