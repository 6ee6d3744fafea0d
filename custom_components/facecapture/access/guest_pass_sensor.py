"""A sensor per terminal: how many guest passes open it now.

It changes when a pass is created, revoked or used up, and when a window starts or ends (the
passes wake it at those moments); it shows no names.
"""

from __future__ import annotations

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.core import callback

from ..entity import FaceCaptureEntity
from .guest_passes import guest_passes

ACTIVE_GUEST_PASSES = SensorEntityDescription(
    key="active_guest_passes",
    translation_key="active_guest_passes",
    state_class=SensorStateClass.MEASUREMENT,
)


class GuestPassCountSensor(FaceCaptureEntity, SensorEntity):
    """The number of passes valid at this terminal now."""

    _attr_should_poll = False
    _device_id: str | None = None

    async def async_added_to_hass(self) -> None:
        """Follow the installation's passes."""
        await super().async_added_to_hass()
        # The terminal's device, as the entity registry linked it (no lookup by identifier: from
        # 2026.8 identifiers are unique per config entry only, and the old lookup is deprecated).
        self._device_id = self.registry_entry.device_id if self.registry_entry else None
        self.async_on_remove(guest_passes(self.hass).async_add_listener(self._passes_changed))

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the pass listener is not keyed on the entity id."""
        super().async_entity_id_changed(old_entity_id)

    @callback
    def _passes_changed(self) -> None:
        self.async_write_ha_state()

    @property
    def native_value(self) -> int | None:
        """Passes active now that open this terminal."""
        if self._device_id is None:
            return None
        return guest_passes(self.hass).active_count(self._device_id)
