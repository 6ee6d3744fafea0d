"""What the terminal pushes to us, and what we answer.

The terminal POSTs JSON to a server we run (document 1.1.2 and 1.1.3): face captures (2.2.1), heartbeats
(2.7), SIP events (2.16.4) and, in configuration-client mode, the results of the commands we handed it.
`parse_push` turns any body into one typed message or raises `FaceCaptureParseError`; it never raises
anything else, whatever the body. `build_ack` and friends build the replies; `echo` finds what an ACK
needs in a body that cannot be parsed.

A face push must always be acknowledged with its `sequence_no` and `cap_time` echoed exactly as sent,
or the device resends the same record forever. The parsed models therefore keep both raw values, and a
push is refused only when one of them is missing or of a type that cannot be echoed; anything else odd
(a broken image, an unknown field, an unreadable date) is kept, dropped or noted in `warnings`, never
fatal. `FacePush.problem_for` tells whether a push is a capture one can stand behind: a non-negative
integer sequence number (or a string of digits), the terminal's own serial, a valid capture time.

Speed: bodies are parsed with orjson when it is installed (the standard library reads what orjson
refuses, such as NaN or lone surrogates), and pictures and videos stay base64 text until their `data`
is first read.

Every value a parsed model hands on follows these rules (`_sanitise`), so that it can go into an
event or a state as it is:

- integers: within the signed 64-bit range, else dropped with a warning (floats read as integers
  too); only `person.long_card_id` takes the document's unsigned 64-bit range (up to 2**64 - 1);
- floats: finite, else dropped (NaN and infinities never come out);
- numbers read as text (a numeric name) and numbers in unknown fields: within the signed 64-bit
  range, else dropped (orjson reads bigger integers as floats: both parsers give the same);
- text: lone surrogates replaced by U+FFFD; `match.person_name` and `match.person_id` (they can
  become a state) cut to 255 characters, any other text to 1024; `timezone` to 64, image formats to
  16, `cmd` to 64;
- unknown fields (`extra`): kept, under the same rules, to a depth of 8 and 64 items per array or
  object; what does not fit is dropped with a warning;
- `sequence_no` and `cap_time` are the exception: kept exactly as sent, for the echo only;
  `sequence` and `captured_at` are their checked forms;
- the bodies of `CommandResult` and `UnknownMessage` are handed on as parsed: they are replies to
  commands, not captures, and never reach an event here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
import json
from typing import Any, Final, Literal, TypedDict, Unpack

from ._parse import (
    JsonObject,
    MissingFieldError,
    first_key,
    opt_bool,
    opt_float,
    opt_str,
    req_int,
    str_list,
)
from ._sanitise import (
    INT64_MAX,
    MAX_EVENT_TEXT,
    MAX_EXTRA_ITEMS,
    MAX_STATE_TEXT,
    clean_card,
    clean_extra,
    clean_int,
    clean_text,
    in_range,
)
from .commands import DisplayText, check_bytes
from .const import (
    COMMAND_VERSIONS,
    DEFAULT_REQUEST_VERSION,
    MAX_TTS_BYTES,
    Command,
    ControlMode,
)
from .echo import echoable
from .errors import FaceCaptureParseError, FaceCaptureValidationError
from .images import decode_base64, detect_image_format, encode_base64
from .models import GpsInfo, parse_device_time

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - Home Assistant ships orjson; the library runs without it
    _orjson = None  # type: ignore[assignment]

__all__ = [
    "AckOptions",
    "CommandResult",
    "DisplayText",
    "FacePush",
    "FaceResult",
    "FailureReason",
    "GateCommand",
    "GpsInfo",
    "Heartbeat",
    "IdCard",
    "PersonAttributes",
    "PushImage",
    "PushMatch",
    "PushMessage",
    "PushProblem",
    "PushVideo",
    "QrCode",
    "ResultPopup",
    "SipEvent",
    "SipEventType",
    "UnknownMessage",
    "ack_for",
    "build_ack",
    "build_command",
    "build_heartbeat_reply",
    "dumps_ack",
    "load_body",
    "parse_message",
    "parse_push",
]


# --------------------------------------------------------------------------------------------------
# Enumerations
# --------------------------------------------------------------------------------------------------


class FaceResult(StrEnum):
    """What a face capture amounts to, from `match_result` and `match_failed_reson`."""

    RECOGNIZED = "recognized"
    """A registered person was matched and may pass."""
    DENIED = "denied"
    """A registered person was matched but may not pass (see `FacePush.failure_reason`)."""
    STRANGER = "stranger"
    """The face was compared and matched nobody (`match_result` -1)."""
    DETECTED = "detected"
    """A face was captured without comparison (`match_result` 0 or absent)."""


class FailureReason(StrEnum):
    """Why a matched person may not pass (`match_failed_reson`, vendor SDK enum MatchFailedReasons)."""

    RESTRICTED = "restricted"
    EXPIRED = "expired"
    OUTSIDE_SCHEDULE = "outside_schedule"
    HOLIDAY = "holiday"
    TEMPERATURE_TOO_HIGH = "temperature_too_high"
    NO_MASK = "no_mask"
    NO_HELMET = "no_helmet"
    CARD_NOT_REGISTERED = "card_not_registered"
    ID_CARD_MISMATCH = "id_card_mismatch"
    UNAUTHORIZED = "unauthorized"

    @classmethod
    def from_code(cls, code: int | None) -> FailureReason | None:
        """Return the reason for a device code; 0, None and undocumented codes give None."""
        return _FAILURE_CODES.get(code) if code is not None else None


_FAILURE_CODES: dict[int, FailureReason] = {
    -2: FailureReason.RESTRICTED,
    -3: FailureReason.EXPIRED,
    -4: FailureReason.OUTSIDE_SCHEDULE,
    -5: FailureReason.HOLIDAY,
    -6: FailureReason.TEMPERATURE_TOO_HIGH,
    -7: FailureReason.NO_MASK,
    -8: FailureReason.NO_HELMET,
    -9: FailureReason.CARD_NOT_REGISTERED,
    -10: FailureReason.ID_CARD_MISMATCH,
    -11: FailureReason.UNAUTHORIZED,
}


class PushProblem(StrEnum):
    """Why a face push cannot be stood behind: it is acknowledged, but it is no capture to act on."""

    BAD_SEQUENCE_NO = "bad_sequence_no"
    """`sequence_no` is not a non-negative integer (or a string of digits) within 64 bits."""
    NO_DEVICE_SN = "no_device_sn"
    """`device_sn` is missing, empty or not a string: nobody can tell which terminal sent it."""
    FOREIGN_DEVICE_SN = "foreign_device_sn"
    """`device_sn` names another terminal than the one the receiver serves."""
    BAD_CAP_TIME = "bad_cap_time"
    """`cap_time` is not a terminal time (`YYYY/MM/DD HH:MM:SS[.mmm]`)."""


class SipEventType(IntEnum):
    """The `sip_event` values of document 2.16.4."""

    CALL_ENDED = 0
    CALL_STARTED = 1
    CALLER_RINGING = 2
    CALLER_REJECTED = 3
    CALLER_CONNECTED = 4
    CALLED = 5
    CALLED_CONNECTED = 6


# --------------------------------------------------------------------------------------------------
# Models of what the device pushes
# --------------------------------------------------------------------------------------------------


def _decode_or_empty(text: str) -> bytes:
    """Decode base64 text; text that is not base64 gives no bytes."""
    try:
        return decode_base64(text)
    except ValueError:
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class PushImage:
    """An image of a push: the panorama, the close-up or the person's registered photo.

    The base64 text is kept as sent (`encoded`) and decoded only when `data` is first read, so
    that acknowledging a push never pays for its pictures. `data` is empty when the text turns out
    not to be base64. `format` is the declared format in lower case ("jpg", "png"), or the one the
    bytes show when none was declared ("unknown" if neither). Face coordinates are in pixels.
    """

    encoded: str = field(repr=False)
    declared_format: str | None = None
    face_x: int | None = None
    face_y: int | None = None
    face_width: int | None = None
    face_height: int | None = None
    extra: JsonObject = field(default_factory=dict)
    _decoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_bytes(cls, data: bytes, *, format: str | None = None) -> PushImage:  # noqa: A002
        """An image built from bytes (already decoded)."""
        image = cls(encoded=encode_base64(data), declared_format=format)
        object.__setattr__(image, "_decoded", data)
        return image

    @property
    def data(self) -> bytes:
        """The image's bytes (decoded on first use; empty if the text was not base64)."""
        data = self._decoded
        if data is None:
            data = _decode_or_empty(self.encoded)
            object.__setattr__(self, "_decoded", data)
        return data

    @property
    def format(self) -> str:
        """The declared format, else the one the bytes show, else "unknown"."""
        if self.declared_format:
            return self.declared_format
        detected = detect_image_format(self.data)
        return detected.value if detected else "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class PushVideo:
    """The short video clip of a push (times as the device wrote them); decoded on first use."""

    start_time: str | None
    end_time: str | None
    format: str | None
    encoded: str = field(repr=False)
    extra: JsonObject = field(default_factory=dict)
    _decoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def data(self) -> bytes:
        """The clip's bytes (decoded on first use; empty if the text was not base64)."""
        data = self._decoded
        if data is None:
            data = _decode_or_empty(self.encoded)
            object.__setattr__(self, "_decoded", data)
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonAttributes:
    """What the terminal measured on the captured face (`person`).

    The document's "no information" values (empty `sex`, `age` 0) are None here.
    """

    sex: str | None = None
    age: int | None = None
    hat: str | None = None
    temperature: float | None = None
    has_mask: bool | None = None
    face_quality: int | None = None
    turn_angle: int | None = None
    rotate_angle: int | None = None
    wg_card_id: int | None = None
    long_card_id: int | None = None
    extra: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class PushMatch:
    """The registered person a face was matched to (`match`).

    With `is_encryption` true, `person_id` and `person_name` are the device's AES ciphertext in base64,
    passed through unchanged. `match_type` lists the channels used ("anyface", card, ...) as strings,
    whatever form the firmware sent.
    """

    is_encryption: bool = False
    person_id: str | None = None
    person_name: str | None = None
    person_role: int | None = None
    image: PushImage | None = None
    origin: str | None = None
    person_attr: str | None = None
    customer_text: str | None = None
    match_type: tuple[str, ...] = ()
    extra: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class IdCard:
    """The identity card read along with the face (`id_card`); dates as the device wrote them."""

    number: str | None = None
    name: str | None = None
    birthday: str | None = None
    sex: str | None = None
    national: str | None = None
    residence_address: str | None = None
    organ_issue: str | None = None
    valid_date_start: str | None = None
    valid_date_end: str | None = None
    extra: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class QrCode:
    """A QR code the terminal read (`qr_code`)."""

    qr_type: str | None = None
    qr_data: str | None = None
    extra: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class FacePush:
    """A face capture record (`cmd` "face", document 2.2.1.1).

    `sequence_no` and `cap_time` are the raw values exactly as pushed: echo them in the ACK.
    `sequence` and `captured_at` are their parsed forms (None when unreadable). `captured_at` is the
    terminal's local wall clock, without a zone; `timezone` is what newer firmware says about it.
    Anything that could not be used is explained in `warnings`.
    """

    sequence_no: int | str
    cap_time: str
    sequence: int | None = None
    captured_at: datetime | None = None
    timezone: str | None = None
    version: str | None = None
    device_sn: str | None = None
    device_no: str | None = None
    addr_no: str | None = None
    addr_name: str | None = None
    is_realtime: bool = True
    match_result: int | None = None
    match_failed_reason: int | None = None
    match: PushMatch | None = None
    overall_pic: PushImage | None = None
    closeup_pic: PushImage | None = None
    video: PushVideo | None = None
    person: PersonAttributes | None = None
    feature_data: tuple[float, ...] = field(default=(), repr=False)
    id_card: IdCard | None = None
    qr_code: QrCode | None = None
    gps: GpsInfo | None = None
    warnings: tuple[str, ...] = ()
    extra: JsonObject = field(default_factory=dict)

    @property
    def result(self) -> FaceResult:
        """Classify the capture: recognized, denied, stranger or merely detected.

        A negative `match_result` means a stranger even when a failure reason comes with it (real
        firmware sends -1 together with -11).
        """
        score = self.match_result
        if score is None or score == 0:
            return FaceResult.DETECTED
        if score < 0:
            return FaceResult.STRANGER
        if self.match_failed_reason in (None, 0):
            return FaceResult.RECOGNIZED
        return FaceResult.DENIED

    @property
    def failure_reason(self) -> FailureReason | None:
        """The documented reason the person may not pass, if any (the raw code is `match_failed_reason`)."""
        return FailureReason.from_code(self.match_failed_reason)

    @property
    def score(self) -> int | None:
        """The similarity score out of 100 when the face matched someone."""
        if self.match_result is not None and self.match_result > 0:
            return self.match_result
        return None

    @property
    def person_id(self) -> str | None:
        """The matched person's id (ciphertext when the match is encrypted)."""
        return self.match.person_id if self.match else None

    def problem_for(self, serial: str) -> PushProblem | None:
        """Why this push cannot be taken as a capture of the terminal ``serial``; None if it can."""
        if self.sequence is None:
            return PushProblem.BAD_SEQUENCE_NO
        if self.device_sn is None:
            return PushProblem.NO_DEVICE_SN
        if self.device_sn != serial:
            return PushProblem.FOREIGN_DEVICE_SN
        if self.captured_at is None:
            return PushProblem.BAD_CAP_TIME
        return None

    @property
    def person_name(self) -> str | None:
        """The matched person's name (ciphertext when the match is encrypted)."""
        return self.match.person_name if self.match else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Heartbeat:
    """A heartbeat (`cmd` "heart beat" without a `reply` key, document 2.7)."""

    device_sn: str | None = None
    ip: str | None = None
    device_no: str | None = None
    addr_no: str | None = None
    addr_name: str | None = None
    version: str | None = None
    gps: GpsInfo | None = None
    extra: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandResult:
    """The result of a command, POSTed back in configuration-client mode (any body with `reply`).

    `command_id` is the one we sent with the command, echoed by the device; `body` is the whole reply
    (so a command's own fields, such as a person list, are there).
    """

    cmd: str
    code: int | None = None
    command_id: str | int | None = None
    desc: str | None = None
    body: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SipEvent:
    """A SIP call event (`cmd` "sip event", document 2.16.4)."""

    sip_event: int
    version: str | None = None
    device_sn: str | None = None
    device_no: str | None = None
    addr_no: str | None = None
    addr_name: str | None = None
    extra: JsonObject = field(default_factory=dict)

    @property
    def event_type(self) -> SipEventType | None:
        """The documented meaning of `sip_event`, or None for an undocumented value."""
        try:
            return SipEventType(self.sip_event)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownMessage:
    """A JSON object with a `cmd` this library does not know; kept whole for the caller."""

    cmd: str
    body: JsonObject = field(default_factory=dict)


