"""Whether a terminal that fetches its commands is still there: its heartbeats say so.

A configuration client asks at least every 15 s. After ``OFFLINE_AFTER`` without a request its
entities become unavailable (one log line) and polls stop asking; its next request makes them
available again (one log line) and refreshes the state. Terminals Home Assistant connects to
have no such tracker: their polls say whether they answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from ..api import LongPollTransport
from ..const import DOMAIN, LOGGER, OFFLINE_AFTER
from ..coordinator import FaceCaptureConfigEntry

CHECK_EVERY = timedelta(seconds=5)


def availability_signal(entry: FaceCaptureConfigEntry) -> str:
    """The dispatcher signal sent when the entry's terminal comes or goes."""
    return f"{DOMAIN}_{entry.entry_id}_availability"


class TerminalPresence:
    """Online while the terminal keeps asking for commands."""

    def __init__(
        self, hass: HomeAssistant, entry: FaceCaptureConfigEntry, transport: LongPollTransport
    ) -> None:
        """Start online: set-up has just had the terminal answer."""
        self.hass = hass
        self.entry = entry
        self.transport = transport
        self.online = True
        self.last_contact: datetime = dt_util.utcnow()

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Follow the terminal's requests; returns the function that stops following."""
        stop_contact = self.transport.add_contact_listener(self._async_contact)
        stop_timer = async_track_time_interval(self.hass, self._async_check, CHECK_EVERY)

        @callback
        def stop() -> None:
            stop_contact()
            stop_timer()

        return stop

    @callback
    def _async_contact(self) -> None:
        self.last_contact = dt_util.utcnow()
        if self.online:
            return
        self.online = True
        LOGGER.info("%s is asking for commands again; its entities are available", self.entry.title)
        self._async_changed()
        self.entry.async_create_background_task(
            self.hass,
            self.entry.runtime_data.coordinator.async_request_refresh(),
            f"{DOMAIN} refresh {self.entry.title}",
        )

    @callback
    def _async_check(self, now: datetime | None = None) -> None:
        if not self.online or dt_util.utcnow() - self.last_contact <= OFFLINE_AFTER:
            return
        self.online = False
        LOGGER.info(
            "%s has not asked for commands for %s s; its entities are unavailable until it does",
            self.entry.title,
            int(OFFLINE_AFTER.total_seconds()),
        )
        self._async_changed()

    @callback
    def _async_changed(self) -> None:
        async_dispatcher_send(self.hass, availability_signal(self.entry))
