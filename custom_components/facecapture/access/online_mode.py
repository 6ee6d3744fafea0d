"""The terminal's match mode: online (2) while Home Assistant decides access, its own otherwise.

Choosing "Home Assistant decides" in the options remembers the terminal's mode in the entry and
sets ``gate_control.match_mode`` to 2 (document 2.3): the terminal then opens the gate only when
the ACK says so. Each poll checks the mode is still online (a fixable repair issue puts it back
if someone changed it). Switching back to the terminal, or removing the entry, restores the
remembered mode.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..api import AppParams, FaceCaptureClient, FaceCaptureError
from ..const import (
    CONF_ACCESS_DECIDER,
    DATA_PREVIOUS_MATCH_MODE,
    DECIDER_HOME_ASSISTANT,
    DOMAIN,
    ISSUE_MATCH_MODE_CHANGED,
    LOGGER,
    MATCH_MODE_AUTOMATIC,
    MATCH_MODE_ONLINE,
)
from ..coordinator import FaceCaptureConfigEntry


def match_mode(params: AppParams | None) -> int | None:
    """The terminal's match mode, None when it does not report one."""
    gate = params.gate_control if params else None
    return gate.match_mode if gate else None


def _set_mode(mode: int) -> dict[str, dict[str, int]]:
    return {"gate_control": {"match_mode": mode}}


class OnlineMode:
    """Keeps one terminal in online mode while Home Assistant decides, and gives its mode back."""

    def __init__(
        self, hass: HomeAssistant, entry: FaceCaptureConfigEntry, client: FaceCaptureClient
    ) -> None:
        """Nothing is written until ``async_configure``."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.matches: bool | None = None
        self.terminal_mode: int | None = None
        self._restoring = False

    @property
    def wanted(self) -> bool:
        """Whether Home Assistant decides access (the options say so)."""
        return self.entry.options.get(CONF_ACCESS_DECIDER) == DECIDER_HOME_ASSISTANT

    @property
    def _issue_id(self) -> str:
        return f"{ISSUE_MATCH_MODE_CHANGED}_{self.entry.entry_id}"

    async def async_configure(self) -> bool:
        """Put the terminal in the mode the options ask for; True when it is there now."""
        params = await self.client.get_app_params()
        if not self.wanted:
            await self._async_restore(params)
            self._set_terminal_mode(params)
            return True
        current = match_mode(params)
        if current != MATCH_MODE_ONLINE:
            if DATA_PREVIOUS_MATCH_MODE not in self.entry.data:
                self.hass.config_entries.async_update_entry(
                    self.entry,
                    data={
                        **self.entry.data,
                        DATA_PREVIOUS_MATCH_MODE: current or MATCH_MODE_AUTOMATIC,
                    },
                )
            LOGGER.debug("Setting %s to online mode", self.entry.title)
            await self.client.update_app_params(_set_mode(MATCH_MODE_ONLINE))
            params = await self.client.get_app_params()
        self._set_terminal_mode(params)
        if not self.matches:
            LOGGER.warning("%s did not keep the online match mode", self.entry.title)
        return bool(self.matches)

    async def _async_restore(self, params: AppParams) -> None:
        """Give the terminal the mode it had before Home Assistant decided, and forget it."""
        previous = self.entry.data.get(DATA_PREVIOUS_MATCH_MODE)
        if previous is None:
            return
        if match_mode(params) == MATCH_MODE_ONLINE and previous != MATCH_MODE_ONLINE:
            LOGGER.debug("Giving %s its match mode %s back", self.entry.title, previous)
            await self.client.update_app_params(_set_mode(int(previous)))
        self.hass.config_entries.async_update_entry(
            self.entry,
            data={k: v for k, v in self.entry.data.items() if k != DATA_PREVIOUS_MATCH_MODE},
        )

    @callback
    def _set_terminal_mode(self, params: AppParams) -> None:
        self.terminal_mode = match_mode(params)
        self.matches = self.terminal_mode == MATCH_MODE_ONLINE if self.wanted else None
        if not self.wanted or self.matches:
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)

    @callback
    def async_check(self, params: AppParams | None) -> None:
        """After each poll: still online while Home Assistant decides; restored when it does not."""
        if params is None:
            return
        self._set_terminal_mode(params)
        if self.wanted and not self.matches:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self._issue_id,
                is_fixable=True,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_MATCH_MODE_CHANGED,
                translation_placeholders={
                    "title": self.entry.title,
                    "current": str(self.terminal_mode or "none"),
                },
                data={"entry_id": self.entry.entry_id},
            )
        elif (
            not self.wanted and DATA_PREVIOUS_MATCH_MODE in self.entry.data and not self._restoring
        ):
            # Switching back happened while the terminal could not be reached: try again now.
            self._restoring = True
            self.entry.async_create_background_task(
                self.hass, self._async_retry_restore(params), f"{DOMAIN} restore match mode"
            )

    async def _async_retry_restore(self, params: AppParams) -> None:
        try:
            await self._async_restore(params)
        except FaceCaptureError as err:
            LOGGER.warning("Could not give %s its match mode back: %s", self.entry.title, err)
        finally:
            self._restoring = False

    @callback
    def async_clear_issues(self) -> None:
        """Remove this entry's issue (on unload)."""
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)


async def async_restore_match_mode(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, client: FaceCaptureClient
) -> None:
    """On removal: give the terminal its own match mode back. Never fails the removal."""
    previous = entry.data.get(DATA_PREVIOUS_MATCH_MODE)
    if previous is None:
        return
    try:
        params = await client.get_app_params()
        if match_mode(params) == MATCH_MODE_ONLINE and previous != MATCH_MODE_ONLINE:
            await client.update_app_params(_set_mode(int(previous)))
            LOGGER.debug("%s decides access by itself again", entry.title)
    except FaceCaptureError as err:
        LOGGER.warning("Could not give %s its match mode back: %s", entry.title, err)
