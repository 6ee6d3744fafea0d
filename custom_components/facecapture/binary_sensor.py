"""Binary sensors of the last real-time capture: mask worn, and fever against the terminal's limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .captures.hub import Capture
from .coordinator import FaceCaptureConfigEntry, TerminalState, fever_limit
from .entity import FaceCapturePushEntity

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FaceCaptureBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor fed by captures; ``is_on_fn`` None means the capture does not tell."""

    is_on_fn: Callable[[Capture, TerminalState | None], bool | None]


def _mask(capture: Capture, _state: TerminalState | None) -> bool | None:
    return capture.push.person.has_mask if capture.push.person else None


def _fever(capture: Capture, state: TerminalState | None) -> bool | None:
    person = capture.push.person
    if person is None or not person.temperature:
        return None
    return person.temperature >= fever_limit(state)


# Both start disabled: a face without a mask after one with, or a fever after none, turns them
# on or off, which the logbook shows as a row of its own under the capture's sentence (that
# sentence already says "with fever"; the device triggers fire on fever and on no mask).
BINARY_SENSORS: tuple[FaceCaptureBinarySensorDescription, ...] = (
    FaceCaptureBinarySensorDescription(
        key="mask",
        translation_key="mask",
        entity_registry_enabled_default=False,
        is_on_fn=_mask,
    ),
    FaceCaptureBinarySensorDescription(
        key="fever",
        translation_key="fever",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_registry_enabled_default=False,
        is_on_fn=_fever,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the binary sensors."""
    async_add_entities(
        FaceCaptureBinarySensor(entry, description) for description in BINARY_SENSORS
    )


class FaceCaptureBinarySensor(FaceCapturePushEntity, BinarySensorEntity, RestoreEntity):
    """A binary sensor of the last real-time capture that tells it."""

    entity_description: FaceCaptureBinarySensorDescription

    async def async_added_to_hass(self) -> None:
        """Restore the last value."""
        await super().async_added_to_hass()
        if (state := await self.async_get_last_state()) and state.state not in (
            STATE_UNKNOWN,
            STATE_UNAVAILABLE,
        ):
            self._attr_is_on = state.state == STATE_ON

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the restored state moves with it."""
        super().async_entity_id_changed(old_entity_id)

    def _async_apply(self, capture: Capture) -> bool:
        is_on = self.entity_description.is_on_fn(capture, self.entry.runtime_data.coordinator.data)
        if is_on is None:
            return False
        self._attr_is_on = is_on
        return True
