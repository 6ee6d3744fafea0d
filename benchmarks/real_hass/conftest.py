"""Benchmarks against a real ``hass`` process (``scripts/hass_harness.py``), as ``tests/e2e``.

They run on the release leg (``.venvs/release``: the newest Home Assistant release, without the
test plugin); ``bash scripts/bench`` runs them there. Only ``scripts/`` is put on ``sys.path``:
nothing here imports the integration tests' fixtures.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
import sys

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


@pytest.fixture(autouse=True)
def real_network(request: pytest.FixtureRequest) -> None:
    """Sockets to 127.0.0.1: the release leg has no socket guard; the test plugin's is lifted."""
    with contextlib.suppress(pytest.FixtureLookupError):
        request.getfixturevalue("socket_enabled")
