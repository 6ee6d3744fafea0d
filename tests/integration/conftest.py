"""Fixtures: a running simulator, a config entry for it, and Home Assistant's real HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp import web
from aiohttp.test_utils import TestClient
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.const import (
    CONF_ACCESS_DECIDER,
    CONF_CONFIG_REMOTE,
    CONF_CONFIG_WEBHOOK_ID,
    CONF_CONNECTION,
    CONF_PUSH_URL,
    CONF_WEBHOOK_ID,
    CONNECTION_CONFIG_CLIENT,
    DECIDER_HOME_ASSISTANT,
    DOMAIN,
    EVENT_FACE,
)
from custom_components.facecapture.link import config_client_webhook
from custom_components.facecapture.link.config_client_webhook import (
    async_get_receiver,
    async_release_receiver,
)
from simulator import Simulator

from .common import SERIAL, setup_platform
from .snapshot_format import SnapshotExtension

WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
CONFIG_WEBHOOK_ID = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
INTERNAL_URL = "http://127.0.0.1:8123"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/facecapture in every test here."""


@pytest.fixture
def aiohttp_client(aiohttp_client: ClientSessionGenerator) -> ClientSessionGenerator:
    """Test clients of Home Assistant's app that leave its router open, as Home Assistant does.

    A running Home Assistant registers views after its server started (webhook, media_source, an
    entry set up later: http/server.py keeps the router from freezing). The test plugin means to
    do the same, but with pytest-aiohttp 1.1 its aiohttp_client fixture is not the one that runs,
    and aiohttp freezes the router when the test server starts.
    """

    async def client(app: web.Application, /, **kwargs: Any) -> TestClient:
        app._router.freeze = lambda: None  # type: ignore[method-assign]
        return await aiohttp_client(app, **kwargs)

    return client


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format (snapshots/*.ambr), the same on every version.

    With pytest 9 and the plugin 0.13.375 syrupy's own fixture is the one that runs (repr() into
    __snapshots__/); the extension is chosen here, with what differs between versions left out.
    """
    return snapshot.use_extension(SnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture(autouse=True)
def quick_command_queue() -> Generator[None]:
    """Hold idle heartbeats 1 s and give up on a command after 3 s, so that tests stay quick."""
    with (
        patch.object(config_client_webhook, "HOLD", 1.0),
        patch.object(config_client_webhook, "COMMAND_TIMEOUT", 3.0),
    ):
        yield


# The modules whose tests talk to the terminal through every platform and every action: they run
# both ways, over HTTP and through the configuration-client queue. The others are about one way
# (the push webhook, the config flow, set-up over HTTP) and run over HTTP, as do the entity
# snapshots, taken at a frozen time (a held heartbeat waits on the event loop's clock).
BOTH_WAYS = frozenset(
    {
        "test_binary_sensor",
        "test_button",
        "test_camera",
        "test_lock",
        "test_notify",
        "test_number",
        "test_select",
        "test_services_control",
        "test_services_persons",
        "test_services_policy",
        "test_switch",
        "test_text",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give every test that sets an entry up its transport(s), unless its module chose one."""
    if "transport" not in metafunc.fixturenames or hasattr(metafunc.module, "transport"):
        return
    if any(
        "transport" in marker.args[0] for marker in metafunc.definition.iter_markers("parametrize")
    ):
        return
    if metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_WAYS:
        metafunc.parametrize("transport", ["http", "queue"], indirect=True)


@pytest.fixture
def transport(request: pytest.FixtureRequest) -> str:
    """How commands reach the terminal: POSTs to it (http), or the queue it fetches them from."""
    param: str = getattr(request, "param", "http")
    return param


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Constructor options of the simulator; tests override this fixture."""
    return {}


@pytest.fixture
async def simulator(
    hass: HomeAssistant, socket_enabled: None, simulator_options: dict[str, object]
) -> AsyncIterator[Simulator]:
    """A terminal on 127.0.0.1 with two registered persons, its clock in Home Assistant's zone."""
    options: dict[str, object] = {"config_retry_interval": 0.2, **simulator_options}
    sim = Simulator(SERIAL, resend_interval=0.2, reboot_seconds=0.3, **options)  # type: ignore[arg-type]
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
async def ha_server(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> TestClient:
    """Home Assistant's real HTTP stack, on a real port of 127.0.0.1 (one per test)."""
    assert await async_setup_component(hass, "http", {})
    return await hass_client_no_auth()


@pytest.fixture
def mock_config_entry(
    request: pytest.FixtureRequest,
    simulator: Simulator,
    entry_options: dict[str, object],
    transport: str,
) -> MockConfigEntry:
    """A config entry for the simulator, reached over HTTP or through the command queue."""
    if transport == "queue":
        entry: MockConfigEntry = request.getfixturevalue("config_client_entry")
        return entry
    return MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_WEBHOOK_ID: WEBHOOK_ID},
        options=entry_options,
    )


@pytest.fixture
async def config_client_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    entry_options: dict[str, object],
    ha_server: TestClient,
) -> AsyncIterator[MockConfigEntry]:
    """An entry for the simulator as a configuration client of Home Assistant's real webhook.

    As the config flow leaves it: the command webhook registered (holding the terminal) and the
    terminal given its URL.
    """
    assert await async_setup_component(hass, "webhook", {})
    async_get_receiver(hass, CONFIG_WEBHOOK_ID).async_register(
        title="Front gate", serial=SERIAL, local_only=True
    )
    simulator.set_config_url(
        f"http://127.0.0.1:{ha_server.server.port}/api/webhook/{CONFIG_WEBHOOK_ID}"
    )
    yield MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data={
            CONF_CONNECTION: CONNECTION_CONFIG_CLIENT,
            CONF_CONFIG_WEBHOOK_ID: CONFIG_WEBHOOK_ID,
            CONF_CONFIG_REMOTE: False,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        options=entry_options,
    )
    # The terminal stops asking, and the request Home Assistant holds is answered now: otherwise
    # the test server's shutdown waits out the hold of every queue-mode test.
    simulator.set_config_url(None)
    await async_release_receiver(hass, CONFIG_WEBHOOK_ID)


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
async def http_client(init_integration: MockConfigEntry, ha_server: TestClient) -> TestClient:
    """Home Assistant's real HTTP stack, on a real port of 127.0.0.1, the entry set up."""
    return ha_server


@pytest.fixture
async def live_push(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    ha_server: TestClient,
    mock_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """An entry set up so that the simulator really posts to Home Assistant's HTTP server.

    The test server gets its port only when it starts, so the push address is given as an
    override, as a user whose Home Assistant sits behind another address would.
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data=dict(mock_config_entry.data),
        options={CONF_PUSH_URL: f"http://127.0.0.1:{ha_server.server.port}"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def access_options() -> dict[str, Any]:
    """Options on top of "Home Assistant decides"; tests override this fixture."""
    return {}


@pytest.fixture
async def online(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    ha_server: TestClient,
    access_options: dict[str, Any],
) -> MockConfigEntry:
    """A terminal whose access Home Assistant decides; its pushes really reach the webhook."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_WEBHOOK_ID: WEBHOOK_ID},
        options={
            CONF_PUSH_URL: f"http://127.0.0.1:{ha_server.server.port}",
            CONF_ACCESS_DECIDER: DECIDER_HOME_ASSISTANT,
            **access_options,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def face_events(hass: HomeAssistant) -> list[Event]:
    """Every facecapture_face event fired."""
    return async_capture_events(hass, EVENT_FACE)
