"""Fever against the terminal's own limit; values survive a restart."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant, State
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from simulator import Simulator

from .common import SERIAL
from .conftest import WEBHOOK_ID

# The capture entities start disabled (one logbook row per capture); these tests watch them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

PUSHES = Path(__file__).parent.parent / "fixtures" / "pushes"


async def _push_temperature(
    hass: HomeAssistant, client: TestClient, temperature: float | None, sequence: int
) -> None:
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body.update(device_sn=SERIAL, sequence_no=sequence)
    if temperature is None:
        del body["person"]
    else:
        body["person"]["temperature"] = temperature
    await client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_fever_uses_terminal_limit(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    http_client: TestClient,
) -> None:
    """At or above the terminal's limit is fever; a push without temperature changes nothing."""
    limit = simulator.state.app_params["face"]["body_temperature"]["limit"]
    await _push_temperature(hass, http_client, limit, 1)
    assert hass.states.get("binary_sensor.front_gate_fever").state == "on"
    await _push_temperature(hass, http_client, limit - 0.5, 2)
    assert hass.states.get("binary_sensor.front_gate_fever").state == "off"
    await _push_temperature(hass, http_client, None, 3)
    assert hass.states.get("binary_sensor.front_gate_fever").state == "off"
    assert hass.states.get("binary_sensor.front_gate_mask_worn").state == "off"


async def test_fever_default_limit_without_app_params(
    hass: HomeAssistant, init_integration: MockConfigEntry, http_client: TestClient
) -> None:
    """A terminal that reports no limit is judged against 37.3 °C."""
    del init_integration.runtime_data.coordinator.data.app_params.raw["face"]
    object.__setattr__(init_integration.runtime_data.coordinator.data, "app_params", None)
    await _push_temperature(hass, http_client, 37.4, 1)
    assert hass.states.get("binary_sensor.front_gate_fever").state == "on"


@pytest.mark.usefixtures("simulator")
async def test_restore_after_restart(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str
) -> None:
    """Who came in last and whether they wore a mask are remembered across a restart."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (State("binary_sensor.front_gate_mask_worn", "on"), {}),
            (
                State(
                    "sensor.front_gate_last_recognized_person",
                    "Alice",
                    {"person_id": "1001", "score": 91},
                ),
                {"native_value": "Alice", "native_unit_of_measurement": None},
            ),
        ],
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.front_gate_mask_worn").state == "on"
    person = hass.states.get("sensor.front_gate_last_recognized_person")
    assert person.state == "Alice"
    assert person.attributes["score"] == 91
