"""The benchmarks reuse the integration tests' fixtures (simulator, entry, real HTTP server)."""

import logging

from tests.integration.conftest import *  # noqa: F403

# One access-log line per request would bury the numbers the benchmarks print.
logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
