"""Actions: where a call from an automation turns into a command to one terminal.

Each action targets a terminal by its device. Values the terminal would refuse for their length
(in UTF-8 bytes) are refused here first, with a message that says which field and by how much;
every command then goes through ``call_terminal`` so that the terminal's error codes read as
translated errors. Names and photos are personal data: they are returned to the caller that asked
for them, never logged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from homeassistant.config_entries import ConfigEntryState
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
import voluptuous as vol

from .api import (
    MAX_CUSTOMER_TEXT_BYTES,
    MAX_ID_BYTES,
    MAX_NAME_BYTES,
    MAX_PAGE_SIZE,
    MAX_TTS_BYTES,
    ControlMode,
    DeleteScope,
    DisplayText,
    Person,
    PersonData,
    PersonResult,
    Record,
    Role,
    TextEncoding,
    UploadMode,
    argb,
    encode_base64,
    parse_device_time,
)
from .api.commands import LATEST_TERM, TERM_FOREVER, TERM_NEVER, TERM_START_UNUSED
from .api.push import FailureReason
from .const import DOMAIN
from .coordinator import FaceCaptureConfigEntry
from .device_time import clock_now, device_time_to_utc
from .guest_pass_services import async_setup_guest_pass_services
from .helpers import call_terminal, device_entries, validation_error
from .person_links import async_link, async_person_source
from .photos import PHOTO_FIELDS, async_photo_for_call, async_required_photo_for_call
from .speech import async_speak, speech_engine

SERVICE_OPEN_GATE: Final = "open_gate"
SERVICE_WIEGAND_OUTPUT: Final = "wiegand_output"
SERVICE_SPEAK: Final = "speak"
SERVICE_DISPLAY_TEXT: Final = "display_text"
SERVICE_DISPLAY_IMAGE: Final = "display_image"
SERVICE_ENROLL_PERSON: Final = "enroll_person"
SERVICE_UPDATE_PERSON: Final = "update_person"
SERVICE_DELETE_PERSON: Final = "delete_person"
SERVICE_DELETE_PERSONS: Final = "delete_persons"
SERVICE_GET_PERSONS: Final = "get_persons"
SERVICE_GET_RECORDS: Final = "get_records"
SERVICE_SYNC_TIME: Final = "sync_time"
SERVICE_SEND_COMMAND: Final = "send_command"

ATTR_PORT: Final = "port"
ATTR_MODE: Final = "mode"
ATTR_PERSON_ID: Final = "person_id"
ATTR_CARD_NUMBER: Final = "card_number"
ATTR_LONG_CARD: Final = "long_card"
ATTR_TEXT: Final = "text"
ATTR_X: Final = "x"
ATTR_Y: Final = "y"
ATTR_COLOR: Final = "color"
ATTR_FONT_SIZE: Final = "font_size"
ATTR_DURATION: Final = "duration"
ATTR_ENCODING: Final = "encoding"
ATTR_ID: Final = "id"
ATTR_NAME: Final = "name"
ATTR_ROLE: Final = "role"
ATTR_CATEGORY: Final = "category"
ATTR_VALID_FROM: Final = "valid_from"
ATTR_VALID_UNTIL: Final = "valid_until"
ATTR_VALID_FOREVER: Final = "valid_forever"
ATTR_CUSTOM_TEXT: Final = "custom_text"
ATTR_CONFIRM: Final = "confirm"
ATTR_FUZZY: Final = "fuzzy"
ATTR_VALID_FROM_AFTER: Final = "valid_from_after"
ATTR_VALID_FROM_BEFORE: Final = "valid_from_before"
ATTR_VALID_UNTIL_AFTER: Final = "valid_until_after"
ATTR_VALID_UNTIL_BEFORE: Final = "valid_until_before"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_MIN_SCORE: Final = "min_score"
ATTR_MAX_SCORE: Final = "max_score"
ATTR_UPLOADED: Final = "uploaded"
ATTR_PAGE: Final = "page"
ATTR_PAGE_SIZE: Final = "page_size"
ATTR_ALL: Final = "all"
ATTR_WITH_IMAGES: Final = "with_images"
ATTR_TIME_ZONE: Final = "time_zone"
ATTR_COMMAND: Final = "command"
ATTR_PERSON: Final = "person"

ROLES: Final = {"ordinary": Role.ORDINARY, "whitelist": Role.WHITELIST, "blacklist": Role.BLACKLIST}
ROLE_NAMES: Final = {int(role): name for name, role in ROLES.items()}
ROLE_FILTERS: Final = {"all": Role.ALL, **ROLES}
DELETE_SCOPES: Final = {
    "ordinary": DeleteScope.ORDINARY,
    "whitelist": DeleteScope.WHITELIST,
    "blacklist": DeleteScope.BLACKLIST,
    "all": DeleteScope.ALL,
}
UPLOAD_MODES: Final = {
    "add_or_modify": UploadMode.AUTO,
    "add": UploadMode.ADD,
    "modify": UploadMode.MODIFY,
}
LOWEST_SCORE: Final = -1
"""The score of a capture that matched nobody; the terminal's scores are otherwise 0 to 100."""
EARLIEST_TERM: Final = datetime(1970, 1, 1)  # noqa: DTZ001 - device local time

