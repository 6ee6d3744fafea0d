"""Where a push enters: the webhook the terminal posts captures and heartbeats to.

The terminal resends a capture until it gets a valid ACK, so the handler answers first (echoing
``sequence_no`` and ``cap_time`` exactly as sent) and does everything else in a background task.
A body it cannot read still gets an answer and one warning, never a traceback.
"""

from __future__ import annotations

from http import HTTPStatus
import json
from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback

from .access import AccessDecision
from .api.errors import FaceCaptureParseError
from .api.push import (
    CommandResult,
    FacePush,
    Heartbeat,
    SipEvent,
    ack_for,
    build_ack,
    build_heartbeat_reply,
    dumps_ack,
    parse_push,
)
from .const import (
    CONF_PUSH_REMOTE,
    CONF_WEBHOOK_ID,
    DEFAULT_PUSH_REMOTE,
    DOMAIN,
    LOGGER,
    MAX_PUSH_BYTES,
)
from .coordinator import FaceCaptureConfigEntry


def _reply(body: dict[str, Any]) -> web.Response:
    # A bytes body gives a Content-Length; the terminal does not read chunked replies.
    return web.Response(body=dumps_ack(body), content_type="application/json", charset="utf-8")


def _salvage_ack(raw: bytes) -> dict[str, Any]:
    """Answer a push we could not parse so that the terminal does not resend it for ever.

    If the body still carries ``sequence_no`` and ``cap_time``, that is all an ACK needs.
    """
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and "sequence_no" in body and "cap_time" in body:
        return build_ack(body["sequence_no"], body["cap_time"])
    return {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"}


async def _read_body(request: web.Request) -> bytes:
    """The whole body, but never more than one byte past the limit.

    ``StreamReader.read(n)`` returns what has arrived so far, which for a push with a 1080p
    panorama is a fraction of it: read until the end of the body.
    """
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_PUSH_BYTES and (
        chunk := await request.content.read(MAX_PUSH_BYTES + 1 - size)
    ):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class PushReceiver:
    """The webhook of one entry: answers the terminal, then hands captures to the hub."""

    def __init__(self, hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
        """Bind to one entry."""
        self.hass = hass
        self.entry = entry
        self._warned_foreign: set[str] = set()

    @property
    def webhook_id(self) -> str:
        """The id in the webhook path, kept in the entry."""
        webhook_id: str = self.entry.data[CONF_WEBHOOK_ID]
        return webhook_id

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
        """Answer one message from the terminal."""
        try:
            raw = await _read_body(request)
        except (OSError, ValueError) as err:
            LOGGER.warning("Could not read a push for %s: %s", self.entry.title, err)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if len(raw) > MAX_PUSH_BYTES:
            LOGGER.warning(
                "Ignored a push of more than %s bytes for %s", MAX_PUSH_BYTES, self.entry.title
            )
            return _reply({"reply": "ACK", "cmd": "face", "code": 6, "desc": "too large"})
        try:
            message = parse_push(raw)
        except FaceCaptureParseError as err:
            # One line, no traceback and no body: the body may hold a face and a name.
            LOGGER.warning("Unreadable push for %s (%s bytes): %s", self.entry.title, len(raw), err)
            return _reply(_salvage_ack(raw))

        runtime = self.entry.runtime_data
        if isinstance(message, FacePush):
            ack = build_ack(message.sequence_no, message.cap_time)
            if message.device_sn and message.device_sn != runtime.serial:
                if message.device_sn not in self._warned_foreign:
                    self._warned_foreign.add(message.device_sn)
                    LOGGER.warning(
                        "A terminal with serial %s pushed to the webhook of %s (serial %s); ignored",
                        message.device_sn,
                        self.entry.title,
                        runtime.serial,
                    )
                return _reply(ack)
            is_new = runtime.captures.async_check_new(message)
            # Within the access deadline, never raising; the same answer for a retransmission.
            decision = await runtime.access.async_decide(message, new=is_new)
            if is_new:
                self.entry.async_create_background_task(
                    hass,
                    self._async_process(message, decision),
                    f"{DOMAIN} push {message.sequence_no}",
                )
            return _reply(ack_for(message, **decision.ack_options(message)))

        runtime.captures.async_mark_alive()
        if isinstance(message, CommandResult):
            LOGGER.debug(
                "%s reported '%s' done with code %s", self.entry.title, message.cmd, message.code
            )
            return _reply({"reply": "ACK", "cmd": message.cmd, "code": 0})
        if isinstance(message, SipEvent):
            return _reply({"reply": "ACK", "cmd": "sip event", "code": 0})
        if isinstance(message, Heartbeat):
            return _reply(build_heartbeat_reply())
        LOGGER.debug("%s sent an unknown message '%s'", self.entry.title, message.cmd)
        return _reply({"reply": "ACK", "cmd": message.cmd, "code": 0})

    async def _async_process(self, push: FacePush, decision: AccessDecision) -> None:
        self.entry.runtime_data.captures.async_process(push, decision)
