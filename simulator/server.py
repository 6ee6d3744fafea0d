"""The terminal as HTTP server: ``POST /`` with a JSON body, Basic auth, faults, power cycles."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import BasicAuth, web

from .control import add_control_routes
from .handlers import dispatch, make_reply

if TYPE_CHECKING:
    from .core import Simulator

_LOGGER = logging.getLogger(__name__)
MAX_BODY = 64 * 1024 * 1024
GARBLED = b'{"reply": "ACK", "cmd": '


@dataclass
class Faults:
    """Misbehaviour on demand, for reliability tests of the client."""

    latency: float = 0.0  # seconds added before every reply
    drop_next: int = 0  # close the connection without a reply (request not executed)
    http_500_next: int = 0  # answer HTTP 500 (request not executed)
    garble_next: int = 0  # execute, then answer with invalid JSON

    def update(self, values: dict[str, Any]) -> None:
        """Set fields from a dict; unknown names or wrong types raise ValueError."""
        for key, value in values.items():
            if key not in self.__dataclass_fields__:
                raise ValueError(f"unknown fault {key!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"fault {key!r} must be a non-negative number")
            setattr(self, key, float(value) if key == "latency" else int(value))

    def as_dict(self) -> dict[str, Any]:
        """Return the current settings."""
        return asdict(self)


class DeviceServer:
    """The aiohttp application and its listener, which can go away and come back (reboot)."""

    def __init__(self, sim: Simulator) -> None:
        """Build the application: the device endpoint and the ``/_sim/`` control API."""
        self._sim = sim
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_post("/", self._handle)
        add_control_routes(self.app, sim)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.host = "127.0.0.1"
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        """Start listening; port 0 picks a free port."""
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        self.host, self.port = host, port
        await self.go_online()

    async def go_online(self) -> None:
        """(Re)open the listening socket on the same port."""
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, self.host, self.port)
        await self._site.start()
        if self.port == 0:
            self.port = int(self._runner.addresses[0][1])

    async def go_offline(self) -> None:
        """Close the listening socket and drop open connections (power off)."""
        if self._site is not None:
            await self._site.stop()
            self._site = None
        if self._runner is not None and self._runner.server is not None:
            for connection in self._runner.server.connections:
                connection.force_close()

    async def stop(self) -> None:
        """Stop for good."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._site = None

    def _authorized(self, request: web.Request) -> bool:
        auth = self._sim.state.auth
        if not auth.get("enable"):
            return True
        header = request.headers.get("Authorization", "")
        try:
            given = BasicAuth.decode(header)
        except ValueError:
            return False
        return bool(given.login == auth.get("username") and given.password == auth.get("password"))

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        request.protocol.force_close()
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        sim, faults = self._sim, self._sim.faults
        if not sim.online.is_set():
            return self._drop(request)
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if faults.drop_next > 0:
            faults.drop_next -= 1
            return self._drop(request)
        if faults.http_500_next > 0:
            faults.http_500_next -= 1
            return web.Response(status=500, text="Internal Server Error")
        if not self._authorized(request):
            return web.Response(
                status=401,
                text="Unauthorized",
                headers={"WWW-Authenticate": 'Basic realm="FaceGate"'},
            )
        raw = await request.read()
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # The device only reads Content-Length bodies (document 1.2.1 item 8).
            sim.state.requests.append({"_rejected": "chunked transfer encoding"})
            reply = make_reply(
                sim.state, "", 3, "chunked transfer encoding is not supported; send Content-Length"
            )
            return self._json(reply)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        sim.state.requests.append(
            body if isinstance(body, dict) else {"_unparsed": raw[:200].decode("utf-8", "replace")}
        )
        outcome = dispatch(sim.state, body)
        _LOGGER.debug("cmd %r -> code %s", outcome.reply["cmd"], outcome.reply["code"])
        if faults.garble_next > 0:
            faults.garble_next -= 1
            response = web.Response(body=GARBLED, content_type="application/json")
        else:
            response = self._json(outcome.reply)
        if outcome.action is not None:
            await response.prepare(request)
            await response.write_eof()
            sim.handle_action(outcome.action)
        return response

    @staticmethod
    def _json(reply: dict[str, Any]) -> web.Response:
        return web.Response(
            body=json.dumps(reply, ensure_ascii=False).encode("utf-8"),
            content_type="application/json",
            charset="utf-8",
        )