DEVICE_FIELD: Final[dict[vol.Marker, Any]] = {vol.Required(ATTR_DEVICE_ID): cv.string}
_PERSON_ID = vol.All(cv.string, vol.Length(min=1))
_COORDINATE = vol.All(vol.Coerce(int), vol.Range(min=0, max=4096))
_DURATION = vol.All(cv.positive_time_period, vol.Range(max=timedelta(days=1)))
MAX_CARD_NUMBER: Final = 2**64 - 1
MAX_WIEGAND_OUTPUT: Final = 2**63 - 1
"""The document's `wiegand control` examples stop at the largest signed 64-bit number."""


def card_number(minimum: int, maximum: int = MAX_CARD_NUMBER) -> Callable[[Any], int]:
    """A card number typed as digits (or an integer from YAML), from ``minimum`` to ``maximum``.

    The actions take card numbers as text: a number field cannot hold 64-bit values exactly in
    the browser (beyond 2^53 it rounds), and a card number that rounds opens the wrong door.
    """

    def validate(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and (text := value.strip()).isascii() and text.isdigit():
            number = int(text)
        else:
            raise vol.Invalid("a card number is written with digits only")
        if not minimum <= number <= maximum:
            raise vol.Invalid(f"a card number is between {minimum} and {maximum}")
        return number

    return validate


_WIEGAND_CARD = card_number(1, MAX_WIEGAND_OUTPUT)
_CONTROL_MODE = vol.In([str(mode) for mode in ControlMode])

type ActionData = Mapping[str, Any]
type Handler = Callable[
    [HomeAssistant, FaceCaptureConfigEntry, ActionData], Awaitable[ServiceResponse]
]


def _check_bytes(field: str, value: str | None, limit: int) -> None:
    """Refuse a text longer than the terminal stores, counting UTF-8 bytes as it does."""
    if value is None:
        return
    size = len(value.encode("utf-8"))
    if size > limit:
        raise validation_error("field_too_long", field=field, size=str(size), limit=str(limit))


def _check_card(data: ActionData) -> None:
    """Refuse a card number too large for a short (32-bit) Wiegand card."""
    if not data.get(ATTR_LONG_CARD) and data.get(ATTR_CARD_NUMBER, 0) >= 2**32:
        raise validation_error("card_too_large", card=str(data[ATTR_CARD_NUMBER]))


def _device_time(value: datetime) -> datetime:
    """A naive time on the terminal's clock (Home Assistant's zone) from a selector's value."""
    if value.tzinfo is None:
        return value
    return dt_util.as_local(value).replace(tzinfo=None)


def _aware(value: datetime) -> datetime:
    """An aware time in Home Assistant's zone, from a selector's value."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def _entry_for(hass: HomeAssistant, device_id: str) -> FaceCaptureConfigEntry:
    """The loaded config entry of the terminal behind a device."""
    for entry in device_entries(hass, device_id):
        if entry.state is not ConfigEntryState.LOADED:
            raise validation_error("entry_not_loaded", name=entry.title)
        return entry
    raise validation_error("device_not_found", device_id=device_id)


async def _refresh(entry: FaceCaptureConfigEntry) -> None:
    """Let the person count and the clock sensors catch up with what an action changed."""
    await entry.runtime_data.coordinator.async_request_refresh()


# ---------------------------------------------------------------------------------------------
# Gate, Wiegand, voice, screen


async def _open_gate(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    _check_bytes(ATTR_PERSON_ID, data.get(ATTR_PERSON_ID), MAX_ID_BYTES)
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
    _check_bytes(ATTR_PERSON_ID, data.get(ATTR_PERSON_ID), MAX_ID_BYTES)
    _check_card(data)
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
        _check_bytes(ATTR_TEXT, data[ATTR_TEXT], MAX_TTS_BYTES)
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
# Persons


def _check_person(data: ActionData) -> None:
    _check_bytes(ATTR_ID, data[ATTR_ID], MAX_ID_BYTES)
    _check_bytes(ATTR_NAME, data.get(ATTR_NAME), MAX_NAME_BYTES)
    _check_bytes(ATTR_CUSTOM_TEXT, data.get(ATTR_CUSTOM_TEXT), MAX_CUSTOMER_TEXT_BYTES)
    _check_card(data)
    if data.get(ATTR_VALID_FOREVER) and data.get(ATTR_VALID_UNTIL) is not None:
        raise validation_error("validity_conflict")


def _person_result(result: PersonResult, person_id: str) -> dict[str, Any]:
    return {"id": result.id or person_id, "duplicate_id": result.duplicate_id}


async def _upload_person(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    data: ActionData,
    mode: UploadMode,
    *,
    default_photo: bytes | None = None,
) -> ServiceResponse:
    _check_person(data)
    photo = await async_photo_for_call(hass, entry, data) or default_photo
    card = data.get(ATTR_CARD_NUMBER)
    long_card = data.get(ATTR_LONG_CARD, False)
    role = data.get(ATTR_ROLE)
    valid_from = data.get(ATTR_VALID_FROM)
    valid_until = data.get(ATTR_VALID_UNTIL)
    person = PersonData(
        id=data[ATTR_ID],
        name=data.get(ATTR_NAME),
        role=int(ROLES[role]) if role is not None else None,
        kind=data.get(ATTR_CATEGORY),
        image=photo,
        wg_card_id=card if card is not None and not long_card else None,
        long_card_id=card if card is not None and long_card else None,
        term_start=_device_time(valid_from) if valid_from is not None else None,
        term=TERM_FOREVER
        if data.get(ATTR_VALID_FOREVER)
        else (_device_time(valid_until) if valid_until is not None else None),
        customer_text=data.get(ATTR_CUSTOM_TEXT),
    )
    result = await call_terminal(entry, entry.runtime_data.client.upload_person(person, mode=mode))
    await entry.runtime_data.directory.async_fetch(result.id or data[ATTR_ID])
    await _refresh(entry)
    return _person_result(result, data[ATTR_ID])


async def _enroll_person(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    mode = UPLOAD_MODES[data[ATTR_MODE]]
    if (ha_person := data.get(ATTR_PERSON)) is None:
        return await _upload_person(hass, entry, data, mode)
    # A Home Assistant person as the source: their name, picture and entity id, unless given.
    source = await async_person_source(hass, ha_person)
    data = {ATTR_NAME: source.name, ATTR_CUSTOM_TEXT: ha_person, **data}
    response = await _upload_person(hass, entry, data, mode, default_photo=source.picture)
    async_link(hass, entry, data[ATTR_ID], ha_person)
    return response


async def _update_person(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    return await _upload_person(hass, entry, data, UploadMode.MODIFY)


async def _delete_person(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    _check_bytes(ATTR_ID, data[ATTR_ID], MAX_ID_BYTES)
    await call_terminal(entry, entry.runtime_data.client.delete_person(data[ATTR_ID]))
    entry.runtime_data.directory.async_remove(data[ATTR_ID])
    await _refresh(entry)
    return None


async def _delete_persons(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    if data[ATTR_CONFIRM] is not True:
        raise validation_error("confirm_required")
    await call_terminal(
        entry, entry.runtime_data.client.delete_persons(DELETE_SCOPES[data[ATTR_ROLE]])
    )
    entry.runtime_data.directory.async_remove_role(ROLE_FILTERS[data[ATTR_ROLE]])
    await _refresh(entry)
    return None


class _Page(Protocol):
    """One page of a listing: the number of matches on every page."""

    @property
    def total(self) -> int:
        """How many items match, on all pages."""
        ...


async def _listing[T, P: _Page](
    entry: FaceCaptureConfigEntry,
    data: ActionData,
    key: str,
    *,
    every: Callable[[], AsyncIterator[T]],
    request: Callable[[int, int], Awaitable[P]],
    items: Callable[[P], Sequence[T]],
    view: Callable[[T], dict[str, Any]],
) -> ServiceResponse:
    """Answer a listing action: every match when ``all`` is set, else the page asked for."""
    if data[ATTR_ALL]:

        async def collect() -> list[T]:
            return [item async for item in every()]

        found = await call_terminal(entry, collect())
        return {"total": len(found), key: [view(item) for item in found]}
    page = await call_terminal(entry, request(data[ATTR_PAGE], data[ATTR_PAGE_SIZE]))
    return {"total": page.total, "page": data[ATTR_PAGE], key: [view(item) for item in items(page)]}


def _term_range(
    data: ActionData, after_key: str, before_key: str
) -> tuple[datetime, datetime] | None:
    after, before = data.get(after_key), data.get(before_key)
    if after is None and before is None:
        return None
    return (
        _device_time(after) if after is not None else EARLIEST_TERM,
        _device_time(before) if before is not None else LATEST_TERM,
    )


def _term_text(value: str | None) -> str | None:
    """A validity bound as the caller reads it: an ISO time, "forever", "never" or None."""
    if value is None or value == TERM_START_UNUSED:
        return None
    if value in (TERM_FOREVER, TERM_NEVER):
        return value
    moment = parse_device_time(value)
    return _aware(moment).isoformat() if moment is not None else value


def _person_view(person: Person, *, with_images: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "role": ROLE_NAMES.get(person.role, person.role) if person.role is not None else None,
        "category": person.kind,
        "card_number": person.wg_card_id or None,
        "long_card_number": person.long_card_id or None,
        "valid_from": _term_text(person.term_start),
        "valid_until": _term_text(person.term),
        "custom_text": person.customer_text or None,
    }
    if with_images:
        view["photo"] = encode_base64(person.images[0]) if person.images else None
    return view


async def _get_persons(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: ActionData
) -> ServiceResponse:
    client = entry.runtime_data.client
    with_images = data[ATTR_WITH_IMAGES]
    filters: dict[str, Any] = {
        "role": ROLE_FILTERS[data[ATTR_ROLE]],
        "with_images": with_images,
        "fuzzy": data[ATTR_FUZZY],
        "person_id": data.get(ATTR_PERSON_ID),
        "person_name": data.get(ATTR_NAME),
        "term_start_between": _term_range(data, ATTR_VALID_FROM_AFTER, ATTR_VALID_FROM_BEFORE),
        "term_between": _term_range(data, ATTR_VALID_UNTIL_AFTER, ATTR_VALID_UNTIL_BEFORE),
    }
    if (card := data.get(ATTR_CARD_NUMBER)) is not None:
        filters["long_card_no" if data[ATTR_LONG_CARD] else "wg_card_no"] = card
    return await _listing(
        entry,
        data,
        "persons",
        every=lambda: client.iter_persons(**filters),
        request=lambda page_no, page_size: client.request_persons(
            page_no=page_no, page_size=page_size, **filters
        ),
        items=lambda page: page.persons,
        view=lambda person: _person_view(person, with_images=with_images),
    )


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
            int(_aware(start).timestamp()) if start is not None else 0,
            int(_aware(end).timestamp()) if end is not None else int(dt_util.utcnow().timestamp()),
        )
    low, high = data.get(ATTR_MIN_SCORE), data.get(ATTR_MAX_SCORE)
    if low is not None or high is not None:
        filters["score_between"] = (
            low if low is not None else LOWEST_SCORE,
            high if high is not None else 100,
        )
    return await _listing(
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
    await _refresh(entry)
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

_PERSON_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Required(ATTR_ID): _PERSON_ID,
    vol.Optional(ATTR_NAME): cv.string,
    vol.Optional(ATTR_ROLE): vol.In(ROLES),
    vol.Optional(ATTR_CATEGORY): vol.All(vol.Coerce(int), vol.Range(min=0, max=15)),
    vol.Optional(ATTR_CARD_NUMBER): card_number(0),
    vol.Optional(ATTR_LONG_CARD, default=False): cv.boolean,
    vol.Optional(ATTR_VALID_FROM): cv.datetime,
    vol.Optional(ATTR_VALID_UNTIL): cv.datetime,
    # The date picker cannot say "no end": this takes an expiry away again.
    vol.Optional(ATTR_VALID_FOREVER, default=False): cv.boolean,
    vol.Optional(ATTR_CUSTOM_TEXT): cv.string,
    **PHOTO_FIELDS,
}
_PAGING_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_PAGE, default=1): vol.All(vol.Coerce(int), vol.Range(min=1)),
    vol.Optional(ATTR_PAGE_SIZE, default=MAX_PAGE_SIZE): vol.All(
        vol.Coerce(int), vol.Range(min=1, max=MAX_PAGE_SIZE)
    ),
    vol.Optional(ATTR_ALL, default=False): cv.boolean,
    vol.Optional(ATTR_WITH_IMAGES, default=False): cv.boolean,
    vol.Optional(ATTR_PERSON_ID): cv.string,
    vol.Optional(ATTR_NAME): cv.string,
    vol.Optional(ATTR_FUZZY, default=False): cv.boolean,
}


@dataclass(frozen=True, kw_only=True)
class FaceCaptureAction:
    """An action: its fields, what it does, and whether it answers."""

    name: str
    fields: dict[vol.Marker, Any]
    handler: Handler
    response: SupportsResponse = SupportsResponse.NONE
    admin: bool = False
    """Raw commands and changes to who may enter: for administrators only."""


ACTIONS: Final[tuple[FaceCaptureAction, ...]] = (
    FaceCaptureAction(
        name=SERVICE_OPEN_GATE,
        fields={
            vol.Optional(ATTR_PORT, default=1): vol.All(vol.Coerce(int), vol.Range(min=1, max=8)),
            vol.Optional(ATTR_MODE, default=str(ControlMode.FORCE)): _CONTROL_MODE,
            vol.Optional(ATTR_PERSON_ID): _PERSON_ID,
        },
        handler=_open_gate,
    ),
    FaceCaptureAction(
        name=SERVICE_WIEGAND_OUTPUT,
        fields={
            vol.Required(ATTR_CARD_NUMBER): _WIEGAND_CARD,
            vol.Optional(ATTR_LONG_CARD, default=False): cv.boolean,
            vol.Optional(ATTR_MODE, default=str(ControlMode.FORCE)): _CONTROL_MODE,
            vol.Optional(ATTR_PERSON_ID): _PERSON_ID,
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
    FaceCaptureAction(
        name=SERVICE_ENROLL_PERSON,
        fields={
            **_PERSON_FIELDS,
            vol.Optional(ATTR_MODE, default="add_or_modify"): vol.In(UPLOAD_MODES),
            vol.Optional(ATTR_PERSON): cv.entity_domain("person"),
        },
        handler=_enroll_person,
        response=SupportsResponse.OPTIONAL,
        admin=True,
    ),
    FaceCaptureAction(
        name=SERVICE_UPDATE_PERSON,
        fields=_PERSON_FIELDS,
        handler=_update_person,
        response=SupportsResponse.OPTIONAL,
        admin=True,
    ),
    FaceCaptureAction(
        name=SERVICE_DELETE_PERSON,
        fields={vol.Required(ATTR_ID): _PERSON_ID},
        handler=_delete_person,
        admin=True,
    ),
    FaceCaptureAction(
        name=SERVICE_DELETE_PERSONS,
        fields={
            vol.Required(ATTR_ROLE): vol.In(DELETE_SCOPES),
            vol.Optional(ATTR_CONFIRM, default=False): cv.boolean,
        },
        handler=_delete_persons,
        admin=True,
    ),
    FaceCaptureAction(
        name=SERVICE_GET_PERSONS,
        fields={
            **_PAGING_FIELDS,
            vol.Optional(ATTR_ROLE, default="all"): vol.In(ROLE_FILTERS),
            vol.Optional(ATTR_CARD_NUMBER): card_number(0),
            vol.Optional(ATTR_LONG_CARD, default=False): cv.boolean,
            vol.Optional(ATTR_VALID_FROM_AFTER): cv.datetime,
            vol.Optional(ATTR_VALID_FROM_BEFORE): cv.datetime,
            vol.Optional(ATTR_VALID_UNTIL_AFTER): cv.datetime,
            vol.Optional(ATTR_VALID_UNTIL_BEFORE): cv.datetime,
        },
        handler=_get_persons,
        response=SupportsResponse.ONLY,
    ),
    FaceCaptureAction(
        name=SERVICE_GET_RECORDS,
        fields={
            **_PAGING_FIELDS,
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
        entry = _entry_for(call.hass, call.data[ATTR_DEVICE_ID])
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
