"""Fixtures: a running simulator and a client talking to it over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
import io

import aiohttp
from PIL import Image
import pytest

from custom_components.facecapture.api import FaceCaptureClient
from simulator import Simulator

SERIAL = "0123E4-FB5BFC-9186EE"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Constructor options of the simulator; tests override this fixture."""
    return {}


@pytest.fixture
async def simulator(
    socket_enabled: None, simulator_options: dict[str, object]
) -> AsyncIterator[Simulator]:
    """A simulated terminal on a free port of 127.0.0.1."""
    sim = Simulator(SERIAL, reboot_seconds=0.3, resend_interval=0.2, **simulator_options)  # type: ignore[arg-type]
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """An injected session, as Home Assistant would give one."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(simulator: Simulator, session: aiohttp.ClientSession) -> FaceCaptureClient:
    """A client for the simulator."""
    return FaceCaptureClient("127.0.0.1", simulator.port, session=session, timeout=5)


def make_image(fmt: str = "JPEG", size: tuple[int, int] = (64, 64)) -> bytes:
    """A small real image in the given format."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 150, 120)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def jpeg() -> bytes:
    """A small JPEG."""
    return make_image("JPEG")


@pytest.fixture
def png() -> bytes:
    """A small PNG."""
    return make_image("PNG")
