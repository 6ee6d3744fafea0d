"""One function per protocol command: validation, error codes and the effect on the state.

``COMMANDS`` maps every handled ``cmd`` string to its handler. A handler takes the device state and
the request body and returns the reply's extra fields, or raises ``ProtocolError(code, desc)``.
``dispatch`` wraps that into the full reply (``reply``/``cmd``/``code``/``device_sn``/``desc``).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
import copy
from dataclasses import dataclass
from datetime import datetime
import hashlib
import ipaddress
import random
import re
from typing import Any

from .clock import format_wall_time, parse_timezone, parse_wall_time
from .images import b64, b64decode_strict, capture_images, image_format, is_wav, wav_info
from .required_fields import missing_field
from .state import (
    FIRMWARE,
    PROTOCOL_VERSION,
    DeviceState,
    Upload,
    default_stream_params,
    media_path,
)

Handler = Callable[[DeviceState, dict[str, Any]], dict[str, Any]]
COMMANDS: dict[str, Handler] = {}

# A handler may put this key in its result to ask for a power action after the reply is sent.
ACTION_KEY = "_action"
REBOOT = "reboot"
RESTART_APPLICATION = "restart_application"
SIP_CALL_STARTED = "sip_event:1"
SIP_CALL_ENDED = "sip_event:0"

CODE_DESC: dict[int, str] = {
    0: "OK",
    1: "protocol version does not match",
    2: "the device does not contain the service corresponding to the request",
    3: "the request contains illegal fields",
    4: "authentication failed",
    5: "the system is busy",
    6: "insufficient resources",
    7: "system function authorization failed",
    8: "system function is authorized",
    9: "the upgrade package does not match",
    10: "file download failed",
    11: "file integrity verification failed",
    20: "data entry reaches the upper limit",
    21: "record already exists",
    22: "record does not exist",
    23: "failed to write data",
    24: "failed to read data",
    25: "failed to extract feature value",
    26: "portrait quality does not meet registration requirements",
    30: "Wiegand card number does not support fuzzy matching",
    35: "image decoding failed",
    36: "the image is too large",
    37: "normalized image failed",
    38: "face size is too small",
    39: "portrait quality is too poor",
    40: "the number of faces in the image is not 1",
    41: "the face is incomplete in the image",
}

MAX_ID_BYTES = 19
MAX_NAME_BYTES = 63  # `upload person` (2.1.2), schedule rule and media names
MAX_SHORT_NAME_BYTES = 15  # `add person`, `update person` and their jpg forms (2.1.3-2.1.7)
MAX_CUSTOMER_TEXT_BYTES = 67
MAX_PAGE_SIZE = 20
MAX_UPLOAD_CHUNK = 200 * 1024
MAX_DOWNLOAD_CHUNK = 10240
MAX_FILE_SIZE = 64 * 1024 * 1024
MAX_MEDIA = 10
MAX_SCHEDULE_KINDS = 15
LATEST_TERM = datetime(2038, 1, 19, 3, 14, 7)  # noqa: DTZ001 - a wall time, like all protocol times
EARLIEST_CLOCK = datetime(2000, 1, 1)  # noqa: DTZ001
U32 = 2**32 - 1
U64 = 2**64 - 1
I64 = 2**63 - 1

# update_flags bits (document section 1.5, enum ParsonDataFlags)
FLAG_NAME = 0x1
FLAG_ROLE = 0x2
FLAG_WG = 0x4
FLAG_EFFECT = 0x8
FLAG_EFFECTSTART = 0x10
FLAG_SCHEDULE = 0x20
FLAG_USERPARAM = 0x40
FLAG_NORM_IMAGE = 0x80
FLAG_REG_IMAGES = 0x100
ALL_FLAGS = 0x1FF
_FIELD_FLAGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (FLAG_NAME, ("name",)),
    (FLAG_ROLE, ("role",)),
    (FLAG_WG, ("wg_card_id", "long_card_id")),
    (FLAG_EFFECT, ("term",)),
    (FLAG_EFFECTSTART, ("term_start",)),
    (FLAG_SCHEDULE, ("kind",)),
    (FLAG_USERPARAM, ("customer_text",)),
)

_MISSING: Any = object()
_CTRL_MODES = frozenset({"test", "force", "scene"})
_FONT_COLOR_RE = re.compile(r"^0x[0-9A-Fa-f]{8}$")
_SIP_URL_RE = re.compile(r"^sip:([^@\s:]+)@([^@\s:]+):(\d{1,5})$")
_DAY_RE = re.compile(r"^(\d{1,2})(?:(-)(\d{1,2})?)?$")
_ENVELOPE_KEYS = frozenset({"version", "cmd", "command_id", "device_sn"})


class ProtocolError(Exception):
    """A request the terminal answers with a non-zero code."""

    def __init__(self, code: int, desc: str | None = None) -> None:
        """Remember the reply code and the readable reason."""
        super().__init__(desc or CODE_DESC.get(code, "error"))
        self.code = code
        self.desc = desc or CODE_DESC.get(code, "error")


@dataclass(slots=True)
class Outcome:
    """A full reply, plus a power action (reboot/restart) to run once it is sent."""

    reply: dict[str, Any]
    action: str | None = None


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more ``cmd`` strings."""

    def register(handler: Handler) -> Handler:
        for name in names:
            COMMANDS[name] = handler
        return handler

    return register


def make_reply(
    state: DeviceState, cmd: str, code: int = 0, desc: str | None = None
) -> dict[str, Any]:
    """Return the common reply envelope."""
    return {
        "reply": "ACK",
        "cmd": cmd,
        "code": code,
        "device_sn": state.serial,
        "desc": desc or CODE_DESC.get(code, "error"),
    }


def dispatch(state: DeviceState, body: object) -> Outcome:
    """Answer one request body (already JSON-decoded) like the terminal does."""
    if not isinstance(body, dict) or not isinstance(body.get("cmd"), str):
        return Outcome(make_reply(state, "", 3, "request is not a JSON object with a string cmd"))
    cmd: str = body["cmd"]
    queue = state.forced.get(cmd)
    if queue:
        code, desc = queue.popleft()
        if not queue:
            del state.forced[cmd]
        return Outcome(make_reply(state, cmd, code, desc))
    handler = COMMANDS.get(cmd)
    if handler is None or cmd in state.unsupported:
        return Outcome(make_reply(state, cmd, 2, f"unknown command {cmd!r}"))
    missing = missing_field(cmd, body)
    if missing is not None:
        return Outcome(make_reply(state, cmd, 3, f"{missing} is required"))
    try:
        extras = handler(state, body)
    except ProtocolError as err:
        return Outcome(make_reply(state, cmd, err.code, err.desc))
    action = extras.pop(ACTION_KEY, None)
    reply = make_reply(state, cmd)
    reply.update(extras)
    return Outcome(reply, action)


