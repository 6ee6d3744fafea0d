"""Where a terminal Home Assistant cannot reach fetches its commands: the configuration-client webhook.

A terminal on 4G, behind NAT or at another site is set up as a configuration client (document
1.1.3): it POSTs a heartbeat to this webhook and takes the reply as its next command. The
webhook is separate from the push webhook (``captures/webhook.py``), has its own secret id, and answers
through the entry's ``LongPollTransport``: a command when one is queued, else an empty heartbeat
reply after a hold of about 10 s. Nothing here ever answers at once with nothing (and no
exception reaches Home Assistant, which would answer at once for us): the terminal asks again
straight after any reply, so both sides would loop.

Receivers live in ``hass.data`` rather than in an entry, so that the webhook stays registered
(holding the terminal) across a set-up retry or a reload, and from the config flow to the entry.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.network import get_url
from homeassistant.util.hass_dict import HassKey

from ..api import FaceCaptureParseError, LongPollTransport
from ..api.long_poll import DEFAULT_COMMAND_TIMEOUT, DEFAULT_HOLD, request_serial
from ..api.push import FacePush, SipEvent, UnknownMessage, dumps_ack, parse_push
from ..const import DOMAIN, LOGGER

HOLD = DEFAULT_HOLD
"""Seconds an idle heartbeat is held (the terminal waits 15 s at most)."""
COMMAND_TIMEOUT = DEFAULT_COMMAND_TIMEOUT
"""Seconds a command may wait for the terminal to fetch it and answer."""

DATA_RECEIVERS: HassKey[dict[str, ConfigClientReceiver]] = HassKey(f"{DOMAIN}_config_clients")


def config_client_url(hass: HomeAssistant, webhook_id: str, *, external: bool = False) -> str:
    """The URL to enter in the terminal's configuration-client settings.

    The local address (which prefers an IP address: the terminal resolves no mDNS names) unless
    ``external``, then Home Assistant's external address if it has one.

    Raises:
        NoURLAvailableError: Home Assistant knows no such address of itself.

    """
    path = webhook.async_generate_path(webhook_id)
    if external:
        base = get_url(hass, allow_internal=False, allow_cloud=False, prefer_external=True)
    else:
        base = get_url(
            hass, allow_external=False, allow_cloud=False, allow_ip=True, prefer_external=False
        )
    return f"{base}{path}"


def _reply(body: dict[str, Any]) -> web.Response:
    # A bytes body gives a Content-Length; the terminal does not read chunked replies.
    return web.Response(body=dumps_ack(body), content_type="application/json", charset="utf-8")


class ConfigClientReceiver:
    """The configuration-client webhook of one terminal and the queue of its commands."""

    def __init__(self, hass: HomeAssistant, webhook_id: str) -> None:
        """Not registered until ``async_register``."""
        self.hass = hass
        self.webhook_id = webhook_id
        self.transport = LongPollTransport(hold=HOLD, timeout=COMMAND_TIMEOUT)
        self.title = "new terminal"
        self.first_serial: str | None = None
        """The serial number of the first terminal that asked (the config flow adopts it)."""
        self.local_only = True
        self._registered = False
        self._warned: set[str] = set()

    @callback
    def async_register(self, *, title: str, serial: str | None, local_only: bool) -> None:
        """Register (again) with these settings; only the terminal ``serial`` gets commands."""
        self.title = title
        self.transport.serial = serial
        if self._registered and local_only == self.local_only:
            return
        self.async_unregister()
        self.local_only = local_only
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"Face terminal {title} (commands)",
            self.webhook_id,
            self.async_handle,
            local_only=local_only,
            allowed_methods=["POST"],
        )
        self._registered = True

    @callback
    def async_unregister(self) -> None:
        """Take the webhook away (the terminal then gets Home Assistant's empty answers)."""
        if self._registered:
            webhook.async_unregister(self.hass, self.webhook_id)
            self._registered = False

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer one request of the terminal: a command, or an empty reply after the hold."""
        try:
            return _reply(await self._async_answer(await request.read()))
        except Exception:  # noqa: BLE001 - Home Assistant would answer at once: the terminal would loop
            LOGGER.exception("Error answering the terminal %s", self.title)
            return _reply(await self.transport.idle_reply())

    async def _async_answer(self, raw: bytes) -> dict[str, Any]:
        try:
            message = parse_push(raw)
        except FaceCaptureParseError as err:
            # One line and no body: a result may hold faces and names.
            LOGGER.warning(
                "Unreadable request from %s (%s bytes) on its command URL: %s",
                self.title,
                len(raw),
                err,
            )
            return await self.transport.idle_reply()
        if isinstance(message, FacePush):
            self._warn_once(
                "face",
                "%s pushed a face to its command URL; give it the push URL for data upload "
                "(the two must differ). The terminal keeps the capture and sends it again",
                self.title,
            )
            # Not acknowledged with code 0: the terminal keeps the capture for the right URL.
            return {
                "reply": "ACK",
                "cmd": "face",
                "code": 3,
                "desc": "not the data upload URL",
                "sequence_no": message.sequence_no,
                "cap_time": message.cap_time,
            }
        if isinstance(message, SipEvent | UnknownMessage):
            cmd = message.cmd if isinstance(message, UnknownMessage) else "sip event"
            return {"reply": "ACK", "cmd": cmd, "code": 0}
        serial = request_serial(message)
        if not self.transport.accepts(serial):
            self._warn_once(
                str(serial),
                "A terminal with serial %s asked for commands at the URL of %s (serial %s); ignored",
                serial,
                self.title,
                self.transport.serial,
            )
            return await self.transport.idle_reply()
        if self.first_serial is None and serial:
            self.first_serial = serial
        return await self.transport.answer(message)

    def _warn_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self._warned:
            self._warned.add(key)
            LOGGER.warning(message, *args)


@callback
def async_get_receiver(hass: HomeAssistant, webhook_id: str) -> ConfigClientReceiver:
    """The receiver of ``webhook_id``, made on first use."""
    receivers = hass.data.get(DATA_RECEIVERS)
    if receivers is None:
        receivers = hass.data[DATA_RECEIVERS] = {}

        async def close_all(event: Event) -> None:
            # Held requests are answered now rather than holding Home Assistant's shutdown.
            for receiver in list(receivers.values()):
                await receiver.transport.close()

        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, close_all)
    if (receiver := receivers.get(webhook_id)) is None:
        receiver = receivers[webhook_id] = ConfigClientReceiver(hass, webhook_id)
    return receiver


async def async_release_receiver(hass: HomeAssistant, webhook_id: str) -> None:
    """Unregister the webhook and fail what still waits for the terminal."""
    receiver = hass.data.get(DATA_RECEIVERS, {}).pop(webhook_id, None)
    if receiver is not None:
        receiver.async_unregister()
        await receiver.transport.close()
