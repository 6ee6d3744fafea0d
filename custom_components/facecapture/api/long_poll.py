"""Commands for a terminal that fetches them: the configuration-client transport (document 1.1.3).

A terminal Home Assistant cannot reach (4G, NAT, another site) POSTs a heartbeat to a URL and
takes the reply as its next command. It executes it and POSTs the result (a body with ``reply``,
echoing ``command_id``; the document also spells it ``cammand_id``) as its next request, which
is answered the same way. The terminal waits at most 15 s for a reply and asks again at once after
any reply, so:

- a queued command is handed out in the reply to the next request, at once if a request is
  being held;
- with nothing to send, the reply is held for ``hold`` seconds (under 15) and is then an empty
  heartbeat reply. Answering at once with nothing, or closing the connection, makes both sides
  loop;
- the caller of ``send`` waits for the result carrying its command's id, at most ``timeout``
  seconds; it then gets the library's connection error (``FaceCaptureOfflineError`` when the
  terminal never came to fetch the command), never a hang.

The server side (a web handler) calls ``answer`` with each request the terminal makes and sends
back what it returns. ``FaceCaptureClient(transport=LongPollTransport())`` runs every typed
method over it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import logging
import secrets
import time
from typing import Any

from ._parse import JsonObject
from .errors import FaceCaptureConnectionError, FaceCaptureOfflineError, FaceCaptureValidationError
from .push import CommandResult, Heartbeat, PushMessage, build_heartbeat_reply

_LOGGER = logging.getLogger(__name__)

DEVICE_WAIT: float = 15.0
"""How long the terminal waits for the reply to a heartbeat (document 1.1.3)."""
DEFAULT_HOLD: float = 10.0
"""How long an idle heartbeat is held before the empty reply: well under ``DEVICE_WAIT``."""
DEFAULT_COMMAND_TIMEOUT: float = 20.0
"""A terminal that is online asks at least every ``DEVICE_WAIT`` seconds: this leaves a margin."""


_ID_KEYS = ("command_id", "cammand_id")
"""1.1.3 spells the echoed id command_id, 2.1.1.3 cammand_id."""


def result_command_id(body: Mapping[str, Any]) -> str | None:
    """The command id a result echoes, in either of the document's spellings, as text."""
    for key in _ID_KEYS:
        value = body.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


@dataclass(eq=False)
class _Pending:
    """A command waiting to be fetched (``command_id`` None) or waiting for its result."""

    body: JsonObject
    future: asyncio.Future[JsonObject]
    command_id: str | None = None
    queued_at: float = field(default_factory=time.monotonic)

    @property
    def cmd(self) -> str:
        return str(self.body.get("cmd", ""))


