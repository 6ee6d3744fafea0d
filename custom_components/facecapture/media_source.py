"""The "Face Capture" media source: each terminal's captures by day, and its registered persons.

Identifiers (``media-source://facecapture/<identifier>``)::

    <entry id>                              a terminal: its persons, then one folder per day
    <entry id>/persons                      the registered persons
    <entry id>/person/<person id>           a person's photo (the id URL-quoted)
    <entry id>/day/<YYYY-MM-DD>             the captures of one day, newest first
    <entry id>/capture/<capture id>         a capture: its close-up and panorama
    <entry id>/capture/<capture id>/<kind>  one picture (closeup or panorama)

Pictures resolve to the authenticated views of ``captures/picture_views.py``; the media browser signs those
paths itself, thumbnails included. Nothing here writes to disk.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from homeassistant.components.media_player.const import MediaClass
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .api import FaceCaptureError
from .api.push import FaceResult
from .captures.archive import CLOSEUP, PANORAMA, CaptureSummary, picture_path
from .captures.history import CaptureHistory
from .captures.picture_views import PERSON_URL, PHOTO, THUMBNAIL, history_for
from .const import DOMAIN

TITLE = "Face Capture"
PERSONS_TITLE = "Registered persons"
KIND_TITLES = {CLOSEUP: "Close-up", PANORAMA: "Panorama"}
RESULT_TITLES: dict[str, str] = {
    FaceResult.RECOGNIZED: "{name}",
    FaceResult.DENIED: "{name}, denied",
    FaceResult.STRANGER: "Stranger",
    FaceResult.DETECTED: "Face",
}
IMAGE_TYPE = "image/jpeg"


async def async_get_media_source(hass: HomeAssistant) -> MediaSource:
    """Set up the Face Capture media source."""
    return FaceCaptureMediaSource(hass)


def _folder(
    identifier: str | None,
    title: str,
    *,
    thumbnail: str | None = None,
    children: list[BrowseMediaSource] | None = None,
    children_media_class: MediaClass | None = None,
) -> BrowseMediaSource:
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.DIRECTORY,
        media_content_type="",
        title=title,
        can_play=False,
        can_expand=True,
        thumbnail=thumbnail,
        children=children,
        children_media_class=children_media_class,
    )


def _image(identifier: str, title: str, thumbnail: str | None) -> BrowseMediaSource:
    """A picture; without a thumbnail it is a name without a photo (nothing to show)."""
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.IMAGE,
        media_content_type=IMAGE_TYPE,
        title=title,
        can_play=thumbnail is not None,
        can_expand=False,
        thumbnail=thumbnail,
    )


def capture_title(summary: CaptureSummary) -> str:
    """``16:05:12 Alice``, ``16:07:40 Stranger``: the local time, then who or what."""
    template = RESULT_TITLES.get(summary.result or "", "Face")
    what = template.format(name=summary.name or "Someone")
    return f"{dt_util.as_local(summary.captured_at):%H:%M:%S} {what}"


class FaceCaptureMediaSource(MediaSource):
    """Captures and persons of every loaded terminal."""

    name = TITLE

    def __init__(self, hass: HomeAssistant) -> None:
        """Bind to Home Assistant."""
        super().__init__(DOMAIN)
        self.hass = hass

    def _history(self, entry_id: str) -> CaptureHistory:
        if (history := history_for(self.hass, entry_id)) is None:
            raise BrowseError(f"No loaded face terminal {entry_id}")
        return history

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """The URL of a picture: a capture's close-up or panorama, or a person's photo."""
        parts = (item.identifier or "").split("/")
        if len(parts) == 3 and parts[1] == "person":
            entry_id, _, person_id = parts
            return PlayMedia(
                PERSON_URL.format(entry_id=entry_id, person_id=person_id, kind=PHOTO), IMAGE_TYPE
            )
        if len(parts) in (3, 4) and parts[1] == "capture":
            entry_id, capture_id = parts[0], parts[2]
            kind = parts[3] if len(parts) == 4 else None
            if (history := history_for(self.hass, entry_id)) is None:
                raise Unresolvable(f"No loaded face terminal {entry_id}")
            archived = await history.async_capture(capture_id)
            if archived is None:
                raise Unresolvable(f"Capture {capture_id} is no longer available")
            kind = kind or next(iter(archived.pictures), "")
            if (picture := archived.pictures.get(kind)) is None:
                raise Unresolvable(f"Capture {capture_id} has no {kind or ''} picture")
            return PlayMedia(picture_path(entry_id, capture_id, kind), picture.content_type)
        raise Unresolvable(f"Not a picture: {item.identifier}")

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """The terminals, a terminal's days and persons, a day's captures, a capture."""
        if not item.identifier:
            return self._root()
        parts = item.identifier.split("/")
        entry_id = parts[0]
        history = self._history(entry_id)
        try:
            if len(parts) == 1:
                return await self._terminal(entry_id, history)
            if parts[1:] == ["persons"]:
                return await self._persons(entry_id, history)
            if len(parts) == 3 and parts[1] == "day":
                return await self._day(entry_id, history, date.fromisoformat(parts[2]))
            if len(parts) == 3 and parts[1] == "capture":
                return await self._capture(entry_id, history, parts[2])
        except FaceCaptureError as err:
            raise BrowseError(f"The terminal did not answer: {err}") from err
        except ValueError as err:
            raise BrowseError(f"Unknown identifier: {item.identifier}") from err
        raise BrowseError(f"Unknown identifier: {item.identifier}")

    def _root(self) -> BrowseMediaSource:
        terminals = [
            _folder(entry.entry_id, entry.title, children_media_class=MediaClass.DIRECTORY)
            for entry in self.hass.config_entries.async_loaded_entries(DOMAIN)
        ]
        return _folder(None, TITLE, children=terminals, children_media_class=MediaClass.DIRECTORY)

    async def _terminal(self, entry_id: str, history: CaptureHistory) -> BrowseMediaSource:
        entry = self.hass.config_entries.async_get_entry(entry_id)
        title = entry.title if entry else entry_id
        days = [
            _folder(
                f"{entry_id}/day/{day.isoformat()}",
                f"{day:%a %d %b %Y}" + (f" ({count})" if count else ""),
                children_media_class=MediaClass.IMAGE,
            )
            for day, count in await history.async_days()
        ]
        persons = _folder(
            f"{entry_id}/persons", PERSONS_TITLE, children_media_class=MediaClass.IMAGE
        )
        return _folder(
            entry_id, title, children=[persons, *days], children_media_class=MediaClass.DIRECTORY
        )

    async def _persons(self, entry_id: str, history: CaptureHistory) -> BrowseMediaSource:
        children = []
        for person in await history.async_persons():
            quoted = quote(person.id, safe="")
            children.append(
                _image(
                    f"{entry_id}/person/{quoted}",
                    person.name or person.id,
                    # The count comes with the listing: no broken picture for who has no photo.
                    PERSON_URL.format(entry_id=entry_id, person_id=quoted, kind=THUMBNAIL)
                    if person.image_count != 0
                    else None,
                )
            )
        return _folder(
            f"{entry_id}/persons",
            PERSONS_TITLE,
            children=children,
            children_media_class=MediaClass.IMAGE,
        )

    async def _day(self, entry_id: str, history: CaptureHistory, day: date) -> BrowseMediaSource:
        children = []
        for summary in await history.async_day(day):
            identifier = f"{entry_id}/capture/{summary.capture_id}"
            thumbnail = picture_path(entry_id, summary.capture_id, THUMBNAIL)
            title = capture_title(summary)
            if len(summary.kinds) > 1:
                children.append(
                    _folder(
                        identifier,
                        title,
                        thumbnail=thumbnail,
                        children_media_class=MediaClass.IMAGE,
                    )
                )
            elif summary.kinds:
                children.append(_image(f"{identifier}/{summary.kinds[0]}", title, thumbnail))
        return _folder(
            f"{entry_id}/day/{day.isoformat()}",
            f"{day:%a %d %b %Y}",
            children=children,
            children_media_class=MediaClass.IMAGE,
        )

    async def _capture(
        self, entry_id: str, history: CaptureHistory, capture_id: str
    ) -> BrowseMediaSource:
        archived = await history.async_capture(capture_id)
        if archived is None:
            raise BrowseError(f"Capture {capture_id} is no longer available")
        summary = archived.summary
        identifier = f"{entry_id}/capture/{capture_id}"
        children = [
            _image(
                f"{identifier}/{kind}",
                KIND_TITLES[kind],
                picture_path(entry_id, capture_id, f"{kind}_{THUMBNAIL}"),
            )
            for kind in summary.kinds
        ]
        return _folder(
            identifier,
            capture_title(summary),
            thumbnail=picture_path(entry_id, capture_id, THUMBNAIL),
            children=children,
            children_media_class=MediaClass.IMAGE,
        )