type PushMessage = FacePush | Heartbeat | CommandResult | SipEvent | UnknownMessage
"""Everything `parse_push` can return."""


# --------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------

_BOM: Final = b"\xef\xbb\xbf"
_PLAIN_ECHO: Final = (int, str)
_SHORT_MEDIA: Final = 256
_MAX_FORMAT_TEXT: Final = 16
_MAX_TIME_TEXT: Final = 40
_MAX_ZONE_TEXT: Final = 64
_MAX_CMD_TEXT: Final = 64
_MAX_SEQUENCE_DIGITS: Final = 19

_FACE_KEYS = frozenset(
    {
        "version", "cmd", "sequence_no", "cap_time", "timezone", "device_sn", "device_no",
        "addr_no", "addr_name", "is_realtime", "match_result", "match_failed_reson",
        "match_failed_reason", "match", "overall_pic_flag", "overall_pic", "closeup_pic_flag",
        "closeup_pic", "video_flag", "video", "person", "feature_data", "id_card", "qr_code", "gps",
    }
)  # fmt: skip
_PIC_KEYS = frozenset({"format", "data", "face_x", "face_y", "face_width", "face_height"})
_VIDEO_KEYS = frozenset({"start_time", "end_time", "format", "data"})
_MATCH_KEYS = frozenset(
    {
        "is_encryption", "person_id", "person_name", "person_role", "format", "image", "origin ",
        "origin", "person_attr", "customer_text", "match_type",
    }
)  # fmt: skip
_PERSON_KEYS = frozenset(
    {
        "sex", "age", "hat", "temperatur", "temperature", "has_mask", "face_quality", "turn_angle",
        "rotate_angle", "wg_card_id", "long_card_id",
    }
)  # fmt: skip
_ID_CARD_FIELDS = (
    "number", "name", "birthday", "sex", "national", "residence_address", "organ_issue",
    "valid_date_start", "valid_date_end",
)  # fmt: skip
_ID_CARD_KEYS = frozenset(_ID_CARD_FIELDS)
_QR_KEYS = frozenset({"qr_type", "qr_data"})
_STATION_KEYS = frozenset({"cmd", "version", "device_sn", "device_no", "addr_no", "addr_name"})
_HEARTBEAT_KEYS = _STATION_KEYS | {"ip", "gps"}
_SIP_KEYS = _STATION_KEYS | {"sip_event"}


