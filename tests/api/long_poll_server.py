"""A configuration-client server for the library's tests: a real HTTP listener on 127.0.0.1.

It does what an application using ``LongPollTransport`` does: parse each request the terminal
makes, answer heartbeats and results through the transport, anything else at once.
"""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from custom_components.facecapture.api import LongPollTransport
from custom_components.facecapture.api.push import (
    CommandResult,
    Heartbeat,
    dumps_ack,
    parse_push,
)


class LongPollServer:
    """Serves one transport at ``url``."""

    def __init__(self, transport: LongPollTransport) -> None:
        """Nothing listens until ``start``."""
        self.transport = transport
        self.bodies: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] = []
        self.times: list[float] = []
        """``time.monotonic()`` of each request's arrival."""
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """What the terminal is told to ask."""
        return f"http://127.0.0.1:{self.port}/config"

    async def _handle(self, request: web.Request) -> web.Response:
        self.times.append(time.monotonic())
        raw = await request.read()
        message = parse_push(raw)
        self.bodies.append(json.loads(raw))
        if isinstance(message, Heartbeat | CommandResult):
            reply = await self.transport.answer(message)
        else:
            reply = {"reply": "ACK", "cmd": message.cmd, "code": 0}
        self.replies.append(reply)
        return web.Response(body=dumps_ack(reply), content_type="application/json")

    async def start(self) -> None:
        """Listen on a free port."""
        app = web.Application()
        app.router.add_post("/config", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close the transport (a held request is answered at once), then stop listening."""
        await self.transport.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
