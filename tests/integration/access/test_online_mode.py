"""The match mode: online while Home Assistant decides, repaired when changed, restored after."""

from __future__ import annotations

from unittest.mock import AsyncMock, patch

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.const import (
    CONF_ACCESS_ALLOW,
    CONF_ACCESS_DEADLINE,
    CONF_ACCESS_DECIDER,
    CONF_ACCESS_ENTITY,
    CONF_ACCESS_FALLBACK,
    CONF_ACCESS_RELAY,
    CONF_DENY_BLACKLISTED,
    CONF_DENY_FEVER,
    CONF_DENY_NO_MASK,
    CONF_PUSH_AUTO,
    CONF_PUSH_REMOTE,
    CONF_TEXT_DENIED,
    CONF_TEXT_GRANTED,
    DATA_PREVIOUS_MATCH_MODE,
    DECIDER_HOME_ASSISTANT,
    DECIDER_TERMINAL,
    DOMAIN,
    ISSUE_MATCH_MODE_CHANGED,
)
from simulator import Simulator
from tests.integration.common import requests_since
from tests.integration.conftest import INTERNAL_URL, WEBHOOK_ID

HA_DECIDES = {CONF_ACCESS_DECIDER: DECIDER_HOME_ASSISTANT}


def _mode(simulator: Simulator) -> int:
    return int(simulator.state.app_params["gate_control"]["match_mode"])


@pytest.fixture(autouse=True)
def _entities_not_needed(no_platforms: None) -> None:
    """The match mode concerns the terminal, not the entities."""


@pytest.fixture
def simulator_mode(simulator: Simulator) -> Simulator:
    """The terminal ran offline (3) before Home Assistant took the decision over."""
    simulator.state.app_params["gate_control"]["match_mode"] = 3
    return simulator


@pytest.mark.parametrize("entry_options", [HA_DECIDES])
async def test_set_online_and_remembered(
    hass: HomeAssistant, simulator_mode: Simulator, init_integration: MockConfigEntry
) -> None:
    """Set-up sets online mode and keeps the terminal's own mode in the entry."""
    assert _mode(simulator_mode) == 2
    assert init_integration.data[DATA_PREVIOUS_MATCH_MODE] == 3
    assert init_integration.runtime_data.online_mode.matches is True
    # A reload does not write again, nor forget the first mode.
    start = len(simulator_mode.requests)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert requests_since(simulator_mode, start, "update app params") == []
    assert init_integration.data[DATA_PREVIOUS_MATCH_MODE] == 3


@pytest.mark.parametrize("entry_options", [HA_DECIDES])
async def test_changed_mode_raises_fixable_issue_and_fix_restores(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Someone put the terminal back to automatic: a poll raises a repair; fixing it sets online."""
    issue_id = f"{ISSUE_MATCH_MODE_CHANGED}_{init_integration.entry_id}"
    simulator.state.app_params["gate_control"]["match_mode"] = 1
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["current"] == "1"

    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.FORM
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _mode(simulator) == 2
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    # The mode the terminal had before Home Assistant decided is still the one to restore.
    assert init_integration.data[DATA_PREVIOUS_MATCH_MODE] == 1


@pytest.mark.parametrize("entry_options", [HA_DECIDES])
async def test_fix_reports_a_terminal_that_does_not_keep_the_mode(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The terminal accepts the mode but does not keep it: the fix form says so."""
    issue_id = f"{ISSUE_MATCH_MODE_CHANGED}_{init_integration.entry_id}"
    simulator.state.app_params["gate_control"]["match_mode"] = 1
    await init_integration.runtime_data.coordinator.async_refresh()
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    # The terminal answers the write with success but keeps its mode.
    with patch.object(init_integration.runtime_data.client, "update_app_params", AsyncMock()):
        result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_kept"}


async def test_switching_back_restores_the_mode(
    hass: HomeAssistant, simulator_mode: Simulator, init_integration: MockConfigEntry
) -> None:
    """Choosing Home Assistant then the terminal in the options: online, then offline again."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    base = {CONF_PUSH_AUTO: True, CONF_PUSH_REMOTE: False}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**base, **HA_DECIDES}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "access"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_ACCESS_ALLOW: "recognized",
            CONF_DENY_FEVER: True,
            CONF_DENY_NO_MASK: False,
            CONF_DENY_BLACKLISTED: True,
            CONF_ACCESS_ENTITY: "schedule.opening_hours",
            CONF_ACCESS_RELAY: 2.0,
            CONF_TEXT_GRANTED: " Hi {name} ",
            CONF_TEXT_DENIED: "",
            CONF_ACCESS_DEADLINE: 1.5,
            CONF_ACCESS_FALLBACK: "deny",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_ACCESS_RELAY] == 2
    assert init_integration.options[CONF_TEXT_GRANTED] == "Hi {name}"
    assert init_integration.options[CONF_TEXT_DENIED] == ""
    assert init_integration.runtime_data.access.home_assistant_decides
    assert _mode(simulator_mode) == 2

    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**base, CONF_ACCESS_DECIDER: DECIDER_TERMINAL}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert _mode(simulator_mode) == 3
    assert DATA_PREVIOUS_MATCH_MODE not in init_integration.data
    assert not init_integration.runtime_data.access.home_assistant_decides
    # The policy is kept for the next time Home Assistant decides.
    assert init_integration.options[CONF_ACCESS_ALLOW] == "recognized"


@pytest.mark.parametrize("entry_options", [HA_DECIDES])
async def test_removal_restores_the_mode(
    hass: HomeAssistant, simulator_mode: Simulator, init_integration: MockConfigEntry
) -> None:
    """Removing the terminal gives it its own mode back."""
    assert _mode(simulator_mode) == 2
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert _mode(simulator_mode) == 3


@pytest.mark.parametrize("entry_options", [HA_DECIDES])
async def test_removal_with_terminal_offline(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Removal never fails because the terminal is away; it says what it could not do."""
    await simulator.stop()
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    assert "Could not give Front gate its match mode back" in caplog.text


async def test_restore_retried_on_poll_when_switch_back_missed_the_terminal(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry, internal_url: str
) -> None:
    """Switched back while the terminal was away: the next poll gives it its mode back."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, DATA_PREVIOUS_MATCH_MODE: 1}
    )
    simulator.state.app_params["gate_control"]["match_mode"] = 2
    simulator.set_push_target(f"{INTERNAL_URL}/api/webhook/{WEBHOOK_ID}")
    simulator.fail_next("update app params", 1, "busy")
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert _mode(simulator) == 2  # set-up could not restore it
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _mode(simulator) == 1
    assert DATA_PREVIOUS_MATCH_MODE not in mock_config_entry.data
    # Nothing left to do on the next poll.
    start = len(simulator.requests)
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert requests_since(simulator, start, "update app params") == []


async def test_restore_retry_failing_again_is_logged_and_retried(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The terminal refuses the restore on set-up and on the next poll: said once, tried again."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, DATA_PREVIOUS_MATCH_MODE: 1}
    )
    simulator.state.app_params["gate_control"]["match_mode"] = 2
    simulator.set_push_target(f"{INTERNAL_URL}/api/webhook/{WEBHOOK_ID}")
    simulator.fail_next("update app params", 1, "busy")
    simulator.fail_next("update app params", 1, "busy")
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    online_mode = mock_config_entry.runtime_data.online_mode
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "Could not give Front gate its match mode back" in caplog.text
    assert _mode(simulator) == 2
    online_mode.async_check(None)  # a poll without app params judges nothing
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _mode(simulator) == 1
