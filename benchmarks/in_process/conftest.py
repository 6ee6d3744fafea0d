"""In-process benchmarks: Home Assistant in the test process, with the integration tests' fixtures.

They need the test plugin (pytest-homeassistant-custom-component) and run on the plugin leg
(``.venvs/plugin``, the newest Home Assistant it pins); ``bash scripts/bench`` runs them there.
``test_household_sync.py`` also starts simulators as processes of their own with
``scripts/hass_harness.py``, made importable here as in ``tests/e2e``.

The event loop runs as Home Assistant runs its own, not in asyncio's debug mode, which the test
plugin turns on for every test: debug mode records a stack for every callback and task, which
costs a push about 4 ms here and would make the numbers about the test harness.
"""

import asyncio
import logging
from pathlib import Path
import sys

import pytest

from tests.integration.conftest import *  # noqa: F403

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

# One log line per request or script run would bury the numbers the benchmarks print.
logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
logging.getLogger("homeassistant.components.script").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Replaces the test plugin's fixture of this name: the loop's debug mode stays off."""
    asyncio.get_running_loop().set_debug(False)
