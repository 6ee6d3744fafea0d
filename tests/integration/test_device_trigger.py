"""Device triggers: real pushes from the simulator run automations; catch-up captures never do."""

from __future__ import annotations

from typing import Any

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_PLATFORM, CONF_TYPE
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import voluptuous as vol

from custom_components.facecapture.const import DOMAIN, EVENT_FACE
from custom_components.facecapture.device_trigger import TRIGGER_SCHEMA, async_get_triggers
from simulator import Simulator

from .common import call_action, terminal_device_id

ALL_TYPES = ["recognized", "stranger", "denied", "detected", "fever", "no_mask"]


# Device triggers need the device, not the entities.
pytestmark = pytest.mark.usefixtures("no_platforms")


async def _device_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device_id)
    return [trigger for trigger in triggers if trigger[CONF_DOMAIN] == DOMAIN]


def _trigger(device_id: str, trigger_type: str, **extra: str) -> dict[str, str]:
    return {
        CONF_PLATFORM: "device",
        CONF_DOMAIN: DOMAIN,
        CONF_DEVICE_ID: device_id,
        CONF_TYPE: trigger_type,
        **extra,
    }


async def _automations(hass: HomeAssistant, *triggers: dict[str, str]) -> None:
    """One automation per trigger; each calls test.automation saying who fired it and for whom."""
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                {
                    "alias": f"{trigger[CONF_TYPE]} {trigger.get('person_id', '')}".strip(),
                    "triggers": trigger,
                    "actions": {
                        "action": "test.automation",
                        "data": {
                            "fired": f"{trigger[CONF_TYPE]} {trigger.get('person_id', '')}".strip(),
                            "person_id": "{{ trigger.event.data.person_id }}",
                            "name": "{{ trigger.event.data.name }}",
                            "realtime": "{{ trigger.event.data.realtime }}",
                        },
                    },
                }
                for trigger in triggers
            ]
        },
    )


async def _capture(hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any) -> None:
    """The simulated terminal sees a face and pushes it to Home Assistant's webhook."""
    await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)


def _fired(service_calls: list[ServiceCall]) -> list[str]:
    return [call.data["fired"] for call in service_calls if call.service == "automation"]


