"""Logbook: each capture as a sentence, "Front gate recognized Alice (score 92)".

When Home Assistant decides access, the sentence says what it decided: "Front gate let Alice in",
"Front gate turned Bob away: outside schedule", "Front gate let guest Carol in, use 1 of 2".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from homeassistant.components.event import DOMAIN as EVENT_DOMAIN
from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import CONF_DEVICE_ID
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util

from .access.guest_pass_rules import SCREEN_TEXTS
from .access.policy import DecidedBy, Decision, DenyReason, guest_pass_reason
from .api.push import FaceResult, FailureReason
from .const import DOMAIN, EVENT_FACE
from .event import FACE_EVENT
from .people.links import person_name

FALLBACK_NAME = "Face terminal"
"""Named with the serial when the event's device is no longer in the registry."""

FACE_ICON = "mdi:face-recognition"
"""The Face event entity's icon, for rows it does not carry (it is disabled by default)."""

REASONS: dict[str, str] = {
    FailureReason.RESTRICTED: "not on the allowed list",
    FailureReason.EXPIRED: "access expired",
    FailureReason.OUTSIDE_SCHEDULE: "outside schedule",
    FailureReason.HOLIDAY: "holiday",
    FailureReason.TEMPERATURE_TOO_HIGH: "temperature too high",
    FailureReason.NO_MASK: "no mask",
    FailureReason.NO_HELMET: "no helmet",
    FailureReason.CARD_NOT_REGISTERED: "card not registered",
    FailureReason.ID_CARD_MISMATCH: "ID card does not match",
    FailureReason.UNAUTHORIZED: "not authorized",
}
"""How a refusal reads in the logbook; a reason newer firmware adds reads as its slug."""

ACCESS_REASONS: dict[str, str] = {
    DenyReason.NOBODY_ALLOWED: "nobody may enter",
    DenyReason.NOT_RECOGNIZED: "not recognized",
    DenyReason.NOT_WHITELISTED: "not on the whitelist",
    DenyReason.BLACKLISTED: "on the blacklist",
    DenyReason.FEVER: "fever",
    DenyReason.NO_MASK: "no mask",
    DenyReason.OUTSIDE_SCHEDULE: "outside schedule",
    DenyReason.SCRIPT: "the access script said no",
    DenyReason.TIMEOUT: "no decision in time",
    DenyReason.ERROR: "the decision failed",
    DenyReason.LATE_RETRANSMISSION: "resent too late",
    **{guest_pass_reason(rejection): words.lower() for rejection, words in SCREEN_TEXTS.items()},
}
"""How Home Assistant's refusals read; a script's own reason reads as the script wrote it."""


def _who(data: Mapping[str, Any]) -> str:
    """The person's name, else their id, else a neutral word."""
    if name := data.get("name"):
        return str(name)
    if person_id := data.get("person_id"):
        return f"person {person_id}"
    return "someone"


def _reason_words(reason: str) -> str:
    return ACCESS_REASONS.get(reason) or REASONS.get(reason) or reason.replace("_", " ")


def _use(data: Mapping[str, Any]) -> str:
    """Which use of a guest pass this was: ", use 1 of 2", or ", use 3" for an unlimited one."""
    if (use := data.get("use")) is None:
        return ""
    return f", use {use} of {uses}" if (uses := data.get("uses")) else f", use {use}"


def _describe_decision(data: Mapping[str, Any]) -> str:
    """What Home Assistant decided, for a real-time capture it decided."""
    who = _who(data) if data.get("result") != FaceResult.STRANGER else "a stranger"
    if data.get("decision") == Decision.GRANTED:
        if data.get("guest_pass") and not data.get("guest_pass_rejection"):
            return f"let guest {data.get('guest_name') or 'someone'} in{_use(data)}"
        return f"let {who} in"
    message = f"turned {who} away"
    if reason := data.get("decision_reason"):
        message += f": {_reason_words(str(reason))}"
    return message


def describe_capture(data: Mapping[str, Any]) -> str:
    """What happened, as the rest of a sentence that starts with the terminal's name."""
    result = data.get("result")
    decided_by = data.get("decided_by")
    if data.get("realtime") is not False and decided_by not in (None, DecidedBy.TERMINAL):
        message = _describe_decision(data)
    elif result == FaceResult.RECOGNIZED:
        message = f"recognized {_who(data)}"
        if data.get("score") is not None:
            message += f" (score {data['score']})"
    elif result == FaceResult.DENIED:
        message = f"denied {_who(data)}"
        if reason := data.get("reason"):
            message += f": {REASONS.get(str(reason), str(reason).replace('_', ' '))}"
    elif result == FaceResult.STRANGER:
        message = "saw a stranger"
    else:
        message = "detected a face"
    if data.get("fever") and data.get("decision_reason") != DenyReason.FEVER:
        message += ", with fever"
    if data.get("realtime") is False and (captured_at := _local(data.get("captured_at"))):
        message += f" (delivered late; captured {captured_at:%Y-%m-%d %H:%M:%S})"
    return message


def _local(value: Any) -> datetime | None:
    """An ISO time from the event, in Home Assistant's zone."""
    parsed = dt_util.parse_datetime(value) if isinstance(value, str) else None
    return dt_util.as_local(parsed) if parsed else None


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the face capture events."""
    device_registry = dr.async_get(hass)
    entity_registry = er.async_get(hass)

    @callback
    def async_describe_face(event: Event) -> dict[str, str]:
        device_id = event.data.get(CONF_DEVICE_ID)
        device = device_registry.async_get(device_id) if device_id else None
        name = (device.name_by_user or device.name) if device else None
        serial = event.data.get("serial")
        data: Mapping[str, Any] = event.data
        if isinstance(ha_person := data.get("ha_person"), str) and ha_person:
            # A linked person reads as they are called in Home Assistant.
            data = {**data, "name": person_name(hass, ha_person)}
        entry = {
            LOGBOOK_ENTRY_NAME: name or f"{FALLBACK_NAME} {serial or ''}".strip(),
            LOGBOOK_ENTRY_MESSAGE: describe_capture(data),
        }
        # Tied to the terminal's Face event entity where the user enabled it: the row gets its
        # icon and a link to it. Disabled (the default), it has no state to link to.
        entity_id = (
            entity_registry.async_get_entity_id(EVENT_DOMAIN, DOMAIN, f"{serial}_{FACE_EVENT.key}")
            if serial
            else None
        )
        registered = entity_registry.async_get(entity_id) if entity_id else None
        if registered is not None and not registered.disabled:
            entry[LOGBOOK_ENTRY_ENTITY_ID] = registered.entity_id
        else:
            entry[LOGBOOK_ENTRY_ICON] = FACE_ICON
        return entry

    async_describe_event(DOMAIN, EVENT_FACE, async_describe_face)
