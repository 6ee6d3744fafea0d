"""What the caller hands to a command: persons to register and text to show, checked before sending.

The terminal counts limits in UTF-8 bytes, not characters ("Zoë" is 4 bytes), so each check here
says which field is too long and by how much, before a byte leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._parse import JsonObject
from .const import MAX_CUSTOMER_TEXT_BYTES, MAX_ID_BYTES, MAX_NAME_BYTES
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

    def validate(self) -> None:
        """Check the document's limits; raise FaceCaptureValidationError on the first breach."""
        if not self.id:
            raise FaceCaptureValidationError("The person id must not be empty")
        check_bytes("The person id", self.id, MAX_ID_BYTES)
        if self.name is not None:
            check_bytes("The name", self.name, MAX_NAME_BYTES)
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

    def fields(self) -> JsonObject:
        """The protocol fields of this person, without the image (each command sends it its own way)."""
        self.validate()
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
