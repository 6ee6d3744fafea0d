"""Recent captures' pictures, held in memory for the media browser and for notifications.

The capture hub hands every new capture to ``CaptureArchive.async_keep`` before its bus event
fires; what it keeps gets a path under ``/api/facecapture/capture/...`` that the event carries, so a
notification shows that exact capture and not whoever came after. The archive is small and bounded
(by count and by bytes): faces are biometric data, and only the user's opt-in writes them to disk
(``files.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import io
import re
from typing import Final

from homeassistant.core import callback
from PIL import Image, ImageOps

from ..api.images import ImageFormat, detect_image_format
from ..api.push import PushImage
from ..api.push_json import MediaText
from .hub import Capture

CLOSEUP: Final = "closeup"
PANORAMA: Final = "panorama"
PICTURE_KINDS: Final = (CLOSEUP, PANORAMA)

MAX_ARCHIVED_CAPTURES: Final = 100
MAX_ARCHIVED_BYTES: Final = 32 * 1024 * 1024
"""A push with two 1080p JPEGs is about 1.3 MB: the last two dozen captures fit, a flood does not."""

THUMBNAIL_SIDE: Final = 192
THUMBNAIL_QUALITY: Final = 75
MAX_THUMBNAILS: Final = 300

PICTURE_URL: Final = "/api/facecapture/capture/{entry_id}/{capture_id}/{kind}.jpg"
_ID_CHARS = re.compile(r"[^0-9A-Za-z_-]")


class Picture:
    """One picture's bytes and their MIME type.

    A pushed picture keeps the terminal's base64 text where the pushed body holds it, and is
    decoded only when shown or saved: acknowledging a push must not pay for its pictures, and most
    are never looked at. Only with ``keep_decoded`` (a camera's last picture, fetched again and
    again) are the decoded bytes kept; the archive decodes afresh for each view, so that what it
    counts is what it holds.
    """

    __slots__ = ("_content_type", "_data", "_image", "_keep_decoded", "buffer", "size")

    def __init__(self, *, data: bytes, content_type: str) -> None:
        """A picture already in bytes."""
        self._data: bytes | None = data
        self._image: PushImage | None = None
        self._keep_decoded = True
        self._content_type: str | None = content_type
        self.buffer: int = id(data)
        """Which buffer it keeps in memory: pictures cut from one pushed body share it."""
        self.size: int = len(data)
        """That buffer's bytes (fixed when made, so the archive's count stays exact)."""

    @classmethod
    def from_bytes(cls, data: bytes) -> Picture:
        """Name the type from the bytes: the terminal sends JPEG, rarely PNG."""
        return cls(data=data, content_type=_content_type(data))

    @classmethod
    def from_push(cls, image: PushImage, *, keep_decoded: bool = False) -> Picture:
        """A pushed picture, still base64; it keeps the body it came in (no copy of it is made)."""
        picture = cls(data=b"", content_type="")
        picture._data = None
        picture._image = image
        picture._keep_decoded = keep_decoded
        picture._content_type = None
        encoded = image.encoded
        picture.buffer, picture.size = (
            encoded.holds if isinstance(encoded, MediaText) else (id(encoded), len(encoded))
        )
        return picture

    @property
    def data(self) -> bytes:
        """The picture's bytes (empty if the text was not base64)."""
        if self._data is not None:
            return self._data
        data = self._image.decode() if self._image is not None else b""
        if self._content_type is None:
            self._content_type = _content_type(data)  # known now, without decoding again
        if self._keep_decoded:
            self._data, self._image = data, None
        return data

    @property
    def content_type(self) -> str:
        """``image/png`` or ``image/jpeg``, from the bytes."""
        if self._content_type is None:
            self._content_type = _content_type(self.data)
        return self._content_type


def _content_type(data: bytes) -> str:
    return "image/png" if detect_image_format(data) is ImageFormat.PNG else "image/jpeg"


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureSummary:
    """A capture as the media browser lists it: when, what, who, and which pictures it has."""

    capture_id: str
    captured_at: datetime
    result: str | None
    name: str | None
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedCapture:
    """A capture with its pictures."""

    capture_id: str
    captured_at: datetime
    result: str | None
    name: str | None
    pictures: Mapping[str, Picture]

    @property
    def size(self) -> int:
        """Bytes its pictures keep in memory; a pushed body both pictures came in counts once."""
        return sum({picture.buffer: picture.size for picture in self.pictures.values()}.values())

    @property
    def summary(self) -> CaptureSummary:
        """What the media browser lists of it."""
        return CaptureSummary(
            capture_id=self.capture_id,
            captured_at=self.captured_at,
            result=self.result,
            name=self.name,
            kinds=tuple(kind for kind in PICTURE_KINDS if kind in self.pictures),
        )


