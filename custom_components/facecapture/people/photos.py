"""Where an action's photo comes from, and how it is made small enough for the terminal.

A photo comes from one of: a media source, an ``image`` or ``camera`` entity, a file Home
Assistant may read, or the close-up of the last face the terminal captured. Whatever its source,
a photo larger than the vendor recommends (about 500 KB and 1080p) is scaled down with Pillow, in
the executor, before it is sent. Photos are faces: they stay in memory and are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
import io
import math
from pathlib import Path
from typing import Any, Final

import aiohttp
from homeassistant.components import camera, image, media_source
from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, selector
from PIL import Image, ImageOps, UnidentifiedImageError

from ..api.images import (
    RECOMMENDED_MAX_BYTES,
    RECOMMENDED_MAX_PIXELS,
    RECOMMENDED_MAX_SIDE,
    detect_image_format,
)
from ..coordinator import FaceCaptureConfigEntry
from ..helpers import validation_error
from ..link.downloads import DownloadTooLargeError, async_fetch_bounded
from ..schema_library import vol

ATTR_PHOTO: Final = "photo"
ATTR_PHOTO_ENTITY: Final = "photo_entity"
ATTR_PHOTO_FILE: Final = "photo_file"
ATTR_LAST_CAPTURE: Final = "last_capture"

PHOTO_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_PHOTO): selector.MediaSelector({"accept": ["image/*"]}),
    vol.Optional(ATTR_PHOTO_ENTITY): cv.entity_domain(["camera", "image"]),
    vol.Optional(ATTR_PHOTO_FILE): cv.string,
    vol.Optional(ATTR_LAST_CAPTURE, default=False): cv.boolean,
}
"""The schema fields of an action that takes a photo; at most one of them may be given."""

DOWNLOAD_TIMEOUT: Final = 30
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024
JPEG_QUALITIES: Final = (90, 80, 70, 60)

_ENTITY_SOURCES: Final = ("camera", "image")


async def async_photo_for_call(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: Mapping[str, Any]
) -> bytes | None:
    """The photo an action's fields point at, ready to send; None when none was given."""
    given = [key for key in (ATTR_PHOTO, ATTR_PHOTO_ENTITY, ATTR_PHOTO_FILE) if data.get(key)]
    if data.get(ATTR_LAST_CAPTURE):
        given.append(ATTR_LAST_CAPTURE)
    if len(given) > 1:
        raise validation_error("photo_several_sources", fields=", ".join(given))
    if not given:
        return None
    source = given[0]
    if source == ATTR_PHOTO:
        raw = await _async_from_media(hass, data[ATTR_PHOTO]["media_content_id"])
    elif source == ATTR_PHOTO_ENTITY:
        raw = await _async_from_entity(hass, data[ATTR_PHOTO_ENTITY])
    elif source == ATTR_PHOTO_FILE:
        raw = await _async_from_file(hass, data[ATTR_PHOTO_FILE])
    else:
        raw = _from_last_capture(entry)
    return await hass.async_add_executor_job(fit_photo, raw)


async def async_required_photo_for_call(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, data: Mapping[str, Any]
) -> bytes:
    """Like ``async_photo_for_call``, for actions that cannot do without a photo."""
    if (photo := await async_photo_for_call(hass, entry, data)) is None:
        raise validation_error("photo_missing")
    return photo


def _from_last_capture(entry: FaceCaptureConfigEntry) -> bytes:
    capture = entry.runtime_data.captures.last
    picture = capture.push.closeup_pic if capture else None
    if picture is None or not picture.data:
        raise validation_error("photo_no_capture", name=entry.title)
    return picture.data


async def _async_from_entity(hass: HomeAssistant, entity_id: str) -> bytes:
    try:
        if split_entity_id(entity_id)[0] == "camera":
            return (await camera.async_get_image(hass, entity_id)).content
        return (await image.async_get_image(hass, entity_id)).content
    except HomeAssistantError as err:
        raise validation_error("photo_entity_failed", entity_id=entity_id, error=str(err)) from err


