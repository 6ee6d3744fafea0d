"""The terminal as data client: face pushes with exact-ACK checking, resend and catch-up.

One capture is in flight at a time, oldest first. Without a valid ACK the same body is sent again
every ``resend_interval`` seconds, forever, and everything behind it waits (as on the device).
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass, field
import json
import logging
import random
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .commands import ProtocolError
from .commands.screen import check_text_item
from .state import PROTOCOL_VERSION, DeviceState

_LOGGER = logging.getLogger(__name__)
TTS_MAX_BYTES = 64
HISTORY = 1000  # failures and heartbeat statuses kept
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
ONLINE_MATCH_MODE = 2  # app params gate_control.match_mode: the server decides (document 2.3)


def target_url(section: dict[str, Any], path_key: str) -> str | None:
    """Build ``scheme://host:port/path`` from an ``upload_info``/``extranet`` section."""
    host = section.get("server_ip") or section.get("server_domain") or ""
    port = section.get("server_port")
    if not isinstance(host, str) or not host or not isinstance(port, int) or port <= 0:
        return None
    scheme = "http"
    if host.startswith("https://"):
        scheme, host = "https", host.removeprefix("https://")
    host = host.removeprefix("http://").rstrip("/")
    path = section.get(path_key) or ""
    return f"{scheme}://{host}:{port}/{str(path).lstrip('/')}"


def upload_url(state: DeviceState) -> str | None:
    """Return where face pushes go, or None when uploading over HTTP is not configured."""
    section = state.app_params["upload_info"]
    if section.get("method") != "http":
        return None
    return target_url(section, "service_url")


def heartbeat_body(state: DeviceState) -> dict[str, Any]:
    """Return the heartbeat the terminal sends as a client (notes: heartbeat body)."""
    info = state.app_params["device_info"]
    return {
        "cmd": "heart beat",
        "device_sn": state.serial,
        "ip": state.ip,
        "addr_name": info["addr_name"],
        "addr_no": info["addr_no"],
        "device_no": info["device_no"],
        "version": PROTOCOL_VERSION,
    }


def encode(body: dict[str, Any]) -> bytes:
    """Serialise a body as UTF-8 JSON (sent with Content-Length, never chunked)."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def check_ack(body: dict[str, Any], status: int, text: str) -> tuple[dict[str, Any] | None, str]:
    """Return (ack, "") for a valid ACK of ``body``, else (None, reason)."""
    if status != 200:
        return None, f"HTTP status {status}"
    try:
        ack = json.loads(text)
    except ValueError:
        return None, "reply is not JSON"
    if not isinstance(ack, dict):
        return None, "reply is not a JSON object"
    if ack.get("reply") != "ACK":
        return None, 'reply is not "ACK"'
    if ack.get("cmd") != "face":
        return None, 'cmd is not "face"'
    code = ack.get("code")
    if isinstance(code, bool) or code != 0:
        return None, "code is not 0"
    sequence_no = ack.get("sequence_no")
    if isinstance(sequence_no, bool) or not isinstance(sequence_no, int):
        return None, "sequence_no missing or not an integer"
    if sequence_no != body["sequence_no"]:
        return None, "sequence_no does not match the push"
    if ack.get("cap_time") != body["cap_time"]:
        return None, "cap_time does not match the push exactly"
    return ack, ""


def apply_ack_extras(state: DeviceState, ack: dict[str, Any]) -> None:
    """Carry out what an ACK asks for: gate output, speech, on-screen text, result pop-up."""
    gate = ack.get("gateway_ctrl")
    if isinstance(gate, dict):
        if gate.get("device_type") == "wiegand":
            state.add_log(
                "wiegand",
                source="ack",
                wiegand_card_no=gate.get("device_no", 0),
                long_card_id=gate.get("long_card_id", 0),
                ctrl_mode=gate.get("ctrl_mode"),
                person_id=gate.get("person_id", ""),
            )
        else:
            state.add_log(
                "gpio",
                source="ack",
                port=gate.get("device_no"),
                ctrl_type="on",
                ctrl_mode=gate.get("ctrl_mode"),
                person_id=gate.get("person_id", ""),
            )
    tts = ack.get("tts")
    if isinstance(tts, dict) and isinstance(tts.get("text"), str):
        raw = tts["text"].encode("utf-8")
        truncated = len(raw) > TTS_MAX_BYTES
        text = raw[:TTS_MAX_BYTES].decode("utf-8", errors="ignore")
        state.add_log("tts", source="ack", text=text, truncated=truncated)
    texts: list[tuple[str, object]] = [
        (key, ack[key]) for key in ("Text_display", "text_display") if key in ack
    ]
    if isinstance(ack.get("text_displays"), list):
        texts += [("text_displays", item) for item in ack["text_displays"]]
    for key, item in texts:
        try:
            fields = check_text_item(item)
        except ProtocolError as err:
            state.add_log("ack_extra_rejected", key=key, reason=err.desc)
        else:
            state.add_log("text", source="ack", key=key, **fields)
    popup = ack.get("data")
    if isinstance(popup, dict):
        state.add_log(
            "popup", source="ack", **{k: v for k, v in popup.items() if k != "profileImage"}
        )


def in_online_mode(state: DeviceState) -> bool:
    """Return True when the terminal leaves opening the gate to the server's ACK (match mode 2)."""
    return bool(state.app_params["gate_control"].get("match_mode") == ONLINE_MATCH_MODE)


