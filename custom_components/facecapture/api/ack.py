"""What we answer a push: the face ACK (document 2.2.1.2) and its options, other replies.

`build_ack` and `ack_for` echo `sequence_no` and `cap_time` exactly as pushed; `dumps_ack` writes a
reply so that the echo stays exact whatever the terminal sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import json
from typing import Any, Literal, TypedDict, Unpack

from ._parse import JsonObject
from .commands import DisplayText, check_bytes
from .const import (
    COMMAND_VERSIONS,
    DEFAULT_REQUEST_VERSION,
    MAX_TTS_BYTES,
    Command,
    ControlMode,
)
from .echo import echoable
from .errors import FaceCaptureValidationError
from .images import encode_base64
from .push_models import FacePush

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - Home Assistant ships orjson; the library runs without it
    _orjson = None  # type: ignore[assignment]

__all__ = [
    "AckOptions",
    "GateCommand",
    "ResultPopup",
    "ack_for",
    "build_ack",
    "build_command",
    "build_heartbeat_reply",
    "dumps_ack",
]


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
