"""Warnings that repeat: one per kind per interval, the rest at debug level.

A terminal that keeps sending what cannot be used, or an access script that keeps failing, must
not flood the log; the first of a run is a warning, the others are logged at debug level until the
interval has passed.
"""

from __future__ import annotations

from collections.abc import Hashable
import time


class WarningThrottle:
    """Says when a warning is due: at most once per key within ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        """Nothing warned yet."""
        self.interval = interval
        self._warned_at: dict[Hashable, float] = {}

    def due(self, key: Hashable = None, now: float | None = None) -> bool:
        """Whether to warn about ``key`` now (``time.monotonic()`` unless given); notes it if so."""
        now = time.monotonic() if now is None else now
        last = self._warned_at.get(key)
        if last is not None and now - last < self.interval:
            return False
        self._warned_at[key] = now
        return True
