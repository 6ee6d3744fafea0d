"""Fixtures for the simulator tests: a running simulator, an HTTP client and a push receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from simulator import Simulator

from .sim_helpers import Call, Receiver, fast_simulator, post_json


@pytest.fixture(autouse=True)
def _allow_sockets(socket_enabled: None) -> None:
    """The HA test plugin blocks sockets; these tests talk real HTTP on 127.0.0.1."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A started simulator on 127.0.0.1 with a free port."""
    simulator = fast_simulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp client session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def call(sim: Simulator, http: aiohttp.ClientSession) -> Call:
    """Send ``{"cmd": cmd, **fields}`` to the simulator and return its reply."""

    async def _call(cmd: str, **fields: Any) -> dict[str, Any]:
        return await post_json(http, sim.url, {"cmd": cmd, **fields})

    return _call


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A started push receiver."""
    rec = Receiver()
    await rec.start()
    yield rec
    await rec.stop()
