"""Keeps the terminal pushing to Home Assistant: writes its upload target, watches it, says when not.

Set-up writes ``upload_info`` only if it differs, then reads it back. Each poll checks that it
still points here (a repair issue puts it back if someone changed it) and that pushes do arrive
while the terminal holds undelivered captures (a repair issue names the exact URL it was given).
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util import dt as dt_util

from ..api import AppParams, FaceCaptureClient, FaceCaptureError
from ..const import (
    CONF_PUSH_AUTO,
    CONF_PUSH_URL,
    CONF_WEBHOOK_ID,
    DEFAULT_PUSH_AUTO,
    DOMAIN,
    ISSUE_NO_URL,
    ISSUE_PUSH_NOT_ARRIVING,
    ISSUE_PUSH_TARGET_CHANGED,
    LOGGER,
    PUSH_SILENCE,
)
from ..coordinator import FaceCaptureConfigEntry


def push_url(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> str:
    """The URL the terminal must post to: the user's override, else Home Assistant's own address.

    The terminal cannot follow redirects or resolve mDNS names reliably, so the internal URL
    (which prefers an IP address) is used, never the cloud one.
    """
    path = webhook.async_generate_path(entry.data[CONF_WEBHOOK_ID])
    if override := entry.options.get(CONF_PUSH_URL):
        return f"{str(override).rstrip('/')}{path}"
    base = get_url(
        hass, allow_external=False, allow_cloud=False, allow_ip=True, prefer_external=False
    )
    return f"{base}{path}"


class PushTarget:
    """The push side's health for one entry."""

    def __init__(
        self, hass: HomeAssistant, entry: FaceCaptureConfigEntry, client: FaceCaptureClient
    ) -> None:
        """Nothing is written until ``async_configure``."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.url: str | None = None
        self.matches: bool | None = None
        self.terminal_url: str | None = None
        self._started = dt_util.utcnow()

    @property
    def auto(self) -> bool:
        """Whether Home Assistant manages the terminal's push target."""
        return bool(self.entry.options.get(CONF_PUSH_AUTO, DEFAULT_PUSH_AUTO))

    @property
    def _issue_suffix(self) -> str:
        return self.entry.entry_id

    async def async_configure(self) -> bool:
        """Point the terminal at this webhook if it is not already; True when it now points here."""
        try:
            self.url = push_url(self.hass, self.entry)
        except NoURLAvailableError:
            self._create_issue(ISSUE_NO_URL, fixable=False)
            LOGGER.warning(
                "No address of Home Assistant is known to give %s as push target", self.entry.title
            )
            return False
        ir.async_delete_issue(self.hass, DOMAIN, f"{ISSUE_NO_URL}_{self._issue_suffix}")
        if not self.auto:
            return False
        params = await self.client.get_app_params()
        if self._points_here(params):
            self._set_matching(params)
            return True
        LOGGER.debug("Pointing %s at its webhook", self.entry.title)
        await self.client.set_upload_target(self.url)
        params = await self.client.get_app_params()
        self._set_matching(params)
        if not self.matches:
            LOGGER.warning("%s did not keep the push target it was given", self.entry.title)
        return bool(self.matches)

    def _points_here(self, params: AppParams) -> bool:
        return params.upload_info is not None and params.upload_info.url == self.url

    @callback
    def _set_matching(self, params: AppParams) -> None:
        self.terminal_url = params.upload_info.url if params.upload_info else None
        self.matches = self._points_here(params)
        if self.matches:
            ir.async_delete_issue(
                self.hass, DOMAIN, f"{ISSUE_PUSH_TARGET_CHANGED}_{self._issue_suffix}"
            )

    @callback
    def async_check(
        self, params: AppParams | None, undelivered: int | None, last_message_at: datetime | None
    ) -> None:
        """After each poll, check that the target is still ours and that pushes arrive."""
        if params is not None and self.url is not None:
            self._set_matching(params)
            if self.auto and not self.matches:
                self._create_issue(
                    ISSUE_PUSH_TARGET_CHANGED,
                    fixable=True,
                    placeholders={"expected": self.url, "current": self.terminal_url or "none"},
                )
        self._check_silence(undelivered, last_message_at)

    @callback
    def _check_silence(self, undelivered: int | None, last_message_at: datetime | None) -> None:
        issue_id = f"{ISSUE_PUSH_NOT_ARRIVING}_{self._issue_suffix}"
        since = last_message_at if last_message_at is not None else self._started
        silent = dt_util.utcnow() - since > PUSH_SILENCE
        if undelivered and silent:
            self._create_issue(
                ISSUE_PUSH_NOT_ARRIVING,
                fixable=False,
                placeholders={
                    "url": self.terminal_url or self.url or "none",
                    "count": str(undelivered),
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def _create_issue(
        self, key: str, *, fixable: bool, placeholders: dict[str, str] | None = None
    ) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"{key}_{self._issue_suffix}",
            is_fixable=fixable,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING if fixable else ir.IssueSeverity.ERROR,
            translation_key=key,
            translation_placeholders={"title": self.entry.title, **(placeholders or {})},
            data={"entry_id": self.entry.entry_id},
        )

    @callback
    def async_clear_issues(self) -> None:
        """Remove this entry's issues (on unload)."""
        for key in (ISSUE_NO_URL, ISSUE_PUSH_NOT_ARRIVING, ISSUE_PUSH_TARGET_CHANGED):
            ir.async_delete_issue(self.hass, DOMAIN, f"{key}_{self._issue_suffix}")


async def async_point_away(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, client: FaceCaptureClient
) -> None:
    """On removal: stop the terminal pushing to us, if it still does. Never fails the removal."""
    if not entry.options.get(CONF_PUSH_AUTO, DEFAULT_PUSH_AUTO):
        return
    try:
        url = push_url(hass, entry)
        params = await client.get_app_params()
        if params.upload_info is not None and params.upload_info.url == url:
            await client.update_app_params({"upload_info": {"method": "none"}})
            LOGGER.debug("%s no longer pushes to Home Assistant", entry.title)
    except (FaceCaptureError, NoURLAvailableError) as err:
        LOGGER.warning("Could not stop %s pushing to Home Assistant: %s", entry.title, err)
