"""Diagnostics: everything useful to debug pushes, nothing personal."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.facecapture.const import DOMAIN, ISSUE_PUSH_NOT_ARRIVING
from simulator import Simulator

from .common import SERIAL
from .conftest import WEBHOOK_ID

PUSHES = Path(__file__).parent.parent / "fixtures" / "pushes"


# Diagnostics read the runtime data, not the entities.
pytestmark = pytest.mark.usefixtures("no_platforms")


@pytest.fixture
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Stable clocks for the snapshot."""
    freezer.move_to("2026-11-25 12:00:00+00:00")


@pytest.mark.usefixtures("frozen_time")
async def test_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    http_client: TestClient,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """The snapshot holds settings, versions, push health and the last push, all redacted."""
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body["device_sn"] = SERIAL
    body["id_card"] = {"number": "511000199001011234", "name": "Zoë Müller"}
    body["qr_code"] = {"qr_type": "QR-Code", "qr_data": "door-token-99"}
    body["person"]["wg_card_id"] = 31337
    await http_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    await hass.async_block_till_done(wait_background_tasks=True)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    # The simulator's port is picked at random; the rest is stable.
    assert diagnostics == snapshot(exclude=props("port"))

    text = json.dumps(diagnostics, ensure_ascii=False)
    for personal in (
        "Zoë",
        "Müller",
        "0042",
        "door-token-99",
        "31337",
        "511000199001011234",
        WEBHOOK_ID,
        SERIAL,
        "Alice",
        "Bob",
    ):
        assert personal not in text, personal
    assert diagnostics["push"]["matches"] is True
    assert diagnostics["push"]["pushes"] == 1
    assert diagnostics["push"]["last_push"]["result"] == "recognized"
    assert diagnostics["app_params"]["face"]["match_score"] is not None


async def test_live_pushes_leave_no_personal_data(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """After the terminal really pushed Alice (by card and QR code) and Bob, nobody is named."""
    await simulator.capture("recognized", person_id="1001", card=4242424, qr="gate-token-7")
    await simulator.wait_delivered(timeout=5)
    await simulator.capture("denied", person_id="1002", reason=-4)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, live_push)
    push = diagnostics["push"]
    assert push["pushes"] == 2
    assert push["matches"] is True
    assert push["terminal_url_has_webhook_path"] is True
    assert push["issues"] == []
    assert push["last_push"]["result"] == "denied"
    assert push["last_push"]["reason"] == "outside_schedule"
    assert push["last_capture"]["result"] == "denied"
    assert push["last_capture"]["realtime"] is True
    assert push["last_capture"]["warnings"] == []
    assert push["last_recognized_at"] is not None
    assert diagnostics["entry"]["options"]["push_url"] == "**REDACTED**"

    # The simulator's random port is the only number here that is not the terminal's.
    del diagnostics["entry"]["config"]["port"]
    text = json.dumps(diagnostics, ensure_ascii=False)
    for personal in (
        "Alice",
        "Bob",
        "1001",
        "1002",
        "4242424",
        "gate-token-7",
        WEBHOOK_ID,
        SERIAL,
        "127.0.0.1",
    ):
        assert personal not in text, personal


async def test_failed_poll_shows_error_type(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """A failed poll shows its error type, never its text (which holds the terminal's address)."""
    simulator.fail_next("request app params", 1)
    await init_integration.runtime_data.coordinator.async_refresh()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics["coordinator"]["last_update_success"] is False
    assert diagnostics["coordinator"]["last_exception"] == "UpdateFailed"
    assert diagnostics["push"]["last_capture"] is None
    assert diagnostics["push"]["last_recognized_at"] is None
    assert "127.0.0.1" not in json.dumps(diagnostics)


async def test_open_issues_of_this_terminal_are_listed(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """The repair issues open for this terminal are listed by kind; other terminals' are not."""
    for entry_id in (init_integration.entry_id, "another_entry"):
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"{ISSUE_PUSH_NOT_ARRIVING}_{entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_PUSH_NOT_ARRIVING,
        )
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics["push"]["issues"] == [ISSUE_PUSH_NOT_ARRIVING]
