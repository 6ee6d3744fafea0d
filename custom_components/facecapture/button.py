"""Buttons: reboot the terminal, restart its application, set its clock, synchronise persons."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCaptureCoordinatorEntity
from .helpers import terminal_command
from .link.device_time import clock_now
from .people.household import household_of

PARALLEL_UPDATES = 1


async def async_sync_clock(entry: FaceCaptureConfigEntry) -> None:
    """Set the terminal's clock to now, in Home Assistant's time zone.

    A terminal that names its zone gets Home Assistant's current offset with the time (else the
    time would be read in its old zone); one that does not reads its times in Home Assistant's
    zone anyway, and older firmware may not take the field.
    """
    state = entry.runtime_data.coordinator.data
    names_zone = state is not None and state.clock is not None and state.clock.timezone is not None
    now, zone = clock_now(name_zone=names_zone)
    await entry.runtime_data.client.set_date_time(now, timezone=zone)
    await entry.runtime_data.coordinator.async_request_refresh()


@dataclass(frozen=True, kw_only=True)
class FaceCaptureButtonDescription(ButtonEntityDescription):
    """A button that sends one command."""

    press_fn: Callable[[FaceCaptureConfigEntry], Coroutine[Any, Any, None]]


BUTTONS: tuple[FaceCaptureButtonDescription, ...] = (
    FaceCaptureButtonDescription(
        key="reboot",
        translation_key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda entry: entry.runtime_data.client.reboot(),
    ),
    FaceCaptureButtonDescription(
        key="restart_application",
        translation_key="restart_application",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda entry: entry.runtime_data.client.restart_application(),
    ),
    FaceCaptureButtonDescription(
        key="sync_clock",
        translation_key="sync_clock",
        entity_category=EntityCategory.CONFIG,
        # The sync_time action and the clock offset sensor cover this; a button is rarely needed.
        entity_registry_enabled_default=False,
        press_fn=async_sync_clock,
    ),
)


SYNCHRONISE_PERSONS = ButtonEntityDescription(
    key="synchronise_persons", translation_key="synchronise_persons"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the buttons; "Synchronise persons" on a terminal of a household."""
    async_add_entities(FaceCaptureButton(entry, description) for description in BUTTONS)
    if household_of(hass, entry) is not None:
        async_add_entities([SynchronisePersonsButton(entry, SYNCHRONISE_PERSONS)])


class FaceCaptureButton(FaceCaptureCoordinatorEntity, ButtonEntity):
    """Sends its command when pressed."""

    entity_description: FaceCaptureButtonDescription

    @terminal_command
    async def async_press(self) -> None:
        """Send the command."""
        await self.entity_description.press_fn(self.entry)


class SynchronisePersonsButton(FaceCaptureCoordinatorEntity, ButtonEntity):
    """Copies what the household's terminals lack or hold differently, now.

    Failures on a terminal are reported as repair issues by the household, not raised here:
    one terminal that is off does not stop the others from being brought in step.
    """

    async def async_press(self) -> None:
        """Compare the household's terminals and copy what differs."""
        if (household := household_of(self.hass, self.entry)) is not None:
            await household.async_synchronise()
