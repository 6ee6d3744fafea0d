"""Filling a terminal that joins a household: 1,000 persons with photos, and the event loop meanwhile.

Two simulated terminals run as processes of their own on 127.0.0.1 (so their work does not count
against Home Assistant's event loop). The first holds 1,000 persons, each with a JPEG photo of
about 40 KB; the second is empty. In the same run:

- the baseline: reading the 1,000 persons with their photos from the first terminal
  (``request persons`` with images, 20 a page), as anything copying them must;
- the fill: the second terminal is set up in the same household and receives everyone in the
  background; timed from its set-up to the last copy (it also reads both lists and compares them
  again afterwards, as it does in use).

Meanwhile a callback scheduled every 10 ms measures how late it runs: the event loop's lag. The
target is that it is never blocked for more than 100 ms. The ratio of the fill to the baseline
is printed, not asserted: the copy is bound by the terminal's upload speed.

Run with ``bash scripts/bench -k household``; the numbers are printed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import io
from pathlib import Path
import random
import time
from unittest.mock import patch

from hass_harness import ManagedProcess, free_port, simulator_process, wait_until
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.api import FaceCaptureClient, FaceCaptureError, PersonData, Role
from custom_components.facecapture.const import CONF_HOUSEHOLD, CONF_WEBHOOK_ID, DOMAIN
from custom_components.facecapture.people.household import household_of

PERSONS = 1000
PHOTO_BYTES = 40_000
DISTINCT_PHOTOS = 16
LAG_TICK = 0.010
MAX_LAG_MS = 100.0
SERIALS = ("0123E4-FB5BFC-9186EE", "0123E4-FB5BFC-9186EF")


def _photo(seed: int) -> bytes:
    """A JPEG of noise (it compresses like a photograph) of about ``PHOTO_BYTES``."""
    random.seed(seed)
    width = 240
    while True:
        buffer = io.BytesIO()
        Image.effect_noise((width, width * 4 // 3), 40 + seed).convert("RGB").save(
            buffer, format="JPEG", quality=80
        )
        if buffer.tell() >= PHOTO_BYTES or width > 1000:
            return buffer.getvalue()
        width += 24


class LoopLag:
    """How late a callback asked for every ``LAG_TICK`` seconds runs: the loop's worst block."""

    def __init__(self) -> None:
        """Not measuring yet."""
        self.worst = 0.0
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + LAG_TICK
            await asyncio.sleep(LAG_TICK)
            self.worst = max(self.worst, loop.time() - due)
            self.ticks += 1

    def start(self) -> None:
        """Start measuring."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop measuring."""
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@pytest.fixture
async def terminals(
    socket_enabled: None, tmp_path: Path
) -> AsyncIterator[list[tuple[ManagedProcess, int]]]:
    """Two simulator processes; the caller fills them."""
    started: list[tuple[ManagedProcess, int]] = []
    for index, serial in enumerate(SERIALS):
        port = free_port()
        process = simulator_process(port, tmp_path / f"sim{index}.log", serial=serial)
        process.start()
        started.append((process, port))
    try:
        yield started
    finally:
        for process, _ in started:
            await process.stop()


def _entry(index: int, port: int) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=("Front gate", "Garage")[index],
        unique_id=SERIALS[index],
        data={CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_WEBHOOK_ID: f"{index}" * 64},
        options={CONF_HOUSEHOLD: "Home"},
    )


async def test_fill_a_joining_terminal(
    hass: HomeAssistant, terminals: list[tuple[ManagedProcess, int]], internal_url: str
) -> None:
    """1,000 persons with photos reach the joining terminal; the loop never blocks > 100 ms."""
    session = async_get_clientsession(hass)
    (first_process, first_port), (second_process, second_port) = terminals
    first = FaceCaptureClient("127.0.0.1", first_port, session=session)
    second = FaceCaptureClient("127.0.0.1", second_port, session=session)

    async def ready(client: FaceCaptureClient) -> bool | None:
        try:
            await client.get_hardware_info()
        except FaceCaptureError:
            return None  # not listening yet
        return True

    for client, process in ((first, first_process), (second, second_process)):
        await wait_until(
            lambda c=client: ready(c), timeout=30, what="the simulator", processes=[process]
        )

    photos = [_photo(seed) for seed in range(DISTINCT_PHOTOS)]
    for number in range(PERSONS):
        await first.upload_person(
            PersonData(
                id=f"p{number:04d}",
                name=f"Person {number}",
                role=int(Role.WHITELIST),
                image=photos[number % DISTINCT_PHOTOS],
            )
        )
    photo_kb = sum(map(len, photos)) / len(photos) / 1024

    with patch("custom_components.facecapture.PLATFORMS", []):
        entry = _entry(0, first_port)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)

        lag = LoopLag()
        lag.start()
        # The baseline: reading everyone with photos from the first terminal.
        start = time.perf_counter()
        read = [person async for person in first.iter_persons(role=Role.ALL, with_images=True)]
        baseline = time.perf_counter() - start
        assert len(read) == PERSONS
        assert all(person.images for person in read)
        del read

        # The fill: the second terminal joins the household.
        joining = _entry(1, second_port)
        joining.add_to_hass(hass)
        start = time.perf_counter()
        assert await hass.config_entries.async_setup(joining.entry_id)
        setup = time.perf_counter() - start
        await hass.async_block_till_done(wait_background_tasks=True)
        fill = time.perf_counter() - start
        await lag.stop()

    household = household_of(hass, joining)
    assert household is not None
    progress = household.progress[joining.entry_id]
    copied = [person async for person in second.iter_persons(role=Role.ALL, with_images=True)]
    print(
        f"\n{PERSONS} persons, photos of {photo_kb:.0f} KB on average"
        f"\nreading them with photos from the first terminal: {baseline:.2f} s"
        f"\nfilling the joining terminal: {fill:.2f} s ({fill / baseline:.1f}x the read; "
        f"its set-up returned after {setup * 1000:.0f} ms)"
        f"\ncopied {progress.done}, not copied {progress.failed}"
        f"\nevent loop: worst lag {lag.worst * 1000:.1f} ms over {lag.ticks} ticks of "
        f"{LAG_TICK * 1000:.0f} ms (target <= {MAX_LAG_MS:.0f} ms)"
    )
    assert progress.done == PERSONS
    assert len(copied) == PERSONS
    assert {person.id: person.images for person in copied} == {
        f"p{number:04d}": (photos[number % DISTINCT_PHOTOS],) for number in range(PERSONS)
    }
    assert lag.worst * 1000 <= MAX_LAG_MS
