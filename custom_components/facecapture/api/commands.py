"""What the caller hands to a command: persons to register and text to show, checked before sending.

The terminal counts limits in UTF-8 bytes, not characters ("Zoë" is 4 bytes), so each check here
says which field is too long and by how much, before a byte leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._parse import JsonObject
from .const import (
    MAX_CUSTOMER_TEXT_BYTES,
    MAX_ID_BYTES,
    MAX_NAME_BYTES,
    MAX_SHORT_NAME_BYTES,
    PersonUpdateFlag,
    Role,
)
from .errors import FaceCaptureValidationError
from .images import check_image, encode_base64
from .models import format_device_time

# The terminal stores validity dates as 32-bit Unix time.
LATEST_TERM = datetime(2038, 1, 19, 3, 14, 7)  # noqa: DTZ001 - device local time
TERM_START_UNUSED = "useless"
TERM_FOREVER = "forever"
TERM_NEVER = "never"


def check_bytes(field_name: str, value: str, limit: int) -> None:
    """Refuse a string whose UTF-8 form is longer than the terminal stores."""
    size = len(value.encode("utf-8"))
    if size > limit:
        raise FaceCaptureValidationError(
            f"{field_name} is {size} bytes in UTF-8; the terminal stores at most {limit}"
        )


def _term(field_name: str, value: str | datetime | None, keywords: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.replace(tzinfo=None) > LATEST_TERM:
            raise FaceCaptureValidationError(f"{field_name} must not be after 2038-01-19")
        return format_device_time(value)
    if value in keywords:
        return value
    raise FaceCaptureValidationError(
        f"{field_name} must be a date or one of: {', '.join(keywords)}"
    )


# Which `update_flags` bit changes which field (document 1.5, enum ParsonDataFlags).
_FIELD_FLAGS: tuple[tuple[PersonUpdateFlag, str], ...] = (
    (PersonUpdateFlag.NAME, "name"),
    (PersonUpdateFlag.ROLE, "role"),
    (PersonUpdateFlag.WIEGAND, "card"),
    (PersonUpdateFlag.TERM, "term"),
    (PersonUpdateFlag.TERM_START, "term_start"),
    (PersonUpdateFlag.SCHEDULE, "kind"),
    (PersonUpdateFlag.CUSTOMER_TEXT, "customer_text"),
)


@dataclass(kw_only=True, slots=True)
class PersonData:
    """A person to register or change. Only the fields that are set are sent."""

    id: str
    name: str | None = None
    role: int | None = None
    kind: int | None = None
    image: bytes | None = None
    wg_card_id: int | None = None
    long_card_id: int | None = None
    term_start: str | datetime | None = None
    term: str | datetime | None = None
    customer_text: str | None = None

    def validate(self, *, name_limit: int = MAX_NAME_BYTES) -> None:
        """Check the document's limits; raise FaceCaptureValidationError on the first breach.

        ``name_limit`` is the command's: 63 bytes for `upload person`, 15 for the older commands.
        """
        if not self.id:
            raise FaceCaptureValidationError("The person id must not be empty")
        check_bytes("The person id", self.id, MAX_ID_BYTES)
        if self.name is not None:
            check_bytes("The name", self.name, name_limit)
        if self.customer_text is not None:
            check_bytes("The custom text", self.customer_text, MAX_CUSTOMER_TEXT_BYTES)
        if self.kind is not None and not 0 <= self.kind <= 15:
            raise FaceCaptureValidationError("The category (kind) must be between 0 and 15")
        if self.role is not None and self.role < 0:
            raise FaceCaptureValidationError("The role must not be negative")
        if self.image is not None:
            check_image(self.image)
        _term("The validity start", self.term_start, (TERM_START_UNUSED,))
        _term("The validity end", self.term, (TERM_FOREVER, TERM_NEVER))

    def fields(self, *, name_limit: int = MAX_NAME_BYTES) -> JsonObject:
        """The protocol fields of this person, without the image (each command sends it its own way)."""
        self.validate(name_limit=name_limit)
        pairs: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "kind": self.kind,
            "wg_card_id": self.wg_card_id,
            "long_card_id": self.long_card_id,
            "term_start": _term("The validity start", self.term_start, (TERM_START_UNUSED,)),
            "term": _term("The validity end", self.term, (TERM_FOREVER, TERM_NEVER)),
            "customer_text": self.customer_text,
        }
        return {key: value for key, value in pairs.items() if value is not None}

    def record_fields(self) -> JsonObject:
        """Every person field `add person` and `add person jpg` require (2.1.3, 2.1.6).

        Those commands mark no field optional but the validity start (document 1.2.1 item 5),
        so what is not set gets the defaults `upload person` documents for a new person: no
        name, role 1, no category, no card, valid for ever, no custom text. The 64-bit card
        goes alone: the terminal reads ``long_card_id`` only when ``wg_card_id`` is absent.
        """
        fields = self.fields(name_limit=MAX_SHORT_NAME_BYTES)
        fields.setdefault("name", "")
        fields.setdefault("role", int(Role.WHITELIST))
        fields.setdefault("kind", 0)
        if "long_card_id" not in fields:
            fields.setdefault("wg_card_id", 0)
        fields.setdefault("term", TERM_FOREVER)
        fields.setdefault("customer_text", "")
        return fields

    def field_flags(self) -> PersonUpdateFlag:
        """The `update_flags` bits of the fields set here (images are the command's business).

        Without `update_flags` the terminal rewrites every field (2.1.4), so a partial change
        must name its fields.
        """
        flags = PersonUpdateFlag(0)
        for flag, name in _FIELD_FLAGS:
            if self._has(name):
                flags |= flag
        return flags

    def check_flagged(self, flags: PersonUpdateFlag) -> None:
        """Refuse `update_flags` that select a field this person does not carry."""
        for flag, name in _FIELD_FLAGS:
            if flags & flag and not self._has(name):
                raise FaceCaptureValidationError(
                    f"update_flags selects the {name.replace('_', ' ')}, which is not set"
                )

    def _has(self, name: str) -> bool:
        if name == "card":
            return self.wg_card_id is not None or self.long_card_id is not None
        return getattr(self, name) is not None

    def image_base64(self) -> str | None:
        """The photo as the protocol carries it."""
        return encode_base64(self.image) if self.image is not None else None


@dataclass(kw_only=True, slots=True, frozen=True)
class DisplayText:
    """A line of text for the terminal's screen (`text display`, and the ACK's on-screen text)."""

    text: str
    x: int = 0
    y: int = 500
    alive_time: int = 3000
    font_size: int = 60
    font_spacing: int = 1
    font_color: str = "0xffffffff"

    def to_dict(self) -> JsonObject:
        """Write the protocol form."""
        if not self.text:
            raise FaceCaptureValidationError("The text to display must not be empty")
        return {
            "position": {"x": self.x, "y": self.y},
            "alive_time": self.alive_time,
            "font_size": self.font_size,
            "font_spacing": self.font_spacing,
            "font_color": self.font_color,
            "text": self.text,
        }


def argb(red: int, green: int, blue: int, alpha: int = 255) -> str:
    """Format a colour as the terminal's ``0xAARRGGBB`` text."""
    for part in (red, green, blue, alpha):
        if not 0 <= part <= 255:
            raise FaceCaptureValidationError("Colour components must be between 0 and 255")
    return f"0x{alpha:02x}{red:02x}{green:02x}{blue:02x}"
