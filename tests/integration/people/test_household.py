"""One household on several terminals: three simulators over real HTTP, one household name."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Generator
from datetime import datetime, timedelta
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, EVENT_STATE_CHANGED, Platform
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.facecapture.api import (
    FaceCaptureAuthError,
    FaceCaptureClient,
    FaceCaptureConnectionError,
    FaceCaptureError,
)
from custom_components.facecapture.const import (
    CONF_HOUSEHOLD,
    CONF_WEBHOOK_ID,
    DATA_HOUSEHOLD_FILLED,
    DOMAIN,
)
from custom_components.facecapture.diagnostics import async_get_config_entry_diagnostics
from custom_components.facecapture.people.directory import DirectoryPerson
from custom_components.facecapture.people.household import (
    DATA_HOUSEHOLDS,
    DRIFT_INTERVAL,
    Household,
    household_of,
)
from custom_components.facecapture.people.sync import (
    PAGED_COPIES,
    Copy,
    CopyRun,
    async_read_persons,
    error_kind,
    plan_copies,
)
from simulator import Simulator
from tests.integration.common import make_jpeg

SERIALS = ("0123E4-FB5BFC-9186EE", "0123E4-FB5BFC-9186EF", "0123E4-FB5BFC-9186F0")
TITLES = ("Front gate", "Garage", "Back door")
HOUSEHOLD = "Home"


@pytest.fixture
def photo_file(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A small face photo in a folder Home Assistant may read."""
    path = tmp_path / "carol.jpg"
    path.write_bytes(make_jpeg(color=(200, 120, 90)))
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    return path


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms set up; most tests need none."""
    return []


@pytest.fixture(autouse=True)
def only_platforms(platforms: list[Platform]) -> Generator[None]:
    """Set entries up with the chosen platforms only (quicker with three terminals)."""
    with patch("custom_components.facecapture.PLATFORMS", platforms):
        yield


@pytest.fixture
async def sims(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[list[Simulator]]:
    """Three terminals; the first holds Alice and Bob, the others nobody."""
    started: list[Simulator] = []
    for index, serial in enumerate(SERIALS):
        sim = Simulator(serial, resend_interval=0.2, reboot_seconds=0.3)
        sim.state.mac = f"48:0b:b2:5a:19:{index:02x}"  # each terminal is a device of its own
        sim.state.clock.utc_offset = dt_util.now().utcoffset() or timedelta(0)
        await sim.start()
        started.append(sim)
    started[0].add_person("1001", "Alice")
    started[0].add_person("1002", "Bob")
    try:
        yield started
    finally:
        for sim in started:
            await sim.stop()


def _entry(index: int, sim: Simulator, household: str | None = HOUSEHOLD) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=TITLES[index],
        unique_id=SERIALS[index],
        data={CONF_HOST: "127.0.0.1", CONF_PORT: sim.port, CONF_WEBHOOK_ID: f"{index}" * 64},
        options={CONF_HOUSEHOLD: household} if household else {},
    )


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


@pytest.fixture
async def entries(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> list[MockConfigEntry]:
    """The three terminals set up one after the other, all in the household."""
    return [await _set_up(hass, _entry(index, sim)) for index, sim in enumerate(sims)]


def _device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return devices[0].id


async def _call(hass: HomeAssistant, entry: MockConfigEntry, action: str, **data: Any) -> Any:
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {"device_id": _device_id(hass, entry), **data},
        blocking=True,
        return_response=action in ("enroll_person", "update_person"),
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    return response


def _held(sim: Simulator) -> dict[str, tuple[str, int, str]]:
    """What a terminal holds, as compared: id -> (name, role, validity end)."""
    return {
        person_id: (person["name"], person["role"], person["term"])
        for person_id, person in sim.state.persons.items()
    }


def _uploads(sim: Simulator, start: int = 0) -> list[dict[str, Any]]:
    return [body for body in sim.requests[start:] if body.get("cmd") == "upload person"]


def _household(hass: HomeAssistant) -> Household:
    return hass.data[DATA_HOUSEHOLDS][HOUSEHOLD.casefold()]


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


# ---------------------------------------------------------------------------------------------
# Joining, and the actions


async def test_joining_terminals_receive_everyone(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """Each terminal that joins gets the household's persons; then it is marked as filled."""
    assert _held(sims[1]) == _held(sims[0]) == _held(sims[2])
    assert set(_held(sims[2])) == {"1001", "1002"}
    # The first had nobody to be filled from: it is filled when it is next set up.
    assert DATA_HOUSEHOLD_FILLED not in entries[0].data
    for entry in entries[1:]:
        assert entry.data[DATA_HOUSEHOLD_FILLED] == HOUSEHOLD.casefold()
    for entry in entries:
        assert set(entry.runtime_data.directory.persons) == {"1001", "1002"}
    assert _issue(hass, f"household_drift_{HOUSEHOLD.lower()}") is None

    # A reload does not fill again: it only compares.
    start = len(sims[2].requests)
    assert await hass.config_entries.async_reload(entries[2].entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _uploads(sims[2], start) == []

    # Set up again, the first is filled from the others (who hold what it holds) and marked.
    start = len(sims[0].requests)
    assert await hass.config_entries.async_reload(entries[0].entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entries[0].data[DATA_HOUSEHOLD_FILLED] == HOUSEHOLD.casefold()
    assert _uploads(sims[0], start) == []


async def test_enrol_update_delete_reach_every_terminal(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry], photo_file: Path
) -> None:
    """An action on one terminal is made on the others, with the photo it was given."""
    reply = await _call(
        hass, entries[1], "enroll_person", id="1003", name="Carol", photo_file=str(photo_file)
    )
    assert reply == {"id": "1003", "duplicate_id": None}
    photos = {sim.state.persons["1003"]["image"] for sim in sims}
    assert len(photos) == 1
    assert None not in photos
    assert {sim.state.persons["1003"]["name"] for sim in sims} == {"Carol"}

    await _call(hass, entries[2], "update_person", id="1003", name="Caroline", role="blacklist")
    for sim in sims:
        assert sim.state.persons["1003"]["name"] == "Caroline"
        assert sim.state.persons["1003"]["role"] == 2
    for entry in entries:
        assert entry.runtime_data.directory.persons["1003"].name == "Caroline"

    await _call(hass, entries[0], "delete_person", id="1003")
    for sim, entry in zip(sims, entries, strict=True):
        assert "1003" not in sim.state.persons
        assert "1003" not in entry.runtime_data.directory.persons

    await _call(hass, entries[0], "delete_persons", role="whitelist", confirm=True)
    for sim in sims:
        assert sim.state.persons == {}


async def test_update_of_someone_another_terminal_lacks_copies_them_whole(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry], photo_file: Path
) -> None:
    """A terminal that lost a person gets all of them, photo included, when they change."""
    await _call(
        hass, entries[0], "enroll_person", id="1003", name="Carol", photo_file=str(photo_file)
    )
    del sims[2].state.persons["1003"]  # behind the integration's back
    await _call(hass, entries[0], "update_person", id="1003", name="Caroline")
    assert sims[2].state.persons["1003"]["name"] == "Caroline"
    assert sims[2].state.persons["1003"]["image"] == sims[0].state.persons["1003"]["image"]
    # A delete of someone a terminal never held is no failure.
    del sims[1].state.persons["1003"]
    await _call(hass, entries[0], "delete_person", id="1003")
    assert _issue(hass, f"household_copy_failed_{entries[1].entry_id}") is None


