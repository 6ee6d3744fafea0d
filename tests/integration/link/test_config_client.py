"""A terminal that connects to Home Assistant (configuration client, document 1.1.3).

The flow that adds it, its command webhook (serial check, what it refuses, never an answer at
once with nothing), availability from its heartbeats, reconfigure, reauth and removal. Every
platform and action also runs over the queue: see the `transport` fixture in conftest.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
import time
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.facecapture.const import (
    CONF_CONFIG_REMOTE,
    CONF_CONFIG_WEBHOOK_ID,
    CONF_CONNECTION,
    CONF_WEBHOOK_ID,
    CONNECTION_CONFIG_CLIENT,
    DOMAIN,
)
from custom_components.facecapture.diagnostics import async_get_config_entry_diagnostics
from custom_components.facecapture.link import config_client_flow
from custom_components.facecapture.link.config_client_webhook import DATA_RECEIVERS
from simulator import Simulator
from tests.integration.common import SERIAL, call_action, entity_id_of, setup_platform
from tests.integration.conftest import CONFIG_WEBHOOK_ID, INTERNAL_URL


@pytest.fixture
def transport() -> str:
    """Every test here is about the queue."""
    return "queue"


EMPTY = {"reply": "ACK", "cmd": "heart beat", "code": 0}


def on_test_server(url: str, server: TestClient) -> str:
    """The URL the flow showed, on the test server's port (the flow shows the internal URL)."""
    assert url.startswith(INTERNAL_URL)
    return f"http://127.0.0.1:{server.server.port}{url.removeprefix(INTERNAL_URL)}"


async def start_config_client_flow(hass: HomeAssistant) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "config_client"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "config_client"
    return dict(result)


@pytest.mark.usefixtures("internal_url")
async def test_flow_adds_the_terminal_that_asks(
    hass: HomeAssistant, simulator: Simulator, ha_server: TestClient
) -> None:
    """The URL shown, the terminal told it, its first heartbeat awaited: the entry is created."""
    result = await start_config_client_flow(hass)
    url = result["description_placeholders"]["url"]
    assert url.startswith(f"{INTERNAL_URL}/api/webhook/")
    assert result["description_placeholders"]["external_url"] == url  # no external URL set
    simulator.set_config_url(on_test_server(url, ha_server))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CONFIG_REMOTE: False}
    )
    if result["type"] is FlowResultType.SHOW_PROGRESS:
        assert result["progress_action"] == "wait_heartbeat"
        assert result["description_placeholders"] == {"url": url}
        await hass.async_block_till_done()
        result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    assert result["title"] == "Front gate"
    entry = result["result"]
    assert entry.unique_id == SERIAL
    assert entry.data[CONF_CONNECTION] == CONNECTION_CONFIG_CLIENT
    assert url.endswith(entry.data[CONF_CONFIG_WEBHOOK_ID])
    assert entry.data[CONF_WEBHOOK_ID] != entry.data[CONF_CONFIG_WEBHOOK_ID]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The push target was written through the queue, on the other webhook.
    upload = simulator.state.app_params["upload_info"]
    assert upload["service_url"] == f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"
    simulator.set_config_url(None)


@pytest.mark.usefixtures("internal_url")
async def test_flow_without_heartbeat_says_so(hass: HomeAssistant, simulator: Simulator) -> None:
    """Nobody asks in time: the form again, with the error; closing the flow frees the URL."""
    with patch.object(config_client_flow, "WAIT_FOR_TERMINAL", timedelta(seconds=0.1)):
        result = await start_config_client_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_CONFIG_REMOTE: True}
        )
        assert result["type"] is FlowResultType.SHOW_PROGRESS
        await asyncio.sleep(0.2)
        await hass.async_block_till_done()
        result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_heartbeat"}
    assert len(hass.data[DATA_RECEIVERS]) == 1
    receiver = next(iter(hass.data[DATA_RECEIVERS].values()))
    assert receiver.local_only is False  # remote access was allowed
    hass.config_entries.flow.async_abort(result["flow_id"])
    await hass.async_block_till_done()
    assert hass.data[DATA_RECEIVERS] == {}


