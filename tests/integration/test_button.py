"""Buttons: reboot, restart the application, set the terminal's clock to Home Assistant's."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from unittest.mock import patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.api import DeviceTime, parse_device_time
from custom_components.facecapture.const import DOMAIN
from simulator import Simulator

from .common import entity_id_of, setup_platform

# Most settings are created disabled (a calmer device page); these tests exercise all of them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


async def press(hass: HomeAssistant, entity_registry: er.EntityRegistry, key: str) -> None:
    """Press a button of the terminal, found by its unique id."""
    entity_id = entity_id_of(entity_registry, BUTTON_DOMAIN, key)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def wait_for_log(simulator: Simulator, kind: str) -> None:
    """Wait (briefly) until the terminal has logged ``kind``: a power cycle starts after its reply."""
    async with asyncio.timeout(5):
        while not any(entry["kind"] == kind for entry in simulator.log):
            await asyncio.sleep(0.02)


def commands(simulator: Simulator, cmd: str) -> list[dict[str, object]]:
    """The requests of one command the terminal received."""
    return [body for body in simulator.requests if body.get("cmd") == cmd]


async def test_snapshot(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The three buttons."""
    await setup_platform(hass, mock_config_entry, Platform.BUTTON)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_reboot(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Reboot sends `reboot` once and the terminal reboots (and comes back)."""
    await press(hass, entity_registry, "reboot")
    await wait_for_log(simulator, "online")
    assert len(commands(simulator, "reboot")) == 1
    assert [entry["kind"] for entry in simulator.log] == ["reboot", "online"]


async def test_restart_application(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Restart sends `restart application`; the terminal restarts its application, not itself."""
    await press(hass, entity_registry, "restart_application")
    await wait_for_log(simulator, "online")
    assert len(commands(simulator, "restart application")) == 1
    assert commands(simulator, "reboot") == []
    assert [entry["kind"] for entry in simulator.log] == ["restart_application", "online"]


async def test_sync_clock(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The terminal's clock, an hour and a half wrong, is set to Home Assistant's local time."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.state.clock.set_wall_time(simulator.state.clock.now() - timedelta(minutes=90))
    await coordinator.async_refresh()
    assert coordinator.data.clock_offset is not None
    assert abs(coordinator.data.clock_offset + 5400) < 5

    await press(hass, entity_registry, "sync_clock")

    (request,) = commands(simulator, "update date time")
    sent = parse_device_time(str(request["date_time"]))
    assert sent is not None
    assert abs((sent - dt_util.now().replace(tzinfo=None)).total_seconds()) < 5
    # A terminal that names no zone is not sent one: its times are read in Home Assistant's.
    assert "timezone" not in request
    clock = parse_device_time(simulator.state.clock.text())
    assert clock is not None
    assert abs((clock - dt_util.now().replace(tzinfo=None)).total_seconds()) < 5
    # The clock offset is polled again at once.
    assert coordinator.data.clock_offset is not None
    assert abs(coordinator.data.clock_offset) < 5


async def test_sync_clock_sends_zone_to_terminal_that_names_one(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A terminal that reports its zone gets Home Assistant's offset with the time."""
    await hass.config.async_set_time_zone("Asia/Kolkata")
    coordinator = init_integration.runtime_data.coordinator
    text = "2026/01/01 00:00:00"
    clock = DeviceTime(text=text, value=parse_device_time(text), timezone="UTC+8")
    coordinator.data = dataclasses.replace(coordinator.data, clock=clock)

    with patch.object(coordinator, "async_request_refresh"):
        await press(hass, entity_registry, "sync_clock")

    (request,) = commands(simulator, "update date time")
    assert request["timezone"] == "UTC+5:30"
    assert simulator.state.clock.timezone == "UTC+5:30"
    sent = parse_device_time(str(request["date_time"]))
    assert sent is not None
    assert abs((sent - dt_util.now().replace(tzinfo=None)).total_seconds()) < 5


@pytest.mark.parametrize(
    ("key", "cmd"),
    [
        ("reboot", "reboot"),
        ("restart_application", "restart application"),
        ("sync_clock", "update date time"),
    ],
)
async def test_refused_by_terminal(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    key: str,
    cmd: str,
) -> None:
    """A terminal error is a translated error; nothing happens on the terminal."""
    simulator.fail_next(cmd, 5)

    with pytest.raises(HomeAssistantError) as err:
        await press(hass, entity_registry, key)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "code_5"
    assert simulator.log == []
