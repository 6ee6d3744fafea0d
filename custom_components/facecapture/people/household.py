"""Households: terminals that share their persons.

A household is an option of each terminal: its name (empty: none). Terminals whose names match
(ignoring case and surrounding spaces) form one, so removing a terminal leaves the others as they
were, and several sites keep several households. Only loaded terminals take part: one that cannot
be reached catches up when it is set up again.

- An enrol, update or delete action on one terminal is made on the others too
  (``async_mirror_*``); a failure there does not fail the action: it is logged without personal
  data, shown as a repair issue, and repaired by the next synchronisation: the household keeps
  the change as pending (in memory only: person ids are personal data), and a synchronisation
  makes pending deletes first and lets a pending update's terminal win the vote, so that it never
  copies a deleted person back or an old version over a newer one. A terminal that is not loaded
  when the action runs gets the change the same way.
- A terminal that joins a household is filled with everyone the others hold, in the background
  after set-up; the "Person sync" sensor shows how far it got, and a full terminal (code 20)
  stops the copy with a repair issue.
- Every few hours (and at set-up) the household's terminals are compared (ids, names, role,
  validity); differences raise a fixable repair issue that shows counts and terminal names, never
  who. Confirming it, or the "Synchronise persons" button, copies what is missing or different.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import time
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import slugify
from homeassistant.util.hass_dict import HassKey

from ..api import DeleteScope, FaceCaptureError, PersonData, Role, UploadMode
from ..const import (
    CONF_HOUSEHOLD,
    DATA_HOUSEHOLD_FILLED,
    DOMAIN,
    ISSUE_HOUSEHOLD_COPY_FAILED,
    ISSUE_HOUSEHOLD_DRIFT,
    ISSUE_HOUSEHOLD_FULL,
    LOGGER,
)
from ..coordinator import FaceCaptureConfigEntry
from ..listeners import Listeners
from .directory import PersonDirectory
from .sync import (
    Copy,
    CopyOutcome,
    CopyRun,
    Snapshot,
    async_mirror_delete,
    async_mirror_upload,
    async_read_persons,
    error_kind,
    plan_copies,
)

DRIFT_INTERVAL: Final = timedelta(hours=6)
"""How often a household's terminals are compared."""
DATA_HOUSEHOLDS: HassKey[dict[str, Household]] = HassKey(f"{DOMAIN}_households")


def household_name(entry: FaceCaptureConfigEntry) -> str | None:
    """The household the terminal belongs to, as the user wrote it; None for none."""
    name = str(entry.options.get(CONF_HOUSEHOLD) or "").strip()
    return name or None


def household_key(name: str) -> str:
    """What makes two households' names the same one."""
    return name.strip().casefold()


def members(
    hass: HomeAssistant, name: str, *, joining: FaceCaptureConfigEntry | None = None
) -> list[FaceCaptureConfigEntry]:
    """The loaded terminals of a household, in the order they were added to Home Assistant.

    ``joining`` is a terminal still being set up (its runtime data is there already).
    """
    key = household_key(name)
    found: list[FaceCaptureConfigEntry] = []
    for entry in hass.config_entries.async_entries(DOMAIN):
        entry_name = household_name(entry)
        if (
            entry_name is not None
            and household_key(entry_name) == key
            and (entry.state is ConfigEntryState.LOADED or entry is joining)
        ):
            found.append(entry)
    return found


def configured(hass: HomeAssistant, name: str) -> list[str]:
    """Every terminal (entry id) of a household, loaded or not."""
    key = household_key(name)
    return [
        entry.entry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if (entry_name := household_name(entry)) is not None and household_key(entry_name) == key
    ]