def _text(value: Any, limit: int = MAX_EVENT_TEXT) -> str | None:
    """Read an optional string under the rules; an empty one means "no information" and is None."""
    if type(value) is str:  # the common case, at once
        return clean_text(value, limit) if value else None
    if isinstance(value, int | float) and not isinstance(value, bool) and not in_range(value):
        return None
    text = opt_str(value)
    return clean_text(text, limit) if text else None


def _object(data: JsonObject, key: str, warnings: list[str]) -> JsonObject | None:
    """Return a nested object; a non-object is ignored with a warning, null counts as absent."""
    value = data.get(key)
    if value is None or isinstance(value, dict):
        return value
    warnings.append(f"'{key}' is not a JSON object and was ignored")
    return None


def _media_object(data: JsonObject, key: str, warnings: list[str]) -> JsonObject | None:
    """Return `overall_pic`, `closeup_pic` or `video`; its object decides, not its `*_flag`.

    Real firmware leaves the object out when the flag is false; a true flag without it is noted.
    """
    obj = _object(data, key, warnings)
    if obj is None and data.get(key) is None and opt_bool(data.get(f"{key}_flag")):
        warnings.append(f"'{key}_flag' is true but no '{key}' was sent")
    return obj


def _encoded(label: str, value: Any, warnings: list[str]) -> str | None:
    """Keep base64 image or video text for decoding later, or explain why it was dropped.

    A real picture is kilobytes long and decoded only when someone asks for it; short text is
    checked at once, since only short text can be empty or no base64 at all for free.
    """
    if not isinstance(value, str):
        warnings.append(f"The {label} carries no base64 data and was dropped")
        return None
    if len(value) < _SHORT_MEDIA:
        try:
            decoded = decode_base64(value)
        except ValueError:
            warnings.append(f"The {label} is not valid base64 and was dropped")
            return None
        if not decoded:
            warnings.append(f"The {label} is empty and was dropped")
            return None
    return value


