"""Actions: where a call from an automation turns into a command to one terminal.

Each action targets a terminal by its device. ``async_setup_services`` registers them all: the
gate, Wiegand, voice, screen, capture history and system actions held here, and the person
actions of ``people/services.py``. Values the terminal would refuse for their length (in UTF-8
bytes) are refused first, with a message that says which field and by how much; every command
then goes through ``call_terminal`` so that the terminal's error codes read as translated errors.
Names and photos are personal data: they are returned to the caller that asked for them, never
logged.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util import dt as dt_util

from .access.guest_pass_services import async_setup_guest_pass_services
from .action_common import (
    ATTR_CARD_NUMBER,
    ATTR_FUZZY,
    ATTR_LONG_CARD,
    ATTR_NAME,
    ATTR_PERSON_ID,
    ATTR_WITH_IMAGES,
    DEVICE_FIELD,
    PAGING_FIELDS,
    PERSON_ID,
    ActionData,
    FaceCaptureAction,
    aware,
    card_number,
    check_bytes,
    check_card,
    entry_for,
    listing,
    refresh,
)
from .api import (
    MAX_ID_BYTES,
    MAX_TTS_BYTES,
    ControlMode,
    DisplayText,
    Record,
    TextEncoding,
    argb,
    encode_base64,
)
from .api.push import FailureReason
from .const import DOMAIN
from .coordinator import FaceCaptureConfigEntry
from .helpers import call_terminal, validation_error
from .link.device_time import clock_now, device_time_to_utc
from .people.photos import PHOTO_FIELDS, async_required_photo_for_call
from .people.services import PERSON_ACTIONS, ROLE_NAMES
from .schema_library import vol
from .voice.speech import async_speak, speech_engine

__all__ = ["ACTIONS", "MAX_WIEGAND_OUTPUT", "async_setup_services"]

SERVICE_OPEN_GATE: Final = "open_gate"
SERVICE_WIEGAND_OUTPUT: Final = "wiegand_output"
SERVICE_SPEAK: Final = "speak"
SERVICE_DISPLAY_TEXT: Final = "display_text"
SERVICE_DISPLAY_IMAGE: Final = "display_image"
SERVICE_GET_RECORDS: Final = "get_records"
SERVICE_SYNC_TIME: Final = "sync_time"
SERVICE_SEND_COMMAND: Final = "send_command"

ATTR_PORT: Final = "port"
ATTR_MODE: Final = "mode"
ATTR_TEXT: Final = "text"
ATTR_X: Final = "x"
ATTR_Y: Final = "y"
ATTR_COLOR: Final = "color"
ATTR_FONT_SIZE: Final = "font_size"
ATTR_DURATION: Final = "duration"
ATTR_ENCODING: Final = "encoding"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_MIN_SCORE: Final = "min_score"
ATTR_MAX_SCORE: Final = "max_score"
ATTR_UPLOADED: Final = "uploaded"
ATTR_TIME_ZONE: Final = "time_zone"
ATTR_COMMAND: Final = "command"

LOWEST_SCORE: Final = -1
"""The score of a capture that matched nobody; the terminal's scores are otherwise 0 to 100."""

_COORDINATE = vol.All(vol.Coerce(int), vol.Range(min=0, max=4096))
_DURATION = vol.All(cv.positive_time_period, vol.Range(max=timedelta(days=1)))
MAX_WIEGAND_OUTPUT: Final = 2**63 - 1
"""The document's `wiegand control` examples stop at the largest signed 64-bit number."""


_WIEGAND_CARD = card_number(1, MAX_WIEGAND_OUTPUT)
_CONTROL_MODE = vol.In([str(mode) for mode in ControlMode])

# ---------------------------------------------------------------------------------------------
# Gate, Wiegand, voice, screen


