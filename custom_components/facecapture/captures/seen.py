"""The memory of captures already turned into events, kept across reloads and restarts.

A terminal resends a capture whose ACK it did not get, also when Home Assistant restarted in between;
this memory is what keeps that capture from firing twice. A capture is known by its sequence number
and its capture time as the terminal wrote it: a terminal that rebooted starts its sequence at 1
again but not its clock, so its new captures never collide with old ones, while a resend repeats
both exactly. The memory is bounded (the oldest captures are forgotten first), saved shortly after a
change with Home Assistant's ``Store``, loaded before the webhook is registered, and written at once
when the entry unloads.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, SEEN_PUSHES

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 2.0
"""Seconds between a new capture and its save: a crash loses at most this much memory."""

type CaptureKey = tuple[int, str]


def storage_key(entry_id: str) -> str:
    """The ``.storage`` file of one entry's memory."""
    return f"{DOMAIN}.seen_captures.{entry_id}"


class SeenCaptures:
    """A bounded, persisted set of (sequence, capture time) keys, oldest first."""

    def __init__(self, hass: HomeAssistant, entry_id: str, *, limit: int = SEEN_PUSHES) -> None:
        """Start empty; ``async_load`` reads what an earlier run remembered."""
        self.limit = limit
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id), atomic_writes=True
        )
        self._keys: OrderedDict[CaptureKey, None] = OrderedDict()
        self._save_pending = False

    def __len__(self) -> int:
        """How many captures are remembered."""
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        """Whether a (sequence, capture time) key is remembered."""
        return key in self._keys

    async def async_load(self) -> None:
        """Read the stored memory; anything malformed in it is skipped."""
        data = await self._store.async_load()
        captures = data.get("captures") if isinstance(data, dict) else None
        if not isinstance(captures, list):
            return
        for item in captures[-self.limit :]:
            if (
                isinstance(item, list)
                and len(item) == 2
                and isinstance(item[0], int)
                and isinstance(item[1], str)
            ):
                self._keys[(item[0], item[1])] = None

    @callback
    def async_add(self, sequence: int, cap_time: str) -> bool:
        """Remember a capture; False if it was already known (a retransmission)."""
        key = (sequence, cap_time)
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self.limit:
            self._keys.popitem(last=False)
        return True

    @callback
    def async_schedule_save(self) -> None:
        """Save within ``SAVE_DELAY``; later changes ride along instead of postponing it."""
        if not self._save_pending:
            self._save_pending = True
            self._store.async_delay_save(self._data_to_save, SAVE_DELAY)

    def _data_to_save(self) -> dict[str, Any]:
        self._save_pending = False
        return {"captures": [list(key) for key in self._keys]}

    async def async_flush(self) -> None:
        """Write the memory now (the entry unloads; a new one will read it)."""
        await self._store.async_save(self._data_to_save())

    async def async_remove(self) -> None:
        """Delete the stored memory (the entry is removed)."""
        await self._store.async_remove()
