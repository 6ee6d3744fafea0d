"""What one capture writes to the logbook with every entity of the terminal in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    RecorderInstanceContextManager,
    WebSocketGenerator,
)

from custom_components.facecapture.const import DOMAIN
from simulator import Simulator


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: RecorderInstanceContextManager) -> None:
    """Prepare the recorder's database before Home Assistant starts."""


@pytest.fixture
async def logbook(recorder_mock: Recorder, hass: HomeAssistant) -> None:
    """The logbook on the in-memory recorder (the frontend it depends on is not installed)."""
    mock_integration(hass, MockModule("frontend"))
    assert await async_setup_component(hass, "logbook", {})


async def _capture(hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any) -> None:
    await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _rows(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, start: datetime
) -> list[dict[str, Any]]:
    """Every logbook row since ``start``, as the Logbook panel asks for them."""
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "logbook/get_events", "start_time": start.isoformat()})
    reply = await client.receive_json()
    assert reply["success"], reply
    return list(reply["result"])


@pytest.mark.usefixtures("logbook")
async def test_rows_of_a_capture(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A capture is one sentence; no sensor adds a row of its own.

    What Home Assistant 2026.2 itself always logs stays: the logbook leaves out only sensors with
    a unit, a state class or a numeric device class (``logbook/helpers.py``), never an event or an
    image entity, so the Face event and the two pictures still add their own rows.
    """
    # The entities leave "unknown" once; a sensor whose value changes (who came last) is a
    # change worth a row, so the same person comes twice here.
    await _capture(hass, simulator, "recognized", person_id="1001", score=90)
    start = dt_util.utcnow()
    await _capture(hass, simulator, "recognized", person_id="1001", score=92)
    rows = await _rows(hass, hass_ws_client, start)
    sentences = [row["message"] for row in rows if row.get("domain") == DOMAIN]
    assert sentences == ["recognized Alice (score 92)"]
    changed = sorted(row["entity_id"] for row in rows if row.get("domain") != DOMAIN)
    assert not [entity_id for entity_id in changed if entity_id.startswith("sensor.")]
    assert changed == [
        "event.front_gate_face",
        "image.front_gate_last_face",
        "image.front_gate_last_panorama",
    ]
