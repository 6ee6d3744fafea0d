"""Waiting for something to come up or happen, and the errors that say it did not."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
import time
from typing import TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from harness_processes import ManagedProcess

_POLL = 0.25


class HarnessError(RuntimeError):
    """Something did not come up or did not happen in time; the message says what and shows logs."""


class HttpStatusError(HarnessError):
    """A request got an unexpected HTTP status (while waiting: "not yet")."""

    def __init__(self, message: str, status: int) -> None:
        """Keep the status for callers that accept some."""
        super().__init__(message)
        self.status = status


async def wait_until[T](
    probe: Callable[[], Awaitable[T | None]],
    *,
    timeout: float,
    what: str,
    processes: Iterable[ManagedProcess] = (),
    explain: Callable[[], str] | None = None,
) -> T:
    """Call ``probe`` until it returns something other than None; fail after ``timeout`` seconds.

    Connection errors count as "not yet". If one of ``processes`` exits, fail at once with its
    log. The failure message ends with ``explain()`` (e.g. a log's tail).
    """
    __tracebackhide__ = True  # pytest: the caller's line is the interesting one
    watched = list(processes)
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        for process in watched:
            process.check_running()
        try:
            result = await probe()
        except (aiohttp.ClientError, TimeoutError, HttpStatusError) as err:
            last_error = err
            result = None
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            message = f"timed out after {timeout:.0f} s waiting for {what}"
            if last_error is not None:
                message += f" (last error: {last_error!r})"
            if explain is not None:
                message += "\n" + explain()
            raise HarnessError(message)
        await asyncio.sleep(_POLL)
