"""Where a push enters: the webhook the terminal posts captures and heartbeats to.

The terminal resends a capture until it gets a valid ACK, so every request gets a well-formed JSON
answer, whatever it holds, and no exception ever leaves the handler. A face push is ACKed with its
``sequence_no`` and ``cap_time`` echoed exactly as sent; so is a body that cannot be parsed (too
large, too deep, not JSON, not UTF-8) when the two values can still be found in it.

Before the answer only what decides it happens: reading and parsing the body, checking that the
capture is usable and new. Firing the event, updating entities and saving the memory of seen
captures happen right after it (``CaptureHub.async_accept``). What could not be used is counted and
logged quietly by ``PushProblems``, never with the body's content.
"""

from __future__ import annotations

from dataclasses import dataclass
import traceback
from typing import Any, Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback

from ..access.policy import AccessDecision
from ..api.echo import SCAN_BYTES, Echo, body_echo, scan_echo
from ..api.errors import FaceCaptureParseError
from ..api.push import (
    CommandResult,
    FacePush,
    Heartbeat,
    PushProblem,
    SipEvent,
    ack_for,
    build_ack,
    build_heartbeat_reply,
    dumps_ack,
    load_body,
    parse_message,
)
from ..const import (
    CONF_PUSH_REMOTE,
    CONF_WEBHOOK_ID,
    DEFAULT_PUSH_REMOTE,
    DOMAIN,
    LOGGER,
    MAX_PUSH_BYTES,
)
from ..coordinator import FaceCaptureConfigEntry
from ..link.device_time import device_time_to_utc
from .hub import Capture
from .problems import PushProblems, Unreadable

MAX_DRAIN_BYTES: Final = 4 * MAX_PUSH_BYTES
"""An oversize body is read on (to find ``cap_time`` near its end) up to this size, then dropped."""

UNREADABLE_REPLY: Final = {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"}
TOO_LARGE_REPLY: Final = {"reply": "ACK", "cmd": "face", "code": 6, "desc": "too large"}


def _reply(body: dict[str, Any]) -> web.Response:
    # A bytes body gives a Content-Length; the terminal does not read chunked replies.
    return web.Response(body=dumps_ack(body), content_type="application/json", charset="utf-8")


def _salvaged(echo: Echo | None, otherwise: dict[str, Any]) -> web.Response:
    """An ACK echoing what was found, else ``otherwise``."""
    if echo is not None:
        try:
            return _reply(build_ack(*echo))
        except (ValueError, TypeError, RecursionError):
            pass
    return _reply(otherwise)


@dataclass(slots=True)
class _Body:
    """What was read of a request: all of it, or its start and end when it was over the limit."""

    head: bytes = b""
    tail: bytes | None = None

    @property
    def complete(self) -> bool:
        return self.tail is None


async def _read_body(request: web.Request, body: _Body) -> None:
    """Read the whole body, or past the limit its first and last ``SCAN_BYTES`` only.

    The chunks are taken as they arrived (``readany`` hands over the parser's own buffers) and
    joined once at the end: a 512 KB push is copied once, not once per read.
    """
    content = request.content
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_PUSH_BYTES and (chunk := await content.readany()):
        chunks.append(chunk)
        size += len(chunk)
    body.head = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if size <= MAX_PUSH_BYTES:
        return
    tail = body.head[-SCAN_BYTES:]
    body.head = body.head[:SCAN_BYTES]
    body.tail = tail
    while size < MAX_DRAIN_BYTES and (chunk := await content.readany()):
        size += len(chunk)
        body.tail = (body.tail + chunk)[-SCAN_BYTES:]


def _where(err: BaseException) -> str:
    """An error's type and the line it came from: enough to find a bug, no data in it."""
    frames = traceback.extract_tb(err.__traceback__)
    place = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(err).__name__}{place}"


