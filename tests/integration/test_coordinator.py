"""Polled state: clock offset, person count, failures and recovery."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulator import Simulator


@pytest.mark.parametrize("simulator_options", [{"clock_offset": 125.0}])
async def test_clock_offset(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """A terminal two minutes fast shows an offset of about +125 s."""
    offset = float(hass.states.get("sensor.front_gate_clock_offset").state)
    assert 123.5 <= offset <= 125.5


async def test_person_count_follows_terminal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A person registered on the terminal shows up at the next poll."""
    assert hass.states.get("sensor.front_gate_registered_persons").state == "2"
    simulator.add_person("1003", "Carol")
    freezer.tick(timedelta(seconds=61))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.front_gate_registered_persons").state == "3"


async def test_unavailable_when_offline_and_back(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Polled entities go unavailable while the terminal is unreachable and come back after."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.faults.update({"http_500_next": 10})
    await coordinator.async_refresh()
    assert hass.states.get("sensor.front_gate_registered_persons").state == STATE_UNAVAILABLE
    simulator.faults.update({"http_500_next": 0})
    await coordinator.async_refresh()
    assert hass.states.get("sensor.front_gate_registered_persons").state == "2"


async def test_device_error_marks_update_failed(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A terminal that answers an error code fails the poll, with the device's reason."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.fail_next("request app params", 5)
    await coordinator.async_refresh()
    assert coordinator.last_update_success is False
    assert "busy" in str(coordinator.last_exception)


async def test_auth_lost_starts_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Credentials turned on at the terminal after set-up lead to a reauth flow."""
    simulator.state.app_params["auth"].update(enable=True, username="admin", password="changed")
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


PUSH_ENTITIES = (
    "sensor.front_gate_last_recognized_person",
    "sensor.front_gate_last_measurement",
    "binary_sensor.front_gate_mask_worn",
    "binary_sensor.front_gate_fever",
    "camera.front_gate_last_face",
    "camera.front_gate_last_panorama",
)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_push_entities_follow_the_terminal(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """Capture entities go unavailable while the terminal is unreachable and come back with it."""
    await simulator.capture(kind="recognized", person_id="1001", temperature=36.6)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)
    before = {entity_id: hass.states.get(entity_id) for entity_id in PUSH_ENTITIES}
    for entity_id, state in before.items():
        assert state is not None
        assert state.state not in (STATE_UNAVAILABLE, "unknown"), entity_id

    coordinator = live_push.runtime_data.coordinator
    await simulator.server.go_offline()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    for entity_id in PUSH_ENTITIES:
        assert hass.states.get(entity_id).state == STATE_UNAVAILABLE, entity_id

    await simulator.server.go_online()
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    for entity_id, state in before.items():
        assert hass.states.get(entity_id).state == state.state, entity_id


async def test_push_entities_write_only_when_reachability_changes(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A successful poll after a successful poll leaves the capture entities' states untouched."""
    entity_id = "camera.front_gate_last_face"
    before = hass.states.get(entity_id)
    assert before is not None
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(entity_id) is before
