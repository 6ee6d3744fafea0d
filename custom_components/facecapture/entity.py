"""Base entities: one for polled state, one for what the pushes tell."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .captures.hub import Capture
from .coordinator import FaceCaptureConfigEntry, FaceCaptureCoordinator
from .link.availability import availability_signal


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

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes (Home Assistant 2026.11).

        Nothing here is keyed on the entity id: listeners are keyed on the entry, so there is
        nothing to move. Home Assistant 2026.2 to 2026.10 lack the hook (they remove and re-add
        the entity instead), so the base class is called only where it has it. Every class of
        ours that overrides ``async_added_to_hass`` repeats this opt-in: Home Assistant counts
        it only on that class or a subclass of it.
        """
        parent = getattr(super(), "async_entity_id_changed", None)
        if parent is not None:
            parent(old_entity_id)


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

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the coordinator listener is not keyed on it."""
        super().async_entity_id_changed(old_entity_id)


class FaceCapturePushEntity(FaceCaptureEntity):
    """An entity showing the last real-time capture; it changes only when a push arrives.

    It is unavailable while the terminal cannot be reached (the last poll failed), as Home
    Assistant's entity-unavailable rule asks, and shows its last capture again when the terminal
    is back: a capture does not stop being the last one, but the terminal may have seen others.
    """

    _attr_should_poll = False
    _available_written: bool | None = None

    @property
    def available(self) -> bool:
        """Whether the terminal answered the last poll."""
        return self.entry.runtime_data.coordinator.last_update_success

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's captures, and to the polls for the terminal's reachability."""
        await super().async_added_to_hass()
        runtime = self.entry.runtime_data
        self.async_on_remove(runtime.captures.async_add_listener(self._async_capture))
        self.async_on_remove(runtime.coordinator.async_add_listener(self._async_poll_done))
        self._available_written = self.available

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the capture listener is keyed on the entry."""
        super().async_entity_id_changed(old_entity_id)

    @callback
    def _async_poll_done(self) -> None:
        """Write the state when the terminal became reachable or unreachable; not on every poll."""
        if self.available != self._available_written:
            self._available_written = self.available
            self.async_write_ha_state()

    def _async_capture(self, capture: Capture) -> None:
        """Take a new real-time capture; subclasses decide whether it concerns them."""
        if self._async_apply(capture):
            self.async_write_ha_state()

    def _async_apply(self, capture: Capture) -> bool:
        """Update from a capture; return True to write the new state."""
        raise NotImplementedError
