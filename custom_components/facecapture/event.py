"""The "Face" event entity: one event per real-time capture, typed by its result."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.push import FaceResult
from .captures import Capture, capture_event_data
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCapturePushEntity

PARALLEL_UPDATES = 0

FACE_EVENT = EventEntityDescription(
    key="face",
    translation_key="face",
    event_types=[str(result) for result in FaceResult],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the event entity."""
    async_add_entities([FaceCaptureEventEntity(entry, FACE_EVENT)])


class FaceCaptureEventEntity(FaceCapturePushEntity, EventEntity):
    """Fires recognized, denied, stranger or detected, with who and how."""

    def _async_apply(self, capture: Capture) -> bool:
        captures = self.entry.runtime_data.captures
        data = capture_event_data(
            capture,
            device_id=self.registry_entry.device_id if self.registry_entry else None,
            serial=self.entry.runtime_data.serial,
            fever_limit=captures.fever_limit(),
            ha_person=captures.ha_person(capture.push),
        )
        data.pop("realtime")  # always true here: catch-up captures never reach the entity
        self._trigger_event(str(capture.result), data)
        return True
