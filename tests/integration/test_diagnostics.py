"""Diagnostics: everything useful to debug pushes, nothing personal."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from .conftest import SERIAL, WEBHOOK_ID

PUSHES = Path(__file__).parent.parent / "fixtures" / "pushes"


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Stable clocks for the snapshot."""
    freezer.move_to("2026-11-25 12:00:00+00:00")


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