def capture_id_for(device_time: str | None, fallback: str) -> str:
    """The id of a capture: the digits of the terminal's capture time.

    A pushed capture and the same capture in the terminal's records carry the same time string,
    so both get the same id; ``fallback`` (the sequence number) serves when the time is missing.
    """
    digits = "".join(char for char in device_time or "" if char.isdigit())
    return digits or f"seq{_ID_CHARS.sub('', fallback)}"


def picture_path(entry_id: str, capture_id: str, kind: str) -> str:
    """The path of a capture's picture (``kind`` is closeup, panorama or thumbnail)."""
    return PICTURE_URL.format(entry_id=entry_id, capture_id=capture_id, kind=kind)


def _picture(image: PushImage | None) -> Picture | None:
    return Picture.from_push(image) if image is not None and image.encoded else None


def archived_from_capture(capture: Capture) -> ArchivedCapture:
    """What the archive keeps of a pushed capture: pictures, time, result and the name."""
    push = capture.push
    pictures = {
        kind: picture
        for kind, picture in (
            (CLOSEUP, _picture(push.closeup_pic)),
            (PANORAMA, _picture(push.overall_pic)),
        )
        if picture is not None
    }
    return ArchivedCapture(
        capture_id=capture_id_for(push.cap_time, str(push.sequence_no)),
        captured_at=capture.captured_at,
        result=str(push.result),
        name=push.person_name or push.person_id,
        pictures=pictures,
    )


class CaptureArchive:
    """The pictures of a terminal's recent captures, newest last, bounded by count and bytes."""

    def __init__(
        self,
        entry_id: str,
        *,
        max_captures: int = MAX_ARCHIVED_CAPTURES,
        max_bytes: int = MAX_ARCHIVED_BYTES,
    ) -> None:
        """Start empty."""
        self.entry_id = entry_id
        self._max_captures = max_captures
        self._max_bytes = max_bytes
        self._captures: OrderedDict[str, ArchivedCapture] = OrderedDict()
        self._bytes = 0
        self._savers: list[Callable[[ArchivedCapture], None]] = []

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._bytes

    def __len__(self) -> int:
        """Captures held."""
        return len(self._captures)

    @callback
    def async_add_saver(self, saver: Callable[[ArchivedCapture], None]) -> None:
        """Also hand every kept capture to ``saver`` (the opt-in files)."""
        self._savers.append(saver)

    @callback
    def async_keep(self, capture: Capture) -> dict[str, str]:
        """Keep a new capture's pictures; the event fields that point at them.

        A capture without pictures is not kept and adds nothing to its event.
        """
        archived = archived_from_capture(capture)
        if not archived.pictures:
            return {}
        self.add(archived)
        for saver in self._savers:
            saver(archived)
        return {
            ("picture" if kind == CLOSEUP else kind): picture_path(
                self.entry_id, archived.capture_id, kind
            )
            for kind in archived.pictures
        }

    def add(self, archived: ArchivedCapture) -> None:
        """Hold one capture, dropping the oldest ones beyond the limits."""
        if (previous := self._captures.pop(archived.capture_id, None)) is not None:
            self._bytes -= previous.size
        self._captures[archived.capture_id] = archived
        self._bytes += archived.size
        while len(self._captures) > 1 and (
            len(self._captures) > self._max_captures or self._bytes > self._max_bytes
        ):
            _, dropped = self._captures.popitem(last=False)
            self._bytes -= dropped.size

    def get(self, capture_id: str) -> ArchivedCapture | None:
        """The capture with this id, if still held."""
        return self._captures.get(capture_id)

    def captures(self) -> list[ArchivedCapture]:
        """Everything held, newest first."""
        return list(reversed(self._captures.values()))


def make_thumbnail(data: bytes, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small JPEG of a picture for the media browser, upright. Runs in the executor.

    Raises ValueError when the bytes are not a picture Pillow reads.
    """
    try:
        with Image.open(io.BytesIO(data)) as source:
            picture = ImageOps.exif_transpose(source).convert("RGB")
    except (OSError, Image.DecompressionBombError) as err:
        raise ValueError(f"not a picture: {err}") from err
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()


class ThumbnailCache:
    """Thumbnails already made, so that scrolling the media browser again costs nothing."""

    def __init__(self, max_items: int = MAX_THUMBNAILS) -> None:
        """Start empty."""
        self._max_items = max_items
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        """A thumbnail made before, if still held."""
        if (thumbnail := self._items.get(key)) is not None:
            self._items.move_to_end(key)
        return thumbnail

    def put(self, key: str, thumbnail: bytes) -> None:
        """Hold a thumbnail, dropping the least recently used beyond the limit."""
        self._items[key] = thumbnail
        self._items.move_to_end(key)
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)
