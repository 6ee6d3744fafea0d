"""Locks: the terminal's relay outputs (the gate), opened by a single pulse.

The terminal cannot hold a relay closed: `gpio control` only closes it ("on"), and the terminal
releases it by itself after its hold time (`gate_control.gpio_retention_time`). So unlocking
pulses the relay once, the lock shows unlocked for the hold time, and then locked again. The
terminal does not report the relay's state; what the lock shows is what the pulse does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.lock import LockEntity, LockEntityDescription, LockEntityFeature
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .api import ControlMode
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCaptureCoordinatorEntity
from .helpers import terminal_command
from .settings import gate_control

PARALLEL_UPDATES = 1

DEFAULT_HOLD_TIME = timedelta(milliseconds=1000)
"""The document's default `gpio_retention_time`, for a terminal that does not report its own."""


@dataclass(frozen=True, kw_only=True)
class FaceCaptureLockDescription(LockEntityDescription):
    """A relay output of the terminal."""

    port: int


LOCKS: tuple[FaceCaptureLockDescription, ...] = (
    # The gate relay is what the terminal is for: the lock takes the device's name, so that
    # "unlock the front gate" reaches it.
    FaceCaptureLockDescription(key="gate", translation_key="gate", name=None, port=1),
    # Terminals do not say how many relays they have, nor whether the second one is wired.
    FaceCaptureLockDescription(
        key="relay_2",
        translation_key="relay_2",
        port=2,
        entity_registry_enabled_default=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create a lock per relay output."""
    async_add_entities(FaceCaptureLock(entry, description) for description in LOCKS)


class FaceCaptureLock(FaceCaptureCoordinatorEntity, LockEntity):
    """A relay: unlocking (or opening) pulses it once; it locks again by itself."""

    entity_description: FaceCaptureLockDescription
    _attr_supported_features = LockEntityFeature.OPEN
    _attr_is_locked = True

    def __init__(
        self, entry: FaceCaptureConfigEntry, description: FaceCaptureLockDescription
    ) -> None:
        """Start locked: a relay the terminal releases by itself is not held across a restart."""
        super().__init__(entry, description)
        self._cancel_relock: CALLBACK_TYPE | None = None

    @property
    def hold_time(self) -> timedelta:
        """How long the terminal keeps the relay closed after a pulse."""
        gate = gate_control(self.coordinator.data)
        if gate is None or not gate.gpio_retention_time or gate.gpio_retention_time <= 0:
            return DEFAULT_HOLD_TIME
        return timedelta(milliseconds=gate.gpio_retention_time)

    async def async_added_to_hass(self) -> None:
        """Forget a pending relock when the entity goes away."""
        await super().async_added_to_hass()
        self.async_on_remove(self._async_cancel_relock)

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: a pending relock is not keyed on it."""
        super().async_entity_id_changed(old_entity_id)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Pulse the relay; the lock shows unlocked while the terminal holds it."""
        await self._async_pulse(is_open=False)

    async def async_open(self, **kwargs: Any) -> None:
        """Pulse the relay; for a gate, opening and unlocking are the same pulse."""
        await self._async_pulse(is_open=True)

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock: the relay is released when its hold time ends; nothing can release it sooner.

        A pulse cannot be taken back, but the gate locks again by itself within seconds, so
        locking is what the user asked for and not an error: the lock shows "locking" until the
        terminal releases the relay, and an automation that locks "just in case" does not fail.
        """
        if self._cancel_relock is None:
            return
        self._attr_is_locking = True
        self.async_write_ha_state()

    @terminal_command
    async def _async_pulse(self, *, is_open: bool) -> None:
        await self.entry.runtime_data.client.gpio_control(
            self.entity_description.port, mode=ControlMode.FORCE
        )
        # The terminal answers once the relay is closed; a second pulse restarts the hold time.
        self._async_cancel_relock()
        self._attr_is_locked = False
        self._attr_is_locking = False
        self._attr_is_open = is_open
        self._cancel_relock = async_call_later(self.hass, self.hold_time, self._async_relock)
        self.async_write_ha_state()

    @callback
    def _async_relock(self, _now: datetime) -> None:
        """The terminal has released the relay."""
        self._cancel_relock = None
        self._attr_is_locked = True
        self._attr_is_locking = False
        self._attr_is_open = False
        self.async_write_ha_state()

    @callback
    def _async_cancel_relock(self) -> None:
        if self._cancel_relock is not None:
            self._cancel_relock()
            self._cancel_relock = None
