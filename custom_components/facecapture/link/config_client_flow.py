"""The config-flow steps for a terminal that connects to Home Assistant (configuration client).

The user is shown the exact URL to enter in the terminal's configuration-client settings. Once
the terminal asks it, the serial number and hardware are read through the command queue, and
the entry is created with that serial as unique id. The webhook stays registered from the flow
to the entry, so the terminal is held, never left to loop.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.core import callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import BooleanSelector

from ..api import FaceCaptureClient, FaceCaptureError
from ..const import (
    CONF_CONFIG_REMOTE,
    CONF_CONFIG_WEBHOOK_ID,
    CONF_CONNECTION,
    CONF_WEBHOOK_ID,
    CONNECTION_CONFIG_CLIENT,
    LOGGER,
)
from ..schema_library import vol
from .config_client_webhook import (
    async_get_receiver,
    async_release_receiver,
    config_client_url,
)
from .identify import CannotIdentifyError, identify_client

WAIT_FOR_TERMINAL = timedelta(minutes=10)
"""How long the flow waits for the terminal's first heartbeat once the user has the URL."""


def _remote_schema(default: bool) -> vol.Schema:
    return vol.Schema({vol.Required(CONF_CONFIG_REMOTE, default=default): BooleanSelector()})


class ConfigClientSteps(ConfigFlow):
    """Steps for adding and reconfiguring a terminal that fetches its commands."""

    _cc_webhook_id: str | None = None
    _cc_remote: bool = False
    _cc_task: asyncio.Task[tuple[str, str]] | None = None
    _cc_error: str | None = None
    _cc_found: tuple[str, str] | None = None
    _cc_handed_over: bool = False

    def _cc_urls(self, webhook_id: str) -> dict[str, str]:
        """The local URL, and the external one if Home Assistant has one (NoURLAvailableError)."""
        local = config_client_url(self.hass, webhook_id)
        try:
            external = config_client_url(self.hass, webhook_id, external=True)
        except NoURLAvailableError:
            external = local
        return {"url": local, "external_url": external}

    def _cc_url(self) -> str:
        assert self._cc_webhook_id is not None
        urls = self._cc_urls(self._cc_webhook_id)
        return urls["external_url" if self._cc_remote else "url"]

    async def async_step_config_client(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URL to enter in the terminal; on submit, wait for it to ask."""
        if self._cc_webhook_id is None:
            self._cc_webhook_id = webhook.async_generate_id()
        try:
            placeholders = self._cc_urls(self._cc_webhook_id)
        except NoURLAvailableError:
            return self.async_abort(reason="no_url")
        receiver = async_get_receiver(self.hass, self._cc_webhook_id)
        if user_input is not None:
            self._cc_remote = bool(user_input.get(CONF_CONFIG_REMOTE, False))
            receiver.async_register(
                title="new terminal", serial=None, local_only=not self._cc_remote
            )
            return await self.async_step_wait_heartbeat()
        # Registered at once: a terminal given the URL before the form is sent is held too.
        receiver.async_register(title="new terminal", serial=None, local_only=not self._cc_remote)
        errors = {"base": self._cc_error} if self._cc_error else {}
        self._cc_error = None
        return self.async_show_form(
            step_id="config_client",
            data_schema=_remote_schema(self._cc_remote),
            description_placeholders=placeholders,
            errors=errors,
        )

    async def async_step_wait_heartbeat(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Wait for the terminal's first heartbeat, then read who it is through the queue."""
        started = self._cc_task is None
        if self._cc_task is None:
            self._cc_task = self.hass.async_create_task(self._async_meet_terminal())
        # Progress is shown even for a task that is done already (an eager task can be):
        # progress done right away would hand the form's input on to the next step.
        if started or not self._cc_task.done():
            return self.async_show_progress(
                step_id="wait_heartbeat",
                progress_action="wait_heartbeat",
                progress_task=self._cc_task,
                description_placeholders={"url": self._cc_url()},
            )
        task, self._cc_task = self._cc_task, None
        try:
            self._cc_found = task.result()
        except TimeoutError:
            self._cc_error = "no_heartbeat"
        except CannotIdentifyError:
            self._cc_error = "no_serial"
        except FaceCaptureError:
            self._cc_error = "cannot_connect"
        except Exception:  # noqa: BLE001 - the user must see a message, not a stuck flow
            LOGGER.exception("Unexpected error reading a new terminal through its command URL")
            self._cc_error = "unknown"
        next_step = "config_client" if self._cc_found is None else "config_client_done"
        return self.async_show_progress_done(next_step_id=next_step)

    async def _async_meet_terminal(self) -> tuple[str, str]:
        assert self._cc_webhook_id is not None
        receiver = async_get_receiver(self.hass, self._cc_webhook_id)
        async with asyncio.timeout(WAIT_FOR_TERMINAL.total_seconds()):
            await receiver.transport.wait_contact()
        # From now on only this terminal gets commands at this URL.
        receiver.transport.serial = receiver.first_serial
        serial, title = await identify_client(FaceCaptureClient(transport=receiver.transport))
        receiver.transport.serial = serial
        return serial, title

    async def async_step_config_client_done(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry of the terminal that asked (unless it is already configured)."""
        assert self._cc_found is not None
        assert self._cc_webhook_id is not None
        serial, title = self._cc_found
        await self.async_set_unique_id(serial, raise_on_progress=False)
        self._abort_if_unique_id_configured()
        self._cc_handed_over = True
        return self.async_create_entry(
            title=title,
            data={
                CONF_CONNECTION: CONNECTION_CONFIG_CLIENT,
                CONF_CONFIG_WEBHOOK_ID: self._cc_webhook_id,
                CONF_CONFIG_REMOTE: self._cc_remote,
                CONF_WEBHOOK_ID: webhook.async_generate_id(),
            },
        )

    async def async_step_reconfigure_client(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the terminal's command URL again; allow or stop remote access."""
        entry = self._get_reconfigure_entry()
        webhook_id: str = entry.data[CONF_CONFIG_WEBHOOK_ID]
        if user_input is not None:
            return self.async_update_reload_and_abort(
                entry,
                data_updates={CONF_CONFIG_REMOTE: bool(user_input.get(CONF_CONFIG_REMOTE))},
            )
        try:
            placeholders = self._cc_urls(webhook_id)
        except NoURLAvailableError:
            return self.async_abort(reason="no_url")
        return self.async_show_form(
            step_id="reconfigure_client",
            data_schema=_remote_schema(bool(entry.data.get(CONF_CONFIG_REMOTE))),
            description_placeholders={**placeholders, "title": entry.title},
        )

    @callback
    def async_remove(self) -> None:
        """A flow closed before its entry was made lets its webhook go."""
        if self._cc_task is not None:
            self._cc_task.cancel()
        if self._cc_webhook_id is not None and not self._cc_handed_over:
            self.hass.async_create_task(async_release_receiver(self.hass, self._cc_webhook_id))
