"""Persons whose validity ended (``valid_until``): gone from the household's terminals and the directory.

A guest enrolled by face with a validity window is of no use once it ends; the terminal refuses
them from then on, but keeps them. When the window ends:

- a terminal of a household deletes them itself (every terminal of the household holds them and
  does the same), so that the household's terminals stay alike and nobody is left behind;
- a terminal of its own whose auto-clean of expired persons is on removes them itself: the
  directory lets them go at once rather than at its next read;
- a terminal of its own without auto-clean keeps them, and so does its directory: it tells the
  truth about the terminal.

The end is read as the terminal's local time, in Home Assistant's zone. A timer wakes at the next
end among the directory's persons, and the directory's changes re-arm it; nothing is polled.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..api import FaceCaptureError
from ..api.errors import FaceCaptureRecordNotFoundError
from ..const import DOMAIN, LOGGER
from ..coordinator import FaceCaptureConfigEntry
from .household import household_of
from .sync import error_kind, validity_end


class PersonExpiry:
    """Follows one terminal's directory and acts when someone's validity ends."""

    def __init__(self, hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
        """Nothing scheduled yet."""
        self.hass = hass
        self.entry = entry
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._removing: set[str] = set()
        self._checking = False
        self._check_again = False

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Look now, and again whenever the directory changes."""
        remove_listener = self.entry.runtime_data.directory.async_add_listener(self._async_check)
        self._async_check()

        @callback
        def stop() -> None:
            remove_listener()
            if self._cancel_timer is not None:
                self._cancel_timer()
                self._cancel_timer = None

        return stop

    def _auto_clean(self) -> bool:
        state = self.entry.runtime_data.coordinator.data
        params = state.app_params if state is not None else None
        return bool(params and params.auto_clean)

    @callback
    def _async_check(self) -> None:
        # Removing someone from the directory calls this again through its listener: looping
        # here instead of recursing keeps a terminal with hundreds of expired persons flat.
        if self._checking:
            self._check_again = True
            return
        self._checking = True
        try:
            self._check_again = True
            while self._check_again:
                self._check_again = False
                self._check_once()
        finally:
            self._checking = False

    def _check_once(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        now = dt_util.utcnow()
        expired: list[str] = []
        upcoming: datetime | None = None
        for person in self.entry.runtime_data.directory.persons.values():
            if (end := validity_end(person)) is None:
                continue
            if end <= now:
                expired.append(person.id)
            elif upcoming is None or end < upcoming:
                upcoming = end
        if upcoming is not None:
            self._cancel_timer = async_track_point_in_utc_time(
                self.hass, self._async_woken, upcoming
            )
        if expired:
            self._async_expired(expired)

    @callback
    def _async_woken(self, _now: datetime) -> None:
        self._cancel_timer = None
        self._async_check()

    @callback
    def _async_expired(self, person_ids: list[str]) -> None:
        directory = self.entry.runtime_data.directory
        if household_of(self.hass, self.entry) is not None:
            fresh = [person_id for person_id in person_ids if person_id not in self._removing]
            if fresh:
                self._removing.update(fresh)
                self.entry.async_create_background_task(
                    self.hass, self._async_delete(fresh), f"{DOMAIN} {self.entry.title} expiry"
                )
        elif self._auto_clean():
            for person_id in person_ids:  # the terminal removes them itself
                directory.async_remove(person_id)

    async def _async_delete(self, person_ids: list[str]) -> None:
        """Delete expired persons on this terminal; what fails is tried at the next change."""
        client, directory = self.entry.runtime_data.client, self.entry.runtime_data.directory
        try:
            for person_id in person_ids:
                try:
                    await client.delete_person(person_id)
                except FaceCaptureRecordNotFoundError:
                    pass  # gone already
                except FaceCaptureError as err:
                    LOGGER.warning(
                        "Could not delete a person whose validity ended from %s (%s); tried "
                        "again when its persons are next read",
                        self.entry.title,
                        error_kind(err),
                    )
                    return
                directory.async_remove(person_id)
        finally:
            self._removing.difference_update(person_ids)