def _declared_format(value: Any) -> str | None:
    """The declared image format in lower case."""
    text = _text(value, _MAX_FORMAT_TEXT)
    if text is None:
        return None
    return text.strip().lower() or None


def _picture(data: JsonObject, key: str, warnings: list[str]) -> PushImage | None:
    """Read `overall_pic` or `closeup_pic`."""
    obj = _media_object(data, key, warnings)
    if obj is None:
        return None
    encoded = _encoded(f"image '{key}'", obj.get("data"), warnings)
    if encoded is None:
        return None
    return PushImage(
        encoded=encoded,
        declared_format=_declared_format(obj.get("format")),
        face_x=clean_int(obj.get("face_x"), f"{key}.face_x", warnings),
        face_y=clean_int(obj.get("face_y"), f"{key}.face_y", warnings),
        face_width=clean_int(obj.get("face_width"), f"{key}.face_width", warnings),
        face_height=clean_int(obj.get("face_height"), f"{key}.face_height", warnings),
        extra=clean_extra(obj, _PIC_KEYS, f"'{key}'", warnings),
    )


def _video(data: JsonObject, warnings: list[str]) -> PushVideo | None:
    """Read the `video` object."""
    obj = _media_object(data, "video", warnings)
    if obj is None:
        return None
    encoded = _encoded("video", obj.get("data"), warnings)
    if encoded is None:
        return None
    return PushVideo(
        start_time=_text(obj.get("start_time")),
        end_time=_text(obj.get("end_time")),
        format=_text(obj.get("format")),
        encoded=encoded,
        extra=clean_extra(obj, _VIDEO_KEYS, "'video'", warnings),
    )