class PushReceiver:
    """The webhook of one entry: answers the terminal, then hands captures to the hub."""

    def __init__(self, hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
        """Bind to one entry."""
        self.hass = hass
        self.entry = entry

    @property
    def webhook_id(self) -> str:
        """The id in the webhook path, kept in the entry."""
        webhook_id: str = self.entry.data[CONF_WEBHOOK_ID]
        return webhook_id

    @property
    def problems(self) -> PushProblems:
        """Where what could not be used is counted."""
        return self.entry.runtime_data.captures.problems

    @callback
    def async_register(self) -> None:
        """Register the webhook; only the local network may post unless the user allowed more."""
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"Face terminal {self.entry.title}",
            self.webhook_id,
            self.async_handle,
            local_only=not self.entry.options.get(CONF_PUSH_REMOTE, DEFAULT_PUSH_REMOTE),
            allowed_methods=["POST"],
        )
        self.entry.async_on_unload(lambda: webhook.async_unregister(self.hass, self.webhook_id))

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer one request from the terminal; nothing escapes, every request gets JSON."""
        body = _Body()
        try:
            return await self._async_answer(request, body)
        except Exception as err:  # noqa: BLE001 - the terminal must get an answer, whatever happened
            try:
                self.problems.async_report(Unreadable.INTERNAL_ERROR, _where(err))
                return _salvaged(scan_echo(body.head, body.tail or b""), UNREADABLE_REPLY)
            except Exception:  # noqa: BLE001
                LOGGER.debug("Could not even salvage a reply for %s", self.entry.title)
                return web.Response(
                    body=b'{"reply":"ACK","cmd":"face","code":3,"desc":"unreadable push"}',
                    content_type="application/json",
                )

    async def _async_answer(self, request: web.Request, body: _Body) -> web.Response:
        try:
            await _read_body(request, body)
        except Exception as err:  # noqa: BLE001 - a broken or aborted upload: nothing to read
            self.problems.async_report(Unreadable.BROKEN_REQUEST, type(err).__name__)
            return _reply(UNREADABLE_REPLY)
        if not body.complete:
            self.problems.async_report(Unreadable.TOO_LARGE)
            return _salvaged(scan_echo(body.head, body.tail or b""), TOO_LARGE_REPLY)
        try:
            data = load_body(body.head, keep_media=True)
        except FaceCaptureParseError:
            self.problems.async_report(Unreadable.NOT_JSON)
            return _salvaged(scan_echo(body.head, body.head), UNREADABLE_REPLY)
        try:
            message = parse_message(data)
        except FaceCaptureParseError:
            echo = body_echo(data)
            if echo is not None and "reply" not in data:
                # A face push whose sequence_no or cap_time has an unusable type: ACK it anyway.
                sequence_no = echo[0]
                self.problems.async_report(
                    PushProblem.BAD_SEQUENCE_NO
                    if isinstance(sequence_no, bool) or not isinstance(sequence_no, int | str)
                    else PushProblem.BAD_CAP_TIME
                )
            else:
                self.problems.async_report(Unreadable.NOT_A_PUSH)
            return _salvaged(echo, UNREADABLE_REPLY)

        if isinstance(message, FacePush):
            return _reply(await self._async_answer_face(message))
        captures = self.entry.runtime_data.captures
        captures.async_mark_alive()
        if isinstance(message, CommandResult):
            LOGGER.debug("%s reported a command done with code %s", self.entry.title, message.code)
            return _reply({"reply": "ACK", "cmd": message.cmd, "code": 0})
        if isinstance(message, SipEvent):
            return _reply({"reply": "ACK", "cmd": "sip event", "code": 0})
        if isinstance(message, Heartbeat):
            return _reply(build_heartbeat_reply())
        LOGGER.debug("%s sent a message of a kind this integration does not use", self.entry.title)
        return _reply({"reply": "ACK", "cmd": message.cmd, "code": 0})

    async def _async_answer_face(self, push: FacePush) -> dict[str, Any]:
        """Decide what a face push is (unusable, a retransmission or a new capture) and answer it."""
        runtime = self.entry.runtime_data
        captures = runtime.captures
        problem = push.problem_for(runtime.serial)
        captured_at = None
        if problem is None:
            captured_at = device_time_to_utc(push.captured_at, push.timezone)
            if captured_at is None:
                problem = PushProblem.BAD_CAP_TIME
        if problem is not None or captured_at is None:
            if push.device_sn == runtime.serial:
                captures.async_mark_alive()
            self.problems.async_report(problem or PushProblem.BAD_CAP_TIME)
            return self.face_ack(push, None)
        new = captures.async_check_new(push)
        # Within the access deadline, never raising; a retransmission gets the same answer.
        decision = await runtime.access.async_decide(push, new=new)
        capture = captures.async_accept(push, captured_at, decision) if new else None
        return self.face_ack(push, capture, decision)

    @callback
    def face_ack(
        self, push: FacePush, capture: Capture | None, decision: AccessDecision | None = None
    ) -> dict[str, Any]:
        """The ACK of a face push: the one place where an answer beyond "received" plugs in.

        ``capture`` is the new capture being published, or None for a retransmission or a push
        that is no usable capture (those are acknowledged so that the terminal moves on, and
        never open anything). ``decision`` is Home Assistant's access decision, if it decides.
        """
        if decision is None:
            return ack_for(push)
        return ack_for(push, **decision.ack_options(push))
