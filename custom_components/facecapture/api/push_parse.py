"""Turn a decoded push into one typed message (`push_models`), under the rules below.

`parse_push` turns any body into one typed message or raises `FaceCaptureParseError`; it never raises
anything else, whatever the body (`push_json.load_body` decodes it, `parse_message` types it).

A face push must always be acknowledged with its `sequence_no` and `cap_time` echoed exactly as sent,
or the device resends the same record forever. The parsed models therefore keep both raw values, and a
push is refused only when one of them is missing or of a type that cannot be echoed; anything else odd
(a broken image, an unknown field, an unreadable date) is kept, dropped or noted in `warnings`, never
fatal. `FacePush.problem_for` tells whether a push is a capture one can stand behind: a non-negative
integer sequence number (or a string of digits), the terminal's own serial, a valid capture time.

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

from collections.abc import Mapping
from typing import Any, Final

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
from .const import Command
from .errors import FaceCaptureParseError
from .images import decode_base64
from .models import GpsInfo, parse_device_time
from .push_json import MediaText, load_body, media_as_text
from .push_models import (
    CommandResult,
    FacePush,
    Heartbeat,
    IdCard,
    PersonAttributes,
    PushImage,
    PushMatch,
    PushMessage,
    PushVideo,
    QrCode,
    SipEvent,
    UnknownMessage,
)

__all__ = ["parse_message", "parse_push"]

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


def _encoded(label: str, value: Any, warnings: list[str]) -> str | MediaText | None:
    """Keep base64 image or video text for decoding later, or explain why it was dropped.

    A real picture is kilobytes long and decoded only when someone asks for it; short text is
    checked at once, since only short text can be empty or no base64 at all for free.
    """
    if type(value) is MediaText:  # long text still in the body (`push_json`)
        return value
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
    raw_image = obj.get("image")
    # Not `in (None, "")`: comparing a photo still in the body with "" would decode its text.
    if type(raw_image) is MediaText or raw_image not in (None, ""):
        encoded = _encoded("registered image 'match.image'", raw_image, warnings)
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


def parse_message(data: JsonObject) -> PushMessage:
    """Turn a decoded body (see `load_body`) into one typed message.

    Pictures a face push still holds as `MediaText` stay so; any other message gets plain text.

    Raises:
        FaceCaptureParseError: see `parse_push`.

    """
    cmd = data.get("cmd")
    if not isinstance(cmd, str):
        raise FaceCaptureParseError("The pushed body has no 'cmd' string")
    cmd = clean_text(cmd.strip(), _MAX_CMD_TEXT)
    if cmd != Command.FACE or "reply" in data:
        media_as_text(data)
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
    return parse_message(load_body(body, keep_media=True))