def _match(data: JsonObject, warnings: list[str]) -> PushMatch | None:
    """Read the `match` object (absent for strangers on real firmware)."""
    obj = _object(data, "match", warnings)
    if obj is None:
        return None
    image: PushImage | None = None
    if obj.get("image") not in (None, ""):
        encoded = _encoded("registered image 'match.image'", obj["image"], warnings)
        if encoded is not None:
            image = PushImage(encoded=encoded, declared_format=_declared_format(obj.get("format")))
    return PushMatch(
        is_encryption=bool(opt_bool(obj.get("is_encryption"))),
        # Name and id can become the last-person state: cut to a state's length.
        person_id=_text(obj.get("person_id"), MAX_STATE_TEXT),
        person_name=_text(obj.get("person_name"), MAX_STATE_TEXT),
        person_role=clean_int(obj.get("person_role"), "match.person_role", warnings),
        image=image,
        # The document writes "origin " with a trailing space; the vendor's own model writes "origin".
        origin=_text(first_key(obj, "origin", "origin ")),
        person_attr=_text(obj.get("person_attr")),
        customer_text=_text(obj.get("customer_text")),
        match_type=tuple(
            clean_text(text) for text in str_list(obj.get("match_type"))[:MAX_EXTRA_ITEMS]
        ),
        extra=clean_extra(obj, _MATCH_KEYS, "'match'", warnings),
    )


def _person(data: JsonObject, warnings: list[str]) -> PersonAttributes | None:
    """Read the `person` object."""
    obj = _object(data, "person", warnings)
    if obj is None:
        return None
    return PersonAttributes(
        sex=_text(obj.get("sex")),
        age=clean_int(obj.get("age"), "person.age", warnings) or None,
        hat=_text(obj.get("hat")),
        temperature=opt_float(first_key(obj, "temperatur", "temperature")),
        has_mask=opt_bool(obj.get("has_mask")),
        face_quality=clean_int(obj.get("face_quality"), "person.face_quality", warnings),
        turn_angle=clean_int(obj.get("turn_angle"), "person.turn_angle", warnings),
        rotate_angle=clean_int(obj.get("rotate_angle"), "person.rotate_angle", warnings),
        wg_card_id=clean_int(obj.get("wg_card_id"), "person.wg_card_id", warnings),
        long_card_id=clean_card(obj.get("long_card_id"), "person.long_card_id", warnings),
        extra=clean_extra(obj, _PERSON_KEYS, "'person'", warnings),
    )


def _id_card(data: JsonObject, warnings: list[str]) -> IdCard | None:
    """Read the `id_card` object."""
    obj = _object(data, "id_card", warnings)
    if obj is None:
        return None
    values = {name: _text(obj.get(name)) for name in _ID_CARD_FIELDS}
    return IdCard(**values, extra=clean_extra(obj, _ID_CARD_KEYS, "'id_card'", warnings))


def _qr_code(data: JsonObject, warnings: list[str]) -> QrCode | None:
    """Read the `qr_code` object."""
    obj = _object(data, "qr_code", warnings)
    if obj is None:
        return None
    return QrCode(
        qr_type=_text(obj.get("qr_type")),
        qr_data=_text(obj.get("qr_data")),
        extra=clean_extra(obj, _QR_KEYS, "'qr_code'", warnings),
    )


