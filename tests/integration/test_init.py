"""Set-up, unload, removal, and what the terminal does not support."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.const import (
    CONF_PUSH_AUTO,
    CONF_WEBHOOK_ID,
    DOMAIN,
    UPDATE_INTERVAL,
)
from simulator import Simulator
from simulator.state import FIRMWARE

from .common import SERIAL, terminal_device
from .conftest import INTERNAL_URL, WEBHOOK_ID


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The entry loads, registers the device with its versions, and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    device = terminal_device(hass)
    assert device.serial_number == SERIAL
    assert device.manufacturer == "Huaan"
    assert device.model == FIRMWARE["board"]
    # The chip is the hardware, said once: not repeated as the model id.
    assert device.model_id is None
    assert device.hw_version == FIRMWARE["platform"]
    assert device.sw_version == FIRMWARE["appversion"]
    assert device.name == "Front gate"
    assert device.connections == {(dr.CONNECTION_NETWORK_MAC, simulator.state.mac)}

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED


async def test_setup_writes_push_target(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Set-up points the terminal's upload target at the webhook and reads it back."""
    upload = simulator.state.app_params["upload_info"]
    assert upload["method"] == "http"
    assert f"http://{upload['server_ip']}:{upload['server_port']}" == INTERNAL_URL
    assert upload["service_url"] == f"/api/webhook/{WEBHOOK_ID}"
    assert init_integration.runtime_data.push_target.matches is True


async def test_push_target_not_rewritten_when_right(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator, internal_url: str
) -> None:
    """A terminal that already points here is not written again."""
    simulator.set_push_target(f"{INTERNAL_URL}/api/webhook/{WEBHOOK_ID}")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert not [r for r in simulator.requests if r.get("cmd") == "update app params"]


async def test_setup_not_ready_when_offline(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator, internal_url: str
) -> None:
    """An unreachable terminal makes the entry retry later."""
    await simulator.stop()
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.parametrize("simulator_options", [{"auth": ("admin", "secret")}])
async def test_setup_auth_failed_starts_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str
) -> None:
    """Wrong credentials (HTTP 401) start the reauth flow."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_removal_points_target_away(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Removing the entry stops the terminal pushing to Home Assistant."""
    assert simulator.state.app_params["upload_info"]["method"] == "http"
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert simulator.state.app_params["upload_info"]["method"] == "none"


async def test_removal_leaves_foreign_target(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A target someone else set since is not touched on removal."""
    simulator.set_push_target("http://192.0.2.7:9000/other")
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert simulator.state.app_params["upload_info"]["service_url"] == "/other"


@pytest.mark.parametrize(
    "simulator_options",
    [{"unsupported": frozenset({"request 4g infor", "camera volume", "request date time"})}],
)
async def test_unsupported_commands_dropped(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """A command answered with code 2 is asked once, then never again; its entities are not made."""
    coordinator = init_integration.runtime_data.coordinator
    assert "request date time" in coordinator.unsupported
    asked = sum(1 for r in simulator.requests if r.get("cmd") == "request date time")
    await coordinator.async_refresh()
    assert sum(1 for r in simulator.requests if r.get("cmd") == "request date time") == asked == 1
    assert entity_registry.async_get_entity_id("sensor", DOMAIN, f"{SERIAL}_clock_offset") is None
    assert (
        entity_registry.async_get_entity_id("sensor", DOMAIN, f"{SERIAL}_registered_persons")
        is not None
    )


async def test_migrate_drops_polling_interval(
    hass: HomeAssistant, simulator: Simulator, internal_url: str
) -> None:
    """An entry from 1.1 loses its polling interval option and polls at the integration's pace."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        version=1,
        minor_version=1,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_WEBHOOK_ID: WEBHOOK_ID},
        options={CONF_SCAN_INTERVAL: 15, CONF_PUSH_AUTO: False},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert dict(entry.options) == {CONF_PUSH_AUTO: False}
    assert entry.runtime_data.coordinator.update_interval == UPDATE_INTERVAL


async def test_migrate_refuses_a_newer_version(
    hass: HomeAssistant, simulator: Simulator, internal_url: str
) -> None:
    """An entry written by a newer major version is left alone and not loaded."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        version=2,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_WEBHOOK_ID: WEBHOOK_ID},
        options={CONF_SCAN_INTERVAL: 15},
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert dict(entry.options) == {CONF_SCAN_INTERVAL: 15}


@pytest.mark.parametrize("simulator_options", [{"unsupported": frozenset({"get network"})}])
async def test_no_mac_on_older_firmware(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Firmware without `get network` is set up all the same, without a MAC connection."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert terminal_device(hass).connections == set()


async def test_odd_network_reply_is_not_fatal(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator, internal_url: str
) -> None:
    """An unexpected answer to the undocumented `get network` costs the MAC, not the set-up."""
    simulator.fail_next("get network", 3, "no such field")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert terminal_device(hass).connections == set()


async def test_device_lookup_prefers_the_scoped_registry_method(
    hass: HomeAssistant, init_integration: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where Home Assistant has the entry-scoped lookup (2026.8+), the tests' helper uses it."""
    registry = dr.async_get(hass)
    scoped = getattr(registry, "async_get_device_by_identifier", None)
    calls: list[tuple[tuple[str, str], str]] = []
    if scoped is not None:

        def spy(identifier: tuple[str, str], config_entry_id: str) -> dr.DeviceEntry | None:
            calls.append((identifier, config_entry_id))
            return scoped(identifier, config_entry_id)  # type: ignore[no-any-return]

        monkeypatch.setattr(registry, "async_get_device_by_identifier", spy)
    assert terminal_device(hass).serial_number == SERIAL
    assert calls == ([((DOMAIN, SERIAL), init_integration.entry_id)] if scoped else [])


@pytest.mark.parametrize(
    "simulator_options", [{"unsupported": frozenset({"get version", "get network"})}]
)
async def test_oldest_firmware_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Firmware without the vendor's `get version` and `get network`: no version, no MAC."""
    device = terminal_device(hass)
    assert device.model == FIRMWARE["board"]
    assert device.sw_version is None
    assert device.connections == set()
