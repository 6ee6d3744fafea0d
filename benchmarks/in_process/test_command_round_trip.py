"""How long a command takes through the configuration-client queue, against the same command over HTTP.

Both in the same run, against the same simulator, through Home Assistant's real HTTP stack: over
HTTP the client POSTs to the terminal; through the queue the terminal, waiting on a held
heartbeat, gets the command in the reply and posts the result back to the webhook. The target:
the queue's median is at most 3 times the direct median (one more HTTP exchange, in the other
direction), and every command through the queue reaches the terminal in well under a second.
Run with ``bash scripts/bench``; the numbers are printed.
"""

from __future__ import annotations

import statistics
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.api import FaceCaptureClient
from simulator import Simulator

ROUNDS = 200
RATIO_TARGET = 3.0
MAX_QUEUE_MS = 1000.0


def _report(name: str, samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(f"\n{name}: n={len(ordered)} p50={p50:.2f} ms p99={p99:.2f} ms max={ordered[-1]:.2f} ms")
    return p50, p99


async def _time(client: FaceCaptureClient) -> float:
    start = time.perf_counter()
    await client.get_volume()
    return (time.perf_counter() - start) * 1000


@pytest.mark.parametrize("transport", ["queue"])
async def test_command_round_trip(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The same command, alternately through the queue and over HTTP."""
    queued = init_integration.runtime_data.client
    direct = FaceCaptureClient("127.0.0.1", simulator.port, session=async_get_clientsession(hass))
    await hass.async_block_till_done()
    for client in (queued, direct):  # warm up connections
        await client.get_volume()
    queue_ms: list[float] = []
    http_ms: list[float] = []
    for _ in range(ROUNDS):
        queue_ms.append(await _time(queued))
        http_ms.append(await _time(direct))
    queue_p50, _ = _report("through the queue (configuration client)", queue_ms)
    http_p50, _ = _report("over HTTP (terminal as server)", http_ms)
    ratio = queue_p50 / http_p50
    print(f"\nqueue / HTTP median: {ratio:.2f} (target <= {RATIO_TARGET:g})")
    assert ratio <= RATIO_TARGET
    assert max(queue_ms) < MAX_QUEUE_MS