def _ack_text(ack: dict[str, Any]) -> str | None:
    """The first on-screen text an ACK carries, in any of its spellings."""
    for key in ("text_display", "Text_display"):
        item = ack.get(key)
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            return str(item["text"])
    items = ack.get("text_displays")
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                return str(item["text"])
    return None


def log_door(state: DeviceState, body: dict[str, Any], ack: dict[str, Any], ack_ms: float) -> None:
    """In online mode, record what the door did for one capture: opened only on `gateway_ctrl`."""
    gate = ack.get("gateway_ctrl")
    opened = isinstance(gate, dict)
    tts = ack.get("tts")
    state.add_log(
        "door",
        sequence_no=body["sequence_no"],
        realtime=body.get("is_realtime") == 1,
        opened=opened,
        relay=gate.get("device_no") if isinstance(gate, dict) else None,
        person_id=gate.get("person_id") if isinstance(gate, dict) else None,
        text=_ack_text(ack),
        tts=tts.get("text") if isinstance(tts, dict) else None,
        ack_ms=round(ack_ms, 1),
    )


@dataclass
class PushFaults:
    """What goes wrong on the way to the server, for soak tests of the receiving side.

    Each is a probability per delivery attempt: ``abort_body`` sends the headers and half the body,
    then closes the connection; ``lose_ack`` throws a valid ACK away, so the same capture is sent
    again; ``duplicate`` sends an acknowledged capture once more (a device resending after a
    reply it took too long to read). ``counts`` says how often each happened.
    """

    abort_body: float = 0.0
    lose_ack: float = 0.0
    duplicate: float = 0.0
    seed: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the probabilities; seed the dice."""
        for name in ("abort_body", "lose_ack", "duplicate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a probability between 0 and 1")
        self._rng = random.Random(self.seed)

    def happens(self, name: str) -> bool:
        """Roll for fault ``name``; count it when it happens."""
        probability: float = getattr(self, name)
        if probability > 0 and self._rng.random() < probability:
            self.counts[name] += 1
            return True
        return False


@dataclass(slots=True)
class PushItem:
    """A capture waiting for its ACK."""

    body: dict[str, Any]
    record: dict[str, Any]
    data: bytes
    attempts: int = 0


class Pusher:
    """Deliver captures in order to ``upload_info``, plus an optional heartbeat."""

    def __init__(
        self,
        state: DeviceState,
        online: asyncio.Event,
        *,
        resend_interval: float,
        timeout: float,
        heartbeat_interval: float = 0.0,
    ) -> None:
        """Configure delivery; nothing runs until ``start``."""
        self._state = state
        self._online = online
        self.resend_interval = resend_interval
        self.timeout = timeout
        self.heartbeat_interval = heartbeat_interval
        self.queue: deque[PushItem] = deque()
        self.acks: list[dict[str, Any]] = []
        self.failures: deque[dict[str, Any]] = deque(maxlen=HISTORY)
        self.heartbeats: deque[int] = deque(maxlen=HISTORY)
        self.link_ok = True
        # Valid ACKs thrown away as if the connection broke on the way back: the push is resent.
        self.lose_acks = 0
        self.faults = PushFaults()
        self.duplicate_replies_bad = 0
        self._sequence_no = 0
        self._work = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._session: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def next_sequence(self) -> int:
        """Return the next push ``sequence_no`` (1, 2, ...)."""
        self._sequence_no += 1
        return self._sequence_no

    def reset_sequence(self) -> None:
        """Start ``sequence_no`` again at 1 (after a reboot, when configured)."""
        self._sequence_no = 0

    def catching_up(self) -> bool:
        """Return True when a new capture could not be sent at once (queue, link or target down)."""
        return (
            bool(self.queue)
            or not self.link_ok
            or not self._online.is_set()
            or upload_url(self._state) is None
        )

    def enqueue(self, body: dict[str, Any], record: dict[str, Any]) -> None:
        """Queue a capture for delivery."""
        self.queue.append(PushItem(body, record, encode(body)))
        self._idle.clear()
        self._work.set()

    async def wait_delivered(self, timeout: float) -> None:
        """Wait until every queued capture has been acknowledged (TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            await self._idle.wait()

    def start(self, session: aiohttp.ClientSession) -> None:
        """Start the delivery loop (and the heartbeat loop when an interval is set)."""
        self._session = session
        self._tasks.append(asyncio.create_task(self._deliver_loop(), name="sim-pusher"))
        if self.heartbeat_interval > 0:
            self._tasks.append(asyncio.create_task(self._heartbeat_loop(), name="sim-heartbeat"))

    async def stop(self) -> None:
        """Stop all loops."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def _post(self, url: str, data: bytes) -> tuple[int, str]:
        assert self._session is not None
        async with self._session.post(
            url,
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            ssl=False,
        ) as response:
            return response.status, await response.text(errors="replace")

    async def _deliver_loop(self) -> None:
        while True:
            if not self.queue:
                self._idle.set()
                self._work.clear()
                await self._work.wait()
                continue
            await self._online.wait()
            url = upload_url(self._state)
            item = self.queue[0]
            if url is None:
                reason = "no http upload target"
            elif self.faults.happens("abort_body"):
                item.attempts += 1
                await self._post_aborted(url, item.data)
                reason = "body aborted half-way (fault)"
            else:
                item.attempts += 1
                started = time.perf_counter()
                try:
                    status, text = await self._post(url, item.data)
                except _NETWORK_ERRORS as err:
                    reason = f"{type(err).__name__}"
                else:
                    ack_ms = (time.perf_counter() - started) * 1000
                    ack, reason = check_ack(item.body, status, text)
                    if ack is not None and self.lose_acks > 0:
                        self.lose_acks -= 1
                        ack, reason = None, "ACK lost on the way back"
                    if ack is not None and self.faults.happens("lose_ack"):
                        reason = "ACK lost (fault)"
                    elif ack is not None:
                        self._accept(item, ack, ack_ms)
                        if self.faults.happens("duplicate"):
                            await self._send_duplicate(url, item)
                        continue
            self.link_ok = False
            self.failures.append({"sequence_no": item.body["sequence_no"], "reason": reason})
            _LOGGER.debug("push %s not acknowledged: %s", item.body["sequence_no"], reason)
            await asyncio.sleep(self.resend_interval)

    async def _post_aborted(self, url: str, data: bytes) -> None:
        """Announce the whole body, send half of it, hang up."""
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        ).encode("ascii")
        try:
            async with asyncio.timeout(self.timeout):
                _reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
                writer.write(head + data[: len(data) // 2])
                await writer.drain()
                writer.close()
                await writer.wait_closed()
        except _NETWORK_ERRORS:
            _LOGGER.debug("aborted push could not even be started")

    async def _send_duplicate(self, url: str, item: PushItem) -> None:
        """Send an acknowledged capture again; its reply must still be a valid ACK."""
        try:
            status, text = await self._post(url, item.data)
        except _NETWORK_ERRORS:
            self.duplicate_replies_bad += 1
            return
        if check_ack(item.body, status, text)[0] is None:
            self.duplicate_replies_bad += 1

    def _accept(self, item: PushItem, ack: dict[str, Any], ack_ms: float) -> None:
        self.queue.popleft()
        self.link_ok = True
        item.record["upload_state"] = 1
        self.acks.append(ack)
        _LOGGER.debug("push %s acknowledged", item.body["sequence_no"])
        apply_ack_extras(self._state, ack)
        if in_online_mode(self._state):
            log_door(self._state, item.body, ack, ack_ms)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            await self._online.wait()
            url = upload_url(self._state)
            if url is None:
                continue
            try:
                status, _text = await self._post(url, encode(heartbeat_body(self._state)))
            except _NETWORK_ERRORS:
                status = 0
            self.heartbeats.append(status)

    async def send_event(self, body: dict[str, Any]) -> None:
        """Send a one-off notification (e.g. ``sip event``) to the upload target; no resend."""
        url = upload_url(self._state)
        if url is None or self._session is None:
            return
        try:
            await self._post(url, encode(body))
        except _NETWORK_ERRORS:
            _LOGGER.debug("event %s not delivered", body.get("cmd"))
