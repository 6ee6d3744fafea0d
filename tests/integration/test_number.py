"""Numbers: numeric settings written to the simulated terminal, one field at a time."""

from __future__ import annotations

import copy

from homeassistant.components.number import (
    ATTR_MAX,
    ATTR_MIN,
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import EntityCategory, Platform
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


@pytest.fixture
def platform() -> Platform:
    """The platform `platform_entry` sets up."""
    return Platform.NUMBER


async def set_value(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Call number.set_value."""
    await call_entity_service(
        hass, NUMBER_DOMAIN, SERVICE_SET_VALUE, entity_id, {ATTR_VALUE: value}
    )


async def test_snapshot(
    hass: HomeAssistant,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every number, as created for the simulated terminal."""
    await snapshot_platform(hass, entity_registry, snapshot, platform_entry.entry_id)


@pytest.mark.parametrize(
    ("key", "path", "value", "written"),
    [
        ("match_threshold", ("face", "match_score"), 92, 92),
        ("duplicate_interval", ("face", "derep_timeout"), 15, 15),
        ("min_face_size", ("face", "min_face_size"), 160, 160),
        ("temperature_limit", ("face", "body_temperature", "limit"), 37.8, 37.8),
        ("relay_hold_time", ("gate_control", "gpio_retention_time"), 2500, 2500),
        ("led_brightness", ("led_control", "led_brightness"), 45, 45),
    ],
)
async def test_round_trip(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    key: str,
    path: tuple[str, ...],
    value: float,
    written: float,
) -> None:
    """Setting a number changes its field on the terminal, only that one, in the stored type."""
    entity_id = entity_id_of(entity_registry, NUMBER_DOMAIN, key)
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.entity_category is EntityCategory.CONFIG
    old = value_at(simulator.state.app_params, path)
    state = hass.states.get(entity_id)
    assert state is not None
    assert float(state.state) == old
    before = copy.deepcopy(simulator.state.app_params)
    start = len(simulator.requests)

    await set_value(hass, entity_id, value)

    assert changed_paths(before, simulator.state.app_params) == [path]
    stored = value_at(simulator.state.app_params, path)
    assert stored == written
    assert type(stored) is type(old)
    sent = requests_since(simulator, start, "update app params")
    assert len(sent) == 1
    assert value_at(sent[0], path) == written
    assert sent[0].keys() - {"cmd", "version"} == {path[0]}
    state = hass.states.get(entity_id)
    assert state is not None
    assert float(state.state) == written


async def test_volume(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The volume has its own command; the application parameters stay as they were."""
    entity_id = entity_id_of(entity_registry, NUMBER_DOMAIN, "volume")
    state = hass.states.get(entity_id)
    assert state is not None
    assert float(state.state) == simulator.state.volume == 60
    before = copy.deepcopy(simulator.state.app_params)
    start = len(simulator.requests)

    await set_value(hass, entity_id, 35)

    assert simulator.state.volume == 35
    assert simulator.state.app_params == before
    sent = requests_since(simulator, start, "camera volume")
    assert {"method": "SET", "volume": 35}.items() <= sent[0].items()
    assert not requests_since(simulator, start, "update app params")
    state = hass.states.get(entity_id)
    assert state is not None
    assert float(state.state) == 35


async def test_spaced_key_written_as_reported(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A terminal that reports `"derep_timeout "` (the document's spelling) is written that way."""
    face = simulator.state.app_params["face"]
    face["derep_timeout "] = face.pop("derep_timeout")
    await setup_platform(hass, mock_config_entry, Platform.NUMBER)
    entity_id = entity_id_of(entity_registry, NUMBER_DOMAIN, "duplicate_interval")
    state = hass.states.get(entity_id)
    assert state is not None
    assert float(state.state) == 3
    start = len(simulator.requests)

    await set_value(hass, entity_id, 20)

    sent = requests_since(simulator, start, "update app params")
    assert sent[0]["face"] == {"derep_timeout ": 20}


async def test_temperature_limit_within_measurement_range(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """The limit's bounds are the terminal's measurement range (`range_min`/`range_max`)."""
    simulator.state.app_params["face"]["body_temperature"].update(range_min=34.5, range_max=40.0)
    await setup_platform(hass, mock_config_entry, Platform.NUMBER)
    state = hass.states.get(entity_id_of(entity_registry, NUMBER_DOMAIN, "temperature_limit"))
    assert state is not None
    assert state.attributes[ATTR_MIN] == 34.5
    assert state.attributes[ATTR_MAX] == 40.0


async def test_temperature_limit_default_range(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """Without a reported measurement range the limit lies within 35-42 °C."""
    temperature = simulator.state.app_params["face"]["body_temperature"]
    del temperature["range_min"], temperature["range_max"]
    await setup_platform(hass, mock_config_entry, Platform.NUMBER)
    state = hass.states.get(entity_id_of(entity_registry, NUMBER_DOMAIN, "temperature_limit"))
    assert state is not None
    assert (state.attributes[ATTR_MIN], state.attributes[ATTR_MAX]) == (35.0, 42.0)


async def test_out_of_range_is_not_sent(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A threshold outside the document's 70-100 never reaches the terminal."""
    start = len(simulator.requests)
    with pytest.raises(ServiceValidationError):
        await set_value(hass, entity_id_of(entity_registry, NUMBER_DOMAIN, "match_threshold"), 65)
    assert not requests_since(simulator, start, "update app params")
    assert simulator.state.app_params["face"]["match_score"] == 80


async def test_setting_not_reported_is_not_created(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """No minimum face size field, no volume command: no numbers for them."""
    del simulator.state.app_params["face"]["min_face_size"]
    simulator.fail_next("camera volume", 2)
    await setup_platform(hass, mock_config_entry, Platform.NUMBER)

    assert entity_keys(entity_registry, mock_config_entry) == {
        "match_threshold",
        "duplicate_interval",
        "temperature_limit",
        "relay_hold_time",
        "led_brightness",
    }


async def test_terminal_refuses(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An error code from the terminal becomes the translated error; nothing changes."""
    entity_id = entity_id_of(entity_registry, NUMBER_DOMAIN, "relay_hold_time")
    before = copy.deepcopy(simulator.state.app_params)
    simulator.fail_next("update app params", 3)

    with pytest.raises(ServiceValidationError) as raised:
        await set_value(hass, entity_id, 3000)

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_3"
    assert simulator.state.app_params == before
    state = hass.states.get(entity_id)
    assert state is not None
    assert float(state.state) == 1000


async def test_volume_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A failing volume command is a translated error too."""
    simulator.fail_next("camera volume", 6)

    with pytest.raises(HomeAssistantError) as raised:
        await set_value(hass, entity_id_of(entity_registry, NUMBER_DOMAIN, "volume"), 10)

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_6"
    assert simulator.state.volume == 60
