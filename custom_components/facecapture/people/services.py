"""Person actions: enrol, update and delete persons on a terminal, and list them.

On a terminal of a household, an enrol, update or delete is then made on the household's other
terminals too (``household.py``); their failures are reported there, not raised here.

Values the terminal would refuse for their length (in UTF-8 bytes) are refused here first, with a
message that says which field and by how much. Names and photos are personal data: they are
returned to the caller that asked for them, never logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from homeassistant.core import HomeAssistant, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv

from ..action_common import (
    ATTR_CARD_NUMBER,
    ATTR_FUZZY,
    ATTR_LONG_CARD,
    ATTR_NAME,
    ATTR_PERSON_ID,
    ATTR_WITH_IMAGES,
    PAGING_FIELDS,
    PERSON_ID,
    ActionData,
    FaceCaptureAction,
    aware,
    card_number,
    check_bytes,
    check_card,
    device_time,
    listing,
    refresh,
)
from ..api import (
    MAX_CUSTOMER_TEXT_BYTES,
    MAX_ID_BYTES,
    MAX_NAME_BYTES,
    DeleteScope,
    Person,
    PersonData,
    PersonResult,
    Role,
    UploadMode,
    encode_base64,
    parse_device_time,
)
from ..api.commands import LATEST_TERM, TERM_FOREVER, TERM_NEVER, TERM_START_UNUSED
from ..coordinator import FaceCaptureConfigEntry
from ..helpers import call_terminal, validation_error
from ..schema_library import vol
from .household import household_of
from .links import async_link, async_person_source
from .photos import PHOTO_FIELDS, async_photo_for_call

SERVICE_ENROLL_PERSON: Final = "enroll_person"
SERVICE_UPDATE_PERSON: Final = "update_person"
SERVICE_DELETE_PERSON: Final = "delete_person"
SERVICE_DELETE_PERSONS: Final = "delete_persons"
SERVICE_GET_PERSONS: Final = "get_persons"

ATTR_MODE: Final = "mode"
ATTR_ID: Final = "id"
ATTR_ROLE: Final = "role"
ATTR_CATEGORY: Final = "category"
ATTR_VALID_FROM: Final = "valid_from"
ATTR_VALID_UNTIL: Final = "valid_until"
ATTR_VALID_FOREVER: Final = "valid_forever"
ATTR_CUSTOM_TEXT: Final = "custom_text"
ATTR_CONFIRM: Final = "confirm"
ATTR_VALID_FROM_AFTER: Final = "valid_from_after"
ATTR_VALID_FROM_BEFORE: Final = "valid_from_before"
ATTR_VALID_UNTIL_AFTER: Final = "valid_until_after"
ATTR_VALID_UNTIL_BEFORE: Final = "valid_until_before"
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
EARLIEST_TERM: Final = datetime(1970, 1, 1)  # noqa: DTZ001 - device local time


def _check_person(data: ActionData) -> None:
    check_bytes(ATTR_ID, data[ATTR_ID], MAX_ID_BYTES)
    check_bytes(ATTR_NAME, data.get(ATTR_NAME), MAX_NAME_BYTES)
    check_bytes(ATTR_CUSTOM_TEXT, data.get(ATTR_CUSTOM_TEXT), MAX_CUSTOMER_TEXT_BYTES)
    check_card(data)
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
        term_start=device_time(valid_from) if valid_from is not None else None,
        term=TERM_FOREVER
        if data.get(ATTR_VALID_FOREVER)
        else (device_time(valid_until) if valid_until is not None else None),
        customer_text=data.get(ATTR_CUSTOM_TEXT),
    )
    result = await call_terminal(entry, entry.runtime_data.client.upload_person(person, mode=mode))
    await entry.runtime_data.directory.async_fetch(result.id or data[ATTR_ID])
    if (household := household_of(hass, entry)) is not None:
        await household.async_mirror_upload(entry, person, mode)
    await refresh(entry)
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
    check_bytes(ATTR_ID, data[ATTR_ID], MAX_ID_BYTES)
    await call_terminal(entry, entry.runtime_data.client.delete_person(data[ATTR_ID]))
    entry.runtime_data.directory.async_remove(data[ATTR_ID])
    if (household := household_of(hass, entry)) is not None:
        await household.async_mirror_delete(entry, data[ATTR_ID])
    await refresh(entry)
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
    if (household := household_of(hass, entry)) is not None:
        await household.async_mirror_delete_role(
            entry, DELETE_SCOPES[data[ATTR_ROLE]], ROLE_FILTERS[data[ATTR_ROLE]]
        )
    await refresh(entry)
    return None


def _term_range(
    data: ActionData, after_key: str, before_key: str
) -> tuple[datetime, datetime] | None:
    after, before = data.get(after_key), data.get(before_key)
    if after is None and before is None:
        return None
    return (
        device_time(after) if after is not None else EARLIEST_TERM,
        device_time(before) if before is not None else LATEST_TERM,
    )


def _term_text(value: str | None) -> str | None:
    """A validity bound as the caller reads it: an ISO time, "forever", "never" or None."""
    if value is None or value == TERM_START_UNUSED:
        return None
    if value in (TERM_FOREVER, TERM_NEVER):
        return value
    moment = parse_device_time(value)
    return aware(moment).isoformat() if moment is not None else value


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
    return await listing(
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


_PERSON_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Required(ATTR_ID): PERSON_ID,
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

PERSON_ACTIONS: Final[tuple[FaceCaptureAction, ...]] = (
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
        fields={vol.Required(ATTR_ID): PERSON_ID},
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
            **PAGING_FIELDS,
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
        admin=True,  # names, cards and photos of everyone: personal data
    ),
)
