"""Find `sequence_no` and `cap_time` in a push that cannot be parsed, so it can still be ACKed.

A terminal that gets no ACK echoing both values resends the same record forever and delivers nothing
after it. When a body is too large, too deep, not UTF-8 or not JSON, these helpers look for the two
values without parsing the whole body: a bounded scan of the first and the last part of the raw
bytes for `"sequence_no": <scalar>` and `"cap_time": <scalar>`. Only a string or a number is taken,
exactly as written (its JSON text is decoded, never reformatted).
"""

from __future__ import annotations

from collections.abc import Mapping
import json
import math
from typing import Any, Final

SCAN_BYTES: Final = 64 * 1024
"""How much of the start and of the end of a body is searched."""

_MAX_TOKEN: Final = 256
_MAX_ECHO_DEPTH: Final = 8
_SPACE: Final = b" \t\r\n"
_NUMBER: Final = frozenset(b"-+0123456789.eE")
_KEYS: Final = (b'"sequence_no"', b'"cap_time"')

type Echo = tuple[Any, Any]
"""`sequence_no` and `cap_time`, as the terminal sent them."""


def _skip_space(raw: bytes, pos: int, end: int) -> int:
    while pos < end and raw[pos] in _SPACE:
        pos += 1
    return pos


def _string_end(raw: bytes, pos: int, end: int) -> int | None:
    """The index after the closing quote of the string starting at ``pos``, if within reach."""
    pos += 1
    while pos < end:
        byte = raw[pos]
        if byte == 0x5C:  # backslash: skip the escaped character
            pos += 2
            continue
        if byte == 0x22:
            return pos + 1
        pos += 1
    return None


def _scalar_at(raw: bytes, pos: int, end: int) -> Any:
    """The string or number starting at ``pos`` (after the key's colon), or None."""
    pos = _skip_space(raw, pos, min(end, pos + 64))
    if pos >= end:
        return None
    limit = min(end, pos + _MAX_TOKEN)
    if raw[pos] == 0x22:
        stop = _string_end(raw, pos, limit)
    else:
        stop = pos
        while stop < limit and raw[stop] in _NUMBER:
            stop += 1
        if stop in (pos, limit):
            return None
    if stop is None:
        return None
    try:
        value = json.loads(raw[pos:stop])
    except ValueError:
        return None
    # A string or a number token decodes to a string, an integer or a float.
    return value if echoable(value) else None


def _find(raw: bytes, key: bytes, start: int, end: int) -> Any:
    """The value of the first ``key`` in ``raw[start:end]`` that is followed by a scalar."""
    pos = raw.find(key, start, end)
    while pos != -1:
        colon = _skip_space(raw, pos + len(key), min(end, pos + len(key) + 64))
        if colon < end and raw[colon] == 0x3A:
            value = _scalar_at(raw, colon + 1, end)
            if value is not None:
                return value
        pos = raw.find(key, pos + 1, end)
    return None


def scan_echo(head: bytes, tail: bytes = b"") -> Echo | None:
    """Look for both values in the first part of a body, then in its last part.

    ``head`` and ``tail`` are the start and the end of the body; only ``SCAN_BYTES`` of each is
    searched. A value may come from either part.
    """
    parts = (head[:SCAN_BYTES], tail[-SCAN_BYTES:]) if tail else (head[:SCAN_BYTES],)
    found: list[Any] = []
    for key in _KEYS:
        value = None
        for part in parts:
            value = _find(part, key, 0, len(part))
            if value is not None:
                break
        if value is None:
            return None
        found.append(value)
    return found[0], found[1]


def echoable(value: Any, depth: int = 0) -> bool:
    """Whether a value can be written back exactly as JSON (no NaN, bounded nesting)."""
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if depth >= _MAX_ECHO_DEPTH:
        return False
    if isinstance(value, list):
        return all(echoable(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and echoable(item, depth + 1) for key, item in value.items()
        )
    return False


def body_echo(body: Mapping[str, Any]) -> Echo | None:
    """Both values from a decoded body, when it has them and they can be written back."""
    if "sequence_no" not in body or "cap_time" not in body:
        return None
    sequence_no, cap_time = body["sequence_no"], body["cap_time"]
    if echoable(sequence_no) and echoable(cap_time):
        return sequence_no, cap_time
    return None
