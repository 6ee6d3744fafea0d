"""The push target: written on set-up, pushes really arrive, drift is repaired, silence is reported."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.camera import async_get_image
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.facecapture.const import (
    CONF_PUSH_AUTO,
    DOMAIN,
    EVENT_FACE,
    ISSUE_NO_URL,
    ISSUE_PUSH_NOT_ARRIVING,
    ISSUE_PUSH_TARGET_CHANGED,
)
from simulator import Simulator
from tests.integration.conftest import INTERNAL_URL, WEBHOOK_ID

EXPECTED_URL = f"{INTERNAL_URL}/api/webhook/{WEBHOOK_ID}"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_simulator_push_reaches_home_assistant(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """The terminal, pointed at Home Assistant on set-up, pushes; the ACK stops its resending."""
    events = async_capture_events(hass, EVENT_FACE)
    await simulator.capture("recognized", person_id="1001", temperature=36.7)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert len(events) == 1
    assert events[0].data["name"] == "Alice"
    assert events[0].data["temperature"] == pytest.approx(36.7)
    assert len(simulator.acks) == 1
    assert simulator.state.records[-1]["upload_state"] == 1
    assert hass.states.get("sensor.front_gate_last_recognized_person").state == "Alice"
    assert float(hass.states.get("sensor.front_gate_last_measurement").state) == pytest.approx(36.7)
    assert hass.states.get("binary_sensor.front_gate_mask_worn").state == "on"
    assert hass.states.get("binary_sensor.front_gate_fever").state == "off"
    picture = await async_get_image(hass, "camera.front_gate_last_face")
    assert picture.content.startswith(b"\xff\xd8\xff")


async def test_drift_raises_fixable_issue_and_fix_restores(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Someone pointed the terminal elsewhere: a poll raises a repair; fixing it writes us back."""
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    simulator.set_push_target("http://192.0.2.7:9000/other.php")
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["expected"] == EXPECTED_URL
    assert issue.translation_placeholders["current"] == "http://192.0.2.7:9000/other.php"

    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY

    upload = simulator.state.app_params["upload_info"]
    assert upload["service_url"] == f"/api/webhook/{WEBHOOK_ID}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_fix_flow_reports_unreachable_terminal(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """If the terminal cannot be reached while fixing, the form says so and the issue stays."""
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    simulator.set_push_target("http://192.0.2.7:9000/other.php")
    await init_integration.runtime_data.coordinator.async_refresh()
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    await simulator.stop()
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None


@pytest.mark.parametrize("entry_options", [{CONF_PUSH_AUTO: False}])
async def test_manual_target_left_alone(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """With the automatic target off, nothing is written and no drift issue is raised."""
    assert (
        simulator.state.app_params["upload_info"].get("service_url") != f"/api/webhook/{WEBHOOK_ID}"
    )
    assert not [r for r in simulator.requests if r.get("cmd") == "update app params"]
    await init_integration.runtime_data.coordinator.async_refresh()
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_silence_with_undelivered_captures_raises_issue(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Captures pile up on the terminal and nothing arrives: the issue names the exact URL."""
    issue_id = f"{ISSUE_PUSH_NOT_ARRIVING}_{init_integration.entry_id}"
    # The target points at 127.0.0.1:8123, where nothing listens in this test: delivery fails.
    await simulator.capture("stranger")
    await simulator.capture("stranger")
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.async_refresh()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None  # not silent for long yet

    freezer.tick(timedelta(minutes=16))
    await coordinator.async_refresh()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["url"] == EXPECTED_URL
    assert int(issue.translation_placeholders["count"]) >= 2

    # A heartbeat (or any push) shows the path works again: the issue goes.
    init_integration.runtime_data.captures.async_mark_alive()
    await coordinator.async_refresh()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_no_known_address_raises_issue(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Without any known address of Home Assistant the user is told what to set."""
    mock_config_entry.add_to_hass(hass)
    with patch(
        "custom_components.facecapture.link.push_target.get_url", side_effect=NoURLAvailableError
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"{ISSUE_NO_URL}_{mock_config_entry.entry_id}"
    )
    assert issue is not None
    assert not [r for r in simulator.requests if r.get("cmd") == "update app params"]


async def test_unload_clears_issues(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Issues of an unloaded entry do not linger."""
    simulator.set_push_target("http://192.0.2.7:9000/other.php")
    await init_integration.runtime_data.coordinator.async_refresh()
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_fix_flow_when_terminal_does_not_keep_target(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A terminal that silently ignores the new target is reported, not declared fixed."""
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    simulator.set_push_target("http://192.0.2.7:9000/other.php")
    await init_integration.runtime_data.coordinator.async_refresh()
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    # The terminal acknowledges the update but keeps its old target.
    with patch.object(init_integration.runtime_data.client, "set_upload_target"):
        result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_kept"}


async def test_fix_flow_for_unloaded_entry_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """An issue whose entry was unloaded meanwhile cannot be fixed from here."""
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    simulator.set_push_target("http://192.0.2.7:9000/other.php")
    await init_integration.runtime_data.coordinator.async_refresh()
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    # Unloading clears the issue; the flow that was already open finds no loaded entry.
    await hass.config_entries.async_unload(init_integration.entry_id)
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


async def test_removal_with_terminal_offline(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Removal never fails because the terminal is gone; it says why it could not clean up."""
    await simulator.stop()
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert "Could not stop Front gate pushing to Home Assistant" in caplog.text


async def test_setup_survives_failed_target_write(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    internal_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A terminal that refuses the new target still loads; the problem is logged."""
    simulator.fail_next("update app params", 23)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert "Could not set the push target of Front gate" in caplog.text


async def test_failed_poll_raises_no_drift_issue(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A poll that fails right after set-up judges nothing: the state it would see predates set-up.

    The first refresh read the app params before set-up wrote the push target; a failed poll
    hands listeners that old state, which must not look like someone changed the target.
    """
    issue_id = f"{ISSUE_PUSH_TARGET_CHANGED}_{init_integration.entry_id}"
    coordinator = init_integration.runtime_data.coordinator
    simulator.fail_next("request app params", 1)
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert not coordinator.last_update_success
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert simulator.state.app_params["upload_info"]["service_url"].endswith(WEBHOOK_ID)
