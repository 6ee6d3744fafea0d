"""The screen (document 2.10): screensaver, screensaver media, on-screen text and pictures."""

from __future__ import annotations

import copy
import re
from typing import Any

from simulator.images import b64decode_strict
from simulator.state import DeviceState, media_path

from .fields import (
    _MISSING,
    MAX_NAME_BYTES,
    _decode_image,
    _int,
    _list,
    _obj,
    _str,
)
from .registry import ProtocolError, command

MAX_MEDIA = 10
_FONT_COLOR_RE = re.compile(r"^0x[0-9A-Fa-f]{8}$")
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
