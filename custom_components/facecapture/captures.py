"""Where a face push becomes a Home Assistant event and what the "last ..." entities show.

The webhook hands every new push to ``CaptureHub.async_process``. Every capture fires the bus
event ``facecapture_face``; only real-time ones reach the entities, so that a capture replayed
hours after an outage never looks like someone standing at the door now.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .access import AccessDecision, terminal_decision
from .api.push import FacePush, FaceResult
from .const import EVENT_FACE, SEEN_PUSHES
from .device_time import device_time_to_utc

type PushKey = tuple[str, str, str]


@dataclass(frozen=True, kw_only=True)
class Capture:
    """A parsed capture with its time made absolute."""

    push: FacePush
    captured_at: datetime
    received_at: datetime
    access: AccessDecision | None = None

    @property
    def result(self) -> FaceResult:
        """Recognised, denied, stranger or merely detected."""
        return self.push.result


def capture_event_data(
    capture: Capture,
    *,
    device_id: str | None,
    serial: str,
    fever_limit: float,
    ha_person: str | None = None,
) -> dict[str, Any]:
    """The bus event and event entity payload: everything an automation needs, never an image."""
    push = capture.push
    person = push.person
    temperature = person.temperature if person and person.temperature else None
    match = push.match
    reason = push.failure_reason
    access = capture.access or terminal_decision(push)
    return {
        "device_id": device_id,
        "serial": serial,
        "sequence": push.sequence,
        "captured_at": capture.captured_at.isoformat(),
        "realtime": push.is_realtime,
        "result": str(push.result),
        "person_id": push.person_id,
        "name": push.person_name,
        "ha_person": ha_person,
        "role": match.person_role if match else None,
        "encrypted": bool(match and match.is_encryption),
        "score": push.score,
        "reason": str(reason) if reason else None,
        "reason_code": push.match_failed_reason or None,
        "temperature": temperature,
        "fever": temperature >= fever_limit if temperature is not None else None,
        "mask": person.has_mask if person else None,
        "age": person.age if person and person.age else None,
        "sex": person.sex if person and person.sex else None,
        "face_quality": person.face_quality if person else None,
        "wg_card_id": person.wg_card_id if person else None,
        "long_card_id": person.long_card_id if person else None,
        "qr_code": push.qr_code.qr_data if push.qr_code else None,
        "decision": str(access.decision),
        "decided_by": str(access.decided_by),
        "decision_reason": access.reason,
    }


class CaptureHub:
    """Remembers what was seen, fires the bus event and tells the push entities."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        serial: str,
        device_id: Callable[[], str | None],
        fever_limit: Callable[[], float],
        linked_person: Callable[[str], str | None] = lambda _person_id: None,
    ) -> None:
        """Start with nothing seen; ``linked_person`` maps a person id to a ``person`` entity."""
        self.hass = hass
        self.serial = serial
        self._device_id = device_id
        self.fever_limit = fever_limit
        self._linked_person = linked_person
        self._seen: OrderedDict[PushKey, None] = OrderedDict()
        self._listeners: list[Callable[[Capture], None]] = []
        self._keepers: list[Callable[[Capture], Mapping[str, Any]]] = []
        self.last: Capture | None = None
        self.last_recognized: Capture | None = None
        self.last_message_at: datetime | None = None
        self.last_event: dict[str, Any] | None = None
        self.pushes = 0
        self.retransmissions = 0

    @callback
    def async_check_new(self, push: FacePush) -> bool:
        """Remember a push; False when the same capture was already seen (a retransmission).

        The key is (serial, sequence, capture time) as sent: a terminal that rebooted restarts its
        sequence at 1 but not its clock, so its new captures never collide with old ones.
        """
        key = (push.device_sn or self.serial, str(push.sequence_no), push.cap_time)
        self.last_message_at = dt_util.utcnow()
        if key in self._seen:
            self._seen.move_to_end(key)
            self.retransmissions += 1
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN_PUSHES:
            self._seen.popitem(last=False)
        return True

    def ha_person(self, push: FacePush) -> str | None:
        """The Home Assistant person linked to the terminal person the face matched, if any."""
        if push.result not in (FaceResult.RECOGNIZED, FaceResult.DENIED) or not push.person_id:
            return None
        return self._linked_person(push.person_id)

    @callback
    def async_mark_alive(self) -> None:
        """A heartbeat or any other message arrived: the terminal can reach us."""
        self.last_message_at = dt_util.utcnow()

    @callback
    def async_add_listener(self, listener: Callable[[Capture], None]) -> CALLBACK_TYPE:
        """Call ``listener`` with every real-time capture."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    @callback
    def async_add_keeper(self, keeper: Callable[[Capture], Mapping[str, Any]]) -> CALLBACK_TYPE:
        """Call ``keeper`` with every new capture before its event fires; its fields join the event.

        The capture archive is one: it keeps the pictures and adds the paths that serve them.
        """
        self._keepers.append(keeper)

        @callback
        def remove() -> None:
            self._keepers.remove(keeper)

        return remove

    def _capture(self, push: FacePush, access: AccessDecision | None) -> Capture:
        now = dt_util.utcnow()
        captured_at = device_time_to_utc(push.captured_at, push.timezone) or now
        return Capture(push=push, captured_at=captured_at, received_at=now, access=access)

    @callback
    def async_describe(self, push: FacePush) -> dict[str, Any]:
        """The event data of a capture not yet decided (the variables an access script gets)."""
        data = capture_event_data(
            self._capture(push, None),
            device_id=self._device_id(),
            serial=self.serial,
            fever_limit=self.fever_limit(),
        )
        for key in ("decision", "decided_by", "decision_reason"):
            data.pop(key)
        return data

    @callback
    def async_process(self, push: FacePush, access: AccessDecision | None = None) -> None:
        """Fire the event for a new capture and, if it is real-time, update the entities."""
        capture = self._capture(push, access)
        data = capture_event_data(
            capture,
            device_id=self._device_id(),
            serial=self.serial,
            fever_limit=self.fever_limit(),
            ha_person=self.ha_person(push),
        )
        for keeper in self._keepers:
            data.update(keeper(capture))
        self.pushes += 1
        self.last_event = data
        self.hass.bus.async_fire(EVENT_FACE, data)
        if not push.is_realtime:
            return
        self.last = capture
        if push.result is FaceResult.RECOGNIZED:
            self.last_recognized = capture
        for listener in list(self._listeners):
            listener(capture)
