"""The terminal as configuration client (document 1.1.3).

With ``extranet`` enabled in http mode the terminal POSTs a heartbeat to
``http://server_ip:server_port/url``. A reply carrying a ``cmd`` is executed with the same handlers
as the server and its result (the handler's reply plus the echoed ``command_id``) is the body of
the next POST, sent at once. An empty or non-command reply means "nothing to do": the terminal
waits ``poll_interval`` seconds and sends a heartbeat again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import logging
from typing import Any

import aiohttp

from .handlers import dispatch
from .pusher import encode, heartbeat_body, target_url
from .state import DeviceState

_LOGGER = logging.getLogger(__name__)
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


def extranet_url(state: DeviceState) -> str | None:
    """Return the configuration server URL, or None unless extranet is enabled in http mode."""
    section = state.app_params["extranet"]
    if not section.get("enable") or section.get("mode", "tcp") != "http":
        return None
    return target_url(section, "url")


class ConfigClient:
    """Ask the configuration server for commands and report their results."""

    def __init__(
        self,
        state: DeviceState,
        online: asyncio.Event,
        on_action: Callable[[str], None],
        *,
        poll_interval: float,
        timeout: float,
    ) -> None:
        """Configure the loop; nothing runs until ``start``."""
        self._state = state
        self._online = online
        self._on_action = on_action
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.results: list[dict[str, Any]] = []
        self.heartbeats = 0
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

    async def _ask(self, url: str, body: dict[str, Any]) -> str:
        assert self._session is not None
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
                await asyncio.sleep(self.poll_interval)
                continue
            body = result if result is not None else heartbeat_body(self._state)
            try:
                text = await self._ask(url, body)
            except _NETWORK_ERRORS as err:
                _LOGGER.debug("configuration server not reachable: %s", type(err).__name__)
                await asyncio.sleep(self.poll_interval)
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
            try:
                command = json.loads(text) if text.strip() else None
            except ValueError:
                command = None
            if not isinstance(command, dict) or "cmd" not in command:
                await asyncio.sleep(self.poll_interval)
                continue
            self._state.requests.append(command)
            outcome = dispatch(self._state, command)
            result = outcome.reply
            if "command_id" in command:
                result["command_id"] = command["command_id"]
            action = outcome.action
