"""The rules that make every pushed value safe to hand on: serialisable and within bounds.

A push is untrusted input that ends up in bus events, entity states and the recorder. Whatever the
JSON held, a value that leaves the push parser obeys these rules (see ``push`` for the list):

- integers outside the signed 64-bit range are dropped (with a warning in the parse result), and
  so are floats read as integers unless they lie strictly within it; the one exception is the
  64-bit card number (``long_card_id``), which the document writes up to 2**64 - 1 and which stays
  within 0 .. 2**64 - 1, what Home Assistant's JSON encoder writes;
- floats that are not finite (NaN, infinities) are dropped; where a number may be either (unknown
  fields, numbers read as text), any number outside the signed 64-bit range is dropped;
- text with lone surrogates gets U+FFFD in their place;
- text that can become a state is cut to ``MAX_STATE_TEXT`` (255) characters, any other text to
  ``MAX_EVENT_TEXT`` (1024);
- unknown fields keep at most ``MAX_EXTRA_DEPTH`` levels and ``MAX_EXTRA_ITEMS`` items per array or
  object, under the same rules; what does not fit is dropped.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from ._parse import JsonObject, opt_int

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
UINT64_MAX: Final = 2**64 - 1
MAX_STATE_TEXT: Final = 255
"""Home Assistant's limit on a state; names and person ids can become the last-person state."""
MAX_EVENT_TEXT: Final = 1024
"""Bound on any other text: keeps an event far below the recorder's 32 KB limit."""
MAX_EXTRA_DEPTH: Final = 8
MAX_EXTRA_ITEMS: Final = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_DROP: Final = object()


def in_range(number: float) -> bool:
    """Whether a number lies within the signed 64-bit range (a float strictly within it).

    orjson reads integers beyond 64 bits as floats: a float of 2**63 or more may be such an
    integer, so it is treated as one and dropped, whichever parser read the body.
    """
    if isinstance(number, int):
        return INT64_MIN <= number <= INT64_MAX
    return -(2.0**63) < number < 2.0**63


def clean_text(value: str, limit: int = MAX_EVENT_TEXT) -> str:
    """Replace lone surrogates and cut to ``limit`` characters."""
    if value.isascii() and len(value) <= limit:  # the common case, at once
        return value
    if len(value) > limit:
        value = value[:limit]
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = _SURROGATE.sub("\ufffd", value)
    return value


def int64(value: int | None, label: str, warnings: list[str]) -> int | None:
    """Keep an integer within the signed 64-bit range; drop it with a warning otherwise."""
    if value is None or INT64_MIN <= value <= INT64_MAX:
        return value
    warnings.append(f"'{label}' is outside the 64-bit range and was dropped")
    return None


def _lenient_int(value: Any, label: str, warnings: list[str]) -> int | None:
    if isinstance(value, float) and math.isfinite(value) and not in_range(value):
        warnings.append(f"'{label}' is outside the 64-bit range and was dropped")
        return None
    return opt_int(value)


def clean_int(value: Any, label: str, warnings: list[str]) -> int | None:
    """Read an integer leniently, then keep it only within the signed 64-bit range."""
    if type(value) is int and INT64_MIN <= value <= INT64_MAX:  # the common case, at once
        return value
    return int64(_lenient_int(value, label, warnings), label, warnings)


def clean_card(value: Any, label: str, warnings: list[str]) -> int | None:
    """Read a 64-bit card number: 0 .. 2**64 - 1, as the document writes it."""
    if isinstance(value, int | str) and not isinstance(value, bool):
        number = opt_int(value)
        if number is None or 0 <= number <= UINT64_MAX:
            return number
        warnings.append(f"'{label}' is outside the 64-bit range and was dropped")
        return None
    return clean_int(value, label, warnings)


def _clean_value(value: Any, depth: int) -> Any:
    """One JSON value under the rules, or ``_DROP``."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value if in_range(value) else _DROP
    if isinstance(value, str):
        return clean_text(value)
    if depth >= MAX_EXTRA_DEPTH:
        return _DROP
    if isinstance(value, list):
        items = (_clean_value(item, depth + 1) for item in value[:MAX_EXTRA_ITEMS])
        return [item for item in items if item is not _DROP]
    if isinstance(value, dict):
        return _clean_object(value, depth + 1)
    return _DROP


def _clean_object(data: dict[Any, Any], depth: int) -> JsonObject:
    result: JsonObject = {}
    for key, value in data.items():
        if len(result) >= MAX_EXTRA_ITEMS:
            break
        if isinstance(key, str) and (clean := _clean_value(value, depth)) is not _DROP:
            result[clean_text(key)] = clean
    return result


def clean_extra(
    data: JsonObject, known: frozenset[str], label: str, warnings: list[str]
) -> JsonObject:
    """The fields a model does not read, kept under the rules; a warning if anything was lost."""
    if known.issuperset(data):
        return {}
    extra = {key: value for key, value in data.items() if key not in known}
    clean = _clean_object(extra, 0)
    if len(clean) != len(extra) or clean != extra:
        warnings.append(f"Unknown fields of {label} were cut to fit the bounds")
    return clean
