"""What captures write to the logbook with every entity of the terminal in place: one row each.

Home Assistant 2026.2 logs a state change unless the entity is a continuous sensor (a unit, a
state class or a numeric device class) or only its attributes changed; it logs every event an
event entity gets. So the pictures are cameras (their state stays "idle"), and the entities whose
state changes with each capture (the Face event, who came last, the decision, mask, fever, the
capture time) start disabled. These tests run Home Assistant's recorder and logbook for real.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
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

from .common import SERIAL, terminal_device_id


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
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    start: datetime,
    entity_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Every logbook row since ``start``, as the Logbook panel asks for them (for ``entity_ids``)."""
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    query: dict[str, Any] = {"type": "logbook/get_events", "start_time": start.isoformat()}
    if entity_ids is not None:
        query["entity_ids"] = entity_ids
    await client.send_json_auto_id(query)
    reply = await client.receive_json()
    assert reply["success"], reply
    return list(reply["result"])


async def _a_morning(hass: HomeAssistant, simulator: Simulator) -> None:
    """Captures a minute apart that change every capture entity: others, fever, no mask."""
    clock = simulator.state.clock
    clock.set_wall_time(clock.now() - timedelta(minutes=10))
    for kind, options in (
        ("recognized", {"person_id": "1001", "score": 92}),
        ("stranger", {}),
        ("recognized", {"person_id": "1002", "score": 90, "temperature": 38.4, "mask": False}),
        ("denied", {"person_id": "1001", "reason": -4}),
        # Delivered late: the terminal replays it after an outage.
        ("recognized", {"person_id": "1001", "score": 95, "realtime": False}),
    ):
        clock.set_wall_time(clock.now() + timedelta(minutes=1))
        await _capture(hass, simulator, kind, **options)


def _sentences_of_a_morning(rows: list[dict[str, Any]]) -> None:
    sentences = [row["message"] for row in rows if row.get("domain") == DOMAIN]
    assert sentences[:4] == [
        "recognized Alice (score 92)",
        "saw a stranger",
        "recognized Bob (score 90), with fever",
        "denied Alice: outside schedule",
    ]
    assert len(sentences) == 5
    assert sentences[4].startswith("recognized Alice (score 95) (delivered late; captured ")


@pytest.mark.usefixtures("logbook")
async def test_one_row_per_capture(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """With the default entities a capture is its sentence and nothing else.

    A recognised person, a stranger, someone else with fever and no mask, a refusal and a
    catch-up capture: five sentences, five rows, from the very first capture on.
    """
    start = dt_util.utcnow()
    await _a_morning(hass, simulator)
    rows = await _rows(hass, hass_ws_client, start)
    _sentences_of_a_morning(rows)
    assert [row for row in rows if row.get("domain") != DOMAIN] == []
    # The pictures did change: the cameras show the last capture's close-up and panorama.
    for entity_id in ("camera.front_gate_last_face", "camera.front_gate_last_panorama"):
        picture = hass.data["camera"].get_entity(entity_id)
        assert (await picture.async_camera_image())[:3] == b"\xff\xd8\xff", entity_id


@pytest.fixture
def face_event_enabled(entity_registry: er.EntityRegistry) -> None:
    """The user enabled the Face event entity (its registry entry exists, not disabled)."""
    entity_registry.async_get_or_create(
        "event", DOMAIN, f"{SERIAL}_face", suggested_object_id="front_gate_face"
    )


@pytest.mark.usefixtures("logbook", "face_event_enabled")
async def test_face_event_entity_adds_a_row_when_enabled(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A user who enables the Face event entity gets its row under each real-time sentence.

    Home Assistant logs every event of an event entity ("detected an event"); nothing lets an
    integration leave it out, which is why the entity starts disabled.
    """
    assert hass.states.get("event.front_gate_face") is not None
    start = dt_util.utcnow()
    await _a_morning(hass, simulator)
    rows = await _rows(hass, hass_ws_client, start)
    _sentences_of_a_morning(rows)
    others = [row["entity_id"] for row in rows if row.get("domain") != DOMAIN]
    # The catch-up capture reaches no entity: four real-time captures, four extra rows.
    assert others == ["event.front_gate_face"] * 4


@pytest.mark.usefixtures("logbook", "entity_registry_enabled_by_default")
async def test_rows_of_every_entity_enabled(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Why each capture entity starts disabled: enabled, it adds rows when its state changes.

    The body temperature stays enabled: a sensor with a unit is continuous, never a row.
    """
    start = dt_util.utcnow()
    await _a_morning(hass, simulator)
    rows = await _rows(hass, hass_ws_client, start)
    _sentences_of_a_morning(rows)
    counts: dict[str, int] = {}
    for row in rows:
        if row.get("domain") != DOMAIN:
            counts[row["entity_id"]] = counts.get(row["entity_id"], 0) + 1
    assert counts == {
        "event.front_gate_face": 4,
        "sensor.front_gate_last_capture": 4,
        # Alice, then Bob.
        "sensor.front_gate_last_recognized_person": 2,
        # Granted, refused (the stranger), granted (Bob), refused (Alice).
        "sensor.front_gate_last_access_decision": 4,
        # Off for Bob without a mask, on again for Alice.
        "binary_sensor.front_gate_mask_worn": 3,
        # Off for Alice, on for Bob, off for Alice again.
        "binary_sensor.front_gate_fever": 3,
    }


@pytest.mark.usefixtures("logbook")
async def test_activity_of_the_terminal_has_every_capture(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Activity filtered to the terminal asks for its enabled entities: each capture is there.

    The frontend turns "Add target > the device" into the device's entities that are enabled,
    and the logbook finds an event for an entity by the entity id in its data.
    """
    enabled = [
        entry.entity_id
        for entry in er.async_entries_for_device(entity_registry, terminal_device_id(hass))
        if not entry.disabled
    ]
    assert "event.front_gate_face" not in enabled  # disabled by default
    start = dt_util.utcnow()
    await _a_morning(hass, simulator)
    rows = await _rows(hass, hass_ws_client, start, entity_ids=enabled)
    _sentences_of_a_morning(rows)
    # Tied to the Last face camera, which is enabled; the row keeps its own icon.
    assert {row.get("entity_id") for row in rows if row.get("domain") == DOMAIN} == {None}