def _feature_data(data: JsonObject, warnings: list[str]) -> tuple[float, ...]:
    """Read `feature_data`, all numbers or nothing (a vector with holes is of no use)."""
    raw = data.get("feature_data")
    if raw is None:
        return ()
    values = [opt_float(item) for item in raw] if isinstance(raw, list) else [None]
    if None in values:
        warnings.append("'feature_data' is not an array of numbers and was ignored")
        return ()
    return tuple(value for value in values if value is not None)


def _sequence(raw: int | str) -> int | None:
    """A usable sequence number: a non-negative integer, or a string of digits, within 64 bits."""
    if isinstance(raw, str):
        if not (raw.isascii() and raw.isdigit()) or len(raw) > _MAX_SEQUENCE_DIGITS:
            return None
        raw = int(raw)
    return raw if 0 <= raw <= INT64_MAX else None


def _device_sn(value: Any) -> str | None:
    """The sending terminal's serial: a non-empty string, nothing else."""
    if not isinstance(value, str) or not (text := value.strip()):
        return None
    return clean_text(text)


def _face_push(data: JsonObject) -> FacePush:
    """Build a FacePush; only a `sequence_no` or `cap_time` that cannot be echoed refuses it."""
    sequence_no = data.get("sequence_no")
    if isinstance(sequence_no, bool) or not isinstance(sequence_no, int | str):
        raise FaceCaptureParseError(
            "The face push has no usable 'sequence_no' (an integer or a string is needed to "
            "acknowledge it)"
        )
    cap_time = data.get("cap_time")
    if not isinstance(cap_time, str):
        raise FaceCaptureParseError(
            "The face push has no 'cap_time' string (it is needed to acknowledge it)"
        )
    warnings: list[str] = []
    sequence = _sequence(sequence_no)
    captured_at = parse_device_time(cap_time) if len(cap_time) <= _MAX_TIME_TEXT else None
    if captured_at is None:
        warnings.append("'cap_time' is not a date and time")
    device_sn = _device_sn(data.get("device_sn"))
    is_realtime = opt_bool(data.get("is_realtime"))
    return FacePush(
        sequence_no=sequence_no,
        cap_time=cap_time,
        sequence=sequence,
        captured_at=captured_at,
        timezone=_text(data.get("timezone"), _MAX_ZONE_TEXT),
        version=_text(data.get("version")),
        device_sn=device_sn,
        device_no=_text(data.get("device_no")),
        addr_no=_text(data.get("addr_no")),
        addr_name=_text(data.get("addr_name")),
        is_realtime=True if is_realtime is None else is_realtime,
        match_result=clean_int(data.get("match_result"), "match_result", warnings),
        match_failed_reason=clean_int(
            first_key(data, "match_failed_reson", "match_failed_reason"),
            "match_failed_reson",
            warnings,
        ),
        match=_match(data, warnings),
        overall_pic=_picture(data, "overall_pic", warnings),
        closeup_pic=_picture(data, "closeup_pic", warnings),
        video=_video(data, warnings),
        person=_person(data, warnings),
        feature_data=_feature_data(data, warnings),
        id_card=_id_card(data, warnings),
        qr_code=_qr_code(data, warnings),
        gps=GpsInfo.from_dict(_object(data, "gps", warnings)),
        extra=clean_extra(data, _FACE_KEYS, "the push", warnings),
        warnings=tuple(warnings),  # last: every reader above may have added one
    )


def _heartbeat(data: JsonObject) -> Heartbeat:
    """Build a Heartbeat; every field is optional."""
    return Heartbeat(
        device_sn=_text(data.get("device_sn")),
        ip=_text(data.get("ip")),
        device_no=_text(data.get("device_no")),
        addr_no=_text(data.get("addr_no")),
        addr_name=_text(data.get("addr_name")),
        version=_text(data.get("version")),
        gps=GpsInfo.from_dict(data.get("gps")),
        extra=clean_extra(data, _HEARTBEAT_KEYS, "the heartbeat", []),
    )


def _command_result(cmd: str, data: JsonObject) -> CommandResult:
    """Build a CommandResult from a body with a `reply` key (its body is handed on as parsed)."""
    # 1.1.3 spells it command_id, 2.1.1.3 cammand_id.
    command_id = data.get("command_id", data.get("cammand_id"))
    if isinstance(command_id, bool) or not isinstance(command_id, int | str):
        command_id = None
    return CommandResult(
        cmd=cmd,
        code=clean_int(data.get("code"), "code", []),
        command_id=command_id,
        desc=_text(data.get("desc")),
        body=data,
    )


def _sip_event(data: JsonObject) -> SipEvent:
    """Build a SipEvent; `sip_event` is required."""
    return SipEvent(
        sip_event=req_int(data, "sip_event"),
        version=_text(data.get("version")),
        device_sn=_text(data.get("device_sn")),
        device_no=_text(data.get("device_no")),
        addr_no=_text(data.get("addr_no")),
        addr_name=_text(data.get("addr_name")),
        extra=clean_extra(data, _SIP_KEYS, "the SIP event", []),
    )


