"""The gate lock: one relay pulse per unlock, unlocked for the terminal's hold time, then locked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
import threading
from typing import Any

from freezegun import api as freezegun_api
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import (
    DOMAIN as LOCK_DOMAIN,
    SERVICE_LOCK,
    SERVICE_OPEN,
    SERVICE_UNLOCK,
    LockState,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.const import DOMAIN
from custom_components.facecapture.lock import FaceCaptureLock
from simulator import Simulator

from .common import SERIAL, entity_id_of, setup_platform

# Home Assistant's clock stands still from the start of each test and moves only with
# freezer.tick(): the test plugin freezes its event loop's clock too. The simulated terminal runs
# on an event loop of its own, in a thread, on the real clock: its waits and timeouts run as a
# terminal's would, however busy the machine is.
pytestmark = pytest.mark.freeze_time()


class RealTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on the real monotonic clock, whatever freezegun has frozen."""

    def time(self) -> float:
        """The real clock. Read through freezegun's module: freezing replaces every other
        module's reference to ``time.monotonic``, an imported ``real_monotonic`` included."""
        return float(freezegun_api.real_monotonic())


@pytest.fixture
def simulator(socket_enabled: None, simulator_options: dict[str, object]) -> Iterator[Simulator]:
    """The conftest's terminal, served from a thread with its own (real-time) event loop."""
    options: dict[str, object] = {"config_retry_interval": 0.2, **simulator_options}
    sim = Simulator(SERIAL, resend_interval=0.2, reboot_seconds=0.3, **options)  # type: ignore[arg-type]
    sim.state.clock.utc_offset = dt_util.now().utcoffset() or timedelta(0)
    sim.add_person("1001", "Alice")
    sim.add_person("1002", "Bob")
    sim.state.app_params["device_info"]["addr_name"] = "Front gate"
    loop = RealTimeLoop()
    thread = threading.Thread(target=loop.run_forever, name="simulated terminal", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(sim.start(), loop).result(10)
    try:
        yield sim
    finally:
        asyncio.run_coroutine_threadsafe(sim.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def lock_id(entity_registry: er.EntityRegistry, key: str = "gate") -> str:
    """The entity id of a relay's lock, whatever the translations name it."""
    return entity_id_of(entity_registry, LOCK_DOMAIN, key)


def pulses(simulator: Simulator) -> list[dict[str, Any]]:
    """The `gpio control` requests the terminal received."""
    return [body for body in simulator.requests if body.get("cmd") == "gpio control"]


async def call(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Call a lock action and wait for it."""
    await hass.services.async_call(LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True)


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let time pass for Home Assistant's timers.

    The test helper fires timers up to half a second early, so tests look 0.6 s before a timer.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def set_hold_time(simulator: Simulator, entry: MockConfigEntry, milliseconds: int) -> None:
    """Give the terminal a relay hold time and let Home Assistant read it."""
    simulator.state.app_params["gate_control"]["gpio_retention_time"] = milliseconds
    await entry.runtime_data.coordinator.async_refresh()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The gate lock, and the second relay (created disabled: enabled here to show it)."""
    await setup_platform(hass, mock_config_entry, Platform.LOCK)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_unlock_pulses_once_and_relocks_after_hold_time(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unlocking closes relay 1 once; the lock is unlocked for the terminal's hold time."""
    await set_hold_time(simulator, init_integration, 3000)
    entity_id = lock_id(entity_registry)
    assert hass.states.get(entity_id).state == LockState.LOCKED

    await call(hass, SERVICE_UNLOCK, entity_id)

    (pulse,) = pulses(simulator)
    assert (pulse["port"], pulse["ctrl_type"], pulse["ctrl_mode"]) == (1, "on", "force")
    assert "person_id" not in pulse
    (closed,) = [entry for entry in simulator.log if entry["kind"] == "gpio"]
    assert (closed["port"], closed["ctrl_mode"]) == (1, "force")
    assert hass.states.get(entity_id).state == LockState.UNLOCKED

    await advance(hass, freezer, 2.4)
    assert hass.states.get(entity_id).state == LockState.UNLOCKED
    await advance(hass, freezer, 0.7)
    assert hass.states.get(entity_id).state == LockState.LOCKED
    assert len(pulses(simulator)) == 1


async def test_open_pulses_once(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """`lock.open` is the same single pulse; the lock shows open until the relay is released."""
    await set_hold_time(simulator, init_integration, 500)
    entity_id = lock_id(entity_registry)

    await call(hass, SERVICE_OPEN, entity_id)

    assert len(pulses(simulator)) == 1
    assert hass.states.get(entity_id).state == LockState.OPEN
    await advance(hass, freezer, 0.6)
    assert hass.states.get(entity_id).state == LockState.LOCKED


async def test_second_unlock_restarts_hold_time(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unlocking again while unlocked pulses again, and the hold time counts from then."""
    await set_hold_time(simulator, init_integration, 2000)
    entity_id = lock_id(entity_registry)

    await call(hass, SERVICE_UNLOCK, entity_id)
    await advance(hass, freezer, 1.0)
    assert hass.states.get(entity_id).state == LockState.UNLOCKED
    await call(hass, SERVICE_UNLOCK, entity_id)
    assert len(pulses(simulator)) == 2

    # 2.4 s after the first pulse (its relock would be due), 1.4 s after the second.
    await advance(hass, freezer, 1.4)
    assert hass.states.get(entity_id).state == LockState.UNLOCKED
    await advance(hass, freezer, 0.7)
    assert hass.states.get(entity_id).state == LockState.LOCKED


async def test_lock_while_unlocked_waits_for_the_relay(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Locking cannot release the relay early: the lock shows locking until the terminal does."""
    await set_hold_time(simulator, init_integration, 2000)
    entity_id = lock_id(entity_registry)
    await call(hass, SERVICE_UNLOCK, entity_id)
    requests = len(simulator.requests)

    await call(hass, SERVICE_LOCK, entity_id)

    assert hass.states.get(entity_id).state == LockState.LOCKING
    await advance(hass, freezer, 2.1)
    assert hass.states.get(entity_id).state == LockState.LOCKED
    # Locking a locked gate is nothing to do; neither sends anything to the terminal.
    await call(hass, SERVICE_LOCK, entity_id)
    assert hass.states.get(entity_id).state == LockState.LOCKED
    assert len(simulator.requests) == requests


async def test_default_hold_time(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A terminal that reports no hold time is taken to use the document's default, 1 s."""
    object.__setattr__(init_integration.runtime_data.coordinator.data, "app_params", None)
    entity_id = lock_id(entity_registry)

    await call(hass, SERVICE_UNLOCK, entity_id)
    await advance(hass, freezer, 0.4)
    assert hass.states.get(entity_id).state == LockState.UNLOCKED
    await advance(hass, freezer, 0.7)
    assert hass.states.get(entity_id).state == LockState.LOCKED


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_second_relay(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The second relay, once enabled, pulses port 2."""
    await call(hass, SERVICE_UNLOCK, lock_id(entity_registry, "relay_2"))
    assert [body["port"] for body in pulses(simulator)] == [2]
    assert hass.states.get(lock_id(entity_registry, "relay_2")).state == LockState.UNLOCKED
    assert hass.states.get(lock_id(entity_registry)).state == LockState.LOCKED


async def test_unlock_refused_by_terminal(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A terminal error is a translated error, and the lock stays locked."""
    entity_id = lock_id(entity_registry)
    simulator.fail_next("gpio control", 5)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, SERVICE_UNLOCK, entity_id)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "code_5"
    assert hass.states.get(entity_id).state == LockState.LOCKED


@pytest.mark.parametrize("transport", ["http"])  # frozen time: a held heartbeat never ends
async def test_unload_cancels_relock(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removing the entity while unlocked drops its pending relock."""
    entity_id = lock_id(entity_registry)
    await call(hass, SERVICE_UNLOCK, entity_id)
    platform = next(p for p in async_get_platforms(hass, DOMAIN) if p.domain == LOCK_DOMAIN)
    entity = platform.entities[entity_id]
    assert isinstance(entity, FaceCaptureLock)
    assert entity._cancel_relock is not None

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert entity._cancel_relock is None
    await advance(hass, freezer, 2)
    assert hass.states.get(entity_id).state == "unavailable"