async def _open_gate(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    check_bytes(ATTR_PERSON_ID, data.get(ATTR_PERSON_ID), MAX_ID_BYTES)
    await call_terminal(
        entry,
        entry.runtime_data.client.gpio_control(
            data[ATTR_PORT],
            mode=ControlMode(data[ATTR_MODE]),
            person_id=data.get(ATTR_PERSON_ID),
        ),
    )
    return None


async def _wiegand_output(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    check_bytes(ATTR_PERSON_ID, data.get(ATTR_PERSON_ID), MAX_ID_BYTES)
    check_card(data)
    await call_terminal(
        entry,
        entry.runtime_data.client.wiegand_control(
            data[ATTR_CARD_NUMBER],
            long_card=data[ATTR_LONG_CARD],
            mode=ControlMode(data[ATTR_MODE]),
            person_id=data.get(ATTR_PERSON_ID),
        ),
    )
    return None


async def _speak(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    if speech_engine(entry) is None:  # the terminal's own TTS: its byte limit, named by field
        check_bytes(ATTR_TEXT, data[ATTR_TEXT], MAX_TTS_BYTES)
    await call_terminal(entry, async_speak(hass, entry, data[ATTR_TEXT]))
    return None


def _milliseconds(duration: timedelta) -> int:
    return int(duration.total_seconds() * 1000)


async def _display_text(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    red, green, blue = data[ATTR_COLOR]
    text = DisplayText(
        text=data[ATTR_TEXT],
        x=data[ATTR_X],
        y=data[ATTR_Y],
        alive_time=_milliseconds(data[ATTR_DURATION]),
        font_size=data[ATTR_FONT_SIZE],
        font_color=argb(red, green, blue),
    )
    await call_terminal(
        entry,
        entry.runtime_data.client.display_text(text, encoding=TextEncoding(data[ATTR_ENCODING])),
    )
    return None


async def _display_image(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    photo = await async_required_photo_for_call(hass, entry, data)
    await call_terminal(
        entry,
        entry.runtime_data.client.display_image(
            photo, x=data[ATTR_X], y=data[ATTR_Y], alive_time=_milliseconds(data[ATTR_DURATION])
        ),
    )
    return None


# ---------------------------------------------------------------------------------------------
# Capture history


def _record_view(record: Record, *, with_images: bool) -> dict[str, Any]:
    captured_at = device_time_to_utc(record.captured_at)
    reason = FailureReason.from_code(record.match_failed_reason)
    view: dict[str, Any] = {
        "sequence": record.sequence,
        "captured_at": captured_at.isoformat() if captured_at else record.time,
        "score": record.score,
        "person_id": record.person_id,
        "name": record.name,
        "role": ROLE_NAMES.get(record.role, record.role) if record.role is not None else None,
        "temperature": record.body_temp or None,
        "match_type": record.match_type,
        "reason": str(reason) if reason else None,
        "reason_code": record.match_failed_reason or None,
        "uploaded": bool(record.upload_state) if record.upload_state is not None else None,
        "custom_text": record.customer_id or None,
    }
    if with_images:
        view["face_image"] = encode_base64(record.face_image) if record.face_image else None
        view["registration_image"] = encode_base64(record.reg_image) if record.reg_image else None
    return view


async def _get_records(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    client = entry.runtime_data.client
    with_images = data[ATTR_WITH_IMAGES]
    filters: dict[str, Any] = {
        "with_face_image": with_images,
        "with_reg_image": with_images,
        "uploaded": data.get(ATTR_UPLOADED),
        "fuzzy": data[ATTR_FUZZY],
        "person_id": data.get(ATTR_PERSON_ID),
        "name": data.get(ATTR_NAME),
    }
    start, end = data.get(ATTR_START), data.get(ATTR_END)
    if start is not None or end is not None:
        filters["time_between"] = (
            int(aware(start).timestamp()) if start is not None else 0,
            int(aware(end).timestamp()) if end is not None else int(dt_util.utcnow().timestamp()),
        )
    low, high = data.get(ATTR_MIN_SCORE), data.get(ATTR_MAX_SCORE)
    if low is not None or high is not None:
        filters["score_between"] = (
            low if low is not None else LOWEST_SCORE,
            high if high is not None else 100,
        )
    return await listing(
        entry,
        data,
        "records",
        every=lambda: client.iter_records(**filters),
        request=lambda page_no, page_size: client.request_records(
            page_no=page_no, page_size=page_size, **filters
        ),
        items=lambda page: page.records,
        view=lambda record: _record_view(record, with_images=with_images),
    )


# ---------------------------------------------------------------------------------------------
# System


async def _sync_time(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    now, zone = clock_now(name_zone=data[ATTR_TIME_ZONE])
    await call_terminal(entry, entry.runtime_data.client.set_date_time(now, timezone=zone))
    await refresh(entry)
    return None


async def _send_command(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    body: dict[str, Any] = dict(data[ATTR_COMMAND])
    command = body.pop("cmd", None)
    if not isinstance(command, str) or not command:
        raise validation_error("command_without_cmd")
    version = body.pop("version", None)
    return await call_terminal(
        entry,
        entry.runtime_data.client.request(
            command, body, version=str(version) if version is not None else None
        ),
    )


# ---------------------------------------------------------------------------------------------
# Registration

ACTIONS: Final[tuple[FaceCaptureAction, ...]] = (
    FaceCaptureAction(
        name=SERVICE_OPEN_GATE,
        fields={
            vol.Optional(ATTR_PORT, default=1): vol.All(vol.Coerce(int), vol.Range(min=1, max=8)),
            vol.Optional(ATTR_MODE, default=str(ControlMode.FORCE)): _CONTROL_MODE,
            vol.Optional(ATTR_PERSON_ID): PERSON_ID,
        },
        handler=_open_gate,
    ),
    FaceCaptureAction(
        name=SERVICE_WIEGAND_OUTPUT,
        fields={
            vol.Required(ATTR_CARD_NUMBER): _WIEGAND_CARD,
            vol.Optional(ATTR_LONG_CARD, default=False): cv.boolean,
            vol.Optional(ATTR_MODE, default=str(ControlMode.FORCE)): _CONTROL_MODE,
            vol.Optional(ATTR_PERSON_ID): PERSON_ID,
        },
        handler=_wiegand_output,
    ),
    FaceCaptureAction(
        name=SERVICE_SPEAK,
        fields={vol.Required(ATTR_TEXT): vol.All(cv.string, vol.Length(min=1))},
        handler=_speak,
    ),
    FaceCaptureAction(
        name=SERVICE_DISPLAY_TEXT,
        fields={
            vol.Required(ATTR_TEXT): vol.All(cv.string, vol.Length(min=1)),
            vol.Optional(ATTR_X, default=0): _COORDINATE,
            vol.Optional(ATTR_Y, default=500): _COORDINATE,
            vol.Optional(ATTR_COLOR, default=[255, 255, 255]): vol.All(
                vol.ExactSequence((cv.byte, cv.byte, cv.byte)), vol.Coerce(tuple)
            ),
            vol.Optional(ATTR_FONT_SIZE, default=60): vol.All(
                vol.Coerce(int), vol.Range(min=8, max=400)
            ),
            vol.Optional(ATTR_DURATION, default=timedelta(seconds=3)): _DURATION,
            vol.Optional(ATTR_ENCODING, default=str(TextEncoding.UTF8)): vol.In(
                [str(encoding) for encoding in TextEncoding]
            ),
        },
        handler=_display_text,
    ),
    FaceCaptureAction(
        name=SERVICE_DISPLAY_IMAGE,
        fields={
            vol.Optional(ATTR_X, default=0): _COORDINATE,
            vol.Optional(ATTR_Y, default=0): _COORDINATE,
            vol.Optional(ATTR_DURATION, default=timedelta(seconds=5)): _DURATION,
            **PHOTO_FIELDS,
        },
        handler=_display_image,
    ),
    *PERSON_ACTIONS,
    FaceCaptureAction(
        name=SERVICE_GET_RECORDS,
        fields={
            **PAGING_FIELDS,
            vol.Optional(ATTR_START): cv.datetime,
            vol.Optional(ATTR_END): cv.datetime,
            vol.Optional(ATTR_MIN_SCORE): vol.All(
                vol.Coerce(int), vol.Range(min=LOWEST_SCORE, max=100)
            ),
            vol.Optional(ATTR_MAX_SCORE): vol.All(
                vol.Coerce(int), vol.Range(min=LOWEST_SCORE, max=100)
            ),
            vol.Optional(ATTR_UPLOADED): cv.boolean,
        },
        handler=_get_records,
        response=SupportsResponse.ONLY,
    ),
    FaceCaptureAction(
        name=SERVICE_SYNC_TIME,
        fields={vol.Optional(ATTR_TIME_ZONE, default=True): cv.boolean},
        handler=_sync_time,
    ),
    FaceCaptureAction(
        name=SERVICE_SEND_COMMAND,
        fields={vol.Required(ATTR_COMMAND): dict},
        handler=_send_command,
        response=SupportsResponse.OPTIONAL,
        admin=True,
    ),
)


def _service_handler(
    action: FaceCaptureAction,
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def handle(call: ServiceCall) -> ServiceResponse:
        entry = entry_for(call.hass, call.data[ATTR_DEVICE_ID])
        return await action.handler(call.hass, entry, call.data)

    return handle


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action once; each call names the terminal's device.

    Actions that change who may enter or send raw commands (a reboot, a reset, a new AES key)
    refuse users who are not administrators.
    """
    for action in ACTIONS:
        handler = _service_handler(action)
        schema = vol.Schema({**DEVICE_FIELD, **action.fields})
        if action.admin:
            async_register_admin_service(
                hass, DOMAIN, action.name, handler, schema, action.response
            )
        else:
            hass.services.async_register(
                DOMAIN, action.name, handler, schema=schema, supports_response=action.response
            )
    async_setup_guest_pass_services(hass)
