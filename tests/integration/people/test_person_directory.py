"""The person directory: read by paging in the background, kept in step, stored only on request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.facecapture.api import FaceCaptureClient, Person, Role
from custom_components.facecapture.const import CONF_KEEP_PERSONS
from custom_components.facecapture.people.directory import (
    REFRESH_COOLDOWN,
    REFRESH_INTERVAL,
    SAVE_DELAY,
    DirectoryPerson,
    PersonDirectory,
)
from simulator import Simulator
from tests.integration.common import call_action, make_jpeg

pytestmark = pytest.mark.usefixtures("no_platforms")


def _storage_key(entry: MockConfigEntry) -> str:
    return f"facecapture.persons.{entry.entry_id}"


def _directory(entry: MockConfigEntry) -> PersonDirectory:
    directory: PersonDirectory = entry.runtime_data.directory
    return directory


def _pages(simulator: Simulator, start: int = 0) -> list[int]:
    """The pages of the person list read since request ``start`` (the person count reads one)."""
    return [
        body["page_no"]
        for body in simulator.requests[start:]
        if body.get("cmd") == "request persons" and body.get("page_size") == 20
    ]


async def _settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_read_in_background_by_pages(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry, internal_url: str
) -> None:
    """45 persons are three pages; names, roles and validity are kept, photos never asked for."""
    for number in range(3, 46):
        simulator.add_person(f"{1000 + number}", f"Person {number}")
    simulator.state.persons["1002"]["role"] = 2
    simulator.state.persons["1002"]["term"] = "2030/01/01 00:00:00"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await _settle(hass)

    directory = _directory(mock_config_entry)
    assert directory.complete
    assert len(directory.persons) == 45
    assert _pages(simulator) == [1, 2, 3]
    assert all(
        body.get("image_flag") == 0 and body.get("feature_flag") == 0
        for body in simulator.requests
        if body.get("cmd") == "request persons"
    )
    assert directory.get("1001") == DirectoryPerson("1001", "Alice", 1, "useless", "forever")
    assert directory.get("1002") == DirectoryPerson(
        "1002", "Bob", 2, "useless", "2030/01/01 00:00:00"
    )
    assert directory.get("9999") is None
    assert directory.get(None) is None
    assert directory.refreshed_at is not None


async def test_set_up_does_not_wait_for_the_directory(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str
) -> None:
    """Set-up finishes while the list is still being read; the read ends with the entry."""
    release = asyncio.Event()
    original = FaceCaptureClient.iter_persons

    async def slow(self: FaceCaptureClient, **filters: Any) -> AsyncIterator[Person]:
        await release.wait()
        async for person in original(self, **filters):
            yield person

    with patch.object(FaceCaptureClient, "iter_persons", slow):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        assert mock_config_entry.state is ConfigEntryState.LOADED
        directory = _directory(mock_config_entry)
        assert not directory.complete
        assert directory.persons == {}
        release.set()
        await _settle(hass)
    assert directory.complete
    assert set(directory.persons) == {"1001", "1002"}


async def test_refresh_failure_keeps_the_old_list(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A terminal that fails while paging leaves the directory as it was, and says why."""
    await _settle(hass)
    directory = _directory(init_integration)
    simulator.add_person("1003", "Carol")
    simulator.fail_next("request persons", 5)
    await directory.async_refresh()
    assert set(directory.persons) == {"1001", "1002"}
    assert directory.last_error is not None
    await directory.async_refresh()
    assert set(directory.persons) == {"1001", "1002", "1003"}
    assert directory.last_error is None


async def test_unknown_id_in_a_capture_refreshes_once(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """A recognised id the directory lacks makes it read the list again, once per cooldown."""
    await _settle(hass)
    directory = _directory(live_push)
    refreshes = directory.refreshes
    simulator.add_person("1003", "Carol")
    start = len(simulator.requests)
    await simulator.capture("recognized", person_id="1003")
    await simulator.wait_delivered(timeout=5)
    await _settle(hass)
    assert directory.get("1003") == DirectoryPerson("1003", "Carol", 1, "useless", "forever")
    assert directory.refreshes == refreshes + 1
    assert _pages(simulator, start) == [1]

    # Known ids, strangers and repeated unknown ids read nothing more.
    start = len(simulator.requests)
    await simulator.capture("recognized", person_id="1001")
    await simulator.capture("stranger")
    directory.async_check_id("ghost")
    directory.async_check_id("ghost")
    await simulator.wait_delivered(timeout=5)
    await _settle(hass)
    assert _pages(simulator, start) == []  # "ghost" waits for the cooldown
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=REFRESH_COOLDOWN + 1))
    await _settle(hass)
    assert _pages(simulator, start) == [1]
    directory.async_check_id("ghost")  # still unknown after that refresh: not looked for again
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2 * REFRESH_COOLDOWN + 2))
    await _settle(hass)
    assert _pages(simulator, start) == [1]


