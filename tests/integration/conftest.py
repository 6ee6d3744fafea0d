"""Fixtures: a running simulator, a config entry for it, and Home Assistant's real HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from datetime import timedelta
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.facecapture.const import (
    CONF_PUSH_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator

from .common import SERIAL, setup_platform

WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
INTERNAL_URL = "http://127.0.0.1:8123"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/facecapture in every test here."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Constructor options of the simulator; tests override this fixture."""
    return {}


@pytest.fixture
async def simulator(
    hass: HomeAssistant, socket_enabled: None, simulator_options: dict[str, object]
) -> AsyncIterator[Simulator]:
    """A terminal on 127.0.0.1 with two registered persons, its clock in Home Assistant's zone."""
    sim = Simulator(SERIAL, resend_interval=0.2, reboot_seconds=0.3, **simulator_options)  # type: ignore[arg-type]
    sim.state.clock.utc_offset = dt_util.now().utcoffset() or timedelta(0)
    await sim.start()
    sim.add_person("1001", "Alice")
    sim.add_person("1002", "Bob")
    sim.state.app_params["device_info"]["addr_name"] = "Front gate"
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
def entry_options() -> dict[str, object]:
    """Options of the config entry; tests override this fixture."""
    return {}


@pytest.fixture
def mock_config_entry(simulator: Simulator, entry_options: dict[str, object]) -> MockConfigEntry:
    """A config entry for the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_WEBHOOK_ID: WEBHOOK_ID},
        options=entry_options,
    )


@pytest.fixture
async def internal_url(hass: HomeAssistant) -> str:
    """Give Home Assistant a local address, as its network settings would."""
    await async_process_ha_core_config(hass, {"internal_url": INTERNAL_URL})
    return INTERNAL_URL


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str
) -> MockConfigEntry:
    """Set up the entry against the simulator."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
async def platform_entry(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str, platform: Platform
) -> MockConfigEntry:
    """The entry set up with only one platform: the one a test module's `platform` fixture gives."""
    await setup_platform(hass, mock_config_entry, platform)
    return mock_config_entry


@pytest.fixture
def no_platforms() -> Generator[None]:
    """Set entries up without any platform; modules that test no entities use it."""
    with patch("custom_components.facecapture.PLATFORMS", []):
        yield


@pytest.fixture
async def http_client(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> TestClient:
    """Home Assistant's real HTTP stack, on a real port of 127.0.0.1."""
    return await hass_client_no_auth()


@pytest.fixture
async def live_push(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    hass_client_no_auth: ClientSessionGenerator,
) -> MockConfigEntry:
    """An entry set up so that the simulator really posts to Home Assistant's HTTP server.

    The test server gets its port only when it starts, so the push address is given as an
    override, as a user whose Home Assistant sits behind another address would.
    """
    assert await async_setup_component(hass, "http", {})
    client = await hass_client_no_auth()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_WEBHOOK_ID: WEBHOOK_ID},
        options={CONF_PUSH_URL: f"http://127.0.0.1:{client.server.port}"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
