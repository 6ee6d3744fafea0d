"""End-to-end tests: a real ``hass`` and the simulator as processes (``scripts/hass_harness.py``).

They run on the release leg (``.venvs/release``: the newest Home Assistant, without the test
plugin). Every stack is checked at the end for Home Assistant's reports of deprecated calls by
this integration: a "Detected that custom integration 'facecapture' ..." line fails the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from pathlib import Path
import sys
from typing import Any

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from harness_stack import FaceCaptureStack  # noqa: E402


@pytest.fixture(autouse=True)
def real_network(request: pytest.FixtureRequest) -> None:
    """Sockets to 127.0.0.1: the release leg has no socket guard; the test plugin's is lifted."""
    with contextlib.suppress(pytest.FixtureLookupError):
        request.getfixturevalue("socket_enabled")


@pytest.fixture
def stack_options() -> dict[str, Any]:
    """``FaceCaptureStack`` settings for a module's stack; modules override this fixture."""
    return {}


@pytest.fixture
async def stack(tmp_path: Path, stack_options: dict[str, Any]) -> AsyncIterator[FaceCaptureStack]:
    """Home Assistant and the simulator on free ports, the terminal added; both stopped after.

    After both stopped (shutdown included), Home Assistant's log holds no report of a deprecated
    call by the integration, and no traceback at all.
    """
    async with FaceCaptureStack(
        tmp_path / "config", startup_timeout=60, **stack_options
    ) as started:
        yield started
    reports = started.deprecation_reports()
    assert not reports, "Home Assistant reported deprecated calls:\n" + "\n".join(reports)
    assert started.tracebacks() == 0, started.logs(200)
