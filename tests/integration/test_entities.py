"""Entity states and attributes as snapshots, before and after a capture."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.device_automation import (
    DeviceAutomationType,
    async_get_device_automations,
)
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.facecapture.camera import PLACEHOLDER
from custom_components.facecapture.const import (
    CONF_HA_PERSON,
    CONF_PERSON_ID,
    DOMAIN,
    EVENT_FACE,
    SUBENTRY_PERSON_LINK,
)
from simulator import Simulator

from .common import SERIAL, terminal_device_id
from .conftest import WEBHOOK_ID

PUSHES = Path(__file__).parent.parent / "fixtures" / "pushes"


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Both clocks, Home Assistant's and the simulated terminal's, stand still."""
    freezer.move_to("2026-11-25 12:00:00+00:00")


@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.EVENT])
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """Every entity of a platform, as created for the simulated terminal (disabled ones too)."""
    with patch("custom_components.facecapture.PLATFORMS", [platform]):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


@pytest.mark.parametrize("simulator_options", [{"has_4g": True}])
async def test_four_g_sensors(
    hass: HomeAssistant,
    entity_registry_enabled_by_default: None,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A terminal with a 4G module gets signal and operator sensors (operator off by default)."""
    assert hass.states.get("sensor.front_gate_mobile_signal_strength") is not None
    operator = hass.states.get("sensor.front_gate_mobile_operator")
    assert operator is not None
    assert operator.state not in ("unknown", "unavailable")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_states_after_capture(
    hass: HomeAssistant, http_client: TestClient, snapshot: SnapshotAssertion
) -> None:
    """What a recognised face does to the push entities."""
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body["device_sn"] = SERIAL
    response = await http_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    states = {
        entity_id: hass.states.get(entity_id)
        for entity_id in (
            "event.front_gate_face",
            "sensor.front_gate_last_recognized_person",
            "sensor.front_gate_last_measurement",
            "sensor.front_gate_last_capture",
            "binary_sensor.front_gate_mask_worn",
            "binary_sensor.front_gate_fever",
        )
    }
    # The device id is random per test run; everything else is stable.
    assert states == snapshot(exclude=props("device_id"))


async def test_picture_content(
    hass: HomeAssistant, http_client: TestClient, hass_client: ClientSessionGenerator
) -> None:
    """The picture cameras serve the pushed pictures from memory; a capture leaves their state.

    The last face says whose it is in attributes, which add no logbook row (its state and so its
    last change stay) and are not recorded.
    """
    before = hass.states.get("camera.front_gate_last_face")
    panorama = hass.states.get("camera.front_gate_last_panorama")
    assert before is not None
    assert before.state == "idle"
    assert "name" not in before.attributes
    client = await hass_client()
    # Before the first capture: the placeholder, not a broken picture.
    response = await client.get("/api/camera_proxy/camera.front_gate_last_face")
    assert response.status == 200
    assert response.content_type == "image/png"
    assert await response.read() == PLACEHOLDER
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body["device_sn"] = SERIAL
    events = async_capture_events(hass, EVENT_FACE)
    await http_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    await hass.async_block_till_done(wait_background_tasks=True)
    for entity_id in ("camera.front_gate_last_face", "camera.front_gate_last_panorama"):
        response = await client.get(f"/api/camera_proxy/{entity_id}")
        assert response.status == 200, entity_id
        assert response.content_type == "image/jpeg"
        assert (await response.read()).startswith(b"\xff\xd8\xff"), entity_id
    assert hass.states.get("camera.front_gate_last_panorama") is panorama
    after = hass.states.get("camera.front_gate_last_face")
    assert after is not None
    assert (after.state, after.last_changed) == (before.state, before.last_changed)
    assert after.attributes["name"] == body["match"]["person_name"]
    assert after.attributes["result"] == "recognized"
    (event,) = events
    assert after.attributes["captured_at"] == event.data["captured_at"]
    entity = next(
        e for e in hass.data["camera"].entities if e.entity_id == "camera.front_gate_last_face"
    )
    assert {"name", "result", "captured_at"} <= entity._state_info["unrecorded_attributes"]


@pytest.mark.parametrize("simulator_options", [{"has_4g": True}])
async def test_operator_sensor_disabled_by_default(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The mobile operator sensor is registered but left disabled."""
    entry = entity_registry.async_get("sensor.front_gate_mobile_operator")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.front_gate_mobile_operator") is None


@pytest.mark.parametrize(
    "entity_id",
    [
        "event.front_gate_face",
        "sensor.front_gate_last_capture",
        "sensor.front_gate_last_recognized_person",
        "sensor.front_gate_last_access_decision",
        "binary_sensor.front_gate_mask_worn",
        "binary_sensor.front_gate_fever",
    ],
)
async def test_capture_entities_disabled_by_default(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    entity_id: str,
) -> None:
    """Entities whose state changes with each capture are there but off (test_logbook_rows)."""
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(entity_id) is None


# What a household changes now and then; every other setting starts disabled (as Reolink does).
ENABLED_SETTINGS = {"match_threshold", "temperature_limit", "relay_hold_time", "volume", "reboot"}
DISABLED_SETTINGS = {
    "duplicate_interval",
    "min_face_size",
    "led_brightness",
    "face_matching",
    "liveness_detection",
    "mask_detection",
    "mask_required",
    "temperature_measurement",
    "qr_code_reading",
    "name_privacy",
    "duplicate_filter",
    "auto_clean_expired",
    "led_mode",
    "screensaver_mode",
    "image_output",
    "match_mode",
    "gate_output",
    "lcd_title",
    "location_name",
    "restart_application",
    "sync_clock",
}


async def test_calm_device_page(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Of the configuration entities only the household's settings start enabled."""
    entries = er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    config = {
        entry.unique_id.removeprefix(f"{SERIAL}_"): entry
        for entry in entries
        if entry.entity_category is EntityCategory.CONFIG
    }
    assert set(config) == ENABLED_SETTINGS | DISABLED_SETTINGS
    enabled = {key for key, entry in config.items() if entry.disabled_by is None}
    assert enabled == ENABLED_SETTINGS
    for key in DISABLED_SETTINGS:
        assert config[key].disabled_by is er.RegistryEntryDisabler.INTEGRATION, key
        assert hass.states.get(config[key].entity_id) is None, key
    # What a household watches (the pictures, the gate, the camera) is enabled; the capture
    # entities whose state changes with each capture would add logbook rows to its sentence.
    others = {
        entry.unique_id.removeprefix(f"{SERIAL}_")
        for entry in entries
        if entry.entity_category is not EntityCategory.CONFIG and entry.disabled_by is not None
    }
    assert others == {
        "relay_2",
        "face",
        "last_capture",
        "last_person",
        "last_decision",
        "mask",
        "fever",
    }


async def test_device_triggers_are_few(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The trigger list offers the captures and no "<setting> turned on/off" of hidden settings."""
    device_id = terminal_device_id(hass)
    triggers = (
        await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, [device_id])
    )[device_id]
    by_domain: dict[str, int] = {}
    for trigger in triggers:
        by_domain[trigger["domain"]] = by_domain.get(trigger["domain"], 0) + 1
    assert by_domain.get("switch", 0) == 0
    assert by_domain[DOMAIN] == 6
    assert len(triggers) < 30, triggers


async def test_linked_person_last_seen_disabled_by_default(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A link's "last seen" sensor changes with each of that person's captures: it starts off."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Front gate",
        unique_id=SERIAL,
        data=dict(mock_config_entry.data),
        subentries_data=[
            ConfigSubentryData(
                data={CONF_PERSON_ID: "1001", CONF_HA_PERSON: "person.alice"},
                subentry_type=SUBENTRY_PERSON_LINK,
                title="Alice → Alice",
                unique_id="1001",
            )
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    (registered,) = [
        registered
        for registered in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if registered.translation_key == "last_seen"
    ]
    assert registered.config_subentry_id == next(iter(entry.subentries))
    assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(registered.entity_id) is None