class LongPollTransport:
    """Queues commands for one terminal and hands them out in the replies to its requests."""

    def __init__(
        self,
        *,
        serial: str | None = None,
        hold: float = DEFAULT_HOLD,
        timeout: float = DEFAULT_COMMAND_TIMEOUT,
    ) -> None:
        """Serve the terminal with ``serial`` (None: whichever asks); nothing runs in the background.

        Raises:
            FaceCaptureValidationError: ``hold`` is not below the terminal's 15 s wait.

        """
        if not 0 <= hold < DEVICE_WAIT:
            raise FaceCaptureValidationError(
                f"Hold a heartbeat less than {DEVICE_WAIT:g} s, or the terminal gives up on it"
            )
        self.serial = serial
        self.hold = hold
        self.timeout = timeout
        self.last_contact: float | None = None
        """``time.monotonic()`` of the terminal's last request."""
        self.requests = 0
        self._queue: deque[_Pending] = deque()
        self._in_flight: dict[str, _Pending] = {}
        self._held: asyncio.Future[bool] | None = None
        self._closed = False
        self._closed_event = asyncio.Event()
        self._contacted = asyncio.Event()
        self._listeners: list[Callable[[], None]] = []

    # -----------------------------------------------------------------------------------------
    # The caller's side: the client's typed methods

    @property
    def queued(self) -> int:
        """Commands waiting for the terminal to fetch them."""
        return len(self._queue)

    @property
    def in_flight(self) -> int:
        """Commands handed out whose result has not arrived."""
        return len(self._in_flight)

    async def send(self, body: Mapping[str, Any], *, timeout: float | None = None) -> JsonObject:
        """Queue ``body`` and return the terminal's result for it."""
        command = str(body.get("cmd", ""))
        if self._closed:
            raise FaceCaptureConnectionError(f"The transport is closed; '{command}' was not sent")
        limit = timeout or self.timeout
        pending = _Pending(dict(body), asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        self._wake(command=True)
        try:
            async with asyncio.timeout(limit):
                return await pending.future
        except TimeoutError as err:
            if pending.command_id is None:
                raise FaceCaptureOfflineError(
                    f"The terminal did not come to fetch '{command}' within {limit:g} s"
                ) from err
            raise FaceCaptureConnectionError(
                f"The terminal fetched '{command}' but sent no result within {limit:g} s"
            ) from err
        finally:
            self._forget(pending)

    async def close(self) -> None:
        """Fail what is waiting, release a held request at once; later sends fail."""
        self._closed = True
        self._closed_event.set()
        self._wake(command=False)
        error = FaceCaptureConnectionError("The transport was closed")
        for pending in (*self._queue, *self._in_flight.values()):
            if not pending.future.done():
                pending.future.set_exception(error)
        self._queue.clear()
        self._in_flight.clear()

    def _forget(self, pending: _Pending) -> None:
        if pending in self._queue:
            self._queue.remove(pending)
        if pending.command_id is not None:
            self._in_flight.pop(pending.command_id, None)

    # -----------------------------------------------------------------------------------------
    # The terminal's side: each request it makes

    def accepts(self, device_sn: str | None) -> bool:
        """Whether a request naming ``device_sn`` comes from the terminal served here."""
        return self.serial is None or not device_sn or device_sn == self.serial

    async def answer(self, message: Heartbeat | CommandResult) -> JsonObject:
        """The reply to one request: the next command, or after ``hold`` an empty heartbeat reply.

        A result resolves the caller waiting for its ``command_id`` first.
        """
        self.requests += 1
        self.last_contact = time.monotonic()
        self._contacted.set()
        for listener in list(self._listeners):
            listener()
        if isinstance(message, CommandResult):
            self._resolve(message)
        return await self._next_reply()

    async def idle_reply(self) -> JsonObject:
        """An empty heartbeat reply after ``hold`` seconds (for a request that gets no command)."""
        if not self._closed:
            try:
                async with asyncio.timeout(self.hold):
                    await self._closed_event.wait()
            except TimeoutError:
                pass
        return build_heartbeat_reply()

    async def wait_contact(self) -> None:
        """Return once the terminal has made a request (at once if it already has)."""
        await self._contacted.wait()

    def add_contact_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` on every request of the terminal; returns a function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _resolve(self, result: CommandResult) -> None:
        command_id = result_command_id(result.body)
        pending = self._in_flight.pop(command_id, None) if command_id is not None else None
        if pending is None and command_id is None:
            # Firmware that does not echo the id: the terminal runs one command at a time, so the
            # latest one handed out under that name is the one.
            same = [item for item in self._in_flight.values() if item.cmd == result.cmd]
            if same:
                pending = same[-1]
                self._in_flight.pop(str(pending.command_id))
        if pending is None:
            _LOGGER.debug(
                "Result of '%s' (id %s) came after its caller gave up", result.cmd, command_id
            )
            return
        if not pending.future.done():
            # The caller gets the reply as the terminal would give it over HTTP.
            reply = {key: value for key, value in result.body.items() if key not in _ID_KEYS}
            pending.future.set_result(reply)

    def _take(self) -> JsonObject | None:
        """The next command to hand out, with a fresh ``command_id``; None when there is none."""
        while self._queue:
            pending = self._queue.popleft()
            if pending.future.done():
                continue
            pending.command_id = secrets.token_hex(8)
            self._in_flight[pending.command_id] = pending
            return {**pending.body, "command_id": pending.command_id}
        return None

    def _wake(self, *, command: bool) -> None:
        """Answer the held request now: with a command (True) or empty (False)."""
        if self._held is not None and not self._held.done():
            self._held.set_result(command)

    async def _next_reply(self) -> JsonObject:
        # The terminal has one request open at a time: an older held one is a dead connection
        # (or a duplicate) and is answered empty, so a command never goes to it.
        self._wake(command=False)
        if (command := self._take()) is not None:
            return command
        if self._closed:
            return build_heartbeat_reply()
        held: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._held = held
        woken = False
        try:
            async with asyncio.timeout(self.hold):
                woken = await held
        except TimeoutError:
            pass
        finally:
            if self._held is held:
                self._held = None
        if woken and (command := self._take()) is not None:
            return command
        return build_heartbeat_reply()


def request_serial(message: PushMessage) -> str | None:
    """The serial number a request from the terminal names, if any."""
    if isinstance(message, CommandResult):
        value = message.body.get("device_sn")
        return value if isinstance(value, str) and value else None
    return getattr(message, "device_sn", None)
