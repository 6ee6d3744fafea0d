"""Notify: `notify.send_message` on the terminal's screen, or spoken by its TTS."""

from __future__ import annotations

from typing import Any

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.const import DOMAIN
from simulator import Simulator

from .common import entity_id_of, setup_platform


async def send(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    key: str,
    message: str,
    title: str | None = None,
) -> str:
    """Send a message through one of the terminal's notifiers; return its entity id."""
    entity_id = entity_id_of(entity_registry, NOTIFY_DOMAIN, key)
    data: dict[str, Any] = {ATTR_ENTITY_ID: entity_id, ATTR_MESSAGE: message}
    if title is not None:
        data[ATTR_TITLE] = title
    await hass.services.async_call(NOTIFY_DOMAIN, SERVICE_SEND_MESSAGE, data, blocking=True)
    return entity_id


def logged(simulator: Simulator, kind: str) -> list[dict[str, Any]]:
    """What the terminal showed (``text``) or said (``tts``)."""
    return [entry for entry in simulator.log if entry["kind"] == kind]


async def test_snapshot(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The screen and voice notifiers."""
    await setup_platform(hass, mock_config_entry, Platform.NOTIFY)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_screen_shows_title_and_lines(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The title and each line of the message go on the screen, one under the other."""
    entity_id = await send(
        hass, entity_registry, "screen", "Deliveries at the side door\n\nThank you", "Notice"
    )

    assert [
        (entry["text"], entry["position"]["y"], entry["alive_time"])
        for entry in logged(simulator, "text")
    ] == [
        ("Notice", 500, 10000),
        ("Deliveries at the side door", 570, 10000),
        ("Thank you", 640, 10000),
    ]
    assert {entry["coding_type"] for entry in logged(simulator, "text")} == {"utf8"}
    assert logged(simulator, "tts") == []
    assert hass.states.get(entity_id).state != STATE_UNKNOWN


async def test_screen_without_title(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A message alone starts at the top position."""
    await send(hass, entity_registry, "screen", "Bienvenue à l'entrée")
    assert [(entry["text"], entry["position"]["y"]) for entry in logged(simulator, "text")] == [
        ("Bienvenue à l'entrée", 500)
    ]


async def test_screen_refuses_empty_message(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Nothing to show is the user's mistake, said before the terminal is asked."""
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, entity_registry, "screen", "  \n ")
    assert err.value.translation_key == "invalid_value"
    assert not any(body.get("cmd") == "text display" for body in simulator.requests)


async def test_voice_speaks_message(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The voice notifier speaks the message (a title is not spoken); 64 bytes fit."""
    await send(hass, entity_registry, "voice", "Welcome home", "ignored title")
    await send(hass, entity_registry, "voice", "x" * 64)

    assert [entry["text"] for entry in logged(simulator, "tts")] == ["Welcome home", "x" * 64]
    assert logged(simulator, "text") == []


async def test_voice_refuses_more_than_64_bytes(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """22 Chinese characters are 66 bytes of UTF-8: refused, and the terminal is not asked."""
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, entity_registry, "voice", "欢迎回家" * 5 + "你好")

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "tts_too_long"
    assert err.value.translation_placeholders == {"bytes": "66", "max_bytes": "64"}
    assert not any(body.get("cmd") == "tts play" for body in simulator.requests)


@pytest.mark.parametrize(("key", "cmd"), [("screen", "text display"), ("voice", "tts play")])
async def test_refused_by_terminal(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    key: str,
    cmd: str,
) -> None:
    """A terminal error is a translated error."""
    simulator.fail_next(cmd, 5)

    with pytest.raises(HomeAssistantError) as err:
        await send(hass, entity_registry, key, "Hello")

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "code_5"
    assert simulator.log == []
