"""Base entities: one for polled state, one for what the pushes tell."""

from __future__ import annotations

from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .availability import availability_signal
from .captures import Capture
from .coordinator import FaceCaptureConfigEntry, FaceCaptureCoordinator


class FaceCaptureEntity(Entity):
    """Named after its translation key, attached to the terminal's device."""

    _attr_has_entity_name = True

    def __init__(self, entry: FaceCaptureConfigEntry, description: EntityDescription) -> None:
        """Set the unique id from the serial and the description's key."""
        self.entry = entry
        self.entity_description = description
        self._attr_unique_id = f"{entry.runtime_data.serial}_{description.key}"
        self._attr_device_info = entry.runtime_data.device_info

    @property
    def available(self) -> bool:
        """Unavailable while a terminal that fetches its commands has stopped asking."""
        return super().available and self.entry.runtime_data.online

    async def async_added_to_hass(self) -> None:
        """Show the terminal coming and going."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, availability_signal(self.entry), self.async_write_ha_state
            )
        )


class FaceCaptureCoordinatorEntity(CoordinatorEntity[FaceCaptureCoordinator], FaceCaptureEntity):
    """An entity showing polled state."""

    def __init__(self, entry: FaceCaptureConfigEntry, description: EntityDescription) -> None:
        """Follow the entry's coordinator."""
        super().__init__(entry.runtime_data.coordinator)
        FaceCaptureEntity.__init__(self, entry, description)

    @property
    def available(self) -> bool:
        """The last poll worked and the terminal is there."""
        return super().available and self.entry.runtime_data.online


class FaceCapturePushEntity(FaceCaptureEntity):
    """An entity showing the last real-time capture; it changes only when a push arrives."""

    _attr_should_poll = False

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's captures."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.entry.runtime_data.captures.async_add_listener(self._async_capture)
        )

    def _async_capture(self, capture: Capture) -> None:
        """Take a new real-time capture; subclasses decide whether it concerns them."""
        if self._async_apply(capture):
            self.async_write_ha_state()

    def _async_apply(self, capture: Capture) -> bool:
        """Update from a capture; return True to write the new state."""
        raise NotImplementedError
