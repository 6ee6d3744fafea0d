"""A terminal's captures to look back at: held in memory, kept on disk, or still on the terminal.

Three sources answer, in this order: the pushes held in memory (close-up and panorama), the files
the user opted in to keep, and the terminal's own records (``request records`` with the close-up).
The same capture in several of them has one id (the digits of its capture time), and the richest
source wins. Pictures fetched from the terminal are held in a small cache of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
import math
from typing import Final

from homeassistant.util import dt as dt_util

from ..api import MAX_PAGE_SIZE, FaceCaptureClient, FaceCaptureError, Person, Record
from ..api.push import FaceResult
from ..const import LOGGER
from ..link.device_time import device_time_to_utc
from .archive import (
    CLOSEUP,
    ArchivedCapture,
    CaptureArchive,
    CaptureSummary,
    Picture,
    capture_id_for,
)
from .files import CaptureFiles

DAYS_BROWSED: Final = 14
"""How many days back the terminal's records are offered, one folder per day that has any."""

MAX_RECORDS_PER_DAY: Final = 100
"""The newest captures of a day listed from the terminal (five pages of twenty)."""

MAX_PERSONS: Final = 1000
RECORD_CACHE_CAPTURES: Final = 200
RECORD_CACHE_BYTES: Final = 16 * 1024 * 1024


def record_result(record: Record) -> FaceResult:
    """Classify a record as a push is classified (score -1 stranger, a reason denied)."""
    score = record.score
    if score is None or score == 0:
        return FaceResult.DETECTED
    if score < 0:
        return FaceResult.STRANGER
    return FaceResult.RECOGNIZED if not record.match_failed_reason else FaceResult.DENIED


def archived_from_record(record: Record) -> ArchivedCapture | None:
    """A record as a capture with its close-up; None when its time cannot be read."""
    if (captured_at := device_time_to_utc(record.captured_at)) is None:
        return None
    pictures = {CLOSEUP: Picture.from_bytes(record.face_image)} if record.face_image else {}
    return ArchivedCapture(
        capture_id=capture_id_of_record(record),
        captured_at=captured_at,
        result=str(record_result(record)),
        name=record.name or record.person_id,
        pictures=pictures,
    )


def capture_id_of_record(record: Record) -> str:
    """The id a record shares with the push of the same capture."""
    return capture_id_for(record.time, str(record.sequence))


def capture_time(capture_id: str) -> datetime | None:
    """The terminal's local time a capture id was made from (``YYYYMMDDhhmmss[fff]``)."""
    if not capture_id.isdigit() or len(capture_id) < 14:
        return None
    try:
        value = datetime.strptime(capture_id[:14], "%Y%m%d%H%M%S")  # noqa: DTZ007 - terminal time
    except ValueError:
        return None
    return device_time_to_utc(value)


def day_bounds(day: date) -> tuple[int, int]:
    """Unix seconds of the first and last second of a local day."""
    start = dt_util.start_of_local_day(day)
    end = dt_util.start_of_local_day(day + timedelta(days=1)) - timedelta(seconds=1)
    return int(start.timestamp()), int(end.timestamp())


class CaptureHistory:
    """Where the media source and the picture views find one terminal's captures and persons."""

    def __init__(
        self, client: FaceCaptureClient, archive: CaptureArchive, files: CaptureFiles
    ) -> None:
        """Look in memory, on disk (if kept) and on the terminal."""
        self.client = client
        self.archive = archive
        self.files = files
        self.fetched = CaptureArchive(
            archive.entry_id, max_captures=RECORD_CACHE_CAPTURES, max_bytes=RECORD_CACHE_BYTES
        )

    async def async_days(self, today: date | None = None) -> list[tuple[date, int]]:
        """Days with captures, newest first, with how many each has (as far as known)."""
        today = today or dt_util.now().date()
        counts: dict[date, int] = {}
        for summary in self.archive.captures():
            day = dt_util.as_local(summary.captured_at).date()
            counts[day] = counts.get(day, 0) + 1
        if self.files.enabled:
            for day in await self.files.async_days():
                counts.setdefault(day, 0)
        for offset in range(DAYS_BROWSED):
            day = today - timedelta(days=offset)
            try:
                page = await self.client.request_records(page_size=1, time_between=day_bounds(day))
            except FaceCaptureError as err:
                # Unreachable or without records: what memory and disk hold is still worth showing.
                LOGGER.debug("No records from the terminal for %s: %s", day, err)
                break
            if page.total:
                counts[day] = max(counts.get(day, 0), page.total)
        return sorted(counts.items(), reverse=True)

    async def async_day(self, day: date) -> list[CaptureSummary]:
        """The captures of one local day, newest first; memory beats disk beats the terminal."""
        found: dict[str, CaptureSummary] = {}
        async for archived in self._records_of_day(day):
            self.fetched.add(archived)
            found[archived.capture_id] = archived.summary
        if self.files.enabled:
            for summary in await self.files.async_summaries(day):
                found[summary.capture_id] = summary
        for archived in self.archive.captures():
            if dt_util.as_local(archived.captured_at).date() == day:
                found[archived.capture_id] = archived.summary
        return sorted(found.values(), key=lambda summary: summary.captured_at, reverse=True)

    async def _records_of_day(self, day: date) -> AsyncIterator[ArchivedCapture]:
        """The newest records of a day, with their close-ups (pages walked from the last)."""
        bounds = day_bounds(day)
        try:
            total = (await self.client.request_records(page_size=1, time_between=bounds)).total
            pages = math.ceil(min(total, 10_000) / MAX_PAGE_SIZE)
            listed = 0
            for page_no in range(pages, 0, -1):
                page = await self.client.request_records(
                    page_no=page_no,
                    page_size=MAX_PAGE_SIZE,
                    with_face_image=True,
                    time_between=bounds,
                )
                for record in page.records:
                    if (archived := archived_from_record(record)) is not None:
                        yield archived
                listed += len(page.records)
                if listed >= MAX_RECORDS_PER_DAY or not page.records:
                    return
        except FaceCaptureError as err:
            LOGGER.debug("Could not read the records of %s: %s", day, err)

    async def async_capture(self, capture_id: str) -> ArchivedCapture | None:
        """One capture with its pictures, wherever it still is."""
        if archived := self.archive.get(capture_id) or self.fetched.get(capture_id):
            return archived
        if archived := await self.files.async_load(capture_id):
            return archived
        if (captured_at := capture_time(capture_id)) is None:
            return None
        moment = int(captured_at.timestamp())
        try:
            page = await self.client.request_records(
                page_size=MAX_PAGE_SIZE, with_face_image=True, time_between=(moment - 1, moment + 1)
            )
        except FaceCaptureError as err:
            LOGGER.debug("Could not read the record of capture %s: %s", capture_id, err)
            return None
        for record in page.records:
            if (
                capture_id_of_record(record) == capture_id
                and (archived := archived_from_record(record)) is not None
            ):
                self.fetched.add(archived)
                return archived
        return None

    async def async_persons(self) -> list[Person]:
        """The registered persons, without their photos, sorted by name."""
        persons: list[Person] = []
        async for person in self.client.iter_persons():
            persons.append(person)
            if len(persons) >= MAX_PERSONS:
                break
        return sorted(persons, key=lambda person: ((person.name or "").casefold(), person.id))

    async def async_person_photo(self, person_id: str) -> Picture | None:
        """A registered person's photo as the terminal holds it."""
        page = await self.client.request_persons(person_id=person_id, with_images=True)
        for person in page.persons:
            if person.id == person_id and person.images:
                return Picture.from_bytes(person.images[0])
        return None
