"""Where a face push becomes a Home Assistant event and what the "last ..." entities show.

The webhook checks each usable push against the memory of seen captures (``async_check_new``)
before it answers, and hands the new ones to ``async_accept``, which publishes them right after the
answer. Every capture fires the bus event ``facecapture_face`` exactly once, also across reloads
and restarts; only real-time ones reach the entities, so that a capture replayed hours after an
outage never looks like someone standing at the door now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..access.guest_pass_rules import public_qr_data
from ..access.policy import AccessDecision, terminal_decision
from ..api.push import FacePush, FaceResult
from ..const import DOMAIN, EVENT_FACE
from ..link.device_time import device_time_to_utc
from ..listeners import Listeners
from .problems import PushProblems
from .seen import SeenCaptures


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
    # Which pass was shown, by its id (never its token), and which of its uses this was.
    guest_pass = access.guest_pass.event_data() if access.guest_pass else {}
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
        "qr_code": public_qr_data(push),
        "decision": str(access.decision),
        "decided_by": str(access.decided_by),
        "decision_reason": access.reason,
        **guest_pass,
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
        seen: SeenCaptures,
        problems: PushProblems,
        linked_person: Callable[[str], str | None] = lambda _person_id: None,
    ) -> None:
        """Start from the loaded memory of seen captures.

        ``linked_person`` maps a person id to a ``person`` entity.
        """
        self.hass = hass
        self.serial = serial
        self._device_id = device_id
        self.fever_limit = fever_limit
        self.seen = seen
        self.problems = problems
        self._linked_person = linked_person
        self._listeners: Listeners[[Capture]] = Listeners()
        self._keepers: list[Callable[[Capture], Mapping[str, Any]]] = []
        self.last: Capture | None = None
        self.last_recognized: Capture | None = None
        self.last_message_at: datetime | None = None
        self.last_event: dict[str, Any] | None = None
        self.pushes = 0
        self.retransmissions = 0

    @callback
    def async_check_new(self, push: FacePush) -> bool:
        """Remember a usable push; False when the same capture was already seen (a retransmission).

        The key is (sequence, capture time as sent); see ``seen.py`` for why that suffices.
        """
        self.last_message_at = dt_util.utcnow()
        if push.sequence is None:
            return False
        if not self.seen.async_add(push.sequence, push.cap_time):
            self.retransmissions += 1
            return False
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
        return self._listeners.add(listener)

    @callback
    def async_accept(
        self, push: FacePush, captured_at: datetime, access: AccessDecision | None = None
    ) -> Capture:
        """Take a new, usable capture; it is published as soon as the webhook has answered."""
        capture = Capture(
            push=push, captured_at=captured_at, received_at=dt_util.utcnow(), access=access
        )
        self.problems.async_good()
        # call_soon keeps the order of arrival and runs once the handler has returned its reply.
        self.hass.loop.call_soon(self._async_publish, capture)
        return capture

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

    def _activity_entity_id(self) -> str | None:
        """The terminal's entity a capture's logbook row goes with, for Activity's filters.

        The frontend filters Activity for a device by the device's enabled entities, and the
        logbook finds an event for an entity by the ``entity_id`` in its data: the Face event
        entity when the user enabled it, else the Last face camera (enabled by default).
        """
        registry = er.async_get(self.hass)
        for domain, key in ((Platform.EVENT, "face"), (Platform.CAMERA, "closeup")):
            entity_id = registry.async_get_entity_id(domain, DOMAIN, f"{self.serial}_{key}")
            if entity_id and (entry := registry.async_get(entity_id)) and not entry.disabled:
                return entity_id
        return None

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
        """Publish a new capture at once (its time read from the push, else the time of arrival)."""
        self._async_publish(self._capture(push, access))

    @callback
    def _async_publish(self, capture: Capture) -> None:
        """Fire the event for a new capture and, if it is real-time, update the entities."""
        self.seen.async_schedule_save()
        push = capture.push
        data = capture_event_data(
            capture,
            device_id=self._device_id(),
            serial=self.serial,
            fever_limit=self.fever_limit(),
            ha_person=self.ha_person(push),
        )
        for keeper in self._keepers:
            data.update(keeper(capture))
        if (entity_id := self._activity_entity_id()) is not None:
            data["entity_id"] = entity_id
        self.pushes += 1
        self.last_event = data
        self.hass.bus.async_fire(EVENT_FACE, data)
        if not push.is_realtime:
            return
        self.last = capture
        if push.result is FaceResult.RECOGNIZED:
            self.last_recognized = capture
        self._listeners.notify(capture)
