"""Switches: on/off settings written to the simulated terminal, one field at a time."""

from __future__ import annotations

import copy
from typing import Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
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
    value_at,
)

# Most settings are created disabled (a calmer device page); these tests exercise all of them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def set_value_at(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set the value of a key path."""
    value_at(tree, path[:-1])[path[-1]] = value


@pytest.fixture
def platform() -> Platform:
    """The platform `platform_entry` sets up."""
    return Platform.SWITCH


SWITCH_PATHS = [
    ("face_matching", ("face", "enable_match")),
    ("liveness_detection", ("face", "enable_alive")),
    ("mask_detection", ("face", "mask", "enable")),
    ("mask_required", ("face", "mask", "must_wear_mask")),
    ("temperature_measurement", ("face", "body_temperature", "enable")),
    ("qr_code_reading", ("qr_code_control", "enable")),
    ("name_privacy", ("face", "name_privacy")),
    ("duplicate_filter", ("face", "enable_dereplication")),
    ("auto_clean_expired", ("name_list", "auto_clean")),
]


async def test_snapshot(
    hass: HomeAssistant,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every switch, as created for the simulated terminal."""
    await snapshot_platform(hass, entity_registry, snapshot, platform_entry.entry_id)


@pytest.mark.parametrize("target", [True, False])
@pytest.mark.parametrize(("key", "path"), SWITCH_PATHS)
async def test_round_trip(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    key: str,
    path: tuple[str, ...],
    target: bool,
) -> None:
    """Switching changes the field on the terminal, and only that field; the switch follows."""
    set_value_at(simulator.state.app_params, path, not target)
    await setup_platform(hass, mock_config_entry, Platform.SWITCH)
    entity_id = entity_id_of(entity_registry, SWITCH_DOMAIN, key)
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.entity_category is EntityCategory.CONFIG
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == (STATE_OFF if target else STATE_ON)
    before = copy.deepcopy(simulator.state.app_params)
    sent_before = len(simulator.requests)

    await call_entity_service(
        hass, SWITCH_DOMAIN, SERVICE_TURN_ON if target else SERVICE_TURN_OFF, entity_id
    )

    assert changed_paths(before, simulator.state.app_params) == [path]
    assert value_at(simulator.state.app_params, path) is target
    sent = requests_since(simulator, sent_before, "update app params")
    assert len(sent) == 1
    assert {k: v for k, v in sent[0].items() if k not in ("cmd", "version")} == _nested(
        path, target
    )
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == (STATE_ON if target else STATE_OFF)


def _nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    tree: Any = value
    for key in reversed(path):
        tree = {key: tree}
    return dict(tree)


async def test_setting_not_reported_is_not_created(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A terminal without QR code reading (no such field) gets no switch for it."""
    del simulator.state.app_params["qr_code_control"]["enable"]
    del simulator.state.app_params["name_list"]
    await setup_platform(hass, mock_config_entry, Platform.SWITCH)

    assert entity_keys(entity_registry, mock_config_entry) == {key for key, _ in SWITCH_PATHS} - {
        "qr_code_reading",
        "auto_clean_expired",
    }


async def test_terminal_without_app_params(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A terminal that does not support `request app params` gets no switches at all."""
    simulator.fail_next("request app params", 2)
    await setup_platform(hass, mock_config_entry, Platform.SWITCH)

    assert not er.async_entries_for_config_entry(entity_registry, mock_config_entry.entry_id)


async def test_terminal_refuses(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An error code from the terminal becomes the translated error; nothing changes."""
    entity_id = entity_id_of(entity_registry, SWITCH_DOMAIN, "liveness_detection")
    before = copy.deepcopy(simulator.state.app_params)
    simulator.fail_next("update app params", 3)

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
        )

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_3"
    assert simulator.state.app_params == before
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_OFF


async def test_terminal_busy(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A failure that is not the user's (no resources) is a translated HomeAssistantError."""
    entity_id = entity_id_of(entity_registry, SWITCH_DOMAIN, "name_privacy")
    simulator.fail_next("update app params", 6)

    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
        )

    assert not isinstance(raised.value, ServiceValidationError)
    assert raised.value.translation_key == "code_6"
    assert simulator.state.app_params["face"]["name_privacy"] is False
