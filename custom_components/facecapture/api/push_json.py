"""Decode a pushed body into JSON, fast: the pictures are found, not parsed.

A face push is mostly its pictures: half a megabyte of base64 in `overall_pic.data`,
`closeup_pic.data`, `video.data` and `match.image`, around a kilobyte of fields. A JSON parser reads
those strings character by character; here they are found with `memchr` instead. Each long string
under one of those keys is cut out of the body and replaced by a marker, the remaining kilobyte is
parsed by orjson, and in place of each marker goes a `MediaText`: the bytes between the quotes,
left in the body and decoded to text only when someone reads the picture. A cut is only kept when
it provably cuts exactly one string token, so the result stands for what parsing the whole body
gives:

- the bytes between the quotes hold no quote and no backslash, so the first quote ends the string;
- after parsing, every marker is found as the value of one of those four keys (a marker carries a
  random per-process nonce, so no body can forge one): then its opening quote opened a string in
  the original body too, since everything before it reads the same.

A cut that fails either check, a body without such strings, or a body orjson refuses is parsed
whole. The one difference from a strict parser: bytes a JSON string may not hold raw (control
characters, invalid UTF-8) inside a picture's text no longer make the whole push unreadable; that
picture then does not decode, as a picture that is not base64 already does not.

Without orjson (the library runs without it) and for what orjson refuses (NaN, lone surrogates in
escapes, integers beyond 64 bits), the standard library reads the body.
"""

from __future__ import annotations

from collections.abc import Mapping
import json
import secrets
from typing import Any, Final

from ._parse import JsonObject
from .errors import FaceCaptureParseError

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - Home Assistant ships orjson; the library runs without it
    _orjson = None  # type: ignore[assignment]

__all__ = ["MediaText", "load_body", "media_as_text"]

MIN_CUT_BYTES: Final = 2048
"""Strings shorter than this are left to the parser: cutting them would not pay."""

_BOM: Final = b"\xef\xbb\xbf"
_PLAIN_ECHO: Final = (int, str)
_SPACE: Final = b" \t\r\n"
_MAX_BLANKS: Final = 64
_MEDIA_KEYS: Final = (b'"data"', b'"image"')
_MEDIA_PLACES: Final = (
    ("overall_pic", "data"),
    ("closeup_pic", "data"),
    ("video", "data"),
    ("match", "image"),
)
_NONCE: Final = secrets.token_hex(8)
_MAX_CUTS: Final = len(_MEDIA_PLACES)


class MediaText:
    """The base64 text of a picture or video, left in the pushed body until someone reads it.

    It stands for the string the JSON held: ``str()`` gives it (decoded once, on first use), and it
    compares equal to it. ``len()`` is its length in bytes, which for base64 (ASCII) is its length
    in characters. Text that turns out not to be UTF-8 reads as empty: a broken picture.
    """

    __slots__ = ("_text", "_view")

    def __init__(self, view: memoryview) -> None:
        """Hold a slice of the body (the bytes between the string's quotes)."""
        self._view = view
        self._text: str | None = None

    def __str__(self) -> str:
        """The text, decoded on first use."""
        if self._text is None:
            try:
                self._text = str(self._view, "ascii")
            except UnicodeDecodeError:
                try:
                    self._text = str(self._view, "utf-8")
                except UnicodeDecodeError:
                    self._text = ""
            self._view = memoryview(b"")
        return self._text

    def as_bytes(self) -> bytes | memoryview:
        """The text as bytes, where the body holds them: what base64 decoding reads, no copy."""
        return self._view if self._text is None else self._text.encode()

    @property
    def holds(self) -> tuple[int, int]:
        """What keeping this text keeps in memory: (which buffer, its size in bytes).

        Until decoded to text, a slice of the body keeps all of it (the other picture, a video);
        texts cut from one body name the same buffer, so a holder can count it once.
        """
        if self._text is not None:
            return id(self._text), len(self._text)
        return id(self._view.obj), memoryview(self._view.obj).nbytes

    def __len__(self) -> int:
        """Its length in bytes (characters, for base64)."""
        return len(self._view) if self._text is None else len(self._text)

    def __eq__(self, other: object) -> bool:
        """Equal to the same text, whether still in the body or not."""
        if isinstance(other, MediaText | str):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        """Hashes like its text."""
        return hash(str(self))

    def __repr__(self) -> str:
        """Never the content (it may be a face)."""
        return f"<MediaText of {len(self)} characters>"


def media_as_text(value: JsonObject) -> JsonObject:
    """Replace the media text still left in the body (`MediaText`) by plain strings, in place."""
    for outer, inner in _MEDIA_PLACES:
        holder = value.get(outer)
        if isinstance(holder, dict) and isinstance(media := holder.get(inner), MediaText):
            holder[inner] = str(media)
    return value


def _value_start(raw: bytes, pos: int) -> int:
    """The index of the value after a key ending at ``pos``: past blanks, a colon and blanks.

    Only a few blanks are looked through (a pretty-printed body has one); -1 when there is no
    colon within reach, so that no body can make this loop walk megabytes of spaces.
    """
    end = min(len(raw), pos + _MAX_BLANKS)
    while pos < end and raw[pos] in _SPACE:
        pos += 1
    if pos >= end or raw[pos] != 0x3A:  # ':'
        return -1
    pos += 1
    while pos < end and raw[pos] in _SPACE:
        pos += 1
    return pos if pos < end else -1


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
    # Disjoint by construction: each search goes on after the string it found, and a string
    # found between two others ends at the latest at the quote that opens the next key.
    return sorted(spans) if len(spans) <= _MAX_CUTS else []


def _decode_cut(raw: bytes) -> Any:
    """Parse ``raw`` with its long media strings cut out; None when that cannot be proven exact."""
    spans = _media_spans(raw)
    if not spans:
        return None
    view = memoryview(raw)
    texts: dict[str, MediaText] = {}
    pieces: list[bytes | memoryview] = []
    last = 0
    for index, (start, end) in enumerate(spans):
        # Without a backslash the first quote is the string's end (nothing escaped before it).
        if raw.find(b"\\", start, end) != -1:
            return None
        marker = f"\x01{_NONCE}:{index}"
        texts[marker] = MediaText(view[start + 1 : end])
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


def load_body(body: bytes | str | Mapping[str, Any], *, keep_media: bool = False) -> JsonObject:
    """Decode a pushed body into a JSON object (UTF-8, with or without a byte order mark).

    With ``keep_media``, the long base64 strings of pictures and videos (`overall_pic.data`,
    `closeup_pic.data`, `video.data`, `match.image`) may come back as `MediaText`, still in the
    body until read (`parse_message` takes them so); otherwise every value is plain JSON.

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
    return value if keep_media else media_as_text(value)
