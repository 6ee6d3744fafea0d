"""The "Face" event entity: one event per real-time capture, typed by its result.

Disabled by default: each of its events is a logbook row of its own under the capture's sentence.

Its attributes are for people: the role as a word, the reason as a key the frontend translates,
no internal ids (device id, serial, sequence stay in the ``facecapture_face`` bus event).
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Role
from .api.push import FaceResult
from .captures.hub import Capture, capture_event_data
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCapturePushEntity

PARALLEL_UPDATES = 0

ROLE_NAMES: Final = {
    int(Role.ORDINARY): "ordinary",
    int(Role.WHITELIST): "whitelist",
    int(Role.BLACKLIST): "blacklist",
}
INTERNAL_FIELDS: Final = ("device_id", "serial", "sequence", "realtime", "result", "reason_code")
"""Bus event fields the entity leaves out: ids for automations, and the result (its event type)."""


def face_attributes(
    capture: Capture, *, fever_limit: float, ha_person: str | None = None
) -> dict[str, Any]:
    """What the Face entity shows of a capture: readable values, translated by their keys.

    Only what the capture has: an event entity's attributes differ from one event to the next.
    """
    data = capture_event_data(
        capture, device_id=None, serial="", fever_limit=fever_limit, ha_person=ha_person
    )
    for key in INTERNAL_FIELDS:
        data.pop(key)
    if (role := data["role"]) is not None:
        data["role"] = ROLE_NAMES.get(role, str(role))
    # What the terminal did not say (no reason for a welcome, no age when not measured) and a
    # name in plain text are not worth a line each.
    return {
        key: value
        for key, value in data.items()
        if value is not None and not (key == "encrypted" and value is False)
    }


FACE_EVENT = EventEntityDescription(
    key="face",
    translation_key="face",
    event_types=[str(result) for result in FaceResult],
    # Home Assistant writes a logbook row for every event an event entity gets, and nothing
    # lets an integration leave it out: enabled, it doubles each capture's row (the sentence of
    # logbook.py). Automations have the device triggers and the ``facecapture_face`` event.
    entity_registry_enabled_default=False,
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
        data = face_attributes(
            capture, fever_limit=captures.fever_limit(), ha_person=captures.ha_person(capture.push)
        )
        self._trigger_event(str(capture.result), data)
        return True
