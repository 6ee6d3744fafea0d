"""Notify entities: show a message on the terminal's screen, or have the terminal speak it.

The Voice notifier speaks through the voice chosen in the terminal's options (``voice/speech.py``): a
Home Assistant TTS engine in the user's language, or the terminal's own Chinese TTS.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.notify import (
    NotifyEntity,
    NotifyEntityDescription,
    NotifyEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DisplayText
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCaptureCoordinatorEntity
from .helpers import terminal_command
from .voice.speech import async_speak

PARALLEL_UPDATES = 1

SCREEN_SECONDS = 10
"""How long a message stays on the screen: long enough to read a few lines while walking up."""
SCREEN_TOP = 500
"""Where the first line goes: the document's example position."""
SCREEN_FONT_SIZE = 60
SCREEN_LINE_HEIGHT = 70


async def show_on_screen(entry: FaceCaptureConfigEntry, message: str, title: str | None) -> None:
    """Show the title (if any) and each line of the message, one under the other."""
    lines = [line for line in [title or "", *message.splitlines()] if line.strip()]
    await entry.runtime_data.client.display_text(
        [
            DisplayText(
                text=line,
                y=SCREEN_TOP + index * SCREEN_LINE_HEIGHT,
                alive_time=SCREEN_SECONDS * 1000,
                font_size=SCREEN_FONT_SIZE,
            )
            for index, line in enumerate(lines)
        ]
    )


async def speak(entry: FaceCaptureConfigEntry, message: str, title: str | None) -> None:
    """Speak the message (a title is not spoken)."""
    await async_speak(entry.runtime_data.coordinator.hass, entry, message)


@dataclass(frozen=True, kw_only=True)
class FaceCaptureNotifyDescription(NotifyEntityDescription):
    """A way for the terminal to pass a message on."""

    send_fn: Callable[[FaceCaptureConfigEntry, str, str | None], Coroutine[Any, Any, None]]
    shows_title: bool = False


NOTIFIERS: tuple[FaceCaptureNotifyDescription, ...] = (
    FaceCaptureNotifyDescription(
        key="screen",
        translation_key="screen",
        send_fn=show_on_screen,
        shows_title=True,
    ),
    FaceCaptureNotifyDescription(key="voice", translation_key="voice", send_fn=speak),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the screen and voice notifiers."""
    async_add_entities(FaceCaptureNotify(entry, description) for description in NOTIFIERS)


class FaceCaptureNotify(FaceCaptureCoordinatorEntity, NotifyEntity):
    """Passes `notify.send_message` on to the terminal."""

    entity_description: FaceCaptureNotifyDescription

    def __init__(
        self, entry: FaceCaptureConfigEntry, description: FaceCaptureNotifyDescription
    ) -> None:
        """Offer a title where the terminal can show one."""
        super().__init__(entry, description)
        if description.shows_title:
            self._attr_supported_features = NotifyEntityFeature.TITLE

    @terminal_command
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message."""
        await self.entity_description.send_fn(self.entry, message, title)
