from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_template_store(tmp_path_factory):
    """Keep the tests' template versions out of the user's ~/.local/share/mlscaffold."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MLSCAFFOLD_STORE", str(tmp_path_factory.mktemp("store")))
    yield
    mp.undo()