async def _async_from_file(hass: HomeAssistant, file_path: str) -> bytes:
    if not hass.config.is_allowed_path(file_path):
        raise validation_error("photo_file_not_allowed", path=file_path)
    try:
        return await hass.async_add_executor_job(Path(file_path).read_bytes)
    except OSError as err:
        raise validation_error("photo_file_unreadable", path=file_path, error=str(err)) from err


async def _async_from_media(hass: HomeAssistant, media_id: str) -> bytes:
    """Read a media source item: a local file, an image or camera entity, or a web address."""
    try:
        item = media_source.MediaSourceItem.from_uri(hass, media_id, None)
    except ValueError as err:
        raise validation_error("photo_media_failed", media=media_id, error=str(err)) from err
    if item.domain in _ENTITY_SOURCES and item.identifier:
        return await _async_from_entity(hass, item.identifier)
    try:
        resolved = await media_source.async_resolve_media(hass, media_id, None)
    except HomeAssistantError as err:
        raise validation_error("photo_media_failed", media=media_id, error=str(err)) from err
    if resolved.path is not None:
        try:
            return await hass.async_add_executor_job(resolved.path.read_bytes)
        except OSError as err:
            raise validation_error("photo_media_failed", media=media_id, error=str(err)) from err
    if not resolved.url.startswith(("http://", "https://")):
        raise validation_error("photo_media_unsupported", media=media_id)
    return await async_download(hass, media_id, resolved.url)


async def async_download(hass: HomeAssistant, media_id: str, url: str) -> bytes:
    """Fetch a picture from a web address, refusing anything larger than a photo."""
    try:
        return await async_fetch_bounded(
            hass, url, max_bytes=MAX_DOWNLOAD_BYTES, timeout=DOWNLOAD_TIMEOUT
        )
    except DownloadTooLargeError:
        raise validation_error(
            "photo_media_failed", media=media_id, error=f"larger than {MAX_DOWNLOAD_BYTES} bytes"
        ) from None
    except (TimeoutError, aiohttp.ClientError) as err:
        raise validation_error(
            "photo_media_failed", media=media_id, error=str(err) or "timeout"
        ) from err


def _fits(size: tuple[int, int]) -> bool:
    width, height = size
    return max(width, height) <= RECOMMENDED_MAX_SIDE and width * height <= RECOMMENDED_MAX_PIXELS


def fit_photo(data: bytes) -> bytes:
    """Return the photo as it is if the terminal takes it well, else a smaller JPEG of it.

    Kept as is: a JPEG or PNG within about 500 KB and 1080p. Anything else Pillow can read
    (larger, another format, a rotated phone photo that needs scaling anyway) becomes a JPEG within
    those limits, turned upright from its EXIF orientation. Runs in the executor.
    """
    try:
        with Image.open(io.BytesIO(data)) as picture:
            size = picture.size
            if (
                detect_image_format(data) is not None
                and len(data) <= RECOMMENDED_MAX_BYTES
                and _fits(size)
            ):
                return data
            picture.load()
            return _shrink(picture)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise validation_error("photo_unreadable", error=str(err)) from err


def _rgb(picture: Image.Image) -> Image.Image:
    upright = ImageOps.exif_transpose(picture)
    if upright.mode in ("RGB", "L"):
        return upright
    rgba = upright.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _shrink(picture: Image.Image) -> bytes:
    source = _rgb(picture)
    width, height = source.size
    scale = min(
        1.0,
        RECOMMENDED_MAX_SIDE / max(width, height),
        math.sqrt(RECOMMENDED_MAX_PIXELS / (width * height)),
    )
    while True:
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        resized = source if size == source.size else source.resize(size, Image.Resampling.LANCZOS)
        for quality in JPEG_QUALITIES:
            buffer = io.BytesIO()
            resized.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= RECOMMENDED_MAX_BYTES:
                return buffer.getvalue()
        scale *= 0.75  # a JPEG of a few hundred pixels always fits: this ends