def _decode_json(raw: bytes | str) -> Any:
    """Parse JSON bytes: orjson when it is there and accepts them, else the standard library.

    The standard library also reads what orjson refuses and a terminal may still send (NaN,
    lone surrogates in escapes, integers beyond 64 bits); the rules then clean those values.
    """
    if _orjson is not None:
        try:
            value = _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass
        else:
            # orjson reads integers beyond 64 bits as floats: an echo of an odd sequence_no or
            # cap_time would not be exact, so such a body is read again by the standard library.
            if not isinstance(value, dict) or (
                type(value.get("sequence_no", 0)) in _PLAIN_ECHO
                and type(value.get("cap_time", "")) is str
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


def parse_message(data: JsonObject) -> PushMessage:
    """Turn a decoded body (see `load_body`) into one typed message.

    Raises:
        FaceCaptureParseError: see `parse_push`.

    """
    cmd = data.get("cmd")
    if not isinstance(cmd, str):
        raise FaceCaptureParseError("The pushed body has no 'cmd' string")
    cmd = clean_text(cmd.strip(), _MAX_CMD_TEXT)
    try:
        if "reply" in data:
            return _command_result(cmd, data)
        match cmd:
            case Command.FACE:
                return _face_push(data)
            case Command.HEART_BEAT:
                return _heartbeat(data)
            case Command.SIP_EVENT:
                return _sip_event(data)
            case _:
                return UnknownMessage(cmd=cmd, body=data)
    except MissingFieldError as err:
        raise FaceCaptureParseError(
            f"The '{cmd}' push lacks the required field '{err.args[0]}'"
        ) from err
    except (ValueError, TypeError, RecursionError) as err:
        # Only reachable with hand-built mappings (keys that are not text, cycles, ...).
        raise FaceCaptureParseError(f"The '{cmd}' push holds an unusable value") from err


def parse_push(body: bytes | str | Mapping[str, Any]) -> PushMessage:
    """Parse a body the terminal POSTed: raw bytes, text or an already decoded JSON object.

    A body with a `reply` key is a command result; otherwise `cmd` (spaces around it ignored) says
    what it is, and an unknown `cmd` gives an UnknownMessage.

    Raises:
        FaceCaptureParseError: the body is not a JSON object with a string `cmd`, or a face push
            lacks a `sequence_no` (integer or string) or a `cap_time` string, or a SIP event lacks
            `sip_event`. Nothing else is raised.

    """
    return parse_message(load_body(body))


# --------------------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------------------

_MAX_LONG_CARD_ID = 2**64 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class GateCommand:
    """Open a gate from the ACK (`gateway_ctrl`).

    `device_no` is the GPIO port for "gpio" and the card number for "wiegand"; with a `long_card_id`
    (wg36/wg44/wg66) the device must be "wiegand" and `device_no` 0. `person_id` makes the device
    record who passed (online mode).
    """

    device_type: Literal["gpio", "wiegand"] = "gpio"
    device_no: int = 1
    ctrl_mode: ControlMode = ControlMode.FORCE
    person_id: str | None = None
    long_card_id: int | None = None

    def __post_init__(self) -> None:
        """Refuse what the device could not act on."""
        if self.device_type not in ("gpio", "wiegand"):
            raise FaceCaptureValidationError(
                f"device_type must be 'gpio' or 'wiegand', not {self.device_type!r}"
            )
        if self.ctrl_mode not in tuple(ControlMode):
            raise FaceCaptureValidationError(
                f"ctrl_mode must be one of {', '.join(ControlMode)}, not {self.ctrl_mode!r}"
            )
        if self.device_no < 0:
            raise FaceCaptureValidationError("device_no cannot be negative")
        if self.long_card_id is not None:
            if not 0 <= self.long_card_id <= _MAX_LONG_CARD_ID:
                raise FaceCaptureValidationError("long_card_id must fit in 64 bits unsigned")
            if self.device_type != "wiegand" or self.device_no != 0:
                raise FaceCaptureValidationError(
                    "A long_card_id needs device_type 'wiegand' and device_no 0"
                )

    def as_dict(self) -> JsonObject:
        """Return the `gateway_ctrl` object."""
        result: JsonObject = {"device_type": self.device_type, "device_no": self.device_no}
        if self.long_card_id is not None:
            result["long_card_id"] = self.long_card_id
        result["ctrl_mode"] = ControlMode(self.ctrl_mode).value
        if self.person_id is not None:
            result["person_id"] = self.person_id
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultPopup:
    """The result pop-up of newer firmware (`data` in the ACK, from the vendor's reference server).

    `profile_image` is sent as base64: bytes are encoded, a string is sent as it is.
    `show_on_device` is the reference server's `is_output_on_device`.
    """

    match_success: bool
    person_name: str | None = None
    person_id: str | None = None
    profile_image: bytes | str | None = field(default=None, repr=False)
    remarks: str | None = None
    show_on_device: bool = True

    def as_dict(self) -> JsonObject:
        """Return the `data` object; absent values are left out."""
        image = self.profile_image
        values: dict[str, Any] = {
            "is_output_on_device": self.show_on_device,
            "match_success": self.match_success,
            "personName": self.person_name,
            "personId": self.person_id,
            "profileImage": encode_base64(image) if isinstance(image, bytes) else image,
            "remarks": self.remarks,
        }
        return {key: value for key, value in values.items() if value is not None}


class AckOptions(TypedDict, total=False):
    """The optional parts of a face ACK, as keyword arguments of `build_ack` and `ack_for`."""

    code: int
    gate: GateCommand | None
    tts: str | None
    text: DisplayText | Sequence[DisplayText] | None
    popup: ResultPopup | None


def build_ack(
    sequence_no: Any,
    cap_time: Any,
    *,
    code: int = 0,
    gate: GateCommand | None = None,
    tts: str | None = None,
    text: DisplayText | Sequence[DisplayText] | None = None,
    popup: ResultPopup | None = None,
) -> dict[str, Any]:
    """Build the ACK of a face push (document 2.2.1.2), echoing `sequence_no` and `cap_time` as given.

    Always send it, whatever the push means to you: a device without a valid ACK resends the record
    forever. Several texts go out as `text_displays`, one as `text_display`.

    Raises:
        FaceCaptureValidationError: `tts` is empty or longer than 64 bytes of UTF-8, or a text
            to display is empty.

    """
    ack: dict[str, Any] = {
        "reply": "ACK",
        "cmd": Command.FACE.value,
        "code": code,
        "sequence_no": sequence_no,
        "cap_time": cap_time,
    }
    if gate is not None:
        ack["gateway_ctrl"] = gate.as_dict()
    if tts is not None:
        if not tts.strip():
            raise FaceCaptureValidationError("The spoken text must not be empty")
        check_bytes("The spoken text", tts, MAX_TTS_BYTES)
        ack["tts"] = {"text": tts}
    if isinstance(text, DisplayText):
        ack["text_display"] = text.to_dict()
    elif text:
        ack["text_displays"] = [item.to_dict() for item in text]
    if popup is not None:
        ack["data"] = popup.as_dict()
    return ack


def ack_for(push: FacePush, **options: Unpack[AckOptions]) -> dict[str, Any]:
    """Build the ACK of a parsed face push, echoing its raw `sequence_no` and `cap_time`."""
    return build_ack(push.sequence_no, push.cap_time, **options)


def build_heartbeat_reply() -> dict[str, Any]:
    """Build the reply to a heartbeat (document 2.7.1.2)."""
    return {"reply": "ACK", "cmd": Command.HEART_BEAT.value, "code": 0}


def build_command(
    cmd: str,
    fields: Mapping[str, Any] | None = None,
    *,
    command_id: str,
    version: str | None = None,
) -> dict[str, Any]:
    """Build a command to answer a heartbeat with, in configuration-client mode (document 1.1.3).

    The device runs it and POSTs the result, echoing `command_id`, to the same URL. `version`
    defaults to the one the document gives for the command.

    Raises:
        FaceCaptureValidationError: `fields` tries to set `cmd`, `version` or `command_id`.

    """
    fields = fields or {}
    if clash := sorted({"cmd", "version", "command_id"} & fields.keys()):
        raise FaceCaptureValidationError(
            f"Pass {', '.join(clash)} as arguments of build_command, not in fields"
        )
    return {
        "version": version or COMMAND_VERSIONS.get(cmd, DEFAULT_REQUEST_VERSION),
        "cmd": cmd,
        **fields,
        "command_id": command_id,
    }


def dumps_ack(ack: Mapping[str, Any]) -> bytes:
    """Serialise a reply as compact UTF-8 JSON (with orjson when it is there).

    Text that cannot be UTF-8 (a lone surrogate the device sent as an escape) and integers beyond
    64 bits are written by the standard library, escaped, so the echo stays exact.

    Raises:
        ValueError: the reply holds a value JSON cannot carry (NaN, infinities).
        TypeError: the reply holds a value that is not JSON at all.
        RecursionError: the reply is nested beyond what can be written.

    """
    for key in ("sequence_no", "cap_time"):
        value = ack.get(key)
        if not isinstance(value, str | int | None) and not echoable(value):
            raise ValueError(f"'{key}' cannot be written back exactly")
    if _orjson is not None:
        try:
            return _orjson.dumps(ack)
        except _orjson.JSONEncodeError:
            pass
    text = json.dumps(ack, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(ack, separators=(",", ":"), allow_nan=False).encode("ascii")
