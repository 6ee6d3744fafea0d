"""The benchmarks reuse the integration tests' fixtures (simulator, entry, real HTTP server).

Those that run a real ``hass`` use ``scripts/hass_harness.py``, made importable here as in
``tests/e2e``.
"""

import logging
from pathlib import Path
import sys

from tests.integration.conftest import *  # noqa: F403

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

# One access-log line per request would bury the numbers the benchmarks print.
logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
