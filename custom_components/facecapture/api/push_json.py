"""Decode a pushed body into JSON, fast: the pictures are found, not parsed.

A face push is mostly its pictures: half a megabyte of base64 in `overall_pic.data`,
`closeup_pic.data`, `video.data` and `match.image`, around a kilobyte of fields. A JSON parser reads
those strings character by character; here they are found with `memchr` instead. Each long string
under one of those keys is cut out of the body and replaced by a marker, the remaining kilobyte is
parsed by orjson, and the text goes back in place of its marker. The result equals what parsing the
whole body gives, because a cut is only kept when it provably cuts exactly one string token:

- the text between the quotes holds no quote, no backslash and no byte outside ASCII (it is
  decoded as ASCII; anything else and the whole body is parsed instead);
- after parsing, every marker is found as the value of one of those four keys (a marker carries a
  random per-process nonce, so no body can forge one): then its opening quote opened a string in
  the original body too, since everything before it is unchanged.

A cut that fails either check, a body without such strings, or a body orjson refuses is parsed
whole, as before. The one difference from a strict parser: a raw control character inside a
picture's text (JSON wants it escaped) no longer makes the whole push unreadable; the picture's
base64 then does not decode, which a picture that is not base64 already means.

Without orjson (the library runs without it) and for what orjson refuses (NaN, lone surrogates in
escapes, integers beyond 64 bits), the standard library reads the body.
"""

from __future__ import annotations

from collections.abc import Mapping
import itertools
import json
import secrets
from typing import Any, Final

from ._parse import JsonObject
from .errors import FaceCaptureParseError

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - Home Assistant ships orjson; the library runs without it
    _orjson = None  # type: ignore[assignment]

__all__ = ["load_body"]

MIN_CUT_BYTES: Final = 2048
"""Strings shorter than this are left to the parser: cutting them would not pay."""

_BOM: Final = b"\xef\xbb\xbf"
_PLAIN_ECHO: Final = (int, str)
_SPACE: Final = b" \t\r\n"
_MEDIA_KEYS: Final = (b'"data"', b'"image"')
_MEDIA_PLACES: Final = (
    ("overall_pic", "data"),
    ("closeup_pic", "data"),
    ("video", "data"),
    ("match", "image"),
)
_NONCE: Final = secrets.token_hex(8)
_MAX_CUTS: Final = len(_MEDIA_PLACES)


def _value_start(raw: bytes, pos: int) -> int:
    """The index of the value after a key ending at ``pos``: past blanks, a colon and blanks."""
    end = len(raw)
    while pos < end and raw[pos] in _SPACE:
        pos += 1
    if pos >= end or raw[pos] != 0x3A:  # ':'
        return -1
    pos += 1
    while pos < end and raw[pos] in _SPACE:
        pos += 1
    return pos


def _spans_after(raw: bytes, key: bytes, start: int, stop: int) -> list[tuple[int, int]]:
    """Long strings that follow ``key`` between ``start`` and ``stop``: (opening, closing quote)."""
    spans: list[tuple[int, int]] = []
    pos = start
    while (found := raw.find(key, pos, stop)) != -1:
        pos = found + len(key)
        begin = _value_start(raw, pos)
        if begin == -1 or raw[begin] != 0x22:  # not followed by a string
            continue
        end = raw.find(b'"', begin + 1)
        if end == -1:
            break
        if end - begin > MIN_CUT_BYTES:
            spans.append((begin, end))
        pos = end + 1
    return spans


def _media_spans(raw: bytes) -> list[tuple[int, int]]:
    """Where the long media strings seem to be; `_decode_cut` proves each one or gives up.

    `"data"` is looked for first; `"image"` then only between the strings found, so that no search
    ever runs through a picture.
    """
    spans = _spans_after(raw, _MEDIA_KEYS[0], 0, len(raw))
    gaps = zip(
        [-1, *(end for _, end in spans)], [*(start for start, _ in spans), len(raw)], strict=True
    )
    for after, before in gaps:
        spans += _spans_after(raw, _MEDIA_KEYS[1], after + 1, before)
    if len(spans) > _MAX_CUTS:
        return []
    spans.sort()
    # Overlapping candidates (a key inside another candidate's text) mean a misreading.
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start <= end:
            return []
    return spans


def _decode_cut(raw: bytes) -> Any:
    """Parse ``raw`` with its long media strings cut out; None when that cannot be proven exact."""
    spans = _media_spans(raw)
    if not spans:
        return None
    view = memoryview(raw)
    texts: dict[str, str] = {}
    pieces: list[bytes | memoryview] = []
    last = 0
    for index, (start, end) in enumerate(spans):
        if raw.find(b"\\", start, end) != -1:
            return None
        try:
            text = str(view[start + 1 : end], "ascii")
        except UnicodeDecodeError:
            return None
        marker = f"\x01{_NONCE}:{index}"
        texts[marker] = text
        pieces += (view[last:start], b'"\\u0001', marker[1:].encode(), b'"')
        last = end + 1
    pieces.append(view[last:])
    try:
        value = _orjson.loads(b"".join(pieces))
    except _orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    found = 0
    for outer, inner in _MEDIA_PLACES:
        holder = value.get(outer)
        if (
            isinstance(holder, dict)
            and isinstance(cut := holder.get(inner), str)
            and (original := texts.get(cut)) is not None
        ):
            holder[inner] = original
            found += 1
    return value if found == len(texts) else None


def _decode_json(raw: bytes | str) -> Any:
    """Parse JSON: orjson when it is there and accepts the body, else the standard library.

    The standard library also reads what orjson refuses and a terminal may still send (NaN,
    lone surrogates in escapes, integers beyond 64 bits); the rules then clean those values.
    """
    if _orjson is not None:
        value = _decode_cut(raw) if isinstance(raw, bytes) else None
        if value is None:
            try:
                value = _orjson.loads(raw)
            except _orjson.JSONDecodeError:
                value = None
        # orjson reads integers beyond 64 bits as floats: an echo of an odd sequence_no or
        # cap_time would not be exact, so such a body is read again by the standard library.
        if value is not None and (
            not isinstance(value, dict)
            or (
                type(value.get("sequence_no", 0)) in _PLAIN_ECHO
                and type(value.get("cap_time", "")) is str
            )
        ):
            return value
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as err:
        raise FaceCaptureParseError("The pushed body is not UTF-8 text") from err
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise FaceCaptureParseError("The pushed body is not valid JSON") from err


def load_body(body: bytes | str | Mapping[str, Any]) -> JsonObject:
    """Decode a pushed body into a JSON object (UTF-8, with or without a byte order mark).

    Raises:
        FaceCaptureParseError: the body is not UTF-8, not JSON, or not a JSON object.

    """
    if isinstance(body, Mapping):
        return dict(body)
    if isinstance(body, bytes | bytearray | memoryview):
        raw = bytes(body)  # the same object when it is bytes already
        value = _decode_json(raw[3:] if raw.startswith(_BOM) else raw)
    elif isinstance(body, str):
        value = _decode_json(body.removeprefix("\ufeff"))
    else:
        raise FaceCaptureParseError(f"A push cannot be read from {type(body).__name__}")
    if not isinstance(value, dict):
        raise FaceCaptureParseError(
            f"The pushed body is JSON but not an object ({type(value).__name__})"
        )
    return value