# ---------------------------------------------------------------------------------------------
# Field validation helpers


def _byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _int(
    req: dict[str, Any],
    key: str,
    *,
    lo: int | None = None,
    hi: int | None = None,
    default: Any = _MISSING,
) -> Any:
    if key not in req:
        if default is _MISSING:
            raise ProtocolError(3, f"{key} is required")
        return default
    value = req[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(3, f"{key} must be an integer")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ProtocolError(3, f"{key} must be within {lo}..{hi}")
    return value


def _str(
    req: dict[str, Any],
    key: str,
    *,
    max_bytes: int | None = None,
    nonempty: bool = False,
    default: Any = _MISSING,
) -> Any:
    if key not in req:
        if default is _MISSING:
            raise ProtocolError(3, f"{key} is required")
        return default
    value = req[key]
    if not isinstance(value, str):
        raise ProtocolError(3, f"{key} must be a string")
    if nonempty and not value:
        raise ProtocolError(3, f"{key} must not be empty")
    if max_bytes is not None and _byte_len(value) > max_bytes:
        raise ProtocolError(3, f"{key} is longer than {max_bytes} bytes (UTF-8)")
    return value


def _bool(req: dict[str, Any], key: str, default: Any = _MISSING) -> Any:
    if key not in req:
        if default is _MISSING:
            raise ProtocolError(3, f"{key} is required")
        return default
    value = req[key]
    if not isinstance(value, bool):
        raise ProtocolError(3, f"{key} must be true or false")
    return value


def _flag(req: dict[str, Any], key: str) -> bool:
    """Read a ``0``/non-zero (or boolean) switch; absent means off."""
    value = req.get(key, 0)
    if not isinstance(value, (bool, int)):
        raise ProtocolError(3, f"{key} must be a number or a boolean")
    return bool(value)


def _obj(req: dict[str, Any], key: str, default: Any = _MISSING) -> Any:
    if key not in req:
        if default is _MISSING:
            raise ProtocolError(3, f"{key} is required")
        return default
    value = req[key]
    if not isinstance(value, dict):
        raise ProtocolError(3, f"{key} must be an object")
    return value


def _list(
    req: dict[str, Any], key: str, *, max_items: int | None = None, nonempty: bool = False
) -> list[Any]:
    value = req.get(key, _MISSING)
    if value is _MISSING:
        raise ProtocolError(3, f"{key} is required")
    if not isinstance(value, list):
        raise ProtocolError(3, f"{key} must be an array")
    if nonempty and not value:
        raise ProtocolError(3, f"{key} must not be empty")
    if max_items is not None and len(value) > max_items:
        raise ProtocolError(3, f"{key} has more than {max_items} entries")
    return value


def _wall(text: str, key: str) -> datetime:
    moment = parse_wall_time(text)
    if moment is None:
        raise ProtocolError(3, f"{key} must be YYYY/MM/DD HH:MM:SS")
    if moment > LATEST_TERM:
        raise ProtocolError(3, f"{key} is after 2038")
    return moment


def _decode_image(
    state: DeviceState, value: object, key: str, *, jpeg_only: bool
) -> tuple[str, str]:
    """Decode and check base64 image data; return (base64, format)."""
    if not isinstance(value, str):
        raise ProtocolError(3, f"{key} must be a base64 string")
    data = b64decode_strict(value)
    if data is None or not data:
        raise ProtocolError(35, f"{key} is not valid base64 image data")
    if len(data) > state.max_image_bytes:
        raise ProtocolError(36, f"{key} is larger than {state.max_image_bytes} bytes")
    fmt = image_format(data)
    if fmt is None:
        raise ProtocolError(35, f"{key} is neither JPEG nor PNG")
    if jpeg_only and fmt != "jpg":
        raise ProtocolError(35, f"{key} must be a JPEG image")
    return b64(data), fmt


# ---------------------------------------------------------------------------------------------
# Persons (2.1)


def _person_id(req: dict[str, Any], key: str = "id") -> str:
    value: str = _str(req, key, max_bytes=MAX_ID_BYTES, nonempty=True)
    return value


def _person_fields(req: dict[str, Any], *, max_name: int) -> dict[str, Any]:
    """Validate the plain person fields present in the request (names up to ``max_name`` bytes)."""
    fields: dict[str, Any] = {}
    if "name" in req:
        fields["name"] = _str(req, "name", max_bytes=max_name)
    if "role" in req:
        fields["role"] = _int(req, "role", lo=0, hi=2)
    if "kind" in req:
        fields["kind"] = _int(req, "kind", lo=0, hi=15)
    if "wg_card_id" in req:
        fields["wg_card_id"] = _int(req, "wg_card_id", lo=0, hi=U32)
    if "long_card_id" in req:
        fields["long_card_id"] = _int(req, "long_card_id", lo=0, hi=U64)
    if "term_start" in req:
        term_start: str = _str(req, "term_start")
        if term_start != "useless":
            _wall(term_start, "term_start")
        fields["term_start"] = term_start
    if "term" in req:
        term: str = _str(req, "term")
        if term not in ("forever", "never"):
            _wall(term, "term")
        fields["term"] = term
    if "customer_text" in req:
        fields["customer_text"] = _str(req, "customer_text", max_bytes=MAX_CUSTOMER_TEXT_BYTES)
    return fields


def _reg_images(
    state: DeviceState, req: dict[str, Any], *, jpeg_only: bool
) -> tuple[str, str] | None:
    """Validate ``reg_images`` (at most one entry); return (base64, format) or None."""
    if "reg_images" not in req:
        return None
    images = _list(req, "reg_images", max_items=1)
    if not images:
        return None
    entry = images[0]
    if not isinstance(entry, dict):
        raise ProtocolError(3, "reg_images entries must be objects")
    fmt = entry.get("format", "jpg")
    if jpeg_only and fmt not in ("jpg", "jpeg"):
        raise ProtocolError(35, "only jpg reg_images are supported")
    return _decode_image(
        state, entry.get("image_data"), "reg_images[0].image_data", jpeg_only=jpeg_only
    )


def _norm_images(req: dict[str, Any]) -> bool:
    """Validate ``norm_images``; return True when one was given."""
    if "norm_images" not in req:
        return False
    images = _list(req, "norm_images", max_items=5)
    for entry in images:
        if not isinstance(entry, dict) or not isinstance(entry.get("image_data"), str):
            raise ProtocolError(3, "norm_images entries must be objects with image_data")
        if not b64decode_strict(entry["image_data"]):
            raise ProtocolError(37, "norm_images image_data is not valid base64")
    return bool(images)


def _check_counts(req: dict[str, Any]) -> None:
    """The counts the older person commands send must describe their arrays (2.1.3)."""
    for count_key, list_key in (("image_num", "reg_images"), ("norm_image_num", "norm_images")):
        if count_key in req:
            count = _int(req, count_key, lo=0, hi=5)
            if isinstance(req.get(list_key), list) and count != len(req[list_key]):
                raise ProtocolError(
                    3, f"{count_key} is {count} but {list_key} has {len(req[list_key])}"
                )
    if "feature_data" in req:
        data = _list(req, "feature_data")
        size = _int(req, "feature_unit_size", lo=0, default=0) * _int(
            req, "feature_num", lo=0, hi=5, default=0
        )
        if len(data) != size:
            raise ProtocolError(3, "feature_data must hold feature_unit_size * feature_num numbers")


def _set_image(person: dict[str, Any], image: tuple[str, str] | None) -> None:
    if image is not None:
        person["image"], person["image_format"] = image


def _capacity_check(state: DeviceState) -> None:
    if len(state.persons) >= state.capacity:
        raise ProtocolError(20, f"the person list is full ({state.capacity})")


@command("upload person")
def upload_person(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add or modify a person from one original image (2.1.2)."""
    person_id = _person_id(req)
    fields = _person_fields(req, max_name=MAX_NAME_BYTES)
    mode = _int(req, "upload_mode", lo=0, hi=2, default=0)
    image = None
    if req.get("normal_image"):
        if not isinstance(req["normal_image"], str) or not b64decode_strict(req["normal_image"]):
            raise ProtocolError(37, "normal_image is not valid base64")
        fields["norm_image"] = True
    if req.get("reg_image"):
        image = _decode_image(state, req["reg_image"], "reg_image", jpeg_only=False)
    if req.get("thumb_image"):
        _decode_image(state, req["thumb_image"], "thumb_image", jpeg_only=True)
    person = state.persons.get(person_id)
    if mode == 1 and person is not None:
        raise ProtocolError(21, f"person {person_id} already exists (upload_mode 1)")
    if mode == 2 and person is None:
        raise ProtocolError(22, f"person {person_id} does not exist (upload_mode 2)")
    if person is None:
        _capacity_check(state)
        person = state.new_person(person_id, **fields)
        state.persons[person_id] = person
    else:
        person.update(fields)
    _set_image(person, image)
    return {"id": person_id}


def _add_person(state: DeviceState, req: dict[str, Any], *, jpeg_only: bool) -> dict[str, Any]:
    person_id = _person_id(req)
    fields = _person_fields(req, max_name=MAX_SHORT_NAME_BYTES)
    cover = _flag(req, "cover")
    _check_counts(req)
    image = _reg_images(state, req, jpeg_only=jpeg_only)
    if not jpeg_only:
        fields["norm_image"] = _norm_images(req)
    if person_id in state.persons:
        if not cover:
            raise ProtocolError(21, f"person {person_id} already exists (cover is false)")
    else:
        _capacity_check(state)
    person = state.new_person(person_id, **fields)
    _set_image(person, image)
    state.persons[person_id] = person
    return {"id": person_id}


@command("add person")
def add_person(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add a person from registration/normalized images (2.1.3)."""
    return _add_person(state, req, jpeg_only=False)


@command("add person jpg")
def add_person_jpg(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add a person from an original JPEG (2.1.6)."""
    return _add_person(state, req, jpeg_only=True)


def _update_person(state: DeviceState, req: dict[str, Any], *, jpeg_only: bool) -> dict[str, Any]:
    person_id = _person_id(req)
    fields = _person_fields(req, max_name=MAX_SHORT_NAME_BYTES)
    _check_counts(req)
    image = _reg_images(state, req, jpeg_only=jpeg_only)
    norm = False if jpeg_only else _norm_images(req)
    flags = _int(req, "update_flags", lo=0, hi=ALL_FLAGS, default=None)
    person = state.persons.get(person_id)
    if person is None:
        raise ProtocolError(22, f"person {person_id} does not exist")
    if flags is None:
        flags = ALL_FLAGS
    else:
        image_bits = FLAG_NORM_IMAGE | FLAG_REG_IMAGES
        wanted = [*_FIELD_FLAGS]
        if jpeg_only:
            wanted.append((image_bits, ("reg_images",)))
        else:
            wanted += [(FLAG_NORM_IMAGE, ("norm_images",)), (FLAG_REG_IMAGES, ("reg_images",))]
        for bit, keys in wanted:
            if flags & bit and not any(key in req for key in keys):
                raise ProtocolError(3, f"update_flags selects {'/'.join(keys)} but it is missing")
    for bit, keys in _FIELD_FLAGS:
        if flags & bit:
            person.update({key: fields[key] for key in keys if key in fields})
    reg_bits = (FLAG_NORM_IMAGE | FLAG_REG_IMAGES) if jpeg_only else FLAG_REG_IMAGES
    if flags & reg_bits:
        _set_image(person, image)
    if norm and flags & FLAG_NORM_IMAGE:
        person["norm_image"] = True
    return {"id": person_id}


@command("update person")
def update_person(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Modify a person; ``update_flags`` selects the fields (2.1.4)."""
    return _update_person(state, req, jpeg_only=False)


@command("update person jpg")
def update_person_jpg(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Modify a person from an original JPEG (2.1.7)."""
    return _update_person(state, req, jpeg_only=True)


@command("delete person(s)")
def delete_persons(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Delete one person by id (flag -1), all of a role (0/1/2) or everyone (3) (2.1.5)."""
    flag = _int(req, "flag", lo=-1, hi=3)
    if flag == -1:
        person_id = _person_id(req)
        if state.persons.pop(person_id, None) is None:
            raise ProtocolError(22, f"person {person_id} does not exist")
        return {"id": person_id}
    if flag == 3:
        state.persons.clear()
    else:
        for person_id in [pid for pid, p in state.persons.items() if p["role"] == flag]:
            del state.persons[person_id]
    return {"id": ""}


def _text_match(value: str, wanted: str, fuzzy: bool) -> bool:
    return wanted in value if fuzzy else value == wanted


def _term_range(
    cond: dict[str, Any], low_key: str, high_keys: tuple[str, ...]
) -> tuple[str, str] | None:
    """Return a (low, high) condition pair, or None when absent or ``useless``."""
    high_key = next((key for key in high_keys if key in cond), None)
    if low_key not in cond and high_key is None:
        return None
    if low_key not in cond or high_key is None:
        raise ProtocolError(3, f"{low_key} and {high_keys[0]} must be given together")
    low, high = cond[low_key], cond[high_key]
    if not isinstance(low, str) or not isinstance(high, str):
        raise ProtocolError(3, f"{low_key}/{high_keys[0]} must be strings")
    if "useless" in (low, high):
        return None
    return low, high


def _in_term_range(value: str, bounds: tuple[str, str], keywords: tuple[str, ...]) -> bool:
    low, high = bounds
    if low in keywords or high in keywords:
        return value in (low, high)
    moment = parse_wall_time(value)
    low_t, high_t = _wall(low, "condition"), _wall(high, "condition")
    return moment is not None and low_t <= moment <= high_t


def _person_matches(person: dict[str, Any], cond: dict[str, Any], fuzzy: bool) -> bool:
    if "person_id" in cond and not _text_match(person["id"], str(cond["person_id"]), fuzzy):
        return False
    if "person_name" in cond and not _text_match(person["name"], str(cond["person_name"]), fuzzy):
        return False
    if "wg_card_no" in cond and person.get("wg_card_id") != cond["wg_card_no"]:
        return False
    if "long_card_no" in cond and person.get("long_card_id") != cond["long_card_no"]:
        return False
    start = _term_range(cond, "term_start_start", ("term_start_end",))
    if start is not None and not _in_term_range(person["term_start"], start, ()):
        return False
    # sic: the document spells the validity end of the condition "term " (2.1.1.1)
    term = _term_range(cond, "term_start", ("term ",))
    return term is None or _in_term_range(person["term"], term, ("forever", "never"))


def person_view(person: dict[str, Any], *, with_image: bool) -> dict[str, Any]:
    """Render a stored person the way ``request persons`` returns it."""
    view: dict[str, Any] = {
        "id": person["id"],
        "name": person["name"],
        "role": person["role"],
        "kind": person["kind"],
        "feature_unit_size": 0,
        "feature_num": 0,
        "feature_data": [],
        "image_num": 1 if person["image"] else 0,
        "reg_images": [],
        "wg_card_id": person.get("wg_card_id", 0),
        "term_start": person["term_start"],
        "term": person["term"],
        "customer_text": person["customer_text"],
    }
    if "long_card_id" in person:
        view["long_card_id"] = person["long_card_id"]
    if with_image and person["image"]:
        view["reg_images"] = [{"format": person["image_format"], "image_data": person["image"]}]
    return view


@command("request persons")
def request_persons(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Page through the person list with role and condition filters (2.1.1)."""
    role = _int(req, "role", lo=-1, hi=2)
    page_no = _int(req, "page_no", lo=-1)
    if page_no == 0:
        raise ProtocolError(3, "page_no counts from 1 (or -1 for all)")
    page_size = _int(req, "page_size")
    if page_no != -1 and not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ProtocolError(3, f"page_size must be within 1..{MAX_PAGE_SIZE}")
    with_image = _flag(req, "image_flag")
    fuzzy = _flag(req, "query_mode")
    cond = _obj(req, "condition", default={})
    if fuzzy and ("wg_card_no" in cond or "long_card_no" in cond):
        raise ProtocolError(30, "Wiegand card numbers do not support fuzzy matching")
    if role == -1 and not cond:
        matches = list(state.persons.values())  # the whole list: no filter to test
    else:
        matches = [
            person
            for person in state.persons.values()
            if (role == -1 or person["role"] == role) and _person_matches(person, cond, fuzzy)
        ]
    page = matches if page_no == -1 else matches[(page_no - 1) * page_size : page_no * page_size]
    return {
        "total": len(matches),
        "page_no": page_no,
        "count": len(page),
        "persons": [person_view(person, with_image=with_image) for person in page],
    }


# ---------------------------------------------------------------------------------------------
# Records (2.2.2)


def _pair(req: dict[str, Any], low: str, high: str) -> tuple[int, int] | None:
    if low not in req and high not in req:
        return None
    if low not in req or high not in req:
        raise ProtocolError(3, f"{low} and {high} must be given together")
    return _int(req, low), _int(req, high)


def record_view(record: dict[str, Any], *, face_image: bool, reg_image: bool) -> dict[str, Any]:
    """Render a stored record the way ``request records`` returns it."""
    view = {
        key: value
        for key, value in record.items()
        if not key.startswith("_")  # internal: unix time, images
    }
    if face_image and record.get("_face_image"):
        view["face_image"] = record["_face_image"]
    if reg_image and record.get("_reg_image"):
        view["reg_image"] = record["_reg_image"]
    return view


@command("request records")
def request_records(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Page through capture records, oldest first, with time/score/state/id filters (2.2.2)."""
    page_no = _int(req, "page_no", lo=1)
    page_size = _int(req, "page_size", lo=1, hi=MAX_PAGE_SIZE)
    face_image = _flag(req, "face_image_flag")
    reg_image = _flag(req, "reg_image_flag")
    times = _pair(req, "time_start", "time_end")
    scores = _pair(req, "score_start", "score_end")
    upload_state = _int(req, "upload_state", lo=0, hi=1, default=None)
    fuzzy = _flag(req, "fuzzy_flag")
    wanted_id = _str(req, "id", default=None)
    wanted_name = _str(req, "name", default=None)

    def keep(record: dict[str, Any]) -> bool:
        if times is not None and not times[0] <= record["_unix"] <= times[1]:
            return False
        if scores is not None and not scores[0] <= record["score"] <= scores[1]:
            return False
        if upload_state is not None and record["upload_state"] != upload_state:
            return False
        if wanted_id is not None and (
            "id" not in record or not _text_match(record["id"], wanted_id, fuzzy)
        ):
            return False
        return wanted_name is None or (
            "name" in record and _text_match(record["name"], wanted_name, fuzzy)
        )

    matches = [record for record in state.records if keep(record)]
    page = matches[(page_no - 1) * page_size : page_no * page_size]
    return {
        "total": len(matches),
        "page_no": page_no,
        "count": len(page),
        "records": [record_view(r, face_image=face_image, reg_image=reg_image) for r in page],
    }


# ---------------------------------------------------------------------------------------------
# App and stream params (2.3.1-2.3.6)

_APP_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("face", "match_score"): (70, 100),
    ("face", "derep_timeout"): (3, 60),
    ("gate_control", "gpio_retention_time"): (500, 5000),
    ("led_control", "led_brightness"): (1, 100),
    ("led_control", "led_mode"): (1, 3),
    ("gate_control", "match_mode"): (1, 3),
    ("gate_control", "gpio_state"): (0, 1),
    ("qr_code_control", "repeat_interval"): (0, 255),
    ("upload_info", "server_port"): (0, 65535),
    ("extranet", "server_port"): (0, 65535),
}
_APP_CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("face", "pic_form"): frozenset({"overall", "closeup", "both", "none"}),
    ("upload_info", "method"): frozenset({"http", "tcp", "ftp", "webservice", "none"}),
    ("extranet", "mode"): frozenset({"http", "tcp"}),
    ("led_control", "led_sensitivity"): frozenset({"low", "mid", "high"}),
}
_APP_MAX_BYTES: dict[tuple[str, str], int] = {
    ("device_info", "device_no"): 31,
    ("device_info", "addr_no"): 31,
    ("device_info", "addr_name"): 95,
    ("upload_info", "service_url"): 101,
    ("upload_info", "pattern"): 69,
}
_STREAM_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("image", "max_exposure"): (300, 9900),
    ("image", "max_gain"): (0, 40),
    ("image", "contrast"): (0, 128),
    ("image", "saturation"): (1, 255),
    ("image", "brightness"): (1, 100),
    ("video", "bitrate"): (1024, 4096),
}


def _same_type(current: object, value: object) -> bool:
    if isinstance(current, bool):
        return isinstance(value, bool)
    if isinstance(current, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(current, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type(current))


def deep_merge(target: dict[str, Any], patch: dict[str, Any], path: str = "") -> None:
    """Merge ``patch`` into ``target``; known keys must keep their JSON type (else code 3)."""
    for raw_key, value in patch.items():
        key = "derep_timeout" if raw_key == "derep_timeout " else raw_key
        where = f"{path}.{key}" if path else key
        if key not in target:
            target[key] = copy.deepcopy(value)
            continue
        current = target[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ProtocolError(3, f"{where} must be an object")
            deep_merge(current, value, where)
        elif not _same_type(current, value):
            raise ProtocolError(3, f"{where} must be of type {type(current).__name__}")
        else:
            target[key] = copy.deepcopy(value)


def _check_tree(tree: dict[str, Any], ranges: dict[tuple[str, str], tuple[int, int]]) -> None:
    for (section, key), (lo, hi) in ranges.items():
        value = tree.get(section, {}).get(key)
        if isinstance(value, (int, float)) and not lo <= value <= hi:
            raise ProtocolError(3, f"{section}.{key} must be within {lo}..{hi}")


def _check_host(section: dict[str, Any], where: str) -> None:
    host = section.get("server_ip", "")
    if not host:
        return
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    try:
        ipaddress.IPv4Address(host)
    except ValueError as err:
        raise ProtocolError(
            3, f"{where}.server_ip must be an IPv4 address (use server_domain)"
        ) from err


def _check_app_params(tree: dict[str, Any]) -> None:
    _check_tree(tree, _APP_RANGES)
    for (section, key), choices in _APP_CHOICES.items():
        value = tree.get(section, {}).get(key)
        if value is not None and value not in choices:
            raise ProtocolError(3, f"{section}.{key} must be one of {sorted(choices)}")
    for (section, key), limit in _APP_MAX_BYTES.items():
        value = tree.get(section, {}).get(key)
        if isinstance(value, str) and _byte_len(value) > limit:
            raise ProtocolError(3, f"{section}.{key} is longer than {limit} bytes")
    _check_host(tree["upload_info"], "upload_info")
    _check_host(tree["extranet"], "extranet")
    auth = tree["auth"]
    if auth.get("enable") and not (auth.get("username") and auth.get("password")):
        raise ProtocolError(3, "auth needs a username and a password when enabled")


@command("request app params")
def request_app_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the whole app-params tree (2.3.1)."""
    return copy.deepcopy(state.app_params)


@command("update app params")
def update_app_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge the given subset into the app params after checking it (2.3.2)."""
    merged = copy.deepcopy(state.app_params)
    patch = {key: value for key, value in req.items() if key not in _ENVELOPE_KEYS}
    deep_merge(merged, patch)
    _check_app_params(merged)
    state.app_params = merged
    return {}


@command("reset app params")
def reset_app_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Restore factory app params, keeping the HTTP auth credentials (2.3.3)."""
    state.reset_app_params()
    return {}


@command("request stream params")
def request_stream_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the camera (stream) params (2.3.4)."""
    return copy.deepcopy(state.stream_params)


@command("update stream params")
def update_stream_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Merge and range-check camera params (2.3.5)."""
    merged = copy.deepcopy(state.stream_params)
    deep_merge(merged, {key: value for key, value in req.items() if key not in _ENVELOPE_KEYS})
    _check_tree(merged, _STREAM_RANGES)
    state.stream_params = merged
    return {}


@command("reset stream params")
def reset_stream_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Restore factory camera params (2.3.6)."""
    state.stream_params = default_stream_params()
    return {}


# ---------------------------------------------------------------------------------------------
# Schedules (2.3.7-2.3.9)


def _clock_point(section: dict[str, Any], key: str) -> int:
    point = _obj(section, key)
    return int(_int(point, "hour", lo=0, hi=23) * 60 + _int(point, "minute", lo=0, hi=59))


def _schedule_kind(entry: object) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ProtocolError(3, "kinds entries must be objects")
    _str(entry, "name", max_bytes=MAX_NAME_BYTES)
    _int(entry, "kind", lo=1, hi=MAX_SCHEDULE_KINDS)
    mode = _str(entry, "mode")
    if mode not in ("daily", "weekly"):
        raise ProtocolError(3, "mode must be daily or weekly")
    days = _list(entry, "days")
    if len(days) != (1 if mode == "daily" else 7):
        raise ProtocolError(3, f"a {mode} rule needs {1 if mode == 'daily' else 7} days")
    for day in days:
        if not isinstance(day, dict):
            raise ProtocolError(3, "days entries must be objects")
        for section in _list(day, "sections"):
            if not isinstance(section, dict):
                raise ProtocolError(3, "sections entries must be objects")
            if _clock_point(section, "start") >= _clock_point(section, "end"):
                raise ProtocolError(3, "a section must start before it ends")
    return copy.deepcopy(entry)


def _schedule_kinds(req: dict[str, Any], *, nonempty: bool = False) -> list[dict[str, Any]]:
    entries = _list(req, "kinds", max_items=MAX_SCHEDULE_KINDS, nonempty=nonempty)
    kinds = [_schedule_kind(entry) for entry in entries]
    numbers = [entry["kind"] for entry in kinds]
    if len(set(numbers)) != len(numbers):
        raise ProtocolError(3, "kinds contains the same kind number twice")
    return kinds


@command("request schedule params")
def request_schedule_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the access-time rules (2.3.7)."""
    # A terminal without rules leaves the list out.
    return {"kinds": copy.deepcopy(state.schedules)} if state.schedules else {}


@command("update schedule params")
def update_schedule_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Replace all access-time rules (2.3.8)."""
    state.schedules = _schedule_kinds(req)
    return {}


@command("add schedule kind")
def add_schedule_kind(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Append 1 to 15 rules, replacing ones with the same kind number (2.3.9)."""
    for entry in _schedule_kinds(req, nonempty=True):
        index = next(
            (i for i, old in enumerate(state.schedules) if old["kind"] == entry["kind"]), None
        )
        if index is None:
            state.schedules.append(entry)
        else:
            state.schedules[index] = entry
    return {}


# ---------------------------------------------------------------------------------------------
# Snapshot, gate and Wiegand control, heartbeat (2.4-2.7)


@command("snapshot")
def snapshot(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return a camera picture under the document's key ``"image "`` (trailing space) (2.4)."""
    pictures = capture_images(640, 480, state.rng)
    return {
        "image ": {
            "format": "jpg",
            "image_data": b64(pictures.panorama),
            "time_stamp": state.clock.text(),
        }
    }


def _ctrl_mode(req: dict[str, Any]) -> str:
    mode: str = _str(req, "ctrl_mode")
    if mode not in _CTRL_MODES:
        raise ProtocolError(3, "ctrl_mode must be test, force or scene")
    return mode


@command("gpio control", "gpio control Extend")
def gpio_control(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Close a relay (``gpio control``; the Extend variant also plays ``voicePlay``) (2.5)."""
    port = _int(req, "port", lo=1, hi=state.gpio_ports)
    if _str(req, "ctrl_type") != "on":
        raise ProtocolError(3, 'ctrl_type must be "on" (the device opens the relay itself)')
    fields = {"port": port, "ctrl_type": "on", "ctrl_mode": _ctrl_mode(req)}
    fields["person_id"] = _str(req, "person_id", max_bytes=MAX_ID_BYTES, default="")
    if req["cmd"] == "gpio control Extend":
        fields["voicePlay"] = _str(req, "voicePlay", default="")
    state.add_log("gpio", source="command", **fields)
    return {}


@command("wiegand control")
def wiegand_control(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Send a card number on the Wiegand output (2.6)."""
    card = _int(req, "wiegand_card_no", lo=0, hi=U32)
    long_card = _int(req, "long_card_id", lo=0, hi=I64)
    if card == 0 and long_card == 0:
        raise ProtocolError(3, "wiegand_card_no or long_card_id must be non-zero")
    mode = _ctrl_mode(req)
    person_id = _str(req, "person_id", max_bytes=MAX_ID_BYTES, default="")
    state.add_log(
        "wiegand",
        source="command",
        wiegand_card_no=card,
        long_card_id=long_card,
        ctrl_mode=mode,
        person_id=person_id,
    )
    return {}


@command("heart beat")
def heart_beat(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Answer a heartbeat sent to the device (2.7)."""
    return {}


# ---------------------------------------------------------------------------------------------
# Customer auth code, time, power (2.8-2.9)


@command("request customer auth code")
def request_customer_auth_code(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the user-defined authentication code (2.8.1)."""
    return {"customer_auth_code": state.customer_auth_code}


@command("update customer auth code")
def update_customer_auth_code(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Write the code: the document says "not supported", so code 2 unless made writable (2.8.2)."""
    if not state.customer_auth_code_writable:
        raise ProtocolError(2, "writing the customer auth code is not supported")
    code: str = _str(req, "customer_auth_code", nonempty=True)
    if b64decode_strict(code) is None:
        raise ProtocolError(3, "customer_auth_code must be base64")
    state.customer_auth_code = code
    return {}


@command("request date time")
def request_date_time(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the terminal's wall time (2.9.1)."""
    return {"date_time": state.clock.text()}


@command("update date time")
def update_date_time(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the wall time; ``timezone``, ``12hour_time`` and ``auto_dst`` are accepted (2.9.2)."""
    wall = _wall(_str(req, "date_time"), "date_time")
    if wall < EARLIEST_CLOCK:
        raise ProtocolError(3, "date_time is before 2000")
    offset = None
    zone = _str(req, "timezone", default=None)
    if zone is not None:
        offset = parse_timezone(zone)
        if offset is None:
            raise ProtocolError(3, "timezone must look like UTC+8")
    hour12 = _bool(req, "12hour_time", default=state.clock.hour12)
    auto_dst = _bool(req, "auto_dst", default=state.clock.auto_dst)
    state.clock.set_wall_time(wall, offset)
    if zone is not None:
        state.clock.timezone = zone
    state.clock.hour12, state.clock.auto_dst = hour12, auto_dst
    return {}


@command("reboot")
def reboot(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge, then reboot (the server goes offline for a while) (2.9.3)."""
    return {ACTION_KEY: REBOOT}


@command("restart application")
def restart_application(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge, then restart the capture application (a short outage) (2.9.4)."""
    return {ACTION_KEY: RESTART_APPLICATION}


# ---------------------------------------------------------------------------------------------
# Screen: screensaver, media, OSD text and images (2.10)

_SCREENSAVER_MODES = frozenset({"none", "extinguish", "media"})


@command("request lcd screensaver")
def request_lcd_screensaver(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the screensaver mode (2.10.1)."""
    return {"screensaver_mode": state.screensaver_mode}


@command("update lcd screensaver")
def update_lcd_screensaver(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the screensaver mode: none, extinguish or media (2.10.2)."""
    mode = _str(req, "screensaver_mode")
    if mode not in _SCREENSAVER_MODES:
        raise ProtocolError(3, "screensaver_mode must be none, extinguish or media")
    state.screensaver_mode = mode
    return {}


@command("request lcd media")
def request_lcd_media(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the screensaver media list (2.10.3)."""
    return {"screensaver_media_list": copy.deepcopy(state.screensaver_media)}


def _media_entries(req: dict[str, Any]) -> list[tuple[int, str]]:
    entries = []
    for entry in _list(req, "screensaver_media_list", max_items=MAX_MEDIA, nonempty=True):
        if not isinstance(entry, dict):
            raise ProtocolError(3, "screensaver_media_list entries must be objects")
        sequence = _int(entry, "sequence", lo=1, hi=MAX_MEDIA)
        name: str = _str(entry, "media_name", max_bytes=MAX_NAME_BYTES, nonempty=True)
        if "/" in name:
            raise ProtocolError(3, "media_name must not contain '/'")
        entries.append((sequence, name))
    return entries


@command("update lcd media")
def update_lcd_media(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add or replace screensaver media entries by sequence (at most 10 in all) (2.10.4)."""
    entries = _media_entries(req)
    media = {entry["sequence"]: entry for entry in state.screensaver_media}
    updated = []
    for sequence, name in entries:
        entry = {"sequence": sequence, "media_name": name, "path": media_path(sequence, name)}
        media[sequence] = entry
        updated.append(entry)
    if len(media) > MAX_MEDIA:
        raise ProtocolError(20, f"at most {MAX_MEDIA} screensaver media")
    state.screensaver_media = [media[key] for key in sorted(media)]
    return {"screensaver_media_list": copy.deepcopy(updated)}


@command("delete lcd media")
def delete_lcd_media(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Delete screensaver media entries (and their files) (2.10.5)."""
    entries = _media_entries(req)
    media = {entry["sequence"]: entry for entry in state.screensaver_media}
    for sequence, name in entries:
        if sequence not in media or media[sequence]["media_name"] != name:
            raise ProtocolError(22, f"no screensaver media {sequence} named {name!r}")
    for sequence, _name in entries:
        state.files.pop(media.pop(sequence)["path"], None)
    state.screensaver_media = [media[key] for key in sorted(media)]
    return {
        "screensaver_media_list": [
            {"sequence": sequence, "media_name": name} for sequence, name in entries
        ]
    }


def check_text_item(item: object, *, complete: bool = False) -> dict[str, Any]:
    """Validate one on-screen text object (``text_list`` entry or push-ACK text).

    A ``text_list`` entry of `text display` is ``complete``: the document marks none of its
    fields optional (2.10.6.1). The push ACK's text falls back on the example's values.
    """
    if not isinstance(item, dict):
        raise ProtocolError(3, "text entries must be objects")

    def default(value: object) -> object:
        return _MISSING if complete else value

    text = _str(item, "text", nonempty=True)
    position = _obj(item, "position")
    fields: dict[str, Any] = {
        "text": text,
        "position": {"x": _int(position, "x", lo=0), "y": _int(position, "y", lo=0)},
        "alive_time": _int(item, "alive_time", lo=0, default=default(1000)),
        "font_size": _int(item, "font_size", lo=1, default=default(100)),
        "font_spacing": _int(item, "font_spacing", lo=0, default=default(1)),
        "font_color": _str(item, "font_color", default=default("0xffffffff")),
    }
    if not _FONT_COLOR_RE.match(fields["font_color"]):
        raise ProtocolError(3, "font_color must be ARGB like 0xffffffff")
    return fields


@command("text display")
def text_display(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Show text on the screen (2.10.6)."""
    coding = _str(req, "coding_type", default="utf8")
    if coding not in ("utf8", "gb2312"):
        raise ProtocolError(3, "coding_type must be utf8 or gb2312")
    items = [
        check_text_item(item, complete=True) for item in _list(req, "text_list", nonempty=True)
    ]
    for item in items:
        state.add_log("text", source="command", coding_type=coding, **item)
    return {}


@command("image display")
def image_display(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Show a JPEG/PNG picture on the screen (2.10.7)."""
    position = _obj(req, "position")
    x, y = _int(position, "x", lo=0), _int(position, "y", lo=0)
    alive = _int(req, "alive_time", lo=0)
    fmt = _str(req, "format")
    if fmt not in ("jpg", "png"):
        raise ProtocolError(3, "format must be jpg or png")
    data, actual = _decode_image(state, req.get("image_data"), "image_data", jpeg_only=False)
    if actual != fmt:
        raise ProtocolError(35, f"image_data is {actual}, not {fmt}")
    size = len(b64decode_strict(data) or b"")
    state.add_log("image", position={"x": x, "y": y}, alive_time=alive, format=fmt, size=size)
    return {}


# ---------------------------------------------------------------------------------------------
# Upgrade, audio, hardware (2.11-2.13) and the vendor's ``get version`` and ``get network``


@command("ask_upgrade")
def ask_upgrade(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Answer an upgrade question: nothing to upgrade (2.11)."""
    return {"upgrade_type": "none", "firmware": dict(FIRMWARE)}


@command("get version")
def get_version(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the protocol and firmware versions (vendor tool command)."""
    firmware = {key: value for key, value in FIRMWARE.items() if key != "motor"}
    return {"version": PROTOCOL_VERSION, "firmware": firmware}


@command("get network")
def get_network(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the network settings with the MAC address (vendor tool command, not documented)."""
    return {
        "dhcp": False,
        "ip": state.ip,
        "netmask": "255.255.255.0",
        "gateway": "",
        "dns": "",
        "mac": state.mac,
    }


@command("tts play")
def tts_play(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Speak a text (2.12.1)."""
    state.add_log("tts", source="command", text=_str(req, "text", nonempty=True))
    return {}


@command("play audio stream")
def play_audio_stream(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Play a WAV sent in the request (2.12.2): 16-bit PCM mono at a rate the speaker plays."""
    audio = _obj(req, "audio")
    if _str(audio, "format") != "wav":
        raise ProtocolError(3, "only wav audio is supported")
    data = b64decode_strict(_str(audio, "data"))
    if data is None or not is_wav(data):
        raise ProtocolError(35, "audio data is not a RIFF/WAVE file")
    if len(data) > state.max_audio_bytes:
        raise ProtocolError(6, f"audio is larger than {state.max_audio_bytes} bytes")
    info = wav_info(data)
    if info is None or info.frames == 0:
        raise ProtocolError(35, "audio is not a complete PCM WAV file")
    if (info.channels, info.sample_width) != (1, 2):
        raise ProtocolError(35, "audio must be 16-bit PCM mono")
    if info.sample_rate not in state.audio_sample_rates:
        raise ProtocolError(35, f"audio sample rate {info.sample_rate} Hz is not supported")
    state.add_log(
        "audio_stream",
        format="wav",
        size=len(data),
        sample_rate=info.sample_rate,
        channels=info.channels,
        sample_width=info.sample_width,
        duration=round(info.duration, 3),
    )
    return {}


@command("browse audio list")
def browse_audio_list(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the built-in audio files (2.12.3)."""
    return {"audio_list": copy.deepcopy(state.audio_list)}


@command("play audio")
def play_audio(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Play a built-in audio file given by its number and name (2.12.4)."""
    number = _int(req, "audio_no", lo=0)
    name = _str(req, "audio_name")
    for entry in state.audio_list:
        if (number, name) == (entry["audio_no"], entry["audio_name"]):
            state.add_log("audio", audio_no=entry["audio_no"], audio_name=entry["audio_name"])
            return {}
    raise ProtocolError(22, "no such built-in audio")


@command("get hardware info")
def get_hardware_info(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the hardware description (2.13.1)."""
    return copy.deepcopy(state.hardware)


@command("set hardware info")
def set_hardware_info(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the LCD model and/or whether a 4G module is fitted (2.13.2)."""
    lcd = _obj(req, "Lcd", default=None)
    four_g = _obj(req, "FourG", default=None)
    if lcd is not None:
        model = _str(lcd, "model")
        if model not in state.hardware["Lcd"]["support"]:
            raise ProtocolError(3, "Lcd.model is not a supported LCD")
        manu = _str(lcd, "manu")
    if four_g is not None and _str(four_g, "moduler_4g") not in ("YES", "NO"):
        raise ProtocolError(3, 'FourG.moduler_4g must be "YES" or "NO"')
    if lcd is not None:
        state.hardware["Lcd"].update(model=model, manu=manu)
    if four_g is not None:
        state.hardware["FourG"]["moduler_4g"] = four_g["moduler_4g"]
    return {}


# ---------------------------------------------------------------------------------------------
# Files (2.14)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _path(req: dict[str, Any]) -> str:
    path: str = _str(req, "path", nonempty=True, max_bytes=255)
    if not path.startswith("/") or "/../" in f"{path}/":
        raise ProtocolError(3, "path must be absolute")
    return path


@command("download file")
def download_file(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Read a chunk of a file (at most 10240 bytes) (2.14.1)."""
    path = _path(req)
    offset = _int(req, "offset", lo=0)
    size = _int(req, "size", lo=1, hi=MAX_DOWNLOAD_CHUNK)
    if path not in state.files:
        raise ProtocolError(22, "no such file")
    data = state.files[path]
    if offset > len(data):
        raise ProtocolError(3, "offset is past the end of the file")
    chunk = data[offset : offset + size]
    return {
        "path": path,
        "total_size": len(data),
        "offset": offset,
        "size": len(chunk),
        "data": b64(chunk),
        "md5sum": _md5(chunk),
    }


@command("upload file")
def upload_file(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Write a chunk of a file (at most 200 kB, md5-checked, offsets contiguous) (2.14.2)."""
    path = _path(req)
    total = _int(req, "total_size", lo=0, hi=MAX_FILE_SIZE)
    offset = _int(req, "offset", lo=0)
    size = _int(req, "size", lo=0, hi=MAX_UPLOAD_CHUNK)
    data = b64decode_strict(_str(req, "data"))
    if data is None:
        raise ProtocolError(3, "data is not valid base64")
    if len(data) != size:
        raise ProtocolError(3, "size does not match the decoded data")
    if _md5(data) != _str(req, "md5sum").lower():
        raise ProtocolError(11, "md5sum does not match the chunk")
    upload = state.uploads.get(path)
    if offset == 0:
        upload = state.uploads[path] = Upload(total)
    elif upload is None or offset != len(upload.data):
        raise ProtocolError(3, "offset does not continue the upload")
    if total != upload.total_size or offset + size > total:
        raise ProtocolError(3, "total_size does not match the upload")
    upload.data += data
    if len(upload.data) == total:
        state.files[path] = bytes(upload.data)
        del state.uploads[path]
        state.add_log("file_upload", path=path, size=total)
    return {"path": path, "offset": offset, "size": size}


# ---------------------------------------------------------------------------------------------
# AES, SIP, 4G, volume (2.15-2.18)


def _aes_key(req: dict[str, Any], key: str) -> bytes:
    data = b64decode_strict(_str(req, key))
    if data is None or len(data) > 16:
        raise ProtocolError(3, f"{key} must be base64 of at most 16 bytes")
    return data


@command("updata aes")
def updata_aes(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Switch name/id encryption and/or change the key; ``ori_key`` must match (2.15.1)."""
    original = _aes_key(req, "ori_key")
    if original.ljust(16, b"\0") != state.aes_key.ljust(16, b"\0"):
        raise ProtocolError(3, "ori_key does not match the current key")
    enable = _bool(req, "enable", default=state.aes_enabled)
    new_key = _aes_key(req, "new_key") if "new_key" in req else state.aes_key
    state.aes_enabled, state.aes_key = enable, new_key
    return {}


@command("request aes")
def request_aes(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return whether name/id encryption is on (2.15.2)."""
    return {"enable": state.aes_enabled}


@command("sip register")
def sip_register(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the SIP account (2.16.1)."""
    domain = _str(req, "domain", nonempty=True)
    port = _int(req, "port", lo=1, hi=65535)
    username = _str(req, "username", nonempty=True)
    _str(req, "password", default="")
    state.sip.update(registered=True, domain=domain, port=port, username=username)
    state.add_log("sip_register", domain=domain, port=port)
    return {}


@command("sip call")
def sip_call(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Call a SIP URL ``sip:user@host:port`` (2.16.2)."""
    url = _str(req, "url")
    match = _SIP_URL_RE.match(url)
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        raise ProtocolError(3, "url must look like sip:user@host:port")
    if not state.sip["registered"]:
        raise ProtocolError(22, "no SIP account registered")
    if state.sip["in_call"]:
        raise ProtocolError(5, "a call is already in progress")
    state.sip["in_call"] = True
    state.add_log("sip_call", url=url)
    return {ACTION_KEY: SIP_CALL_STARTED}


@command("sip hangup")
def sip_hangup(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Hang up the current SIP call (2.16.3)."""
    if not state.sip["in_call"]:
        raise ProtocolError(22, "no call in progress")
    state.sip["in_call"] = False
    state.add_log("sip_hangup")
    return {ACTION_KEY: SIP_CALL_ENDED}


@command("request 4g infor")
def request_4g_infor(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the 4G module state; without a module it is code 0 with module_ready false (2.17.1)."""
    if not state.has_4g:
        return {
            "module_ready": False,
            "sim_ready": False,
            "ICCID": "",
            "IMSI": "",
            "operator": "",
            "signal_strength": 0,
            "gps": {"e": "", "n": "", "strength": 0},
        }
    return {
        "module_ready": True,
        "sim_ready": True,
        "ICCID": "89860012345678901234",
        "IMSI": "460001234567890",
        "operator": "china mobile",
        "signal_strength": 23,
        "gps": {"e": "104.06", "n": "30.67", "strength": 7},
    }


@command("traffic statistics")
def traffic_statistics(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return daily 4G byte counts of a month (``day``: "1-9", "1-" or "1") (2.17.2)."""
    month = _int(req, "month", lo=1, hi=12)
    today = state.clock.now()
    year = today.year if month <= today.month else today.year - 1
    last = monthrange(year, month)[1]
    if (year, month) == (today.year, today.month):
        last = today.day
    day = _str(req, "day", default="")
    if day:
        match = _DAY_RE.match(day)
        if match is None:
            raise ProtocolError(3, 'day must look like "1-9", "1-" or "1"')
        first = int(match.group(1))
        end = int(match.group(3)) if match.group(3) else (last if match.group(2) else first)
        if not 1 <= first <= end <= monthrange(year, month)[1]:
            raise ProtocolError(3, "day range is not within the month")
    else:
        first, end = 1, last
    statistics = []
    for number in range(first, min(end, last) + 1):
        rng = random.Random(f"{state.seed}-{year}-{month}-{number}")
        used = state.has_4g
        statistics.append(
            {
                "date": f"{month}-{number}",
                "bytes_rx": rng.randint(100_000, 50_000_000) if used else 0,
                "bytes_tx": rng.randint(50_000, 20_000_000) if used else 0,
            }
        )
    return {"statistics": statistics}


@command("camera volume")
def camera_volume(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Read (GET) or set (SET, 0-100) the speaker volume (2.18)."""
    method = _str(req, "method")
    if method == "GET":
        return {"volume": state.volume}
    if method != "SET":
        raise ProtocolError(3, 'method must be "GET" or "SET"')
    state.volume = _int(req, "volume", lo=0, hi=100)
    return {}


def now_text(state: DeviceState) -> str:
    """Return the current wall time with milliseconds, as in ``cap_time``."""
    return format_wall_time(state.clock.now(), millis=True)
