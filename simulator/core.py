"""``Simulator``: one fake terminal, wiring state, server, pusher and configuration client."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Coroutine, Iterable
import ipaddress
import logging
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import aiohttp

from .captures import KINDS, CaptureRequest, build_capture
from .clock import Clock
from .commands import REBOOT, RESTART_APPLICATION
from .config_client import DEVICE_WAIT, ConfigClient, extranet_url
from .pusher import Pusher, upload_url
from .server import DeviceServer, Faults
from .state import DEFAULT_CAPACITY, DEFAULT_SERIAL, DeviceState, default_hardware

_LOGGER = logging.getLogger(__name__)
_RATE_MIX = (("recognized", 5), ("stranger", 3), ("denied", 1), ("detected", 1))


def _server_fields(url: str | None, path_key: str) -> dict[str, Any]:
    """The host, port and path fields of an ``upload_info``/``extranet`` section for ``url``."""
    if not isinstance(url, str):
        raise TypeError("url must be a string")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("url must be http(s)://host[:port]/path")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname
    prefix = "https://" if parts.scheme == "https" else ""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        server_ip, server_domain = "", prefix + host
    else:
        server_ip, server_domain = prefix + host, ""
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return {
        "server_ip": server_ip,
        "server_domain": server_domain,
        "server_port": port,
        path_key: path,
    }


class Simulator:
    """A stateful fake face-recognition terminal speaking the Face Capture Http API."""

    def __init__(
        self,
        serial: str = DEFAULT_SERIAL,
        *,
        auth: tuple[str, str] | None = None,
        rate: float = 0.0,
        has_4g: bool = False,
        unsupported: Iterable[str] = frozenset(),
        resend_interval: float = 5.0,
        reboot_seconds: float = 3.0,
        restart_seconds: float | None = None,
        clock_offset: float = 0.0,
        clock_drift: float = 0.0,
        seed: int = 0,
        capacity: int = DEFAULT_CAPACITY,
        reset_sequence_on_reboot: bool = False,
        heartbeat_interval: float = 0.0,
        config_retry_interval: float = 15.0,
        push_timeout: float = 10.0,
        config_timeout: float = DEVICE_WAIT,
    ) -> None:
        """Create the terminal (not yet listening: call ``start``)."""
        self.state = DeviceState(
            serial=serial,
            capacity=capacity,
            seed=seed,
            clock=Clock(clock_offset, clock_drift),
            unsupported=frozenset(unsupported),
            hardware=default_hardware(has_4g),
        )
        if auth is not None:
            self.state.app_params["auth"] = {
                "enable": True,
                "username": auth[0],
                "password": auth[1],
            }
        self.rate = rate
        self.reboot_seconds = reboot_seconds
        self.restart_seconds = reboot_seconds / 3 if restart_seconds is None else restart_seconds
        self.reset_sequence_on_reboot = reset_sequence_on_reboot
        self.faults = Faults()
        self.online = asyncio.Event()
        self.pusher = Pusher(
            self.state,
            self.online,
            resend_interval=resend_interval,
            timeout=push_timeout,
            heartbeat_interval=heartbeat_interval,
        )
        self.config_client = ConfigClient(
            self.state,
            self.online,
            self.handle_action,
            retry_interval=config_retry_interval,
            timeout=config_timeout,
        )
        self.server = DeviceServer(self)
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (0 picks a free port) and start the client loops."""
        self.state.ip = host
        await self.server.start(host, port)
        self.online.set()
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        self.pusher.start(self._session)
        self.config_client.start(self._session)
        if self.rate > 0:
            self._spawn(self._rate_loop())
        _LOGGER.info("simulated terminal %s listening on %s", self.state.serial, self.url)

    async def stop(self) -> None:
        """Stop everything: background tasks, client session, listener."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pusher.stop()
        await self.config_client.stop()
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self.server.stop()
        self.online.clear()

    async def __aenter__(self) -> Self:
        """Start on 127.0.0.1 with a free port."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- convenient views ----------------------------------------------------------------------

    @property
    def host(self) -> str:
        """Listening address."""
        return self.server.host

    @property
    def port(self) -> int:
        """Listening port."""
        return self.server.port

    @property
    def url(self) -> str:
        """Device URL, e.g. ``http://127.0.0.1:8000/``."""
        return f"http://{self.host}:{self.port}/"

    @property
    def acks(self) -> list[dict[str, Any]]:
        """Valid push ACKs received, in order."""
        return self.pusher.acks

    @property
    def log(self) -> list[dict[str, Any]]:
        """What the terminal was told to show, say, play or switch (and reboots)."""
        return self.state.log

    @property
    def door(self) -> list[dict[str, Any]]:
        """In online mode: per acknowledged capture, whether the gate opened and what was shown."""
        return [entry for entry in self.state.log if entry["kind"] == "door"]

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request body received (server and configuration client), in order."""
        return self.state.requests

    def summary(self) -> dict[str, Any]:
        """Return counts and settings for ``GET /_sim/state`` (no names, no images)."""
        return {
            "serial": self.state.serial,
            "online": self.online.is_set(),
            "persons": len(self.state.persons),
            "records": len(self.state.records),
            "upload_target": upload_url(self.state),
            "config_url": extranet_url(self.state),
            "config_requests": len(self.config_client.request_times),
            "pending_pushes": len(self.pusher.queue),
            "acks": len(self.pusher.acks),
            "match_mode": self.state.app_params["gate_control"].get("match_mode"),
            "door_opened": sum(1 for entry in self.door if entry["opened"]),
            "clock": self.state.clock.text(),
            "requests": len(self.state.requests),
            "log_entries": len(self.state.log),
            "faults": self.faults.as_dict(),
        }

    # -- test helpers --------------------------------------------------------------------------

    def set_push_target(self, url: str | None) -> None:
        """Write ``upload_info`` (method http, host, port, path) from a URL, like ``--push-url``."""
        self.state.app_params["upload_info"].update(
            method="http", **_server_fields(url, "service_url")
        )

    def set_config_url(self, url: str | None) -> None:
        """Make the terminal a configuration client of ``url`` (``extranet`` in http mode).

        What a user types in the terminal's configuration-client settings; None turns it off.
        """
        if url is None:
            self.state.app_params["extranet"]["enable"] = False
            return
        self.state.app_params["extranet"].update(
            enable=True, mode="http", **_server_fields(url, "url")
        )

    def fail_next(self, cmd: str, code: int, desc: str | None = None) -> None:
        """Make the next request of ``cmd`` answer ``code`` (queued: call again for more)."""
        self.state.forced.setdefault(cmd, deque()).append((code, desc))

    def add_person(
        self, person_id: str | None = None, name: str | None = None, *, photo: bool = False
    ) -> dict[str, Any]:
        """Register a demo person, without an image unless ``photo`` (a drawn portrait)."""
        return self.state.add_demo_person(person_id, name, photo=photo)

    def add_persons(self, count: int, *, photo: bool = False) -> None:
        """Register ``count`` demo persons (``demo-N``, first names), with portraits if ``photo``."""
        for _ in range(count):
            self.state.add_demo_person(photo=photo)

    async def capture(
        self,
        kind: str = "recognized",
        *,
        person_id: str | None = None,
        reason: int = -3,
        score: int | None = None,
        temperature: float | None = 36.5,
        mask: bool = True,
        realtime: bool = True,
        closeup: bool = True,
        overall: bool = True,
        image_size: tuple[int, int] = (480, 640),
        qr: str | None = None,
        card: int | None = None,
    ) -> dict[str, Any]:
        """Make a capture: store a record and queue its face push; return the push body.

        ``realtime=True`` sends ``is_realtime: 1`` unless the capture is a catch-up (made while
        earlier captures are still unacknowledged, the last delivery failed, no target is set or
        the terminal is rebooting); ``realtime=False`` always sends 0.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        request = CaptureRequest(
            kind=kind,
            person_id=person_id,
            reason=reason,
            score=score,
            temperature=temperature,
            mask=mask,
            realtime=realtime,
            closeup=closeup,
            overall=overall,
            image_size=image_size,
            qr=qr,
            card=card,
        )
        is_realtime = realtime and not self.pusher.catching_up()
        if (
            person_id is not None
            and kind in ("recognized", "denied")
            and person_id not in self.state.persons
        ):
            raise ValueError(f"person {person_id!r} is not registered")
        body, record = build_capture(
            self.state, request, sequence_no=self.pusher.next_sequence(), is_realtime=is_realtime
        )
        self.pusher.enqueue(body, record)
        _LOGGER.debug("capture %s (%s) queued", body["sequence_no"], kind)
        return body

    async def wait_delivered(self, timeout: float = 5.0) -> None:
        """Wait until every capture has a valid ACK; TimeoutError otherwise."""
        await self.pusher.wait_delivered(timeout)

    # -- power -----------------------------------------------------------------------------------

    def handle_action(self, action: str) -> None:
        """Run what a command asked for once its reply is out (reboot, restart, SIP event)."""
        if action in (REBOOT, RESTART_APPLICATION):
            self.online.clear()
            self._spawn(self._power_cycle(action))
        elif action.startswith("sip_event:"):
            info = self.state.app_params["device_info"]
            event = {
                "version": "0.42",
                "cmd": "sip event",
                "device_no": info["device_no"],
                "device_sn": self.state.serial,
                "addr_no": info["addr_no"],
                "addr_name": info["addr_name"],
                "sip_event": int(action.split(":", 1)[1]),
            }
            self._spawn(self.pusher.send_event(event))

    async def _power_cycle(self, action: str) -> None:
        self.state.add_log(action)
        _LOGGER.info("terminal %s: %s", self.state.serial, action)
        await asyncio.sleep(0.05)  # let the acknowledgement leave first
        await self.server.go_offline()
        await asyncio.sleep(self.reboot_seconds if action == REBOOT else self.restart_seconds)
        if action == REBOOT:
            if self.reset_sequence_on_reboot:
                self.pusher.reset_sequence()
            self.state.sip["in_call"] = False
            self.state.uploads.clear()
        await self.server.go_online()
        self.online.set()
        self.state.add_log("online", after=action)

    async def _rate_loop(self) -> None:
        kinds = [kind for kind, _ in _RATE_MIX]
        weights = [weight for _, weight in _RATE_MIX]
        while True:
            await asyncio.sleep(60.0 / self.rate)
            await self.online.wait()
            kind = self.state.rng.choices(kinds, weights)[0]
            await self.capture(kind=kind)
