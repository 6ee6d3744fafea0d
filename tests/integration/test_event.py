"""The Face event entity shows readable attributes; the bus event keeps the internal fields."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp.test_utils import TestClient
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.facecapture.api.push import FailureReason
from custom_components.facecapture.const import EVENT_FACE
from custom_components.facecapture.event import INTERNAL_FIELDS, ROLE_NAMES

from .common import SERIAL
from .conftest import WEBHOOK_ID

PUSHES = Path(__file__).parent.parent / "fixtures" / "pushes"
STRINGS = Path(__file__).parents[2] / "custom_components" / "facecapture" / "strings.json"
EVENT_ENTITY = "event.front_gate_face"


@pytest.fixture
def platform() -> Platform:
    """Only the event platform."""
    return Platform.EVENT


async def _post(hass: HomeAssistant, client: TestClient, **changes: object) -> None:
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body.update(device_sn=SERIAL, **changes)
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == 200
    await hass.async_block_till_done(wait_background_tasks=True)


# The Face event entity starts disabled (one logbook row per capture): enabled here.
@pytest.mark.usefixtures("entity_registry_enabled_by_default", "platform_entry")
async def test_readable_attributes(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """Role as a word, reason as a translatable key; ids, serial and sequence only on the bus."""
    events = async_capture_events(hass, EVENT_FACE)
    client = await hass_client_no_auth()
    await _post(hass, client)
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    translated = json.loads(STRINGS.read_text())["entity"]["event"]["face"]["state_attributes"]
    own = set(state.attributes) - {"event_type", "event_types", "friendly_name", "icon"}
    assert own <= translated.keys()
    assert state.attributes["role"] == "whitelist"
    assert state.attributes["name"] == "Zoë Müller"
    for field in INTERNAL_FIELDS:
        assert field not in state.attributes, field
    assert {"device_id", "serial", "sequence", "realtime", "result"} <= events[0].data.keys()
    assert events[0].data["role"] == 1  # automations keep the raw value

    await _post(
        hass, client, sequence_no="1043", cap_time="2024/03/05 08:16:00.000", match_failed_reson=-4
    )
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == "denied"
    assert state.attributes["reason"] == "outside_schedule"


def test_every_value_is_translated() -> None:
    """Each role and reason the entity can show has its text in strings.json."""
    attributes = json.loads(STRINGS.read_text())["entity"]["event"]["face"]["state_attributes"]
    assert set(attributes["role"]["state"]) == set(ROLE_NAMES.values())
    assert set(attributes["reason"]["state"]) == {str(reason) for reason in FailureReason}
    assert all("name" in text for key, text in attributes.items() if key != "event_type")