@pytest.mark.usefixtures("internal_url")
async def test_flow_aborts_for_a_configured_terminal(
    hass: HomeAssistant, simulator: Simulator, ha_server: TestClient
) -> None:
    """The same serial twice is refused, and the new URL is let go."""
    MockConfigEntry(domain=DOMAIN, unique_id=SERIAL, data={}).add_to_hass(hass)
    result = await start_config_client_flow(hass)
    simulator.set_config_url(on_test_server(result["description_placeholders"]["url"], ha_server))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    simulator.set_config_url(None)
    await hass.async_block_till_done()
    assert hass.data[DATA_RECEIVERS] == {}


@pytest.mark.parametrize(
    ("error", "reason"),
    [(TimeoutError, "no_heartbeat"), (RuntimeError("boom"), "unknown")],
)
@pytest.mark.usefixtures("internal_url")
async def test_flow_errors(
    hass: HomeAssistant, simulator: Simulator, error: Exception, reason: str
) -> None:
    with patch.object(
        config_client_flow.ConfigClientSteps, "_async_meet_terminal", side_effect=error
    ):
        result = await start_config_client_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        await hass.async_block_till_done()
        result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["errors"] == {"base": reason}


async def test_flow_without_an_address_of_home_assistant(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with patch(
        "custom_components.facecapture.link.config_client_webhook.get_url",
        side_effect=config_client_flow.NoURLAvailableError,
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "config_client"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_url"


async def test_webhook_refuses_what_is_not_its_terminal(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    ha_server: TestClient,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another serial: a held empty reply and one warning. Faces are refused, never looped on."""
    simulator.set_config_url(None)
    path = f"/api/webhook/{CONFIG_WEBHOOK_ID}"
    other = {"cmd": "heart beat", "device_sn": "FFFFFF-FFFFFF-FFFFFF"}
    for _ in range(2):
        start = time.monotonic()
        response = await ha_server.post(path, json=other)
        assert await response.json() == EMPTY
        assert time.monotonic() - start >= 0.9  # held, not answered at once
    assert caplog.text.count("FFFFFF-FFFFFF-FFFFFF asked for commands") == 1

    start = time.monotonic()
    response = await ha_server.post(path, data=b"not json")
    assert await response.json() == EMPTY
    assert time.monotonic() - start >= 0.9
    assert "Unreadable request from Front gate" in caplog.text

    face = {"cmd": "face", "sequence_no": 7, "cap_time": "2026/11/28 10:00:00", "device_sn": SERIAL}
    response = await ha_server.post(path, json=face)
    ack = await response.json()
    assert (ack["code"], ack["sequence_no"], ack["cap_time"]) == (3, 7, "2026/11/28 10:00:00")
    assert "the two must differ" in caplog.text

    sip = {"cmd": "sip event", "sip_event": 1, "device_sn": SERIAL}
    assert (await (await ha_server.post(path, json=sip)).json())["code"] == 0
    odd = {"cmd": "something new", "device_sn": SERIAL}
    assert (await (await ha_server.post(path, json=odd)).json())["cmd"] == "something new"


async def test_webhook_never_lets_an_error_through(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    ha_server: TestClient,
    simulator: Simulator,
) -> None:
    """An unexpected error still gets the held empty reply (Home Assistant's own is immediate)."""
    simulator.set_config_url(None)
    receiver = hass.data[DATA_RECEIVERS][CONFIG_WEBHOOK_ID]
    with patch.object(receiver.transport, "answer", side_effect=RuntimeError("boom")):
        response = await ha_server.post(
            f"/api/webhook/{CONFIG_WEBHOOK_ID}", json={"cmd": "heart beat", "device_sn": SERIAL}
        )
    assert await response.json() == EMPTY


async def test_availability_follows_the_heartbeats(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """45 s without a request: unavailable, one line; the next request: available, one line."""
    await setup_platform(hass, mock_config_entry, Platform.SENSOR)
    persons = entity_id_of(entity_registry, "sensor", "registered_persons")
    assert hass.states.get(persons).state != STATE_UNAVAILABLE
    extranet = simulator.state.app_params["extranet"]
    config_url = f"http://127.0.0.1:{extranet['server_port']}{extranet['url']}"
    simulator.set_config_url(None)
    await asyncio.sleep(1.2)  # its last held request ends
    caplog.set_level(logging.INFO)
    presence = mock_config_entry.runtime_data.presence
    assert presence is not None
    # The terminal's last request was 44 s ago: still there.
    presence.last_contact = dt_util.utcnow() - timedelta(seconds=44)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
    await hass.async_block_till_done()
    assert hass.states.get(persons).state != STATE_UNAVAILABLE
    presence.last_contact = dt_util.utcnow() - timedelta(seconds=46)
    for seconds in (12, 18):  # two checks: still one log line
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
        await hass.async_block_till_done()
    assert hass.states.get(persons).state == STATE_UNAVAILABLE
    assert caplog.text.count("has not asked for commands for 45 s") == 1
    polls = len(simulator.requests)
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    assert len(simulator.requests) == polls  # no poll waits for a terminal that is away

    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "open_gate", {})
    assert err.value.translation_key == "terminal_offline"
    assert "The terminal is offline" in str(err.value)

    simulator.set_config_url(config_url)
    async with asyncio.timeout(5):
        while hass.states.get(persons).state == STATE_UNAVAILABLE:
            await asyncio.sleep(0.05)
    assert caplog.text.count("is asking for commands again") == 1


async def test_setup_waits_for_the_terminal_and_keeps_holding_it(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """No terminal asking at set-up: retried later, and its URL stays registered meanwhile."""
    simulator.set_config_url(None)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason is not None
    assert "did not come to fetch" in mock_config_entry.reason
    assert CONFIG_WEBHOOK_ID in hass.data["webhook"]


async def test_reconfigure_shows_the_url_and_remote_access(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await init_integration.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_client"
    assert result["description_placeholders"]["url"] == (
        f"{INTERNAL_URL}/api/webhook/{CONFIG_WEBHOOK_ID}"
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CONFIG_REMOTE: True}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.data[CONF_CONFIG_REMOTE] is True
    assert init_integration.state is ConfigEntryState.LOADED
    handler = hass.data["webhook"][CONFIG_WEBHOOK_ID]
    # A dict up to 2026.2, a WebhookData object later.
    local_only = handler["local_only"] if isinstance(handler, dict) else handler.local_only
    assert local_only is False


async def test_reconfigure_without_an_address(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    hass.config.internal_url = None
    with patch(
        "custom_components.facecapture.link.config_client_webhook.get_url",
        side_effect=config_client_flow.NoURLAvailableError,
    ):
        result = await init_integration.start_reconfigure_flow(hass)
    assert result["reason"] == "no_url"


async def test_reauth_has_nothing_to_ask(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await init_integration.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_credentials"


async def test_removal_turns_the_terminal_off_through_the_queue(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Removal stops the pushes and the terminal's asking, then lets the URL go."""
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert simulator.state.app_params["extranet"]["enable"] is False
    assert simulator.state.app_params["upload_info"]["method"] == "none"
    assert CONFIG_WEBHOOK_ID not in hass.data["webhook"]
    assert hass.data[DATA_RECEIVERS] == {}


async def test_removal_of_a_terminal_that_went_away(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A terminal that stopped asking is not waited for."""
    simulator.set_config_url(None)
    receiver = hass.data[DATA_RECEIVERS][CONFIG_WEBHOOK_ID]
    receiver.transport.last_contact = time.monotonic() - 60
    start = time.monotonic()
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    assert time.monotonic() - start < 2
    assert CONFIG_WEBHOOK_ID not in hass.data["webhook"]


async def test_removal_when_the_terminal_refuses(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.fail_next("update app params", 5)
    simulator.fail_next("update app params", 5)
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    assert "Could not turn off the configuration client of Front gate" in caplog.text


async def test_shutdown_answers_held_requests(
    hass: HomeAssistant, init_integration: MockConfigEntry, ha_server: TestClient
) -> None:
    """Stopping Home Assistant answers a held heartbeat at once rather than holding the stop."""
    receiver = hass.data[DATA_RECEIVERS][CONFIG_WEBHOOK_ID]
    await hass.async_stop()
    assert await receiver.transport.idle_reply() == EMPTY


async def test_diagnostics_show_the_queue(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """How commands reach the terminal, without the command webhook's secret id."""
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    connection = diagnostics["connection"]
    assert connection["mode"] == "config_client"
    assert connection["online"] is True
    assert connection["requests"] >= 1
    assert (connection["queued"], connection["hold_seconds"]) == (0, 1.0)
    assert diagnostics["entry"]["config"][CONF_CONFIG_WEBHOOK_ID] == "**REDACTED**"
    assert CONFIG_WEBHOOK_ID not in str(diagnostics)