def household_of(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> Household | None:
    """The household of a terminal, if it belongs to one."""
    if (name := household_name(entry)) is None:
        return None
    households = hass.data.setdefault(DATA_HOUSEHOLDS, {})
    key = household_key(name)
    if (household := households.get(key)) is None:
        household = households[key] = Household(hass, name)
    return household


@dataclass
class SyncProgress:
    """Copies into one terminal during the last synchronisation."""

    total: int = 0
    done: int = 0
    failed: int = 0
    running: bool = False

    @property
    def percent(self) -> int:
        """How far the copying got; 100 when there was nothing to copy."""
        if self.total == 0:
            return 100
        return round(100 * (self.done + self.failed) / self.total)


@dataclass(frozen=True, slots=True)
class PendingChange:
    """An action's change that did not reach every terminal of the household yet."""

    delete: bool
    """True for a delete; False for an enrol or update."""
    source: str
    """The terminal (entry id) the action was made on: for an update, its version wins."""


@dataclass(frozen=True, kw_only=True)
class SyncResult:
    """What a synchronisation found and did."""

    copies: list[Copy]
    outcome: CopyOutcome
    skipped: list[str]
    """Terminals (titles) whose persons could not be read: left out of the comparison."""
    read: list[str]
    """Terminals (entry ids) whose persons were read."""


class Household:
    """The terminals sharing one household name, and the copying between them."""

    def __init__(self, hass: HomeAssistant, name: str) -> None:
        """Nothing compared yet."""
        self.hass = hass
        self.name = name
        self.slug = slugify(name) or "household"
        self.progress: dict[str, SyncProgress] = {}
        self.checked_at: float | None = None
        self.pending: dict[str, PendingChange] = {}
        """Person id -> an action's change some terminal still lacks (in memory only)."""
        self._lock = asyncio.Lock()
        self._listeners: Listeners[[]] = Listeners()

    @property
    def drift_issue_id(self) -> str:
        """The repair issue saying the household's terminals differ."""
        return f"{ISSUE_HOUSEHOLD_DRIFT}_{self.slug}"

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the copying progresses."""
        return self._listeners.add(listener)

    # -- reading and comparing ---------------------------------------------------------------

    async def _async_snapshots(
        self, entries: list[FaceCaptureConfigEntry]
    ) -> tuple[dict[str, Snapshot], list[str]]:
        snapshots: dict[str, Snapshot] = {}
        skipped: list[str] = []
        for entry in entries:
            try:
                snapshots[entry.entry_id] = await async_read_persons(entry.runtime_data.client)
            except FaceCaptureError as err:
                LOGGER.warning(
                    "Household %s: could not read the persons of %s (%s); it is left out until "
                    "the next comparison",
                    self.name,
                    entry.title,
                    error_kind(err),
                )
                skipped.append(entry.title)
        return snapshots, skipped

    async def async_check(self, joining: FaceCaptureConfigEntry | None = None) -> list[Copy]:
        """Compare the terminals; raise the drift issue when they differ, else remove it."""
        async with self._lock:
            entries = members(self.hass, self.name, joining=joining)
            snapshots, _skipped = await self._async_snapshots(entries)
            self.checked_at = time.monotonic()
            copies = plan_copies(snapshots, authority=self._authority(), excluded=self._deleted())
            stale = self._stale(snapshots)
        self._async_report_drift(entries, copies, stale)
        return copies

    def _authority(self) -> dict[str, str]:
        """Pending updates: person id -> the terminal whose version wins the vote."""
        return {
            person_id: change.source
            for person_id, change in self.pending.items()
            if not change.delete
        }

    def _deleted(self) -> set[str]:
        """Pending deletes: persons copied nowhere."""
        return {person_id for person_id, change in self.pending.items() if change.delete}

    def _stale(self, snapshots: Mapping[str, Snapshot]) -> list[str]:
        """Terminals (entry ids, one per person) still holding someone a delete removed."""
        return [
            entry_id
            for person_id, change in self.pending.items()
            if change.delete
            for entry_id, snapshot in snapshots.items()
            if person_id in snapshot
        ]

    @callback
    def _async_report_drift(
        self, entries: list[FaceCaptureConfigEntry], copies: list[Copy], stale: list[str]
    ) -> None:
        if not copies and not stale:
            ir.async_delete_issue(self.hass, DOMAIN, self.drift_issue_id)
            return
        titles = {entry.entry_id: entry.title for entry in entries}
        affected = dict.fromkeys(
            [*(titles[copy.target] for copy in copies), *(titles[entry_id] for entry_id in stale)]
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.drift_issue_id,
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_HOUSEHOLD_DRIFT,
            translation_placeholders={
                "household": self.name,
                "missing": str(sum(copy.missing for copy in copies)),
                "different": str(sum(not copy.missing for copy in copies) + len(stale)),
                "terminals": ", ".join(affected),
            },
            data={"household": self.name},
        )

    # -- copying -----------------------------------------------------------------------------

    async def async_synchronise(
        self, *, joining: FaceCaptureConfigEntry | None = None
    ) -> SyncResult:
        """Copy what is missing or different; with ``joining``, only into that terminal.

        A joining terminal receives the household's version of everyone; what only it holds is
        left for the comparison to report.
        """
        async with self._lock:
            entries = members(self.hass, self.name, joining=joining)
            snapshots, skipped = await self._async_snapshots(entries)
            unsettled: set[str] = set()  # persons whose pending delete failed somewhere
            deletes_failed: dict[str, tuple[int, str]] = {}
            await self._async_replay_deletes(entries, snapshots, unsettled, deletes_failed)
            if joining is not None and joining.entry_id in snapshots:
                copies = plan_copies(
                    snapshots,
                    targets={joining.entry_id},
                    voters=set(snapshots) - {joining.entry_id},
                    authority=self._authority(),
                    excluded=self._deleted(),
                )
            elif joining is not None:
                copies = []  # the joining terminal could not be read: nothing can be planned
            else:
                copies = plan_copies(
                    snapshots, authority=self._authority(), excluded=self._deleted()
                )
            outcome, failed_ids = await self._async_copy(entries, copies)
            self._settle(snapshots, unsettled | failed_ids, updates=joining is None)
            self.checked_at = time.monotonic()
        self._async_report(entries, copies, outcome, deletes_failed)
        if joining is None:
            if sum(outcome.failed.values()) or skipped or self.pending:
                await self.async_check()  # what is still different, as it stands now
            else:
                ir.async_delete_issue(self.hass, DOMAIN, self.drift_issue_id)
        return SyncResult(copies=copies, outcome=outcome, skipped=skipped, read=list(snapshots))

    async def _async_replay_deletes(
        self,
        entries: list[FaceCaptureConfigEntry],
        snapshots: dict[str, Snapshot],
        unsettled: set[str],
        failed: dict[str, tuple[int, str]],
    ) -> None:
        """Make the pending deletes where the person is still held.

        The persons whose delete failed go to ``unsettled``; per terminal, how many failed and
        the last error's kind to ``failed``.
        """
        by_id = {entry.entry_id: entry for entry in entries}
        for person_id, change in list(self.pending.items()):
            if not change.delete:
                continue
            for entry_id, snapshot in list(snapshots.items()):
                if person_id not in snapshot:
                    continue
                entry = by_id[entry_id]
                try:
                    await async_mirror_delete(entry.runtime_data.client, person_id)
                except FaceCaptureError as err:
                    count, _kind = failed.get(entry_id, (0, ""))
                    failed[entry_id] = (count + 1, error_kind(err))
                    unsettled.add(person_id)
                    continue
                snapshots[entry_id] = {
                    held: person for held, person in snapshot.items() if held != person_id
                }
                entry.runtime_data.directory.async_remove(person_id)

    def _settle(
        self, snapshots: Mapping[str, Snapshot], failed: set[str], *, updates: bool
    ) -> None:
        """Forget the pending changes every terminal of the household now has."""
        if not set(configured(self.hass, self.name)) <= set(snapshots):
            return  # a terminal was not read: it may still lack them
        for person_id, change in list(self.pending.items()):
            if person_id in failed or not (change.delete or updates):
                continue
            if change.delete and any(person_id in snapshot for snapshot in snapshots.values()):
                continue
            del self.pending[person_id]

    async def _async_copy(
        self, entries: list[FaceCaptureConfigEntry], copies: list[Copy]
    ) -> tuple[CopyOutcome, set[str]]:
        """Carry the copies out; what they achieved, and the persons (ids) not copied somewhere."""
        failed_ids: set[str] = set()
        for entry in entries:
            planned = sum(1 for copy in copies if copy.target == entry.entry_id)
            self.progress[entry.entry_id] = SyncProgress(total=planned, running=planned > 0)
        self._listeners.notify()

        def progressed(copy: Copy, ok: bool) -> None:
            progress = self.progress.setdefault(copy.target, SyncProgress())
            if ok:
                progress.done += 1
            else:
                progress.failed += 1
                failed_ids.add(copy.person_id)
            self._listeners.notify()

        run = CopyRun(
            {entry.entry_id: entry.runtime_data.client for entry in entries}, progress=progressed
        )
        try:
            return await run.async_run(copies), failed_ids
        finally:
            for progress in self.progress.values():
                progress.running = False
            self._listeners.notify()
            for entry in entries:
                if any(copy.target == entry.entry_id for copy in copies):
                    entry.runtime_data.directory.async_request_refresh()

    @callback
    def _async_report(
        self,
        entries: list[FaceCaptureConfigEntry],
        copies: list[Copy],
        outcome: CopyOutcome,
        deletes_failed: Mapping[str, tuple[int, str]],
    ) -> None:
        """Raise or clear each target's issues after a run of copies and pending deletes."""
        for entry in entries:
            planned = sum(1 for copy in copies if copy.target == entry.entry_id)
            not_deleted, delete_error = deletes_failed.get(entry.entry_id, (0, ""))
            left = outcome.left(entry.entry_id, planned) + not_deleted
            if entry.entry_id in outcome.full:
                LOGGER.warning(
                    "Household %s: %s is full; %d persons were not copied to it",
                    self.name,
                    entry.title,
                    left,
                )
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    _issue_id(ISSUE_HOUSEHOLD_FULL, entry),
                    is_fixable=False,
                    severity=ir.IssueSeverity.ERROR,
                    translation_key=ISSUE_HOUSEHOLD_FULL,
                    translation_placeholders={
                        "household": self.name,
                        "title": entry.title,
                        "left": str(left),
                    },
                )
                continue
            ir.async_delete_issue(self.hass, DOMAIN, _issue_id(ISSUE_HOUSEHOLD_FULL, entry))
            if left:
                error = (
                    outcome.stopped.get(entry.entry_id)
                    or outcome.errors.get(entry.entry_id)
                    or delete_error
                )
                self._async_copy_failed(entry, error, left)
            else:
                ir.async_delete_issue(
                    self.hass, DOMAIN, _issue_id(ISSUE_HOUSEHOLD_COPY_FAILED, entry)
                )

    @callback
    def _async_copy_failed(self, entry: FaceCaptureConfigEntry, error: str, count: int) -> None:
        LOGGER.warning(
            "Household %s: %d changes could not be made on %s (%s); the next synchronisation "
            "tries again",
            self.name,
            count,
            entry.title,
            error,
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            _issue_id(ISSUE_HOUSEHOLD_COPY_FAILED, entry),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_HOUSEHOLD_COPY_FAILED,
            translation_placeholders={
                "household": self.name,
                "title": entry.title,
                "count": str(count),
                "error": error,
            },
        )

    # -- the actions' changes ----------------------------------------------------------------

    async def _async_mirror(
        self,
        entry: FaceCaptureConfigEntry,
        change: Callable[[FaceCaptureConfigEntry], Awaitable[object]],
        follow: Callable[[PersonDirectory], Awaitable[object] | None],
        person_id: str | None = None,
        *,
        delete: bool = False,
    ) -> None:
        """Make one action's change on every other terminal; report, never raise, failures.

        ``follow`` brings each other terminal's directory in step, as the action did its own.
        A change of ``person_id`` that misses a terminal (it failed there, or the terminal is not
        loaded) is kept as pending for the next synchronisation. The household's lock keeps it
        out of a running synchronisation (which never mirrors, so it cannot wait on itself).
        """
        async with self._lock:
            loaded = members(self.hass, self.name)
            missed = set(configured(self.hass, self.name)) - {other.entry_id for other in loaded}
            for other in loaded:
                if other.entry_id == entry.entry_id:
                    continue
                try:
                    await change(other)
                except FaceCaptureError as err:
                    self._async_copy_failed(other, error_kind(err), 1)
                    missed.add(other.entry_id)
                    continue
                if (pending := follow(other.runtime_data.directory)) is not None:
                    await pending
            if person_id is None:
                return
            if missed - {entry.entry_id}:
                self.pending[person_id] = PendingChange(delete=delete, source=entry.entry_id)
            else:
                self.pending.pop(person_id, None)

    async def async_mirror_upload(
        self, entry: FaceCaptureConfigEntry, person: PersonData, mode: UploadMode
    ) -> None:
        """An enrol or update action succeeded on ``entry``: make it on the others."""
        source = entry.runtime_data.client
        await self._async_mirror(
            entry,
            lambda other: async_mirror_upload(source, other.runtime_data.client, person, mode),
            lambda directory: directory.async_fetch(person.id),
            person.id,
        )

    async def async_mirror_delete(self, entry: FaceCaptureConfigEntry, person_id: str) -> None:
        """A delete action succeeded on ``entry``: delete the person on the others."""
        await self._async_mirror(
            entry,
            lambda other: async_mirror_delete(other.runtime_data.client, person_id),
            lambda directory: directory.async_remove(person_id),
            person_id,
            delete=True,
        )

    async def async_mirror_delete_role(
        self, entry: FaceCaptureConfigEntry, scope: DeleteScope, role: Role
    ) -> None:
        """A delete-all action succeeded on ``entry``: the others lose the same persons."""
        await self._async_mirror(
            entry,
            lambda other: other.runtime_data.client.delete_persons(scope),
            lambda directory: directory.async_remove_role(role),
        )


