"""Device condition: "<person> was the last recognized", with the person picked by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.const import CONF_CONDITION, CONF_DEVICE_ID, CONF_DOMAIN, CONF_TYPE
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.facecapture.const import DOMAIN
from simulator import Simulator

from .common import terminal_device_id

pytestmark = pytest.mark.usefixtures("no_platforms")


def _condition(device_id: str, **extra: Any) -> dict[str, Any]:
    return {
        CONF_CONDITION: "device",
        CONF_DOMAIN: DOMAIN,
        CONF_DEVICE_ID: device_id,
        CONF_TYPE: "last_recognized",
        **extra,
    }


async def _doorbell_automation(hass: HomeAssistant, condition: dict[str, Any]) -> None:
    """When the doorbell rings, and the condition holds, call test.automation."""
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": {"trigger": "event", "event_type": "doorbell"},
                "conditions": condition,
                "actions": {"action": "test.automation"},
            }
        },
    )


async def _ring(hass: HomeAssistant) -> None:
    hass.bus.async_fire("doorbell")
    await hass.async_block_till_done()


async def _capture(hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any) -> None:
    await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_get_conditions(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """The terminal offers the one condition."""
    device_id = terminal_device_id(hass)
    conditions = await async_get_device_automations(hass, DeviceAutomationType.CONDITION, device_id)
    assert [c for c in conditions if c[CONF_DOMAIN] == DOMAIN] == [
        {**_condition(device_id), "metadata": {}}
    ]


async def test_capabilities(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """The person is a dropdown of names from the directory; the time window is a duration."""
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await async_setup_component(hass, "device_automation", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "device_automation/condition/capabilities",
            "condition": _condition(terminal_device_id(hass)),
        }
    )
    reply = await client.receive_json()
    assert reply["success"]
    assert reply["result"] == {
        "extra_fields": [
            {
                "name": "person_id",
                "required": True,
                "type": "select",
                "options": [["1001", "Alice"], ["1002", "Bob"]],
            },
            {
                "name": "within",
                "optional": True,
                "required": False,
                "type": "positive_time_period_dict",
            },
        ]
    }


async def test_condition(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    service_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """True only while the last real-time recognition is the person's, and recent enough."""
    device_id = terminal_device_id(hass)
    await _doorbell_automation(hass, _condition(device_id, person_id="1001", within={"minutes": 2}))
    await _ring(hass)
    assert len(service_calls) == 0  # nobody recognized yet

    await _capture(hass, simulator, "recognized", person_id="1001")
    await _ring(hass)
    assert len(service_calls) == 1

    await _capture(hass, simulator, "stranger")  # not a recognition: Alice is still the last
    await _ring(hass)
    assert len(service_calls) == 2

    freezer.tick(timedelta(minutes=3))
    await _ring(hass)
    assert len(service_calls) == 2  # too long ago

    await _capture(hass, simulator, "recognized", person_id="1001", realtime=False)
    await _ring(hass)
    assert len(service_calls) == 2  # a catch-up capture is not someone at the door

    await _capture(hass, simulator, "recognized", person_id="1002")
    await _ring(hass)
    assert len(service_calls) == 2


async def test_condition_without_window_and_unloaded(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    service_calls: list[ServiceCall],
) -> None:
    """Without a window any time counts; a terminal that is not loaded never satisfies it."""
    await _doorbell_automation(hass, _condition(terminal_device_id(hass), person_id="1002"))
    await _capture(hass, simulator, "recognized", person_id="1002")
    await _ring(hass)
    assert len(service_calls) == 1
    assert await hass.config_entries.async_unload(live_push.entry_id)
    await _ring(hass)
    assert len(service_calls) == 1
