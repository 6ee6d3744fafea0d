"""The HTTP views that serve capture pictures and registered persons' photos.

Both require Home Assistant's authentication: a logged-in user's token, or a path signed with
``async_sign_path`` (what the media browser and ``media_source/resolve_media`` hand the frontend).
A capture's path names that exact capture, so a notification sent for a stranger shows that
stranger. Anonymous requests get 401 from Home Assistant's auth middleware before reaching here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from ..api import FaceCaptureError
from ..const import DOMAIN, LOGGER
from .archive import (
    CLOSEUP,
    PANORAMA,
    PICTURE_URL,
    ThumbnailCache,
    make_thumbnail,
)
from .history import CaptureHistory

THUMBNAIL: Final = "thumbnail"
PHOTO: Final = "photo"
PERSON_URL: Final = "/api/facecapture/person/{entry_id}/{person_id}/{kind}.jpg"

_CAPTURE_CACHE: Final = "private, max-age=86400, immutable"
_PERSON_CACHE: Final = "private, max-age=300"


@callback
def async_register_views(hass: HomeAssistant) -> None:
    """Register the views once for all terminals."""
    thumbnails = ThumbnailCache()
    hass.http.register_view(CapturePictureView(thumbnails))
    hass.http.register_view(PersonPhotoView(thumbnails))


def history_for(hass: HomeAssistant, entry_id: str) -> CaptureHistory | None:
    """The capture history of a loaded terminal entry."""
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        return None
    history: CaptureHistory = entry.runtime_data.history
    return history


def _response(data: bytes, content_type: str, cache_control: str) -> web.Response:
    return web.Response(
        body=data, content_type=content_type, headers={"Cache-Control": cache_control}
    )


class _PictureView(HomeAssistantView):
    """Shared: thumbnails made in the executor, those of captures cached."""

    requires_auth = True

    def __init__(self, thumbnails: ThumbnailCache) -> None:
        """Share one thumbnail cache between the views."""
        self._thumbnails = thumbnails

    async def _thumbnail(
        self, hass: HomeAssistant, key: str | None, data: bytes, cache_control: str
    ) -> web.Response:
        """A small JPEG of a picture's bytes; ``key`` None for pictures that may change (not cached)."""
        if key is None or (thumbnail := self._thumbnails.get(key)) is None:
            try:
                thumbnail = await hass.async_add_executor_job(make_thumbnail, data)
            except ValueError as err:
                LOGGER.debug("Could not make a thumbnail: %s", err)
                return web.Response(status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
            if key is not None:
                self._thumbnails.put(key, thumbnail)
        return _response(thumbnail, "image/jpeg", cache_control)


class CapturePictureView(_PictureView):
    """``/api/facecapture/capture/{entry}/{capture}/{kind}.jpg``.

    ``kind`` is ``closeup`` or ``panorama``, ``closeup_thumbnail`` or ``panorama_thumbnail``, or
    ``thumbnail`` (the close-up's, else the panorama's).
    """

    url = PICTURE_URL
    name = "api:facecapture:capture"

    async def get(
        self, request: web.Request, entry_id: str, capture_id: str, kind: str
    ) -> web.Response:
        """One picture of one capture."""
        hass = request.app[KEY_HASS]
        base, _, suffix = kind.partition("_")
        thumbnail = THUMBNAIL in (kind, suffix)
        if (
            (kind != THUMBNAIL and base not in (CLOSEUP, PANORAMA))
            or suffix not in ("", THUMBNAIL)
            or (history := history_for(hass, entry_id)) is None
            or (archived := await history.async_capture(capture_id)) is None
        ):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        if kind == THUMBNAIL:
            picture = archived.pictures.get(CLOSEUP) or archived.pictures.get(PANORAMA)
        else:
            picture = archived.pictures.get(base)
        # A pushed picture is decoded only now, once; text that was not base64 is no picture.
        if picture is None or not (data := picture.data):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        if thumbnail:
            return await self._thumbnail(
                hass, f"capture/{entry_id}/{capture_id}/{kind}", data, _CAPTURE_CACHE
            )
        return _response(data, picture.content_type, _CAPTURE_CACHE)


class PersonPhotoView(_PictureView):
    """``/api/facecapture/person/{entry}/{person id}/{photo|thumbnail}.jpg``."""

    url = PERSON_URL
    name = "api:facecapture:person"

    async def get(
        self, request: web.Request, entry_id: str, person_id: str, kind: str
    ) -> web.Response:
        """A registered person's photo, read from the terminal."""
        hass = request.app[KEY_HASS]
        if kind not in (PHOTO, THUMBNAIL) or (history := history_for(hass, entry_id)) is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            picture = await history.async_person_photo(person_id)
        except FaceCaptureError as err:
            LOGGER.debug("Could not read a person's photo from the terminal: %s", err)
            return web.Response(status=HTTPStatus.BAD_GATEWAY)
        if picture is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        if kind == THUMBNAIL:
            # Not cached: a person's photo changes when it is enrolled again.
            return await self._thumbnail(hass, None, picture.data, _PERSON_CACHE)
        return _response(picture.data, picture.content_type, _PERSON_CACHE)