async def test_encrypted_id_does_not_refresh(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """With encryption on, the pushed id is ciphertext: it is never looked up."""
    await _settle(hass)
    simulator.state.aes_enabled = True
    start = len(simulator.requests)
    await simulator.capture("recognized", person_id="1001")
    await simulator.wait_delivered(timeout=5)
    await _settle(hass)
    assert _pages(simulator, start) == []


async def test_count_change_refreshes(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Persons added on the terminal's own screen show up after the next poll counts them."""
    await _settle(hass)
    directory = _directory(init_integration)
    simulator.add_person("1003", "Carol")
    await init_integration.runtime_data.coordinator.async_refresh()
    await _settle(hass)
    assert directory.get("1003") is not None

    # A failed poll says nothing about the count.
    start = len(simulator.requests)
    simulator.fail_next("request date time", 5)
    await init_integration.runtime_data.coordinator.async_refresh()
    await _settle(hass)
    assert _pages(simulator, start) == []


async def test_slow_schedule(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every few hours the list is read again, for renames made on the terminal."""
    await _settle(hass)
    directory = _directory(init_integration)
    simulator.state.persons["1001"]["name"] = "Alicia"
    freezer.tick(REFRESH_INTERVAL + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await _settle(hass)
    person = directory.get("1001")
    assert person is not None
    assert person.name == "Alicia"


async def test_actions_update_the_directory(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Enrol, update and delete change the directory at once, as the terminal has it."""
    await _settle(hass)
    directory = _directory(init_integration)
    changes: list[int] = []
    directory.async_add_listener(lambda: changes.append(len(directory.persons)))

    await call_action(hass, "enroll_person", {"id": "1003", "name": "Carol", "role": "blacklist"})
    assert directory.get("1003") == DirectoryPerson("1003", "Carol", 2, "useless", "forever")
    await call_action(hass, "update_person", {"id": "1003", "name": "Caroline"})
    person = directory.get("1003")
    assert person is not None
    assert (person.name, person.role) == ("Caroline", 2)
    await call_action(hass, "delete_person", {"id": "1003"})
    assert directory.get("1003") is None
    await call_action(hass, "delete_persons", {"role": "whitelist", "confirm": True})
    assert directory.persons == {}
    assert changes == [3, 3, 2, 1, 0]


async def test_read_back_failure_refreshes_later(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """If the person cannot be read back after an action, the whole list is read soon after."""
    await _settle(hass)
    directory = _directory(init_integration)
    simulator.add_person("1003", "Carol")
    simulator.fail_next("request persons", 5)
    await directory.async_fetch("1003")
    await _settle(hass)
    assert directory.get("1003") is not None
    # Someone deleted on the terminal is dropped when read back.
    del simulator.state.persons["1003"]
    await directory.async_fetch("1003")
    assert directory.get("1003") is None


async def test_kept_on_disk_when_asked(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the option on, the directory is stored and a restart reads it back instead of paging."""
    entry = MockConfigEntry(
        domain="facecapture",
        title="Front gate",
        unique_id="0123E4-FB5BFC-9186EE",
        data={"host": "127.0.0.1", "port": simulator.port, "webhook_id": "abc"},
        options={CONF_KEEP_PERSONS: True},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await _settle(hass)
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await _settle(hass)
    stored = hass_storage[_storage_key(entry)]
    assert stored["data"]["persons"] == [
        ["1001", "Alice", 1, "useless", "forever"],
        ["1002", "Bob", 1, "useless", "forever"],
    ]

    assert await hass.config_entries.async_unload(entry.entry_id)
    start = len(simulator.requests)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await _settle(hass)
    assert _pages(simulator, start) == []
    directory = _directory(entry)
    assert directory.complete
    assert set(directory.persons) == {"1001", "1002"}

    # Too old a copy is used at once, and read again behind it.
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.tick(REFRESH_INTERVAL + timedelta(seconds=1))
    start = len(simulator.requests)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await _settle(hass)
    assert _pages(simulator, start) == [1]

    # Removing the terminal removes the copy.
    await hass.config_entries.async_remove(entry.entry_id)
    await _settle(hass)
    assert _storage_key(entry) not in hass_storage


async def test_not_on_disk_by_default(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    hass_storage: dict[str, Any],
) -> None:
    """Without the option, nothing is stored, and a copy left from before is deleted."""
    hass_storage[_storage_key(mock_config_entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": _storage_key(mock_config_entry),
        "data": {"persons": [["1001", "Alice", 1, "useless", "forever"]]},
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await _settle(hass)
    assert _storage_key(mock_config_entry) not in hass_storage
    assert set(_directory(mock_config_entry).persons) == {"1001", "1002"}


@pytest.mark.parametrize(
    "data",
    [None, [], {"persons": "nope"}, {"persons": [["", "x", 1, None, None], "junk", [1, 2]]}],
)
async def test_unreadable_store(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    hass_storage: dict[str, Any],
    data: Any,
) -> None:
    """A stored copy that is not what we wrote is ignored (or its bad rows are)."""
    entry = MockConfigEntry(
        domain="facecapture",
        title="Front gate",
        unique_id="0123E4-FB5BFC-9186EE",
        data={"host": "127.0.0.1", "port": simulator.port, "webhook_id": "abc"},
        options={CONF_KEEP_PERSONS: True},
    )
    hass_storage[_storage_key(entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": _storage_key(entry),
        "data": data,
    }
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await _settle(hass)
    assert set(_directory(entry).persons) == {"1001", "1002"}


def test_stored_rows() -> None:
    """Rows are read back leniently: wrong types become None, never an exception."""
    person = DirectoryPerson("7", "Zoë", 0, "useless", "2030/01/01 00:00:00")
    assert DirectoryPerson.from_row(person.as_row()) == person
    assert DirectoryPerson.from_row(["7", None, True, 5, None]) == DirectoryPerson(
        "7", "", None, None, None
    )
    assert DirectoryPerson.from_row(["7", "x"]) is None
    assert DirectoryPerson.from_row({"id": "7"}) is None


async def test_choices(hass: HomeAssistant) -> None:
    """Labels are names, sorted; a shared name shows the id; a missing name is the id."""
    directory = PersonDirectory(
        hass, FaceCaptureClient("127.0.0.1"), entry_id="x", title="t", persist=False
    )
    for person in (
        DirectoryPerson("3", "bob", 1, None, None),
        DirectoryPerson("1", "Alice", 1, None, None),
        DirectoryPerson("2", "Alice", 1, None, None),
        DirectoryPerson("4", "", 1, None, None),
    ):
        directory.async_set(person)
    assert directory.choices() == {"4": "4", "1": "Alice (1)", "2": "Alice (2)", "3": "bob"}
    assert directory.choices(keep=["gone"])["gone"] == "gone"
    directory.async_remove("nobody")  # nothing to remove: no change
    directory.async_remove_role(Role.ORDINARY)
    assert len(directory.persons) == 4


class _SlowClient:
    """A client whose listing waits half-way, so that actions can happen meanwhile."""

    def __init__(self) -> None:
        self.halfway = asyncio.Event()
        self.go_on = asyncio.Event()

    async def iter_persons(self, **_filters: Any) -> AsyncIterator[Person]:
        yield Person(id="1", name="One", role=1)
        self.halfway.set()
        await self.go_on.wait()
        yield Person(id="2", name="Two", role=1)
        yield Person(id="3", name="Three", role=1)


async def test_changes_during_a_refresh_are_kept(hass: HomeAssistant) -> None:
    """An action that lands while the list is being read is applied on top of what was read."""
    client = _SlowClient()
    directory = PersonDirectory(hass, client, entry_id="x", title="t", persist=False)  # type: ignore[arg-type]
    refresh = hass.async_create_task(directory.async_refresh())
    await client.halfway.wait()
    directory.async_set(DirectoryPerson("9", "Nine", 1, None, None))
    directory.async_remove("3")
    await directory.async_refresh()  # one at a time: this one returns at once
    client.go_on.set()
    await refresh
    assert set(directory.persons) == {"1", "2", "9"}


async def test_photo_enrolment_keeps_no_photo(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Any
) -> None:
    """A person enrolled with a photo is in the directory without it (slots, five fields)."""
    path = tmp_path / "carol.jpg"
    path.write_bytes(make_jpeg())
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await _settle(hass)
    await call_action(
        hass, "enroll_person", {"id": "1003", "name": "Carol", "photo_file": str(path)}
    )
    person = _directory(init_integration).get("1003")
    assert person is not None
    assert not hasattr(person, "__dict__")
    assert DirectoryPerson.__slots__ == ("id", "name", "role", "valid_from", "valid_until")
