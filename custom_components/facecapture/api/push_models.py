"""The typed messages a terminal pushes: face captures, heartbeats, SIP events, command results.

Built by `push_parse` from a decoded body; every value in them follows the rules listed there, so
they can go into an event or a state as they are. Pictures and videos stay base64 text until their
`data` is first read.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from ._parse import JsonObject
from .images import decode_base64, detect_image_format, encode_base64
from .models import GpsInfo
from .push_json import MediaText

__all__ = [
    "CommandResult",
    "FacePush",
    "FaceResult",
    "FailureReason",
    "Heartbeat",
    "IdCard",
    "PersonAttributes",
    "PushImage",
    "PushMatch",
    "PushMessage",
    "PushProblem",
    "PushVideo",
    "QrCode",
    "SipEvent",
    "SipEventType",
    "UnknownMessage",
]


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


def _decode_or_empty(text: str | MediaText) -> bytes:
    """Decode base64 text; text that is not base64 gives no bytes.

    Text still in the pushed body is decoded from there, without a copy of it as ``str``; only
    text that is not plain base64 (a ``data:`` prefix, line breaks) takes the slower way.
    """
    if isinstance(text, MediaText):
        try:
            return binascii.a2b_base64(text.as_bytes(), strict_mode=True)
        except ValueError:
            text = str(text)
    try:
        return decode_base64(text)
    except ValueError:
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class PushImage:
    """An image of a push: the panorama, the close-up or the person's registered photo.

    The base64 text is kept as sent (`encoded`; a `MediaText` when it is still in the pushed body)
    and decoded only when `data` is first read, so that acknowledging a push never pays for its
    pictures. `data` is empty when the text turns out
    not to be base64. `format` is the declared format in lower case ("jpg", "png"), or the one the
    bytes show when none was declared ("unknown" if neither). Face coordinates are in pixels.
    """

    encoded: str | MediaText = field(repr=False)
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

    def decode(self) -> bytes:
        """The image's bytes, decoded afresh if not decoded yet, and kept nowhere.

        For a holder that counts what it keeps in memory (the capture archive): reading `data`
        would keep the decoded bytes beside the text.
        """
        return self._decoded if self._decoded is not None else _decode_or_empty(self.encoded)

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
    encoded: str | MediaText = field(repr=False)
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
