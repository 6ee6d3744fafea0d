"""The push webhook through Home Assistant's real HTTP stack: what the terminal gets back, what fires."""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.facecapture.const import EVENT_FACE
from tests.integration.common import SERIAL
from tests.integration.conftest import WEBHOOK_ID

# The capture entities start disabled (one logbook row per capture); these tests watch them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

PUSHES = Path(__file__).parents[2] / "fixtures" / "pushes"
URL = f"/api/webhook/{WEBHOOK_ID}"
EVENT_ENTITY = "event.front_gate_face"
LAST_PERSON = "sensor.front_gate_last_recognized_person"


def push(name: str, **changes: Any) -> dict[str, Any]:
    """A fixture push, made to come from the simulated terminal."""
    body: dict[str, Any] = json.loads((PUSHES / name).read_text())
    body["device_sn"] = SERIAL
    body.update(changes)
    return body


async def post(
    client: TestClient, body: bytes | str | dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """Post as the terminal does; return the status and the decoded reply."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    response = await client.post(URL, data=data, headers={"Content-Type": "application/json"})
    raw = await response.read()
    assert response.headers.get("Transfer-Encoding") is None
    assert response.headers["Content-Length"] == str(len(raw))
    return response.status, json.loads(raw)


@pytest.fixture
def face_events(hass: HomeAssistant) -> list[Event]:
    """Every facecapture_face event fired."""
    return async_capture_events(hass, EVENT_FACE)


async def test_ack_echoes_exactly(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """The ACK echoes sequence_no and cap_time as sent: a string stays a string, milliseconds stay."""
    body = push(
        "face-push-recognized-v0.42.json", sequence_no="1042", cap_time="2024/03/05 08:15:02.120"
    )
    status, reply = await post(http_client, body)
    assert status == 200
    assert reply == {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": "1042",
        "cap_time": "2024/03/05 08:15:02.120",
    }
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(face_events) == 1
    data = face_events[0].data
    assert data["result"] == "recognized"
    assert data["person_id"] == "0042"
    assert data["name"] == "Zoë Müller"
    assert data["score"] == 93
    assert data["sequence"] == 1042
    assert data["realtime"] is True
    # The push names UTC+8: 08:15:02.120 there is 00:15:02.120 UTC.
    assert data["captured_at"] == "2024-03-05T00:15:02.120000+00:00"
    assert data["serial"] == SERIAL
    assert data["device_id"] is not None
    assert "image" not in json.dumps(data)
    assert len(json.dumps(data)) < 2048

    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == "recognized"
    assert state.attributes["name"] == "Zoë Müller"
    assert hass.states.get(LAST_PERSON).state == "Zoë Müller"
    assert hass.states.get(LAST_PERSON).attributes["score"] == 93


async def test_integer_sequence_echoed_as_integer(
    hass: HomeAssistant, http_client: TestClient
) -> None:
    """An integer sequence_no comes back as the same integer."""
    _, reply = await post(http_client, push("real-device-face-push-v0.42.json"))
    assert reply["sequence_no"] == 1
    assert reply["cap_time"] == "2022/08/09 17:06:47.778"
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_retransmission_fires_once(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """The same capture sent again is acknowledged again but fires nothing twice."""
    body = push("real-device-face-push-v0.42.json")
    first = await post(http_client, body)
    second = await post(http_client, body)
    assert first == second
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(face_events) == 1
    assert face_events[0].data["result"] == "stranger"
    assert face_events[0].data["reason"] == "unauthorized"


async def test_sequence_restart_after_reboot_is_new(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """A terminal that rebooted starts again at 1; a later capture time makes it a new capture."""
    await post(
        http_client,
        push("real-device-face-push-v0.42.json", sequence_no=1, cap_time="2022/08/09 17:06:47.778"),
    )
    await post(
        http_client,
        push("real-device-face-push-v0.42.json", sequence_no=1, cap_time="2022/08/09 18:01:00.002"),
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    # Read in Home Assistant's zone (the push names none): minutes and seconds survive the shift.
    assert [event.data["captured_at"][14:19] for event in face_events] == ["06:47", "01:00"]


async def test_foreign_serial_acknowledged_and_ignored(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A push from another terminal gets its ACK, fires nothing, and is warned about once."""
    body = push("real-device-face-push-v0.42.json", device_sn="FFFFFF-000000-111111")
    for sequence in (1, 2):
        body["sequence_no"] = sequence
        _, reply = await post(http_client, body)
        assert reply["sequence_no"] == sequence
        assert reply["code"] == 0
    await hass.async_block_till_done(wait_background_tasks=True)
    assert face_events == []
    ours = [r for r in caplog.records if r.name.startswith("custom_components.facecapture")]
    assert [r.levelno for r in ours] == [logging.WARNING, logging.DEBUG]
    assert "another terminal" in ours[0].getMessage()
    assert "FFFFFF" not in caplog.text  # nothing of the body is logged
    assert init_integration.runtime_data.captures.problems.counts == {"foreign_device_sn": 2}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_catch_up_push_fires_bus_event_only(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """A capture replayed after an outage reaches the bus but neither the event entity nor sensors."""
    await post(http_client, push("face-push-recognized-v0.42.json", is_realtime=0))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(face_events) == 1
    assert face_events[0].data["realtime"] is False
    assert hass.states.get(EVENT_ENTITY).state == STATE_UNKNOWN
    assert hass.states.get(LAST_PERSON).state == STATE_UNKNOWN
    assert hass.states.get("sensor.front_gate_last_capture").state == STATE_UNKNOWN


async def test_denied_push(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """A recognised person refused for a reason is 'denied' with the reason's slug."""
    await post(http_client, push("face-push-denied-temperature.json"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert face_events[0].data["result"] == "denied"
    assert face_events[0].data["reason"] == "temperature_too_high"
    assert hass.states.get(EVENT_ENTITY).attributes["event_type"] == "denied"
    # Denied is not recognised: the last-person sensor does not move.
    assert hass.states.get(LAST_PERSON).state == STATE_UNKNOWN


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b"this is not json",
            {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"},
        ),
        (b"", {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"}),
        (b"[1, 2, 3]", {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"}),
        (b'{"cmd": 5}', {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"}),
        (
            b"\xff\xfe\x00garbage",
            {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"},
        ),
        # Wrong types but an echo is possible: acknowledge so the terminal stops resending.
        (
            b'{"cmd": "face", "sequence_no": [7], "cap_time": "2024/01/01 00:00:00"}',
            {
                "reply": "ACK",
                "cmd": "face",
                "code": 0,
                "sequence_no": [7],
                "cap_time": "2024/01/01 00:00:00",
            },
        ),
    ],
)
async def test_garbage_gets_a_reply_and_one_warning(
    hass: HomeAssistant,
    http_client: TestClient,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    expected: dict[str, Any],
) -> None:
    """An unreadable body is answered, logged once without a traceback, and fires nothing."""
    caplog.clear()
    status, reply = await post(http_client, body)
    assert status == 200
    assert reply == expected
    await hass.async_block_till_done(wait_background_tasks=True)
    assert face_events == []
    ours = [r for r in caplog.records if r.name.startswith("custom_components.facecapture")]
    assert [r.levelno for r in ours] == [logging.WARNING]
    assert ours[0].exc_info is None


async def test_huge_body_acknowledged_without_parsing_it(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """A body over the limit is not parsed, but its ACK is found and echoed: no endless resend."""
    with patch("custom_components.facecapture.captures.webhook.MAX_PUSH_BYTES", 1000):
        status, reply = await post(
            http_client, push("real-device-face-push-v0.42.json", padding="x" * 5000)
        )
        assert status == 200
        assert reply == {
            "reply": "ACK",
            "cmd": "face",
            "code": 0,
            "sequence_no": 1,
            "cap_time": "2022/08/09 17:06:47.778",
        }
        # Without the two values in the body there is nothing to echo: the size error.
        _, reply = await post(http_client, {"cmd": "face", "padding": "x" * 5000})
        assert reply == {"reply": "ACK", "cmd": "face", "code": 6, "desc": "too large"}
    await hass.async_block_till_done(wait_background_tasks=True)
    assert face_events == []


async def test_heartbeat_on_same_url(
    hass: HomeAssistant, http_client: TestClient, init_integration: MockConfigEntry
) -> None:
    """A heartbeat is answered and counts as a sign of life."""
    body = json.loads((PUSHES / "notes-heartbeat.json").read_text())
    _, reply = await post(http_client, body)
    assert reply == {"reply": "ACK", "cmd": "heart beat", "code": 0}
    assert init_integration.runtime_data.captures.last_message_at is not None


@pytest.mark.parametrize(
    ("fixture", "cmd"),
    [("command-result.json", None), ("doc-sip-event.json", "sip event")],
)
async def test_other_messages_answered(
    hass: HomeAssistant, http_client: TestClient, fixture: str, cmd: str | None
) -> None:
    """Command results and SIP events get a plain ACK."""
    body = json.loads((PUSHES / fixture).read_text())
    _, reply = await post(http_client, body)
    assert reply["reply"] == "ACK"
    assert reply["code"] == 0
    assert reply["cmd"] == (cmd or body["cmd"].strip())


async def test_unknown_command_answered(hass: HomeAssistant, http_client: TestClient) -> None:
    """A message the library does not know is still answered."""
    _, reply = await post(http_client, {"cmd": "add snap records", "records": []})
    assert reply == {"reply": "ACK", "cmd": "add snap records", "code": 0}


async def test_large_push_read_whole(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """A push with a 1080p panorama arrives in many TCP chunks and is still read whole."""
    panorama = io.BytesIO()
    Image.effect_noise((1920, 1080), 60).convert("RGB").save(panorama, format="JPEG", quality=90)
    body = push("face-push-recognized-v0.42.json")
    body["overall_pic"]["data"] = base64.b64encode(panorama.getvalue()).decode()
    status, reply = await post(http_client, body)
    assert status == 200
    assert reply["code"] == 0
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(face_events) == 1
    camera = hass.data["camera"].get_entity("camera.front_gate_last_panorama")
    assert await camera.async_camera_image() == panorama.getvalue()
