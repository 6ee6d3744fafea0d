"""The terminal as configuration client (document 1.1.3).

With ``extranet`` enabled in http mode the terminal POSTs a heartbeat to
``http://server_ip:server_port/url`` and behaves as the document describes:

- it waits at most ``timeout`` seconds (15 on the device) for the reply;
- it asks again at once after any reply, whatever it was: a command, an ACK, an empty body, an
  HTTP error, a closed connection. A server that answers at once with nothing makes it loop;
- it executes only real commands: a JSON object with a ``cmd`` and no ``reply`` (an ACK or an
  empty heartbeat reply is not a command). The result (the handler's reply, echoing
  ``command_id``, or ``cammand_id`` if the server spelled it so) is the body of its next request;
- only when the server cannot be reached at all does it wait ``retry_interval`` seconds.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
import json
import logging
import time
from typing import Any

import aiohttp

from .handlers import dispatch
from .pusher import encode, heartbeat_body, target_url
from .state import DeviceState

_LOGGER = logging.getLogger(__name__)
DEVICE_WAIT = 15.0
"""How long the device waits for the reply to a heartbeat."""
_ID_KEYS = ("command_id", "cammand_id")


def extranet_url(state: DeviceState) -> str | None:
    """Return the configuration server URL, or None unless extranet is enabled in http mode."""
    section = state.app_params["extranet"]
    if not section.get("enable") or section.get("mode", "tcp") != "http":
        return None
    return target_url(section, "url")


def as_command(text: str) -> dict[str, Any] | None:
    """The command a reply carries, or None when it carries none (empty, not JSON, an ACK)."""
    try:
        reply = json.loads(text) if text.strip() else None
    except ValueError:
        return None
    if not isinstance(reply, dict) or "reply" in reply or not isinstance(reply.get("cmd"), str):
        return None
    return reply


class ConfigClient:
    """Ask the configuration server for commands and report their results."""

    def __init__(
        self,
        state: DeviceState,
        online: asyncio.Event,
        on_action: Callable[[str], None],
        *,
        retry_interval: float,
        timeout: float = DEVICE_WAIT,
    ) -> None:
        """Configure the loop; nothing runs until ``start``."""
        self._state = state
        self._online = online
        self._on_action = on_action
        self.retry_interval = retry_interval
        self.timeout = timeout
        self.results: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.timeouts = 0
        self.request_times: deque[float] = deque(maxlen=10_000)
        """``time.monotonic()`` of each request sent (the latest ten thousand)."""
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self, session: aiohttp.ClientSession) -> None:
        """Start asking."""
        self._session = session
        self._task = asyncio.create_task(self._run(), name="sim-config-client")

    async def stop(self) -> None:
        """Stop asking."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def requests_between(self, start: float, end: float) -> int:
        """How many requests were sent in the monotonic interval [start, end]."""
        return sum(1 for sent in self.request_times if start <= sent <= end)

    async def _ask(self, url: str, body: dict[str, Any]) -> str:
        assert self._session is not None
        self.request_times.append(time.monotonic())
        async with self._session.post(
            url,
            data=encode(body),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            ssl=False,
        ) as response:
            return await response.text(errors="replace")

    async def _run(self) -> None:
        result: dict[str, Any] | None = None
        action: str | None = None
        while True:
            await self._online.wait()
            url = extranet_url(self._state)
            if url is None:
                await asyncio.sleep(self.retry_interval)
                continue
            body = result if result is not None else heartbeat_body(self._state)
            try:
                text = await self._ask(url, body)
            except TimeoutError:
                # No reply within the wait: ask again at once (a result sent is not repeated).
                self.timeouts += 1
                text = ""
            except aiohttp.ServerDisconnectedError:
                text = ""  # a closed connection is an answer too: ask again at once
            except (aiohttp.ClientError, OSError) as err:
                _LOGGER.debug("configuration server not reachable: %s", type(err).__name__)
                await asyncio.sleep(self.retry_interval)
                continue
            if result is None:
                self.heartbeats += 1
            else:
                self.results.append(result)
            result = None
            if action is not None:
                self._on_action(action)
                action = None
                if not self._online.is_set():
                    continue  # rebooting: whatever the reply said is lost
            command = as_command(text)
            if command is None:
                continue
            self._state.requests.append(command)
            outcome = dispatch(self._state, command)
            result = outcome.reply
            for key in _ID_KEYS:
                if key in command:
                    result[key] = command[key]
            action = outcome.action
