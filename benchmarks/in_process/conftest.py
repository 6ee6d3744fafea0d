"""In-process benchmarks: Home Assistant in the test process, with the integration tests' fixtures.

They need the test plugin (pytest-homeassistant-custom-component) and run on the plugin leg
(``.venvs/plugin``, the newest Home Assistant it pins); ``bash scripts/bench`` runs them there.
``test_household_sync.py`` also starts simulators as processes of their own with
``scripts/hass_harness.py``, made importable here as in ``tests/e2e``.
"""

import logging
from pathlib import Path
import sys

from tests.integration.conftest import *  # noqa: F403

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

# One access-log line per request would bury the numbers the benchmarks print.
logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
