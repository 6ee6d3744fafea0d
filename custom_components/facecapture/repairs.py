"""Fix flows: put the push target or the online match mode back; synchronise a household."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .api import FaceCaptureError
from .const import DOMAIN, ISSUE_HOUSEHOLD_DRIFT, ISSUE_MATCH_MODE_CHANGED
from .coordinator import FaceCaptureConfigEntry
from .people.household import household_of, members

if TYPE_CHECKING:
    # 2026.10 and later type a repair flow's steps with it; 2026.2 has data_entry_flow.FlowResult.
    from homeassistant.components.repairs import RepairsFlowResult
from .schema_library import vol


class PushTargetRepairFlow(RepairsFlow):
    """Confirm, then write the webhook URL into the terminal again."""

    def __init__(self, entry_id: str) -> None:
        """Fix the issue of one entry."""
        self.entry_id = entry_id

    async def _async_fix(self, entry: FaceCaptureConfigEntry) -> bool:
        """Write the setting again; True when the terminal kept it."""
        return await entry.runtime_data.push_target.async_configure()

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show what will be written; on confirmation write it and read it back."""
        entry: FaceCaptureConfigEntry | None = self.hass.config_entries.async_get_entry(
            self.entry_id
        )
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                if await self._async_fix(entry):
                    return self.async_create_entry(data={})
                errors["base"] = "not_kept"
            except FaceCaptureError:
                errors["base"] = "cannot_connect"
        issue = ir.async_get(self.hass).async_get_issue(self.handler, self.issue_id)
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders=issue.translation_placeholders if issue else None,
            errors=errors,
        )


class MatchModeRepairFlow(PushTargetRepairFlow):
    """Confirm, then put the terminal in online mode again."""

    async def _async_fix(self, entry: FaceCaptureConfigEntry) -> bool:
        """Set the online match mode again; True when the terminal kept it."""
        return await entry.runtime_data.online_mode.async_configure()


class HouseholdRepairFlow(RepairsFlow):
    """Confirm, then copy what the household's terminals lack or hold differently."""

    def __init__(self, name: str) -> None:
        """Fix the drift of one household."""
        self.name = name

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the differences; on confirmation copy in the background (it may be thousands)."""
        entries = members(self.hass, self.name)
        household = household_of(self.hass, entries[0]) if entries else None
        if household is None:
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            self.hass.async_create_background_task(
                household.async_synchronise(), f"{DOMAIN} household {household.slug}"
            )
            return self.async_create_entry(data={})
        issue = ir.async_get(self.hass).async_get_issue(self.handler, self.issue_id)
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders=issue.translation_placeholders if issue else None,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the fix flow of a push target, match mode or household issue."""
    entry_id = str((data or {}).get("entry_id"))
    if issue_id.startswith(ISSUE_HOUSEHOLD_DRIFT):
        return HouseholdRepairFlow(str((data or {}).get("household")))
    if issue_id.startswith(ISSUE_MATCH_MODE_CHANGED):
        return MatchModeRepairFlow(entry_id)
    return PushTargetRepairFlow(entry_id)
