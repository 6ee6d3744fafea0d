"""The directory of the persons registered on a terminal: id, name, role and validity, no photos.

Automations pick persons by name from it (device triggers and conditions, linked people). It is
read page by page in the background after set-up, so that a terminal holding 10,000 persons does
not delay Home Assistant's start; it then follows the enrol, update and delete actions, pages again
when the terminal's person count changes, when a capture names an id it does not know, and every
few hours. Names and ids are personal data: kept in memory, never logged, and written to disk only
when the user opts in (then a restart reads them back instead of paging again).
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
import sys
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api import FaceCaptureClient, FaceCaptureError, Person, Role
from ..const import DOMAIN, LOGGER
from ..coordinator import FaceCaptureConfigEntry
from ..helpers import device_entries
from ..listeners import Listeners
from ..schema_library import vol

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 10
"""Seconds to gather changes before writing the stored directory (a bulk enrolment is one write)."""
REFRESH_INTERVAL: Final = timedelta(hours=6)
"""How often the whole list is read again, for changes made on the terminal's own screen."""
REFRESH_COOLDOWN: Final = 60.0
"""At most one refresh a minute, however many unknown ids or count changes arrive."""
MAX_UNKNOWN: Final = 256
"""Ids not found after a refresh, remembered so that they do not cause another one."""

PERSON_ID_SCHEMA: Final = vol.All(cv.string, vol.Strip, vol.Length(min=1, max=19))
"""A terminal person id as stored in automations: the terminal allows at most 19 bytes."""


@dataclass(frozen=True, slots=True)
class DirectoryPerson:
    """One registered person as automations need them; no photo, no card, no custom text."""

    id: str
    name: str
    role: int | None
    valid_from: str | None
    valid_until: str | None

    @classmethod
    def from_person(cls, person: Person) -> DirectoryPerson:
        """Keep the fields the directory needs; the repeated validity keywords are shared."""
        return cls(
            id=person.id,
            name=person.name or "",
            role=person.role,
            valid_from=_shared(person.term_start),
            valid_until=_shared(person.term),
        )

    def as_row(self) -> list[Any]:
        """The compact form written to storage."""
        return [self.id, self.name, self.role, self.valid_from, self.valid_until]

    @classmethod
    def from_row(cls, row: Any) -> DirectoryPerson | None:
        """Read a stored row back; None for anything that is not one."""
        if not isinstance(row, list) or len(row) != 5 or not isinstance(row[0], str) or not row[0]:
            return None
        person_id, name, role, valid_from, valid_until = row
        return cls(
            id=person_id,
            name=name if isinstance(name, str) else "",
            role=role if isinstance(role, int) and not isinstance(role, bool) else None,
            valid_from=_shared(valid_from) if isinstance(valid_from, str) else None,
            valid_until=_shared(valid_until) if isinstance(valid_until, str) else None,
        )


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.persons.{entry_id}", private=True)


def _shared(value: str | None) -> str | None:
    """Intern short texts ("useless", "forever", dates): 10,000 persons repeat a handful of them."""
    return sys.intern(value) if value is not None and len(value) <= 19 else value