async def test_failure_elsewhere_does_not_fail_the_action(
    hass: HomeAssistant,
    sims: list[Simulator],
    entries: list[MockConfigEntry],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The action succeeds; the terminal that refused gets an issue, and a sync repairs it."""
    sims[2].fail_next("upload person", 23, "could not write person 1003 Zed")
    caplog.set_level(logging.DEBUG, logger="custom_components.facecapture")
    await _call(hass, entries[0], "enroll_person", id="1003", name="Zed")
    assert "1003" in sims[0].state.persons
    assert "1003" in sims[1].state.persons
    assert "1003" not in sims[2].state.persons
    issue_id = f"household_copy_failed_{entries[2].entry_id}"
    issue = _issue(hass, issue_id)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["title"] == "Back door"
    assert "code 23" in issue.translation_placeholders["error"]
    assert "Zed" not in caplog.text
    assert "1003" not in caplog.text
    assert "could not write" not in caplog.text

    await _household(hass).async_synchronise()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _held(sims[2]) == _held(sims[0])
    assert _issue(hass, issue_id) is None


async def test_delete_that_failed_elsewhere_is_not_undone(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """A synchronisation makes the pending delete rather than copying the person back."""
    sims[2].fail_next("delete person(s)", 23, "could not delete 1001 Alice")
    await _call(hass, entries[0], "delete_person", id="1001")
    assert "1001" in sims[2].state.persons
    household = _household(hass)
    assert set(household.pending) == {"1001"}

    # The comparison reports the terminal still holding them, and copies them nowhere.
    copies = await household.async_check()
    assert copies == []
    issue = _issue(hass, household.drift_issue_id)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["different"] == "1"
    assert issue.translation_placeholders["terminals"] == "Back door"

    result = await household.async_synchronise()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert result.copies == []
    for sim, entry in zip(sims, entries, strict=True):
        assert set(sim.state.persons) == {"1002"}
        assert set(entry.runtime_data.directory.persons) == {"1002"}
    assert household.pending == {}
    assert _issue(hass, household.drift_issue_id) is None
    assert _issue(hass, f"household_copy_failed_{entries[2].entry_id}") is None


async def test_delete_while_a_terminal_is_unloaded_reaches_it_later(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """A terminal that missed a delete does not give the person back to the others."""
    assert await hass.config_entries.async_unload(entries[2].entry_id)
    await _call(hass, entries[0], "delete_person", id="1001")
    household = _household(hass)
    await household.async_synchronise()  # the back door is not there: the delete stays pending
    assert set(household.pending) == {"1001"}

    assert await hass.config_entries.async_setup(entries[2].entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "1001" not in sims[0].state.persons
    assert "1001" not in sims[1].state.persons
    await household.async_synchronise()
    for sim in sims:
        assert set(sim.state.persons) == {"1002"}
    assert household.pending == {}

    # A delete that failed on a terminal still fails: it stays pending, the issue stays raised.
    sims[2].fail_next("delete person(s)", 23)
    await _call(hass, entries[0], "delete_person", id="1002")
    sims[2].fail_next("delete person(s)", 23)
    await household.async_synchronise()
    assert set(household.pending) == {"1002"}
    assert "1002" in sims[2].state.persons
    assert "1002" not in sims[0].state.persons
    assert _issue(hass, f"household_copy_failed_{entries[2].entry_id}") is not None


async def test_update_that_failed_elsewhere_wins_the_next_synchronisation(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """The terminal the update was made on holds the version the others get, outvoted or not."""
    sims[1].fail_next("upload person", 23)
    sims[2].fail_next("upload person", 23)
    await _call(hass, entries[0], "update_person", id="1001", name="Alicia")
    assert sims[1].state.persons["1001"]["name"] == "Alice"  # two of three hold the old one
    household = _household(hass)
    assert household.pending["1001"].source == entries[0].entry_id
    await household.async_synchronise()
    for sim in sims:
        assert sim.state.persons["1001"]["name"] == "Alicia"
    assert household.pending == {}

    # While the terminal holding the newer version cannot be read, nobody else's is copied.
    sims[2].fail_next("upload person", 23)
    await _call(hass, entries[0], "update_person", id="1001", name="Ali")
    assert await hass.config_entries.async_unload(entries[0].entry_id)
    result = await household.async_synchronise()
    assert result.copies == []
    assert sims[2].state.persons["1001"]["name"] == "Alicia"
    assert sims[0].state.persons["1001"]["name"] == "Ali"
    assert set(household.pending) == {"1001"}
    # A later change that reaches everyone makes the pending one moot.
    assert await hass.config_entries.async_setup(entries[0].entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _call(hass, entries[1], "update_person", id="1001", name="Alice")
    assert household.pending == {}


async def test_mirroring_waits_for_a_running_synchronisation(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """An action's change on the others never interleaves with the household's copying."""
    household = _household(hass)
    start = len(sims[1].requests)
    async with household._lock:
        task = hass.async_create_task(
            _call(hass, entries[0], "enroll_person", id="1003", name="Carol")
        )
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert "1003" in sims[0].state.persons  # the action itself is not held up
        assert _uploads(sims[1], start) == []
    await task
    assert "1003" in sims[1].state.persons


# ---------------------------------------------------------------------------------------------
# Drift


async def test_drift_is_found_reported_and_repaired(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """Changes behind the integration's back raise a fixable issue; confirming it copies."""
    del sims[1].state.persons["1001"]
    sims[2].state.persons["1002"]["name"] = "Robert"
    sims[0].state.persons["1002"]["name"] = "Robert"  # two of three now say Robert
    sims[2].add_person("1009", "Dave")  # only the back door has Dave

    household = _household(hass)
    household.checked_at = None  # the scheduled comparison, not skipped as "just done"
    async_fire_time_changed(hass, dt_util.utcnow() + DRIFT_INTERVAL)
    await hass.async_block_till_done(wait_background_tasks=True)

    issue_id = f"household_drift_{HOUSEHOLD.lower()}"
    issue = _issue(hass, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "household": HOUSEHOLD,
        "missing": "3",  # Alice on the garage, Dave on the front gate and the garage
        "different": "1",  # Bob on the garage: the majority says Robert
        "terminals": "Garage, Front gate",
    }
    assert "Dave" not in str(issue.translation_placeholders)

    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _held(sims[0]) == _held(sims[1]) == _held(sims[2])
    assert _held(sims[1])["1002"][0] == "Robert"
    assert set(_held(sims[0])) == {"1001", "1002", "1009"}
    assert _issue(hass, issue_id) is None


async def test_drift_issue_goes_with_the_household(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """Once the household's last terminal is unloaded, its drift issue goes; a stale fix aborts."""
    sims[1].add_person("1009", "Dave")
    await _household(hass).async_check()
    issue_id = f"household_drift_{HOUSEHOLD.lower()}"
    assert _issue(hass, issue_id) is not None
    for entry in entries[:2]:
        assert await hass.config_entries.async_unload(entry.entry_id)
    assert _issue(hass, issue_id) is not None
    assert await hass.config_entries.async_unload(entries[2].entry_id)
    assert _issue(hass, issue_id) is None

    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="household_drift",
        data={"household": HOUSEHOLD},
    )
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


async def test_unreadable_terminal_is_left_out(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """A terminal that cannot be read is neither compared nor written; the others are."""
    sims[1].add_person("1009", "Dave")
    sims[2].fail_next("request persons", 6)
    result = await _household(hass).async_synchronise()
    assert result.skipped == ["Back door"]
    assert "1009" in sims[0].state.persons
    assert "1009" not in sims[2].state.persons


# ---------------------------------------------------------------------------------------------
# A terminal that joins later, a full terminal


async def test_late_terminal_is_filled_in_the_background_with_progress(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> None:
    """Set-up returns at once; the copying counts up on the household's progress."""
    sims[0].add_persons(45)
    first = await _set_up(hass, _entry(0, sims[0]))
    await _set_up(hass, _entry(1, sims[1], household=None))  # not in the household
    assert _uploads(sims[1]) == []

    late = _entry(2, sims[2], household=" home ")  # same household, written differently
    late.add_to_hass(hass)
    seen: list[tuple[int, int]] = []
    household = household_of(hass, first)
    assert household is not None

    def progressed() -> None:
        progress = household.progress.get(late.entry_id)
        if progress is not None and progress.total:
            seen.append((progress.done, progress.total))

    household.async_add_listener(progressed)
    assert await hass.config_entries.async_setup(late.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _held(sims[2]) == _held(sims[0])
    assert seen[0] == (0, 47)
    assert seen[-1] == (47, 47)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert household.progress[late.entry_id].percent == 100
    diagnostics = await async_get_config_entry_diagnostics(hass, late)
    assert diagnostics["person_directory"]["household"] == {
        "terminals": 2,
        "copy": {"total": 47, "done": 47, "failed": 0, "running": False},
    }
    # Paged with photos: 3 pages of 20, not one request per person.
    reads = [
        body
        for body in sims[0].requests
        if body.get("cmd") == "request persons" and body.get("image_flag") == 1
    ]
    assert len(reads) == 3


async def test_full_terminal_stops_the_copy_with_an_issue(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> None:
    """Code 20 stops the copying into that terminal; the issue says how many were not copied."""
    sims[0].add_persons(3)
    sims[1].state.capacity = 3
    await _set_up(hass, _entry(0, sims[0]))
    second = await _set_up(hass, _entry(1, sims[1]))

    assert len(sims[1].state.persons) == 3
    refused = [body for body in _uploads(sims[1]) if body["id"] not in sims[1].state.persons]
    assert len(refused) == 1  # one refusal, then nothing more is sent
    issue = _issue(hass, f"household_full_{second.entry_id}")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "household": HOUSEHOLD,
        "title": "Garage",
        "left": "2",
    }
    assert DATA_HOUSEHOLD_FILLED not in second.data  # filled again when it is set up again

    # Room made on the terminal: the next synchronisation finishes and clears the issue.
    sims[1].state.capacity = 10
    await _household(hass).async_synchronise()
    assert len(sims[1].state.persons) == 5
    assert _issue(hass, f"household_full_{second.entry_id}") is None

    # Leaving the household clears what it raised about the terminal.
    sims[1].state.capacity = 5
    sims[0].add_person("1003", "Carol")
    await _household(hass).async_synchronise()
    assert _issue(hass, f"household_full_{second.entry_id}") is not None
    hass.config_entries.async_update_entry(second, options={})
    assert await hass.config_entries.async_reload(second.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _issue(hass, f"household_full_{second.entry_id}") is None


# ---------------------------------------------------------------------------------------------
# Entities


@pytest.mark.parametrize("platforms", [[Platform.BUTTON, Platform.SENSOR]])
async def test_button_and_sensor(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry], internal_url: str
) -> None:
    """ "Synchronise persons" copies at once; "Person sync" shows the progress as a percentage."""
    registry = er.async_get(hass)
    button = registry.async_get_entity_id("button", DOMAIN, f"{SERIALS[1]}_synchronise_persons")
    sensor = registry.async_get_entity_id("sensor", DOMAIN, f"{SERIALS[1]}_person_sync")
    assert button is not None
    assert sensor is not None
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == "100"

    sims[0].add_person("1009", "Dave")
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _held(sims[1]) == _held(sims[0]) == _held(sims[2])
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == "100"
    assert state.attributes["total"] == 1
    assert state.attributes["copied"] == 1
    assert state.attributes["failed"] == 0

    # Home Assistant 2026.11 renames in place; the sensor keeps following the household.
    entity = hass.data["entity_components"]["sensor"].get_entity(sensor)
    entity.async_entity_id_changed(sensor)
    assert await hass.config_entries.async_unload(entries[1].entry_id)
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == "unavailable"


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]])
async def test_sensor_writes_a_state_per_percent_not_per_copy(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> None:
    """A fill of 250 persons writes about one state per percent, not one per copy."""
    sims[0].add_persons(248)
    await _set_up(hass, _entry(0, sims[0]))
    writes: Counter[str] = Counter()

    @callback
    def count(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"].endswith("person_sync"):
            writes[event.data["entity_id"]] += 1

    hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    await _set_up(hass, _entry(1, sims[1]))  # 250 copies into the garage
    assert len(sims[1].state.persons) == 250

    registry = er.async_get(hass)
    first = registry.async_get_entity_id("sensor", DOMAIN, f"{SERIALS[0]}_person_sync")
    sensor = registry.async_get_entity_id("sensor", DOMAIN, f"{SERIALS[1]}_person_sync")
    assert first is not None
    assert sensor is not None
    # Added, running at 0 %, each percent up to 100 % and done: never a state per copy.
    assert 50 < writes[sensor] <= 103
    assert writes[first] == 0  # nothing was copied into the front gate
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == "100"
    assert state.attributes["total"] == 250
    assert state.attributes["copied"] == 250
    assert state.attributes["failed"] == 0


@pytest.mark.parametrize("platforms", [[Platform.BUTTON, Platform.SENSOR]])
async def test_no_household_no_household_entities(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> None:
    """A terminal of its own has neither the button nor the sensor, and copies nothing."""
    entry = await _set_up(hass, _entry(0, sims[0], household=None))
    registry = er.async_get(hass)
    keys = {
        registered.unique_id.removeprefix(f"{SERIALS[0]}_")
        for registered in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert "synchronise_persons" not in keys
    assert "person_sync" not in keys
    assert household_of(hass, entry) is None


# ---------------------------------------------------------------------------------------------
# The plan


def _person(person_id: str, name: str) -> DirectoryPerson:
    return DirectoryPerson(person_id, name, 1, "useless", "forever")


def test_plan_majority_then_first_terminal() -> None:
    """The version most terminals hold wins; on a tie, the first terminal's does."""
    snapshots = {
        "a": {"1": _person("1", "Ann"), "2": _person("2", "Bo")},
        "b": {"1": _person("1", "Anne"), "2": _person("2", "Bob")},
        "c": {"1": _person("1", "Anne")},
    }
    copies = plan_copies(snapshots)
    assert {(c.person_id, c.source, c.target, c.missing) for c in copies} == {
        ("1", "b", "a", False),  # two say Anne
        ("2", "a", "b", False),  # a tie: the first terminal's Bo
        ("2", "a", "c", True),
    }
    # Filling "c" from the others only: what only "c" holds stays out of the plan.
    snapshots["c"] = {"3": _person("3", "Cy")}
    filled = plan_copies(snapshots, targets={"c"}, voters={"a", "b"})
    assert {(c.person_id, c.target) for c in filled} == {("1", "c"), ("2", "c")}


def test_plan_copies_nobody_whose_validity_ended() -> None:
    """A guest whose window ended is not copied back to a terminal that deleted them."""
    ended = DirectoryPerson("4", "Guest", 1, "useless", "2020/01/01 00:00:00")
    coming = DirectoryPerson("5", "Guest", 1, "useless", "2037/01/01 00:00:00")
    copies = plan_copies({"a": {}, "b": {"4": ended, "5": coming}})
    assert [(c.person_id, c.target) for c in copies] == [("5", "a")]


# ---------------------------------------------------------------------------------------------
# Copying when things go wrong


def _clients(hass: HomeAssistant, sims: list[Simulator]) -> dict[str, FaceCaptureClient]:
    session = async_get_clientsession(hass)
    return {
        str(index): FaceCaptureClient("127.0.0.1", sim.port, session=session)
        for index, sim in enumerate(sims)
    }


async def _plan(clients: dict[str, FaceCaptureClient]) -> list[Copy]:
    return plan_copies({key: await async_read_persons(client) for key, client in clients.items()})


async def test_copy_run_counts_what_failed_and_why(
    hass: HomeAssistant, sims: list[Simulator]
) -> None:
    """Gone from the source, refused by the target, an unreachable target: counted, not raised."""
    clients = _clients(hass, sims)
    sims[0].add_person("1003", "Carol")
    copies = await _plan(clients)
    assert len(copies) == 6
    del sims[0].state.persons["1002"]  # deleted after the plan was made
    sims[1].fail_next("upload person", 25)  # no face in the photo
    await sims[2].stop()
    outcome = await CopyRun(clients).async_run(copies)
    assert outcome.done == {"1": 1}
    assert outcome.failed == {"1": 2, "2": 3}
    assert outcome.errors["1"] == "gone from the source"
    assert outcome.stopped == {"2": "the terminal could not be reached"}
    assert outcome.left("1", 3) == 2


async def test_copy_run_pages_and_survives_a_failing_source(
    hass: HomeAssistant, sims: list[Simulator]
) -> None:
    """Many copies page through the source; one that fails copies nothing from it."""
    clients = _clients(hass, sims[:2])
    sims[0].add_persons(PAGED_COPIES)
    copies = await _plan(clients)
    assert len(copies) == PAGED_COPIES + 2
    del sims[0].state.persons["1001"]  # deleted after the plan was made
    outcome = await CopyRun(clients).async_run(copies)
    assert outcome.done == {"1": PAGED_COPIES + 1}
    assert outcome.failed == {"1": 1}

    sims[1].state.persons.clear()
    copies = await _plan(clients)
    sims[0].fail_next("request persons", 6)
    outcome = await CopyRun(clients).async_run(copies)
    assert outcome.failed == {"1": len(copies)}
    assert outcome.stopped == {"0": "The terminal has insufficient resources (code 6)"}


def test_error_kinds_say_nothing_personal() -> None:
    """The kind of an error, never the terminal's own description."""
    assert error_kind(FaceCaptureAuthError("person 1001")) == "the terminal refused the credentials"
    assert error_kind(FaceCaptureError("person 1001")) == "FaceCaptureError"


async def test_joining_terminal_that_cannot_be_read_is_filled_later(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> None:
    """No plan without the joining terminal's list; it is not marked filled, so it tries again."""
    await _set_up(hass, _entry(0, sims[0]))
    late = _entry(1, sims[1])

    async def read(client: FaceCaptureClient) -> dict[str, DirectoryPerson]:
        if client is late.runtime_data.client:
            raise FaceCaptureConnectionError("timed out")
        return await async_read_persons(client)

    with patch("custom_components.facecapture.people.household.async_read_persons", read):
        await _set_up(hass, late)
    assert DATA_HOUSEHOLD_FILLED not in late.data
    assert sims[1].state.persons == {}
    assert await hass.config_entries.async_reload(late.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert late.data[DATA_HOUSEHOLD_FILLED] == HOUSEHOLD.casefold()
    assert _held(sims[1]) == _held(sims[0])


async def test_scheduled_comparison_runs_once_per_interval(
    hass: HomeAssistant, sims: list[Simulator], entries: list[MockConfigEntry]
) -> None:
    """Every terminal has the timer; the household is compared once, not once per terminal."""
    household = _household(hass)
    household.checked_at = None
    with patch.object(household, "async_check", wraps=household.async_check) as check:
        async_fire_time_changed(hass, dt_util.utcnow() + DRIFT_INTERVAL)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert check.call_count == 1


# ---------------------------------------------------------------------------------------------
# Validity that ends


def _device_text(moment: datetime) -> str:
    """A time as the terminal writes it, on its clock (Home Assistant's zone)."""
    return dt_util.as_local(moment).strftime("%Y/%m/%d %H:%M:%S")


async def test_guest_whose_window_ends_leaves_every_terminal(
    hass: HomeAssistant,
    sims: list[Simulator],
    entries: list[MockConfigEntry],
    freezer: FrozenDateTimeFactory,
) -> None:
    """When a validity window ends, each terminal of the household deletes the guest."""
    end = dt_util.utcnow().replace(microsecond=0) + timedelta(hours=2)
    await _call(
        hass,
        entries[0],
        "enroll_person",
        id="2001",
        name="Guest",
        valid_until=dt_util.as_local(end).isoformat(),
    )
    for sim in sims:
        assert sim.state.persons["2001"]["term"] == _device_text(end)

    freezer.move_to(end - timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert all("2001" in sim.state.persons for sim in sims)
    # A reload while the timer waits sets it again; a guest already gone is no failure.
    assert await hass.config_entries.async_reload(entries[2].entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    del sims[1].state.persons["2001"]

    freezer.move_to(end + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    for sim, entry in zip(sims, entries, strict=True):
        assert "2001" not in sim.state.persons
        assert "2001" not in entry.runtime_data.directory.persons
    assert set(sims[0].state.persons) == {"1001", "1002"}
    assert _issue(hass, f"household_copy_failed_{entries[1].entry_id}") is None


async def test_expired_at_set_up_and_failures(
    hass: HomeAssistant,
    sims: list[Simulator],
    internal_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Someone already expired is deleted once the directory is read; a refusal is retried."""
    past = _device_text(dt_util.utcnow() - timedelta(days=1))
    sims[0].state.persons["1002"]["term"] = past
    sims[0].add_person("1003", "Zed")
    sims[0].state.persons["1003"]["term"] = past
    sims[0].fail_next("delete person(s)", 23)
    entry = await _set_up(hass, _entry(0, sims[0]))
    assert "Could not delete a person whose validity ended from Front gate" in caplog.text
    assert "Zed" not in caplog.text
    assert "1003" not in caplog.text
    # The first delete was refused: the next read of the terminal's persons tries again.
    await entry.runtime_data.directory.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert set(sims[0].state.persons) == {"1001"}
    assert set(entry.runtime_data.directory.persons) == {"1001"}


@pytest.mark.parametrize("auto_clean", [True, False])
async def test_terminal_of_its_own_keeps_them_unless_it_cleans(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str, auto_clean: bool
) -> None:
    """Alone, the terminal is left as it is; with auto-clean the directory lets them go."""
    sims[0].state.persons["1002"]["term"] = _device_text(dt_util.utcnow() - timedelta(days=1))
    sims[0].state.app_params["name_list"]["auto_clean"] = auto_clean
    entry = await _set_up(hass, _entry(0, sims[0], household=None))
    assert "1002" in sims[0].state.persons  # the integration deleted nothing
    assert ("1002" in entry.runtime_data.directory.persons) is not auto_clean


async def test_many_expired_persons_leave_the_directory_in_one_pass(
    hass: HomeAssistant, sims: list[Simulator], internal_url: str
) -> None:
    """Each removal calls the check again through the directory's listener; it must not recurse.

    With one nested check per person, 600 expired persons overflowed the stack at set-up.
    """
    sims[0].state.app_params["name_list"]["auto_clean"] = True
    sims[0].add_persons(600)
    past = _device_text(dt_util.utcnow() - timedelta(days=1))
    for person_id, person in sims[0].state.persons.items():
        if person_id not in {"1001", "1002"}:
            person["term"] = past
    entry = await _set_up(hass, _entry(0, sims[0], household=None))
    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.directory.persons) == {"1001", "1002"}
