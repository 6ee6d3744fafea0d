"""Files on the terminal: screensaver media, built-in audio clips, downloaded chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from ._parse import (
    JsonObject,
    MissingFieldError,
    dict_items,
    opt_int,
    opt_str,
    req_int,
    unknown_fields,
)
from .images import decode_base64
from .models_base import REPLY_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreensaverMedia:
    """A screensaver media file on the terminal."""

    sequence: int
    media_name: str
    path: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"sequence", "media_name", "path"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `screensaver_media_list`."""
        return cls(
            sequence=req_int(data, "sequence"),
            media_name=opt_str(data.get("media_name")) or "",
            path=opt_str(data.get("path")),
            extra=unknown_fields(data, cls._KNOWN),
        )

    def to_dict(self) -> JsonObject:
        """Write the request form (sequence and name)."""
        return {"sequence": self.sequence, "media_name": self.media_name}


def parse_media_list(data: JsonObject) -> tuple[ScreensaverMedia, ...]:
    """Read `screensaver_media_list` (absent means none)."""
    return tuple(
        ScreensaverMedia.from_dict(item) for item in dict_items(data.get("screensaver_media_list"))
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioClip:
    """A built-in audio clip."""

    audio_no: int
    audio_name: str
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"audio_no", "audio_name"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `audio_list`."""
        return cls(
            audio_no=req_int(data, "audio_no"),
            audio_name=opt_str(data.get("audio_name")) or "",
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FileChunk:
    """One chunk of `download file`."""

    path: str
    total_size: int
    offset: int
    size: int
    data: bytes
    md5sum: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = REPLY_KEYS | {"path", "total_size", "offset", "size", "data", "md5sum"}

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `download file`."""
        text = opt_str(data.get("data")) or ""
        try:
            content = decode_base64(text) if text else b""
        except ValueError:
            raise MissingFieldError("data") from None
        size = opt_int(data.get("size"))
        return cls(
            path=opt_str(data.get("path")) or "",
            total_size=req_int(data, "total_size"),
            offset=opt_int(data.get("offset")) or 0,
            size=len(content) if size is None else size,
            data=content,
            md5sum=opt_str(data.get("md5sum")),
            extra=unknown_fields(data, cls._KNOWN),
        )
