"""Selects: fixed-choice settings written to the simulated terminal, one field at a time."""

from __future__ import annotations

import copy
from typing import Any

from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import STATE_UNKNOWN, EntityCategory, Platform
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
    return Platform.SELECT


async def select_option(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Call select.select_option."""
    await call_entity_service(
        hass, SELECT_DOMAIN, SERVICE_SELECT_OPTION, entity_id, {ATTR_OPTION: option}
    )


async def test_snapshot(
    hass: HomeAssistant,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every select, as created for the simulated terminal."""
    await snapshot_platform(hass, entity_registry, snapshot, platform_entry.entry_id)


# Every option of every app-params select, with the value the document gives it.
APP_PARAM_OPTIONS = [
    ("led_mode", ("led_control", "led_mode"), "always_on", 1),
    ("led_mode", ("led_control", "led_mode"), "auto", 2),
    ("led_mode", ("led_control", "led_mode"), "always_off", 3),
    ("image_output", ("face", "pic_form"), "overall", "overall"),
    ("image_output", ("face", "pic_form"), "closeup", "closeup"),
    ("image_output", ("face", "pic_form"), "both", "both"),
    ("image_output", ("face", "pic_form"), "none", "none"),
    ("match_mode", ("gate_control", "match_mode"), "auto", 1),
    ("match_mode", ("gate_control", "match_mode"), "online", 2),
    ("match_mode", ("gate_control", "match_mode"), "offline", 3),
    ("gate_output", ("gate_control", "output_mode"), "gpio", "gpio"),
    ("gate_output", ("gate_control", "output_mode"), "wiegand", "wiegand"),
]
# A value that is not the option's, of the same type, to start from.
OTHER = {1: 2, 2: 3, 3: 1, "overall": "none", "closeup": "both", "both": "closeup", "none": "both"}
OTHER |= {"gpio": "wiegand", "wiegand": "gpio"}


@pytest.mark.parametrize(("key", "path", "option", "written"), APP_PARAM_OPTIONS)
async def test_round_trip(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    key: str,
    path: tuple[str, ...],
    option: str,
    written: Any,
) -> None:
    """Selecting an option writes its value to its field on the terminal, and only there."""
    value_at(simulator.state.app_params, path[:-1])[path[-1]] = OTHER[written]
    await setup_platform(hass, mock_config_entry, Platform.SELECT)
    entity_id = entity_id_of(entity_registry, SELECT_DOMAIN, key)
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.entity_category is EntityCategory.CONFIG
    state = hass.states.get(entity_id)
    assert state is not None
    assert option in state.attributes[ATTR_OPTIONS]
    assert state.state != option
    before = copy.deepcopy(simulator.state.app_params)
    start = len(simulator.requests)

    await select_option(hass, entity_id, option)

    assert changed_paths(before, simulator.state.app_params) == [path]
    assert value_at(simulator.state.app_params, path) == written
    sent = requests_since(simulator, start, "update app params")
    assert len(sent) == 1
    assert sent[0].keys() - {"cmd", "version"} == {path[0]}
    assert value_at(sent[0], path) == written
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == option


@pytest.mark.parametrize("option", ["none", "extinguish", "media"])
async def test_screensaver_mode(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    option: str,
) -> None:
    """The screensaver mode has its own command; the application parameters stay as they were."""
    simulator.state.screensaver_mode = "media" if option != "media" else "none"
    await setup_platform(hass, mock_config_entry, Platform.SELECT)
    entity_id = entity_id_of(entity_registry, SELECT_DOMAIN, "screensaver_mode")
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == simulator.state.screensaver_mode
    before = copy.deepcopy(simulator.state.app_params)
    start = len(simulator.requests)

    await select_option(hass, entity_id, option)

    assert simulator.state.screensaver_mode == option
    assert simulator.state.app_params == before
    sent = requests_since(simulator, start, "update lcd screensaver")
    assert [body["screensaver_mode"] for body in sent] == [option]
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == option


async def test_value_not_in_document(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A value the document does not list shows as unknown instead of a wrong option."""
    simulator.state.app_params["led_control"]["led_mode"] = 7
    simulator.state.screensaver_mode = "slideshow"
    await setup_platform(hass, mock_config_entry, Platform.SELECT)

    for key in ("led_mode", "screensaver_mode"):
        state = hass.states.get(entity_id_of(entity_registry, SELECT_DOMAIN, key))
        assert state is not None
        assert state.state == STATE_UNKNOWN


async def test_setting_not_reported_is_not_created(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """No LED mode field, no screensaver command: no selects for them."""
    del simulator.state.app_params["led_control"]["led_mode"]
    simulator.fail_next("request lcd screensaver", 2)
    await setup_platform(hass, mock_config_entry, Platform.SELECT)

    assert entity_keys(entity_registry, mock_config_entry) == {
        "image_output",
        "match_mode",
        "gate_output",
    }


async def test_terminal_refuses(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An error code from the terminal becomes the translated error; nothing changes."""
    entity_id = entity_id_of(entity_registry, SELECT_DOMAIN, "gate_output")
    before = copy.deepcopy(simulator.state.app_params)
    simulator.fail_next("update app params", 3)

    with pytest.raises(ServiceValidationError) as raised:
        await select_option(hass, entity_id, "wiegand")

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_3"
    assert simulator.state.app_params == before
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == "gpio"


async def test_screensaver_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A failing screensaver command is a translated error too."""
    simulator.fail_next("update lcd screensaver", 6)

    with pytest.raises(HomeAssistantError) as raised:
        await select_option(
            hass, entity_id_of(entity_registry, SELECT_DOMAIN, "screensaver_mode"), "media"
        )

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_6"
    assert simulator.state.screensaver_mode == "none"
