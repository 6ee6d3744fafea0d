"""Copying persons between terminals: what each holds, what to copy where, and the copying.

What a terminal holds is read as the directory holds it (id, name, role, validity), without
photos. A plan compares the terminals: for each person, the version most terminals hold wins
(on a tie, the one of the terminal that joined the household first), and every terminal that
lacks it or holds another version gets a copy of it. A copy reads the person, photo included,
from a terminal holding that version (a page at a time when many are copied, one by one
otherwise) and uploads it to the other: photos pass through memory only, never to disk.

Nothing personal is logged here: an error is reported by its kind and the terminal's name,
never with an id, a name or the terminal's own description (which may quote the id).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from homeassistant.util import dt as dt_util

from ..api import FaceCaptureClient, Person, PersonData, Role, UploadMode, parse_device_time
from ..api.commands import TERM_FOREVER, TERM_NEVER
from ..api.errors import (
    FaceCaptureAuthError,
    FaceCaptureConnectionError,
    FaceCaptureDeviceError,
    FaceCaptureError,
    FaceCaptureRecordNotFoundError,
    FaceCaptureStorageFullError,
)
from ..link.device_time import device_time_to_utc
from .directory import DirectoryPerson

PAGED_COPIES: Final = 20
"""From this many copies out of one terminal on, its list is paged with photos (20 a page)
rather than each person read on their own."""

type Snapshot = Mapping[str, DirectoryPerson]
"""What one terminal holds: person id -> the fields the household compares."""


def validity_end(person: DirectoryPerson) -> datetime | None:
    """When a person's validity ends, in UTC; None for "forever", "never" or no end."""
    if person.valid_until in (None, TERM_FOREVER, TERM_NEVER):
        return None
    return device_time_to_utc(parse_device_time(person.valid_until))


def still_valid(person: DirectoryPerson) -> bool:
    """Whether a person's validity has not ended: someone expired is not worth a copy."""
    end = validity_end(person)
    return end is None or end > dt_util.utcnow()


async def async_read_persons(client: FaceCaptureClient) -> dict[str, DirectoryPerson]:
    """Every person of a terminal, without photos."""
    return {
        person.id: DirectoryPerson.from_person(person)
        async for person in client.iter_persons(role=Role.ALL)
    }


@dataclass(frozen=True, slots=True)
class Copy:
    """One person to copy from one terminal (entry id) to another."""

    person_id: str
    source: str
    target: str
    missing: bool
    """True when the target lacks the person; False when it holds another version."""


def plan_copies(
    snapshots: Mapping[str, Snapshot],
    *,
    targets: Collection[str] | None = None,
    voters: Collection[str] | None = None,
    wanted: Callable[[DirectoryPerson], bool] = still_valid,
    authority: Mapping[str, str] | None = None,
    excluded: Collection[str] = (),
) -> list[Copy]:
    """The copies that bring ``targets`` (default: all) in step with what ``voters`` hold.

    ``snapshots`` is in the household's order (who joined first comes first). Persons only
    non-voters hold are left alone: a terminal filled on joining keeps what it had. A version
    that is not ``wanted`` (by default: one whose validity ended) is copied nowhere; its
    terminals delete it themselves (``expiry.py``).

    ``authority`` (person id -> entry id) names the terminal whose version wins whatever the vote
    (a change that did not reach the others); while that terminal was not read, the person is
    left alone. ``excluded`` persons (deleted, the delete still pending somewhere) are copied
    nowhere.
    """
    authority = authority or {}
    order = list(snapshots)
    voting = [entry_id for entry_id in order if voters is None or entry_id in voters]
    receiving = [entry_id for entry_id in order if targets is None or entry_id in targets]
    person_ids = dict.fromkeys(
        person_id for entry_id in voting for person_id in snapshots[entry_id]
    )
    copies: list[Copy] = []
    for person_id in person_ids:
        if person_id in excluded:
            continue
        if (ruler := authority.get(person_id)) is not None:
            if ruler not in snapshots or person_id not in snapshots[ruler]:
                continue
            source, reference = ruler, snapshots[ruler][person_id]
            if wanted(reference):
                copies.extend(
                    Copy(person_id, source, target, missing=held is None)
                    for target in receiving
                    if (held := snapshots[target].get(person_id)) != reference
                )
            continue
        holders = [
            (entry_id, snapshots[entry_id][person_id])
            for entry_id in voting
            if person_id in snapshots[entry_id]
        ]
        votes = Counter(version for _, version in holders)
        most = max(votes.values())
        source, reference = next(
            (entry_id, version) for entry_id, version in holders if votes[version] == most
        )
        if not wanted(reference):
            continue
        for target in receiving:
            held = snapshots[target].get(person_id)
            if held != reference:
                copies.append(Copy(person_id, source, target, missing=held is None))
    return copies


def person_data(person: Person) -> PersonData:
    """Everything a terminal holds of a person, as an upload of it (its first photo, if any)."""
    return PersonData(
        id=person.id,
        name=person.name,
        role=person.role,
        kind=person.kind,
        image=person.images[0] if person.images else None,
        wg_card_id=person.wg_card_id if person.long_card_id is None else None,
        long_card_id=person.long_card_id,
        term_start=person.term_start,
        term=person.term,
        customer_text=person.customer_text,
    )


