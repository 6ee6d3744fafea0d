"""The long-poll transport against the simulator behaving like a configuration client.

The same typed calls over HTTP and over the queue give the same answers and the same errors; a
server that answers heartbeats at once makes the terminal loop, and the transport does not.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import time

import aiohttp
import pytest

from custom_components.facecapture.api import (
    FaceCaptureClient,
    FaceCaptureDeviceError,
    FaceCaptureOfflineError,
    LongPollTransport,
)
from simulator import Simulator
from tests.simulator.sim_helpers import Receiver, wait_for

from .conftest import SERIAL
from .long_poll_server import LongPollServer


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """The terminal's own 15 s wait; a quick retry while no URL is set."""
    return {"config_retry_interval": 0.05}


@pytest.fixture
async def server(simulator: Simulator) -> AsyncIterator[LongPollServer]:
    """A configuration-client server the simulator asks, with a short hold to keep tests quick."""
    served = LongPollServer(LongPollTransport(serial=SERIAL, hold=0.5, timeout=2))
    await served.start()
    simulator.set_config_url(served.url)
    try:
        yield served
    finally:
        simulator.set_config_url(None)
        await served.stop()


@pytest.fixture
def queued(server: LongPollServer) -> FaceCaptureClient:
    """A client whose commands go through the queue."""
    return FaceCaptureClient(transport=server.transport)


async def test_same_answers_both_ways(
    client: FaceCaptureClient, queued: FaceCaptureClient, simulator: Simulator
) -> None:
    """Reads give the same models; a write through the queue is seen over HTTP."""
    assert await queued.get_hardware_info() == await client.get_hardware_info()
    assert await queued.get_app_params() == await client.get_app_params()
    assert (await queued.request_persons()).total == (await client.request_persons()).total
    await queued.set_volume(31)
    assert await client.get_volume() == 31
    assert simulator.state.volume == 31
    results = simulator.config_client.results
    assert {"cmd", "command_id", "code"} <= results[-1].keys()


async def test_same_errors_both_ways(
    client: FaceCaptureClient, queued: FaceCaptureClient, simulator: Simulator
) -> None:
    """A device error code raises the same exception over either transport."""
    errors = []
    for each in (client, queued):
        simulator.fail_next("request app params", 5, "busy")
        with pytest.raises(FaceCaptureDeviceError) as err:
            await each.get_app_params()
        errors.append((type(err.value), err.value.code))
    assert errors[0] == errors[1]


async def test_commands_in_a_row_and_at_once(queued: FaceCaptureClient) -> None:
    """Several callers at once: each gets its own result, one command per request."""
    volumes = await asyncio.gather(*(queued.set_volume(v) for v in (10, 20, 30)))
    assert volumes == [None, None, None]
    reads = await asyncio.gather(queued.get_volume(), queued.get_date_time())
    assert reads[0] in (10, 20, 30)


async def test_terminal_gone_gives_the_offline_error(
    server: LongPollServer, queued: FaceCaptureClient, simulator: Simulator
) -> None:
    """The terminal stops asking: the caller gets the connection error after the timeout."""
    simulator.set_config_url(None)
    await asyncio.sleep(0.6)  # its last held request is answered
    with pytest.raises(FaceCaptureOfflineError):
        await queued.get_volume()
    assert server.transport.queued == 0


# The next test runs with the real timings (hold 10 s, terminal wait 15 s): about 15 s.


async def test_an_immediate_server_loops_and_facecapture_does_not(
    simulator: Simulator, socket_enabled: None
) -> None:
    """Answering heartbeats at once makes the terminal loop; holding them does not.

    Then a command queued while the terminal waits on a held heartbeat reaches it within 1 s.
    """
    naive = Receiver()  # answers every request at once with a plain ACK
    await naive.start()
    try:
        simulator.set_config_url(naive.url)
        await wait_for(lambda: len(naive.bodies) > 0)
        start = time.monotonic()
        await asyncio.sleep(1)
        looping = simulator.config_client.requests_between(start, time.monotonic())
    finally:
        simulator.set_config_url(None)
        await naive.stop()
    assert looping >= 50, f"only {looping} requests/s against a server answering at once"

    transport = LongPollTransport(serial=SERIAL)  # the defaults: a 10 s hold
    served = LongPollServer(transport)
    await served.start()
    try:
        simulator.set_config_url(served.url)
        await wait_for(lambda: transport.requests >= 2, timeout=15)
        first, second = served.times[:2]
        assert second - first >= 8, f"asked again after {second - first:.1f} s while idle"
        await asyncio.sleep(2)  # the terminal now waits on a held heartbeat
        client = FaceCaptureClient(transport=transport)
        sent = time.monotonic()
        await client.set_volume(12)
        assert time.monotonic() - sent < 1
        assert simulator.state.volume == 12
    finally:
        simulator.set_config_url(None)
        await served.stop()


async def test_http_session_untouched(session: aiohttp.ClientSession) -> None:
    """A long-poll client has no session of its own to close."""
    client = FaceCaptureClient(transport=LongPollTransport())
    await client.close()
    assert not session.closed