async def test_get_triggers(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """The terminal offers all six triggers when its mask and temperature checks are on."""
    device_id = terminal_device_id(hass)
    triggers = await _device_triggers(hass, device_id)
    assert triggers == [
        {**_trigger(device_id, trigger_type), "metadata": {}} for trigger_type in ALL_TYPES
    ]


async def test_checks_switched_off_hide_triggers(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """With mask and temperature checks off, "no mask" and "fever" are not offered."""
    simulator.state.app_params["face"]["mask"]["enable"] = False
    simulator.state.app_params["face"]["body_temperature"]["enable"] = False
    await init_integration.runtime_data.coordinator.async_refresh()
    device_id = terminal_device_id(hass)
    triggers = await _device_triggers(hass, device_id)
    assert [trigger[CONF_TYPE] for trigger in triggers] == [
        "recognized",
        "stranger",
        "denied",
        "detected",
    ]


async def test_triggers_of_unloaded_terminal(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A terminal whose entry is not loaded, or an unknown device, lists every trigger."""
    device_id = terminal_device_id(hass)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    triggers = await _device_triggers(hass, device_id)
    every_type = [*ALL_TYPES, "access_granted"]
    assert [trigger[CONF_TYPE] for trigger in triggers] == every_type
    unknown = await async_get_triggers(hass, "no-such-device")
    assert [trigger[CONF_TYPE] for trigger in unknown] == every_type


PERSON_DROPDOWN = [
    {
        "name": "person_id",
        "optional": True,
        "required": False,
        "type": "select",
        "options": [["1001", "Alice"], ["1002", "Bob"]],
    }
]


async def _capabilities(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, trigger: dict[str, str]
) -> dict[str, Any]:
    assert await async_setup_component(hass, "device_automation", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "device_automation/trigger/capabilities", "trigger": trigger}
    )
    reply = await client.receive_json()
    assert reply["success"]
    result: dict[str, Any] = reply["result"]
    return result


@pytest.mark.parametrize(
    ("trigger_type", "extra_fields"),
    [
        ("recognized", PERSON_DROPDOWN),
        ("denied", PERSON_DROPDOWN),
        ("stranger", []),
        ("fever", []),
        ("no_mask", []),
    ],
)
async def test_capabilities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    trigger_type: str,
    extra_fields: list[dict[str, Any]],
) -> None:
    """Recognized and denied pick a person by name from the terminal's directory (id stored)."""
    await hass.async_block_till_done(wait_background_tasks=True)
    capabilities = await _capabilities(
        hass, hass_ws_client, _trigger(terminal_device_id(hass), trigger_type)
    )
    assert capabilities == {"extra_fields": extra_fields}


async def test_capabilities_follow_the_directory(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Someone enrolled shows up; a chosen id no longer on the terminal stays selectable."""
    await hass.async_block_till_done(wait_background_tasks=True)
    await call_action(hass, "enroll_person", {"id": "1003", "name": "Aaron"})
    trigger = _trigger(terminal_device_id(hass), "recognized", person_id="0999")
    capabilities = await _capabilities(hass, hass_ws_client, trigger)
    assert capabilities["extra_fields"][0]["options"] == [
        ["0999", "0999"],
        ["1003", "Aaron"],
        ["1001", "Alice"],
        ["1002", "Bob"],
    ]


async def test_capabilities_before_the_directory_is_read(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """Until the list has been read (or for an unloaded terminal), the person is free text."""
    await hass.async_block_till_done(wait_background_tasks=True)
    init_integration.runtime_data.directory.persons.clear()
    capabilities = await _capabilities(
        hass, hass_ws_client, _trigger(terminal_device_id(hass), "recognized")
    )
    assert capabilities == {
        "extra_fields": [
            {"name": "person_id", "optional": True, "required": False, "type": "string"}
        ]
    }


async def test_triggers_fire_on_real_pushes(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    service_calls: list[ServiceCall],
) -> None:
    """Each kind of capture the terminal pushes runs exactly the automations it should."""
    device_id = terminal_device_id(hass)
    await _automations(hass, *(_trigger(device_id, trigger_type) for trigger_type in ALL_TYPES))

    await _capture(hass, simulator, "recognized", person_id="1001", temperature=36.5, mask=True)
    assert _fired(service_calls) == ["recognized"]
    assert service_calls[-1].data["person_id"] == 1001  # rendered by the template engine
    assert service_calls[-1].data["name"] == "Alice"
    assert service_calls[-1].data["realtime"] is True

    service_calls.clear()
    await _capture(hass, simulator, "stranger", temperature=36.6, mask=True)
    assert _fired(service_calls) == ["stranger"]

    service_calls.clear()
    await _capture(hass, simulator, "denied", person_id="1002", reason=-4, mask=True)
    assert _fired(service_calls) == ["denied"]
    assert service_calls[-1].data["name"] == "Bob"

    service_calls.clear()
    await _capture(hass, simulator, "recognized", person_id="1002", temperature=38.4, mask=False)
    assert sorted(_fired(service_calls)) == ["fever", "no_mask", "recognized"]

    service_calls.clear()
    await _capture(hass, simulator, "detected", temperature=None, mask=True)
    assert _fired(service_calls) == ["detected"]


async def test_person_filter(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    service_calls: list[ServiceCall],
) -> None:
    """A trigger for one person id fires for that person only; the plain one for anyone."""
    device_id = terminal_device_id(hass)
    await _automations(
        hass,
        _trigger(device_id, "recognized", person_id="1002"),
        _trigger(device_id, "recognized"),
        _trigger(device_id, "denied", person_id="1001"),
    )

    await _capture(hass, simulator, "recognized", person_id="1001")
    assert _fired(service_calls) == ["recognized"]

    service_calls.clear()
    await _capture(hass, simulator, "recognized", person_id="1002")
    assert sorted(_fired(service_calls)) == ["recognized", "recognized 1002"]

    service_calls.clear()
    await _capture(hass, simulator, "denied", person_id="1002")
    assert _fired(service_calls) == []

    await _capture(hass, simulator, "denied", person_id="1001")
    assert _fired(service_calls) == ["denied 1001"]


async def test_catch_up_capture_does_not_fire(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    service_calls: list[ServiceCall],
) -> None:
    """A capture delivered late fires the bus event but runs no automation that could open a door."""
    device_id = terminal_device_id(hass)
    await _automations(hass, *(_trigger(device_id, trigger_type) for trigger_type in ALL_TYPES))
    events = async_capture_events(hass, EVENT_FACE)

    await _capture(
        hass,
        simulator,
        "recognized",
        person_id="1001",
        temperature=38.9,
        mask=False,
        realtime=False,
    )
    await _capture(hass, simulator, "stranger", realtime=False)
    await _capture(hass, simulator, "denied", person_id="1002", realtime=False)

    assert [event.data["result"] for event in events] == ["recognized", "stranger", "denied"]
    assert all(event.data["realtime"] is False for event in events)
    assert events[0].data["fever"] is True
    assert _fired(service_calls) == []

    await _capture(hass, simulator, "recognized", person_id="1001")
    assert _fired(service_calls) == ["recognized"]


async def test_other_terminal_does_not_fire(
    hass: HomeAssistant, init_integration: MockConfigEntry, service_calls: list[ServiceCall]
) -> None:
    """A capture of another device does not run this terminal's automations."""
    await _automations(hass, _trigger(terminal_device_id(hass), "stranger"))
    hass.bus.async_fire(
        EVENT_FACE, {"device_id": "another-device", "realtime": True, "result": "stranger"}
    )
    await hass.async_block_till_done()
    assert _fired(service_calls) == []


@pytest.mark.parametrize("trigger_type", ["stranger", "fever", "no_mask"])
def test_person_id_only_for_matched_results(trigger_type: str) -> None:
    """A person id makes no sense for a stranger, a fever or a bare face: the config is refused."""
    with pytest.raises(
        vol.Invalid, match="person_id applies only to access_granted, denied, recognized"
    ):
        TRIGGER_SCHEMA(_trigger("abc", trigger_type, person_id="1001"))
    assert TRIGGER_SCHEMA(_trigger("abc", "denied", person_id=" 1001 "))["person_id"] == "1001"