async def async_read_person(client: FaceCaptureClient, person_id: str) -> Person | None:
    """One person with their photo, or None when the terminal does not hold them."""
    page = await client.request_persons(person_id=person_id, page_size=1, with_images=True)
    return next((person for person in page.persons if person.id == person_id), None)


def error_kind(err: FaceCaptureError) -> str:
    """What went wrong, without the terminal's own words (they may quote an id)."""
    if isinstance(err, FaceCaptureDeviceError):
        return f"{err.summary} (code {err.code})"
    if isinstance(err, FaceCaptureAuthError):
        return "the terminal refused the credentials"
    if isinstance(err, FaceCaptureConnectionError):
        return "the terminal could not be reached"
    return type(err).__name__


@dataclass
class CopyOutcome:
    """What a run of copies achieved, per target terminal (entry id)."""

    done: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    full: set[str] = field(default_factory=set)
    """Targets that answered code 20: nothing more is sent to them."""
    stopped: dict[str, str] = field(default_factory=dict)
    """Targets (or sources) that could not be reached, with the kind of error."""
    errors: dict[str, str] = field(default_factory=dict)
    """Per target, the kind of the last error of a copy that failed."""

    def left(self, target: str, planned: int) -> int:
        """Copies into ``target`` that did not happen."""
        return planned - self.done[target]


type ProgressCallback = Callable[[Copy, bool], None]


class CopyRun:
    """Carries out a plan: reads each person once per source, uploads it to every target."""

    def __init__(
        self,
        clients: Mapping[str, FaceCaptureClient],
        *,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Copy between the terminals of ``clients`` (entry id -> client)."""
        self.clients = clients
        self.outcome = CopyOutcome()
        self._progress = progress

    async def async_run(self, copies: Collection[Copy]) -> CopyOutcome:
        """Copy everything planned; errors are counted per target, never raised."""
        by_source: dict[str, dict[str, list[Copy]]] = defaultdict(lambda: defaultdict(list))
        for copy in copies:
            by_source[copy.source][copy.person_id].append(copy)
        for source, wanted in by_source.items():
            try:
                await self._async_from(source, wanted)
            except FaceCaptureError as err:
                # The source failed: what it should have given is not copied.
                kind = error_kind(err)
                for pending in wanted.values():
                    for copy in pending:
                        self._finish(copy, ok=False, error=kind)
                self.outcome.stopped[source] = kind
        return self.outcome

    async def _async_from(self, source: str, wanted: dict[str, list[Copy]]) -> None:
        client = self.clients[source]
        if len(wanted) >= PAGED_COPIES:
            async for person in client.iter_persons(role=Role.ALL, with_images=True):
                if (pending := wanted.pop(person.id, None)) is not None:
                    await self._async_upload(person, pending)
                if not wanted:
                    return
        for person_id in list(wanted):
            pending = wanted.pop(person_id)
            found = await async_read_person(client, person_id)
            if found is None:
                for copy in pending:  # gone since the plan was made: nothing to copy
                    self._finish(copy, ok=False, error="gone from the source")
                continue
            await self._async_upload(found, pending)
        # Anyone the paged read no longer found (deleted meanwhile) was not copied.
        for pending in wanted.values():
            for copy in pending:
                self._finish(copy, ok=False, error="gone from the source")

    async def _async_upload(self, person: Person, copies: list[Copy]) -> None:
        data = person_data(person)
        for copy in copies:
            target = copy.target
            if target in self.outcome.full or target in self.outcome.stopped:
                self._finish(copy, ok=False)
                continue
            try:
                await self.clients[target].upload_person(data, mode=UploadMode.AUTO)
            except FaceCaptureStorageFullError:
                self.outcome.full.add(target)
                self._finish(copy, ok=False)
            except (FaceCaptureConnectionError, FaceCaptureAuthError) as err:
                self.outcome.stopped[target] = error_kind(err)
                self._finish(copy, ok=False)
            except FaceCaptureError as err:
                self._finish(copy, ok=False, error=error_kind(err))
            else:
                self._finish(copy, ok=True)

    def _finish(self, copy: Copy, *, ok: bool, error: str | None = None) -> None:
        if ok:
            self.outcome.done[copy.target] += 1
        else:
            self.outcome.failed[copy.target] += 1
            if error is not None:
                self.outcome.errors[copy.target] = error
        if self._progress is not None:
            self._progress(copy, ok)


async def async_mirror_upload(
    source: FaceCaptureClient,
    target: FaceCaptureClient,
    person: PersonData,
    mode: UploadMode,
) -> None:
    """Make on ``target`` the change an action made on ``source``.

    An enrolment is an add-or-modify there (the household converges whatever the target held);
    a change of some fields of a person the target lacks becomes a copy of the whole person.
    """
    if mode is not UploadMode.MODIFY:
        await target.upload_person(person, mode=UploadMode.AUTO)
        return
    try:
        await target.upload_person(person, mode=UploadMode.MODIFY)
    except FaceCaptureRecordNotFoundError:
        whole = await async_read_person(source, person.id)
        if whole is not None:
            await target.upload_person(person_data(whole), mode=UploadMode.AUTO)


async def async_mirror_delete(target: FaceCaptureClient, person_id: str) -> None:
    """Delete a person on ``target`` too; one it never held is gone already."""
    try:
        await target.delete_person(person_id)
    except FaceCaptureRecordNotFoundError:
        return
