"""Callbacks to call when something changed: one registry for the directory, captures, passes, households."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import CALLBACK_TYPE, callback


class Listeners[**P]:
    """Who wants to hear of a change; each gets the same arguments, in the order they came."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        """Nobody listens yet."""
        self._callbacks: list[Callable[P, None]] = []

    @callback
    def add(self, listener: Callable[P, None]) -> CALLBACK_TYPE:
        """Call ``listener`` on every change; the returned callback stops that."""
        self._callbacks.append(listener)

        @callback
        def remove() -> None:
            self._callbacks.remove(listener)

        return remove

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every listener; one may remove itself (or another) while this runs."""
        for listener in list(self._callbacks):
            listener(*args, **kwargs)
