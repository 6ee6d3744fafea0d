"""Selects: fixed-choice settings written to the simulated terminal, one field at a time."""

from __future__ import annotations

import copy
from typing import Any
from unittest.mock import patch

from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN, EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL


def changed_paths(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The key paths whose values differ between two JSON trees."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            changed
            for key in sorted(before.keys() | after.keys())
            for changed in changed_paths(before.get(key), after.get(key), (*path, key))
        ]
    return [] if before == after and type(before) is type(after) else [path]


def value_at(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value of a key path."""
    node: Any = tree
    for key in path:
        node = node[key]
    return node


async def setup_selects(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up with only the select platform."""
    with patch("custom_components.facecapture.PLATFORMS", [Platform.SELECT]):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


@pytest.fixture
async def selects(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str
) -> MockConfigEntry:
    """The entry set up with only the select platform."""
    await setup_selects(hass, mock_config_entry)
    return mock_config_entry


def entity_id_of(entity_registry: er.EntityRegistry, key: str) -> str:
    """The entity id of a select, found by its unique id."""
    entity_id = entity_registry.async_get_entity_id(SELECT_DOMAIN, DOMAIN, f"{SERIAL}_{key}")
    assert entity_id is not None, key
    return entity_id


def requests_since(simulator: Simulator, start: int, cmd: str) -> list[dict[str, Any]]:
    """The bodies of one command the simulator received after the first ``start`` requests."""
    return [body for body in simulator.requests[start:] if body.get("cmd") == cmd]


async def select_option(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Call select.select_option."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )
    await hass.async_block_till_done()


async def test_snapshot(
    hass: HomeAssistant,
    selects: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every select, as created for the simulated terminal."""
    await snapshot_platform(hass, entity_registry, snapshot, selects.entry_id)


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
    await setup_selects(hass, mock_config_entry)
    entity_id = entity_id_of(entity_registry, key)
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
    await setup_selects(hass, mock_config_entry)
    entity_id = entity_id_of(entity_registry, "screensaver_mode")
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
    await setup_selects(hass, mock_config_entry)

    for key in ("led_mode", "screensaver_mode"):
        state = hass.states.get(entity_id_of(entity_registry, key))
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
    await setup_selects(hass, mock_config_entry)

    keys = {
        entry.unique_id.removeprefix(f"{SERIAL}_")
        for entry in er.async_entries_for_config_entry(entity_registry, mock_config_entry.entry_id)
    }
    assert keys == {"image_output", "match_mode", "gate_output"}


async def test_terminal_refuses(
    hass: HomeAssistant,
    simulator: Simulator,
    selects: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An error code from the terminal becomes the translated error; nothing changes."""
    entity_id = entity_id_of(entity_registry, "gate_output")
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
    selects: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A failing screensaver command is a translated error too."""
    simulator.fail_next("update lcd screensaver", 6)

    with pytest.raises(HomeAssistantError) as raised:
        await select_option(hass, entity_id_of(entity_registry, "screensaver_mode"), "media")

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "code_6"
    assert simulator.state.screensaver_mode == "none"