def _issue_id(kind: str, entry: FaceCaptureConfigEntry) -> str:
    return f"{kind}_{entry.entry_id}"


@callback
def async_setup_household(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> CALLBACK_TYPE:
    """Fill a terminal that joined, compare one that was a member, and compare every few hours.

    Runs in the entry's background: set-up never waits for a household.
    """
    household = household_of(hass, entry)
    if household is None:
        return _clear_issues(hass, entry)
    household.progress.setdefault(entry.entry_id, SyncProgress())
    key = household_key(household.name)

    async def join() -> None:
        if entry.data.get(DATA_HOUSEHOLD_FILLED) == key:
            await household.async_check(joining=entry)
            return
        result = await household.async_synchronise(joining=entry)
        outcome = result.outcome
        others_read = [entry_id for entry_id in result.read if entry_id != entry.entry_id]
        if others_read and not (outcome.full or outcome.failed[entry.entry_id] or result.skipped):
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, DATA_HOUSEHOLD_FILLED: key}
            )
        # What only the joining terminal holds, or what differs elsewhere, is reported.
        await household.async_check(joining=entry)

    entry.async_create_background_task(hass, join(), f"{DOMAIN} {entry.title} household")

    async def check(_now: datetime) -> None:
        # Every terminal of the household has this timer: one comparison per interval is enough.
        last = household.checked_at
        if last is not None and time.monotonic() - last < DRIFT_INTERVAL.total_seconds() / 2:
            return
        household.checked_at = time.monotonic()  # claimed before the others' timers fire
        await household.async_check()

    cancel = async_track_time_interval(hass, check, DRIFT_INTERVAL, name=f"{DOMAIN} household")

    @callback
    def stop() -> None:
        cancel()
        household.progress.pop(entry.entry_id, None)
        _clear_issues(hass, entry)()
        if not [other for other in members(hass, household.name) if other is not entry]:
            # The last terminal of the household went: nothing is left to differ.
            ir.async_delete_issue(hass, DOMAIN, household.drift_issue_id)

    return stop


def _clear_issues(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> CALLBACK_TYPE:
    @callback
    def clear() -> None:
        for kind in (ISSUE_HOUSEHOLD_FULL, ISSUE_HOUSEHOLD_COPY_FAILED):
            ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))

    clear()
    return clear
