"""What every reply model reads the same way: the reply envelope, the clock, base64 images."""

from __future__ import annotations

from datetime import datetime
import re
from typing import Any

from ._parse import opt_str
from .images import decode_base64, strip_data_url

REPLY_KEYS = frozenset({"reply", "cmd", "code", "desc", "device_sn", "version"})
"""The envelope of every reply: never a model's own field, never kept as an unknown one."""

_TIME_PATTERN = re.compile(
    r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?\s*$"
)


def parse_device_time(text: str | None) -> datetime | None:
    """Parse the terminal's local time, ``YYYY/MM/DD HH:MM:SS`` with optional ``.mmm``.

    The result is naive: the terminal's clock carries no zone, and only the caller knows which
    zone it runs in. Unparsable or impossible times give None.
    """
    if not text or not (match := _TIME_PATTERN.match(text)):
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return datetime(  # noqa: DTZ001 - the device clock has no zone; the caller adds one
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro
        )
    except ValueError:
        return None


def format_device_time(value: datetime) -> str:
    """Format a time the way the terminal expects it (its local clock, no zone)."""
    return value.strftime("%Y/%m/%d %H:%M:%S")


def optional_image(value: Any) -> bytes | None:
    """Decode an optional base64 image; an empty or broken one is absent."""
    text = opt_str(value)
    if not text or not strip_data_url(text).strip():
        return None
    try:
        return decode_base64(text)
    except ValueError:
        return None
