"""Set-up time with 0 and with 10,000 persons on the terminal, and what the directory costs.

The person directory is read page by page in a background task, so a terminal holding 10,000
persons must not set up any slower than an empty one: the target is a set-up time within 1.5x
of the empty terminal's, measured in the same run against the same simulator (rounds alternate;
the best round of each is compared, as a noisy neighbour on a shared machine only ever slows a
round down; medians are printed too). Also printed: how long the background read takes, and the memory the
directory keeps per person (traced by tracemalloc, after the read; no photos are kept).

Run with ``bash scripts/bench -k person_directory``; the numbers are printed.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.api import FaceCaptureClient
from custom_components.facecapture.people.directory import PersonDirectory
from simulator import Simulator

PERSONS = 10_000
ROUNDS = 7
SETUP_RATIO_TARGET = 1.5
MAX_BYTES_PER_PERSON = 600


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> float:
    """Seconds until set-up returns (what delays Home Assistant's start); then unload."""
    start = time.perf_counter()
    assert await hass.config_entries.async_setup(entry.entry_id)
    elapsed = time.perf_counter() - start
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    return elapsed


async def test_setup_time_and_memory(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
) -> None:
    """Set-up does not wait for 10,000 persons; the directory keeps a few hundred bytes each."""
    mock_config_entry.add_to_hass(hass)
    simulator.state.persons.clear()
    await _set_up(hass, mock_config_entry)  # warm-up: imports, platforms, first connections
    simulator.add_persons(PERSONS)
    full = dict(simulator.state.persons)

    timings: dict[int, list[float]] = {0: [], PERSONS: []}
    for _ in range(ROUNDS):
        for count in (0, PERSONS):
            simulator.state.persons = dict(full) if count else {}
            timings[count].append(await _set_up(hass, mock_config_entry))
    empty, loaded = min(timings[0]), min(timings[PERSONS])
    print(
        f"\nset-up with 0 persons: best {empty * 1000:.1f} ms, "
        f"median {statistics.median(timings[0]) * 1000:.1f} ms ({ROUNDS} rounds)"
        f"\nset-up with {PERSONS} persons: best {loaded * 1000:.1f} ms, "
        f"median {statistics.median(timings[PERSONS]) * 1000:.1f} ms ({ROUNDS} rounds)"
        f"\nratio of the best rounds: {loaded / empty:.2f} (target <= {SETUP_RATIO_TARGET})"
        f"\nall rounds (ms): {[round(t * 1000, 1) for t in timings[0]]} / "
        f"{[round(t * 1000, 1) for t in timings[PERSONS]]}"
    )

    # The background read itself, and what it keeps.
    simulator.state.persons = dict(full)
    client = FaceCaptureClient("127.0.0.1", simulator.port, session=async_get_clientsession(hass))
    directory = PersonDirectory(hass, client, entry_id="bench", title="bench", persist=False)
    start = time.perf_counter()
    await directory.async_refresh()
    read = time.perf_counter() - start
    assert len(directory.persons) == PERSONS

    directory.persons = {}
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    await directory.async_refresh()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_person = (after - before) / PERSONS
    pages = -(-PERSONS // 20)
    print(
        f"background read of {PERSONS} persons: {read:.2f} s ({pages} pages of 20)"
        f"\ndirectory memory: {per_person:.0f} bytes per person "
        f"({(after - before) / 1024:.0f} KiB for {PERSONS})"
    )
    assert loaded / empty <= SETUP_RATIO_TARGET
    assert per_person <= MAX_BYTES_PER_PERSON
