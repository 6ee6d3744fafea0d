"""Texts: the screen title and the location name written to the simulated terminal."""

from __future__ import annotations

import copy

from homeassistant.components.text import (
    ATTR_MAX,
    ATTR_VALUE,
    DOMAIN as TEXT_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.const import DOMAIN
from simulator import Simulator

from .common import (
    call_entity_service,
    changed_paths,
    entity_id_of,
    entity_keys,
    requests_since,
    setup_platform,
)

# Most settings are created disabled (a calmer device page); these tests exercise all of them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


@pytest.fixture
def platform() -> Platform:
    """The platform `platform_entry` sets up."""
    return Platform.TEXT


async def set_value(hass: HomeAssistant, entity_id: str, value: str) -> None:
    """Call text.set_value."""
    await call_entity_service(hass, TEXT_DOMAIN, SERVICE_SET_VALUE, entity_id, {ATTR_VALUE: value})


async def test_snapshot(
    hass: HomeAssistant,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every text, as created for the simulated terminal."""
    await snapshot_platform(hass, entity_registry, snapshot, platform_entry.entry_id)


@pytest.mark.parametrize(
    ("key", "section", "field", "old", "new"),
    [
        ("lcd_title", "lcd_control", "lcd_title", "Face Recognition", "Welcome"),
        ("location_name", "device_info", "addr_name", "Front gate", "Gare du Nord, porte 3"),
    ],
)
async def test_round_trip(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    key: str,
    section: str,
    field: str,
    old: str,
    new: str,
) -> None:
    """Setting a text changes its field on the terminal, and only that field."""
    entity_id = entity_id_of(entity_registry, TEXT_DOMAIN, key)
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.entity_category is EntityCategory.CONFIG
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == old
    before = copy.deepcopy(simulator.state.app_params)
    start = len(simulator.requests)

    await set_value(hass, entity_id, new)

    assert changed_paths(before, simulator.state.app_params) == [(section, field)]
    assert simulator.state.app_params[section][field] == new
    sent = requests_since(simulator, start, "update app params")
    assert [{k: v for k, v in body.items() if k not in ("cmd", "version")} for body in sent] == [
        {section: {field: new}}
    ]
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == new


async def test_location_name_limit_in_bytes(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The location name takes at most 95 bytes: 95 ASCII letters pass, 48 two-byte ones do not."""
    entity_id = entity_id_of(entity_registry, TEXT_DOMAIN, "location_name")
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes[ATTR_MAX] == 95
    start = len(simulator.requests)

    with pytest.raises(ServiceValidationError) as raised:
        await set_value(hass, entity_id, "é" * 48)

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "text_too_long"
    assert raised.value.translation_placeholders == {"max_bytes": "95"}
    assert not requests_since(simulator, start, "update app params")
    assert simulator.state.app_params["device_info"]["addr_name"] == "Front gate"

    await set_value(hass, entity_id, "a" * 95)
    assert simulator.state.app_params["device_info"]["addr_name"] == "a" * 95


async def test_setting_not_reported_is_not_created(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A terminal without a screen title field gets no text for it."""
    del simulator.state.app_params["lcd_control"]["lcd_title"]
    await setup_platform(hass, mock_config_entry, Platform.TEXT)

    assert entity_keys(entity_registry, mock_config_entry) == {"location_name"}


async def test_terminal_refuses(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An error code from the terminal becomes the translated error; nothing changes."""
    entity_id = entity_id_of(entity_registry, TEXT_DOMAIN, "lcd_title")
    before = copy.deepcopy(simulator.state.app_params)
    simulator.fail_next("update app params", 3)

    with pytest.raises(ServiceValidationError) as raised:
        await set_value(hass, entity_id, "Welcome")

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_3"
    assert simulator.state.app_params == before
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == "Face Recognition"
