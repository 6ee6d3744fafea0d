"""What every action shares: the action record, field checks, device times and listings.

``services.py`` registers the actions; the modules that hold them (``services.py`` itself for the
gate, screen, voice and system, ``people/services.py`` for the persons) build them from these.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Protocol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .api import MAX_PAGE_SIZE
from .coordinator import FaceCaptureConfigEntry
from .helpers import call_terminal, device_entries, validation_error
from .schema_library import vol

ATTR_PERSON_ID: Final = "person_id"
ATTR_CARD_NUMBER: Final = "card_number"
ATTR_LONG_CARD: Final = "long_card"
ATTR_NAME: Final = "name"
ATTR_FUZZY: Final = "fuzzy"
ATTR_PAGE: Final = "page"
ATTR_PAGE_SIZE: Final = "page_size"
ATTR_ALL: Final = "all"
ATTR_WITH_IMAGES: Final = "with_images"

DEVICE_FIELD: Final[dict[vol.Marker, Any]] = {vol.Required(ATTR_DEVICE_ID): cv.string}
PERSON_ID: Final = vol.All(cv.string, vol.Length(min=1))
MAX_CARD_NUMBER: Final = 2**64 - 1

type ActionData = Mapping[str, Any]
type Handler = Callable[
    [HomeAssistant, FaceCaptureConfigEntry, ActionData], Awaitable[ServiceResponse]
]


@dataclass(frozen=True, kw_only=True)
class FaceCaptureAction:
    """An action: its fields, what it does, and whether it answers."""

    name: str
    fields: dict[vol.Marker, Any]
    handler: Handler
    response: SupportsResponse = SupportsResponse.NONE
    admin: bool = False
    """Raw commands, changes to who may enter and personal data: for administrators only."""


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


PAGING_FIELDS: Final[dict[vol.Marker, Any]] = {
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


def check_bytes(field: str, value: str | None, limit: int) -> None:
    """Refuse a text longer than the terminal stores, counting UTF-8 bytes as it does."""
    if value is None:
        return
    size = len(value.encode("utf-8"))
    if size > limit:
        raise validation_error("field_too_long", field=field, size=str(size), limit=str(limit))


def check_card(data: ActionData) -> None:
    """Refuse a card number too large for a short (32-bit) Wiegand card."""
    if not data.get(ATTR_LONG_CARD) and data.get(ATTR_CARD_NUMBER, 0) >= 2**32:
        raise validation_error("card_too_large", card=str(data[ATTR_CARD_NUMBER]))


def device_time(value: datetime) -> datetime:
    """A naive time on the terminal's clock (Home Assistant's zone) from a selector's value."""
    if value.tzinfo is None:
        return value
    return dt_util.as_local(value).replace(tzinfo=None)


def aware(value: datetime) -> datetime:
    """An aware time in Home Assistant's zone, from a selector's value."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def entry_for(hass: HomeAssistant, device_id: str) -> FaceCaptureConfigEntry:
    """The loaded config entry of the terminal behind a device."""
    for entry in device_entries(hass, device_id):
        if entry.state is not ConfigEntryState.LOADED:
            raise validation_error("entry_not_loaded", name=entry.title)
        return entry
    raise validation_error("device_not_found", device_id=device_id)


async def refresh(entry: FaceCaptureConfigEntry) -> None:
    """Let the person count and the clock sensors catch up with what an action changed."""
    await entry.runtime_data.coordinator.async_request_refresh()


class _Page(Protocol):
    """One page of a listing: the number of matches on every page."""

    @property
    def total(self) -> int:
        """How many items match, on all pages."""
        ...


async def listing[T, P: _Page](
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