class PersonDirectory:
    """The persons of one terminal, kept in step with it."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: FaceCaptureClient,
        *,
        entry_id: str,
        title: str,
        persist: bool,
    ) -> None:
        """Start empty; ``async_load`` reads the stored copy when the user keeps one."""
        self.hass = hass
        self.client = client
        self.title = title
        self.persons: dict[str, DirectoryPerson] = {}
        self.complete = False
        """True once the whole list was read (or restored): only then is an unknown id news."""
        self.refreshed_at: datetime | None = None
        self.refreshes = 0
        self.last_error: str | None = None
        self._store = _store(hass, entry_id)
        self._persist = persist
        self._unknown: set[str] = set()
        self._listeners: Listeners[[]] = Listeners()
        # Changes an action made while a refresh was paging: applied on top of what it read.
        self._changes: dict[str, DirectoryPerson | None] | None = None
        self._debouncer: Debouncer[Coroutine[Any, Any, None]] = Debouncer(
            hass,
            LOGGER,
            cooldown=REFRESH_COOLDOWN,
            immediate=True,
            function=self.async_refresh,
            background=True,
        )

    # -- life cycle ------------------------------------------------------------------------------

    async def async_load(self) -> bool:
        """Read the stored directory if the user keeps one (else forget any old copy)."""
        if not self._persist:
            await self._store.async_remove()
            return False
        stored = await self._store.async_load()
        if not isinstance(stored, dict) or not isinstance(stored.get("persons"), list):
            return False
        persons = (DirectoryPerson.from_row(row) for row in stored["persons"])
        self.persons = {person.id: person for person in persons if person is not None}
        self.complete = True
        refreshed_at = stored.get("refreshed_at")
        self.refreshed_at = (
            dt_util.parse_datetime(refreshed_at) if isinstance(refreshed_at, str) else None
        )
        return True

    @callback
    def async_start(self, entry: ConfigEntry[Any]) -> CALLBACK_TYPE:
        """Page in the background unless the stored copy is recent; then every few hours.

        The first read is one of the entry's background tasks: it never delays set-up or
        Home Assistant's start, and it is cancelled if the entry unloads first.
        """
        stale = self.refreshed_at is None or dt_util.utcnow() - self.refreshed_at > REFRESH_INTERVAL
        if not self.complete or stale:
            entry.async_create_background_task(
                self.hass, self.async_refresh(), f"{DOMAIN} {self.title} person directory"
            )

        async def refresh_now(_now: datetime) -> None:
            await self.async_refresh()

        cancel_interval = async_track_time_interval(
            self.hass, refresh_now, REFRESH_INTERVAL, name=f"{DOMAIN} person directory"
        )

        @callback
        def stop() -> None:
            cancel_interval()
            self._debouncer.async_shutdown()

        return stop

    @staticmethod
    async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
        """Delete the stored copy of an entry's directory (the entry is being removed)."""
        await _store(hass, entry_id).async_remove()

    @property
    def persisted(self) -> bool:
        """Whether the user chose to keep the directory on disk."""
        return self._persist

    # -- reading ----------------------------------------------------------------------------------

    def get(self, person_id: str | None) -> DirectoryPerson | None:
        """The person with this id, if the directory knows them."""
        return self.persons.get(person_id) if person_id else None

    def choices(self, keep: Iterable[str] = ()) -> dict[str, str]:
        """Person id -> label, sorted by name, for a dropdown whose stored value is the id.

        Two persons with one name are told apart by their ids; ids in ``keep`` (a value already
        chosen, perhaps of someone deleted since) stay selectable.
        """
        counts: dict[str, int] = {}
        for person in self.persons.values():
            counts[person.name] = counts.get(person.name, 0) + 1
        labels = {
            person.id: person.name
            if person.name and counts[person.name] == 1
            else (f"{person.name} ({person.id})" if person.name else person.id)
            for person in self.persons.values()
        }
        for person_id in keep:
            labels.setdefault(person_id, person_id)
        return dict(sorted(labels.items(), key=lambda item: (item[1].casefold(), item[0])))

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the directory changed."""
        return self._listeners.add(listener)

    # -- keeping in step -------------------------------------------------------------------------

    async def async_refresh(self) -> None:
        """Read the whole list again, page by page; keep the old one if the terminal fails."""
        if self._changes is not None:
            return  # a refresh is paging already
        self._changes = {}
        persons: dict[str, DirectoryPerson] = {}
        try:
            async for person in self.client.iter_persons(role=Role.ALL):
                persons[person.id] = DirectoryPerson.from_person(person)
        except FaceCaptureError as err:
            # Kept as it was; the next count change, unknown id or interval tries again.
            self.last_error = str(err)
            LOGGER.debug("Could not read the persons of %s: %s", self.title, err)
            return
        finally:
            changes, self._changes = self._changes, None
        for person_id, change in changes.items():
            if change is None:
                persons.pop(person_id, None)
            else:
                persons[person_id] = change
        self.persons = persons
        self.complete = True
        self.last_error = None
        self.refreshed_at = dt_util.utcnow()
        self.refreshes += 1
        # Ids still missing after a full read are not worth another one; the count check and the
        # slow schedule catch them if they are enrolled later.
        self._unknown = {person_id for person_id in self._unknown if person_id not in persons}
        self._changed()

    @callback
    def async_request_refresh(self) -> None:
        """Refresh soon; many requests within the cooldown make one refresh."""
        self._debouncer.async_schedule_call()

    @callback
    def async_check_id(self, person_id: str | None) -> None:
        """A capture named ``person_id``: if the directory does not know it, read the list again."""
        if not person_id or not self.complete or person_id in self.persons:
            return
        if person_id in self._unknown:
            return  # already looked for since the last refresh
        if len(self._unknown) < MAX_UNKNOWN:
            self._unknown.add(person_id)
        self.async_request_refresh()

    @callback
    def async_check_count(self, count: int | None) -> None:
        """The terminal reported how many persons it holds; a different number means changes."""
        if count is not None and self.complete and count != len(self.persons):
            self.async_request_refresh()

    @callback
    def async_set(self, person: DirectoryPerson) -> None:
        """An action registered or changed a person."""
        self._apply(person.id, person)

    @callback
    def async_remove(self, person_id: str) -> None:
        """An action deleted a person."""
        self._apply(person_id, None)

    @callback
    def async_remove_role(self, role: Role) -> None:
        """An action deleted every person of a role (or everyone, with ``Role.ALL``)."""
        for person in list(self.persons.values()):
            if role is Role.ALL or person.role == role:
                self._apply(person.id, None)

    async def async_fetch(self, person_id: str) -> None:
        """Read one person back from the terminal after an action changed them."""
        try:
            page = await self.client.request_persons(person_id=person_id, page_size=1)
        except FaceCaptureError as err:
            LOGGER.debug("Could not read back a person of %s: %s", self.title, err)
            self.async_request_refresh()
            return
        found = next((person for person in page.persons if person.id == person_id), None)
        if found is None:
            self.async_remove(person_id)
        else:
            self.async_set(DirectoryPerson.from_person(found))

    def _apply(self, person_id: str, person: DirectoryPerson | None) -> None:
        if self._changes is not None:
            self._changes[person_id] = person
        if person is None:
            if self.persons.pop(person_id, None) is None:
                return
        else:
            if self.persons.get(person_id) == person:
                return
            self.persons[person_id] = person
            self._unknown.discard(person_id)
        self._changed()

    def _changed(self) -> None:
        if self._persist:
            self._store.async_delay_save(self._stored, SAVE_DELAY)
        self._listeners.notify()

    def _stored(self) -> dict[str, Any]:
        return {
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
            "persons": [person.as_row() for person in self.persons.values()],
        }


def loaded_entry_for_device(hass: HomeAssistant, device_id: str) -> FaceCaptureConfigEntry | None:
    """The loaded entry of the terminal behind a device, if any."""
    return next(
        (
            entry
            for entry in device_entries(hass, device_id)
            if entry.state is ConfigEntryState.LOADED
        ),
        None,
    )


def person_choice(entry: FaceCaptureConfigEntry | None, chosen: str | None = None) -> Any:
    """The validator of a "person" field in the automation editor.

    A dropdown of the terminal's persons by name (the stored value is the id) once the directory
    has any; free text before it has been read, or for a terminal that is not loaded.
    """
    directory = entry.runtime_data.directory if entry else None
    if directory is None or not directory.persons:
        return str
    return vol.In(directory.choices(keep=[chosen] if chosen else []))
