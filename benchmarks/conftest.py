"""The benchmarks reuse the integration tests' fixtures (simulator, entry, real HTTP server)."""

from tests.integration.conftest import *  # noqa: F403
