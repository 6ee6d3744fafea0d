"""Request field checks shared by the command handlers: limits, typed getters, wall times, images.

Each getter raises ``ProtocolError(3, ...)`` naming the field, as the terminal answers a request
with an illegal field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.clock import parse_wall_time
from simulator.images import b64, b64decode_strict, image_format
from simulator.state import DeviceState

from .registry import ProtocolError

MAX_ID_BYTES = 19
MAX_NAME_BYTES = 63  # `upload person` (2.1.2), schedule rule and media names
MAX_PAGE_SIZE = 20
LATEST_TERM = datetime(2038, 1, 19, 3, 14, 7)  # noqa: DTZ001 - a wall time, like all protocol times
U32 = 2**32 - 1


_MISSING: Any = object()


def _byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _sent(req: dict[str, Any], key: str, default: Any) -> bool:
    """Whether ``key`` was sent; a missing field without a default is an illegal request."""
    if key in req:
        return True
    if default is _MISSING:
        raise ProtocolError(3, f"{key} is required")
    return False


def _int(
    req: dict[str, Any],
    key: str,
    *,
    lo: int | None = None,
    hi: int | None = None,
    default: Any = _MISSING,
) -> Any:
    if not _sent(req, key, default):
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
    if not _sent(req, key, default):
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
    if not _sent(req, key, default):
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
    if not _sent(req, key, default):
        return default
    value = req[key]
    if not isinstance(value, dict):
        raise ProtocolError(3, f"{key} must be an object")
    return value


def _list(
    req: dict[str, Any], key: str, *, max_items: int | None = None, nonempty: bool = False
) -> list[Any]:
    _sent(req, key, _MISSING)  # a list has no default: missing raises
    value = req[key]
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


def _text_match(value: str, wanted: str, fuzzy: bool) -> bool:
    return wanted in value if fuzzy else value == wanted
