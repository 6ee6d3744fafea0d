"""The logbook reads each capture as a sentence, through Home Assistant's real recorder and logbook."""

from __future__ import annotations

from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
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

from custom_components.facecapture.const import DOMAIN, EVENT_FACE
from custom_components.facecapture.logbook import describe_capture
from simulator import Simulator

from .common import SERIAL, entity_id_of, setup_platform, terminal_device

# Only the capture events, not the entities' state changes, reach the logbook here.
pytestmark = pytest.mark.usefixtures("no_platforms")


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


async def _entries(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, **query: Any
) -> list[tuple[str, str]]:
    """(name, message) of this integration's logbook entries, as the frontend asks for them."""
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": dt_util.start_of_local_day().isoformat(),
            **query,
        }
    )
    reply = await client.receive_json()
    assert reply["success"], reply
    return [
        (entry["name"], entry["message"])
        for entry in reply["result"]
        if entry.get("domain") == DOMAIN
    ]


@pytest.mark.usefixtures("logbook")
async def test_captures_read_as_sentences(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Real pushes become sentences on the terminal's own logbook, under its current name."""
    await _capture(hass, simulator, "recognized", person_id="1001", score=92, temperature=36.5)
    await _capture(hass, simulator, "stranger", temperature=36.6)
    await _capture(hass, simulator, "denied", person_id="1002", reason=-4, temperature=36.4)
    await _capture(hass, simulator, "detected", temperature=None)
    await _capture(hass, simulator, "recognized", person_id="1002", score=88, temperature=38.6)
    await _capture(hass, simulator, "denied", person_id="1001", reason=-1, temperature=36.5)

    device = terminal_device(hass)
    assert await _entries(hass, hass_ws_client, device_ids=[device.id]) == [
        ("Front gate", "recognized Alice (score 92)"),
        ("Front gate", "saw a stranger"),
        ("Front gate", "denied Bob: outside schedule"),
        ("Front gate", "detected a face"),
        ("Front gate", "recognized Bob (score 88), with fever"),
        ("Front gate", "denied Alice"),
    ]

    device_registry.async_update_device(device.id, name_by_user="Garden gate")
    entries = await _entries(hass, hass_ws_client, device_ids=[device.id])
    assert {name for name, _ in entries} == {"Garden gate"}


@pytest.mark.usefixtures("logbook")
async def test_catch_up_capture_says_when(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A capture delivered late says when it was really made, in Home Assistant's time zone."""
    body = await simulator.capture("recognized", person_id="1001", score=90, realtime=False)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The terminal's clock runs in Home Assistant's zone: its wall time is what the user reads.
    wall_time = body["cap_time"][:19].replace("/", "-")
    assert await _entries(hass, hass_ws_client) == [
        ("Front gate", f"recognized Alice (score 90) (delivered late; captured {wall_time})")
    ]


@pytest.mark.usefixtures("logbook")
async def test_without_name_or_device(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """Privacy mode (no name), no id, and an event of a device since removed still read well."""
    base = {"serial": SERIAL, "realtime": True, "device_id": None}
    for data in (
        {"result": "recognized", "person_id": "1001", "name": None, "score": None},
        {"result": "denied", "person_id": None, "name": None, "reason": None},
        {"result": "stranger", "fever": True, "device_id": "gone"},
        {"result": "detected", "serial": None},
    ):
        hass.bus.async_fire(EVENT_FACE, {**base, **data})
    await hass.async_block_till_done()
    assert await _entries(hass, hass_ws_client) == [
        (f"Face terminal {SERIAL}", "recognized person 1001"),
        (f"Face terminal {SERIAL}", "denied someone"),
        (f"Face terminal {SERIAL}", "saw a stranger, with fever"),
        ("Face terminal", "detected a face"),
    ]


@pytest.mark.parametrize(
    ("reason", "reads"),
    [
        ("restricted", "denied Bob: not on the allowed list"),
        ("expired", "denied Bob: access expired"),
        ("id_card_mismatch", "denied Bob: ID card does not match"),
        ("temperature_too_high", "denied Bob: temperature too high"),
        ("unauthorized", "denied Bob: not authorized"),
        ("face_too_blurry", "denied Bob: face too blurry"),
    ],
)
def test_denial_reasons_read_as_words(reason: str, reads: str) -> None:
    """Every documented refusal reads as words; one newer firmware invents reads as its slug."""
    assert describe_capture({"result": "denied", "name": "Bob", "reason": reason}) == reads


@pytest.mark.usefixtures("logbook")
async def test_sentence_is_tied_to_the_face_event_entity_when_enabled(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    hass_ws_client: WebSocketGenerator,
    entity_registry: er.EntityRegistry,
) -> None:
    """The sentence shows the Face icon; once the user enables the event entity, it links to it."""
    await setup_platform(hass, mock_config_entry, Platform.EVENT)
    event_entity = entity_id_of(entity_registry, "event", "face")
    assert (
        entity_registry.async_get(event_entity).disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    hass.bus.async_fire(
        EVENT_FACE, {"serial": SERIAL, "realtime": True, "result": "stranger", "device_id": None}
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)

    async def sentences() -> list[dict[str, Any]]:
        await client.send_json_auto_id(
            {
                "type": "logbook/get_events",
                "start_time": dt_util.start_of_local_day().isoformat(),
            }
        )
        reply = await client.receive_json()
        assert reply["success"], reply
        return [entry for entry in reply["result"] if entry.get("domain") == DOMAIN]

    assert [(e["message"], e.get("entity_id"), e.get("icon")) for e in await sentences()] == [
        ("saw a stranger", None, "mdi:face-recognition")
    ]
    entity_registry.async_update_entity(event_entity, disabled_by=None)
    assert [(e["message"], e.get("entity_id"), e.get("icon")) for e in await sentences()] == [
        ("saw a stranger", event_entity, None)
    ]
