"""The terminal as data client: push shape, exact ACKs, resend, catch-up, extras, heartbeat."""

from __future__ import annotations

import asyncio
import base64
from io import BytesIO
import json
from pathlib import Path
from typing import Any

from aiohttp import web
from PIL import Image
import pytest

from simulator import Simulator
from simulator.captures import encrypt_field, without_images
from simulator.images import image_format
from simulator.pusher import target_url, upload_url

from .sim_helpers import Call, Receiver, fast_simulator, jpeg_b64, post_json, valid_ack, wait_for

# The vendored copy of shared/vendor-samples (tests/api/test_push.py checks its digest).
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures/pushes/real-device-face-push-v0.42.json"


async def test_recognized_push_shape(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    sim.add_person("0001", "XiaoMing")
    body = await sim.capture(person_id="0001", score=93, temperature=36.7, image_size=(320, 240))
    await sim.wait_delivered(timeout=5)
    assert receiver.faces() == [body]
    assert body["version"] == "0.42"
    assert body["cmd"] == "face"
    assert body["sequence_no"] == 1
    assert body["device_sn"] == sim.state.serial
    assert body["is_realtime"] == 1
    assert (body["match_result"], body["match_failed_reson"]) == (93, 0)
    match = body["match"]
    assert match["person_id"] == "0001"
    assert match["person_name"] == "XiaoMing"
    assert match["is_encryption"] is False
    assert match["match_type"] == ["face"]
    assert match["origin"] == "software"
    assert "origin " not in match
    assert match["person_attr"] == "permanent_list"
    assert body["person"]["temperatur"] == 36.7
    assert body["person"]["has_mask"] is True
    for key in ("overall_pic", "closeup_pic"):
        data = base64.b64decode(body[key]["data"])
        assert image_format(data) == "jpg"
    overall = Image.open(BytesIO(base64.b64decode(body["overall_pic"]["data"])))
    assert overall.size == (320, 240)
    pic = body["overall_pic"]
    assert 0 <= pic["face_x"] < 320
    assert pic["face_width"] > 0
    # the request carried Content-Length, not chunked
    headers = receiver.headers[0]
    assert int(headers["Content-Length"]) > 0
    assert "Transfer-Encoding" not in headers
    assert sim.state.records[-1]["upload_state"] == 1
    assert sim.acks == [valid_ack(body)]


async def test_stranger_push_matches_real_device_shape(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    body = await sim.capture(
        kind="stranger", closeup=False, overall=False, temperature=36.36140823364258
    )
    await sim.wait_delivered(timeout=5)
    real = json.loads(SAMPLE.read_text())
    assert set(body) == set(real)
    assert set(body["person"]) == set(real["person"])
    assert (body["match_result"], body["match_failed_reson"]) == (-1, -11)
    assert "match" not in body
    assert body["person"]["temperatur"] == real["person"]["temperatur"]


async def test_denied_and_detected_and_extras(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    sim.add_person("d1", "Dee")
    denied = await sim.capture(
        kind="denied", person_id="d1", reason=-4, card=1234, qr="admin", mask=False
    )
    detected = await sim.capture(kind="detected", temperature=None)
    await sim.wait_delivered(timeout=5)
    assert denied["match_failed_reson"] == -4
    assert denied["match_result"] > 0
    assert denied["match"]["match_type"] == ["card"]
    assert denied["person"]["wg_card_id"] == 1234
    assert denied["person"]["has_mask"] is False
    assert denied["qr_code"] == {"qr_type": "QR-Code", "qr_data": "admin"}
    assert (detected["match_result"], detected["match_failed_reson"]) == (0, 0)
    assert "match" not in detected
    assert "temperatur" not in detected["person"]
    assert [r["match_type"] for r in sim.state.records] == [2, 0]


async def test_recognized_without_persons_creates_demo_person(sim: Simulator) -> None:
    body = await sim.capture(closeup=False, overall=False)
    assert body["match"]["person_id"] == "demo-1"
    assert sim.state.persons["demo-1"]["name"] == "Alice"
    again = await sim.capture(closeup=False, overall=False)
    assert again["match"]["person_id"] == "demo-1"


async def test_capture_argument_errors(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="kind"):
        await sim.capture(kind="ghost")
    with pytest.raises(ValueError, match="not registered"):
        await sim.capture(person_id="nobody")
    assert sim.state.records == []
    assert len(sim.pusher.queue) == 0


async def test_registration_image_and_encryption(
    sim: Simulator, receiver: Receiver, call: Call
) -> None:
    sim.set_push_target(receiver.url)
    await call(
        "upload person", id="e1", name="Enc", reg_image=jpeg_b64(), term="2030/01/01 00:00:00"
    )
    body = await sim.capture(person_id="e1", closeup=False, overall=False)
    assert body["match"]["image"] == jpeg_b64()
    assert body["match"]["format"] == "jpg"
    assert body["match"]["person_attr"] == "temporary_list"
    assert without_images(body)["match"].get("image") is None
    assert (await call("updata aes", ori_key="MTIzNDU=", enable=True))["code"] == 0
    body = await sim.capture(person_id="e1", closeup=False, overall=False)
    assert body["match"]["is_encryption"] is True
    assert body["match"]["person_id"] == encrypt_field(b"12345", "e1")
    assert body["match"]["person_name"] != "Enc"
    assert len(base64.b64decode(body["match"]["person_name"])) == 16
    await sim.wait_delivered(timeout=5)


async def test_resend_until_valid_ack(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    replies = iter(
        [
            web.Response(status=500),
            "not json",
            ["a list"],
            {"reply": "NAK", "cmd": "face", "code": 0},
            {"reply": "ACK", "code": 0, "sequence_no": 1},  # no "cmd": "face"
            {"reply": "ACK", "cmd": "face", "code": 1},
            {"reply": "ACK", "cmd": "face", "code": 0},
            {"reply": "ACK", "cmd": "face", "code": 0, "sequence_no": "1"},
            {"reply": "ACK", "cmd": "face", "code": 0, "sequence_no": 2},
        ]
    )

    def respond(body: dict[str, Any]) -> Any:
        reply = next(replies, None)
        if reply is None:
            return valid_ack(body)
        if isinstance(reply, str):
            return web.Response(text=reply)
        if isinstance(reply, dict):
            return {**reply, "cap_time": body["cap_time"]}
        return reply

    receiver.respond = respond
    body = await sim.capture()
    await sim.wait_delivered(timeout=5)
    assert len(receiver.faces()) == 10
    assert all(face == body for face in receiver.faces())  # the same body every time
    assert [f["reason"] for f in sim.pusher.failures] == [
        "HTTP status 500",
        "reply is not JSON",
        "reply is not a JSON object",
        'reply is not "ACK"',
        'cmd is not "face"',
        "code is not 0",
        "sequence_no missing or not an integer",
        "sequence_no missing or not an integer",
        "sequence_no does not match the push",
    ]
    assert len(sim.acks) == 1


async def test_reformatted_cap_time_is_not_an_ack(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    attempts = 0

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        nonlocal attempts
        attempts += 1
        if attempts < 3:  # drop the milliseconds, as a careless server might
            return valid_ack(body) | {"cap_time": body["cap_time"][:19]}
        return valid_ack(body)

    receiver.respond = respond
    await sim.capture()
    await sim.wait_delivered(timeout=5)
    assert attempts == 3
    assert [f["reason"] for f in sim.pusher.failures] == [
        "cap_time does not match the push exactly"
    ] * 2
    assert sim.state.records[0]["upload_state"] == 1


async def test_stuck_record_blocks_later_ones_then_catch_up(
    sim: Simulator, receiver: Receiver
) -> None:
    sim.set_push_target(receiver.url)
    accept = asyncio.Event()

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        return valid_ack(body) if accept.is_set() else {"reply": "ACK", "code": 5}

    receiver.respond = respond
    first = await sim.capture(closeup=False, overall=False)
    await wait_for(lambda: len(sim.pusher.failures) >= 2)
    second = await sim.capture(closeup=False, overall=False)
    third = await sim.capture(closeup=False, overall=False, realtime=False)
    await asyncio.sleep(0.2)
    assert {f["sequence_no"] for f in receiver.faces()} == {1}  # nothing passes the stuck one
    assert [r["upload_state"] for r in sim.state.records] == [0, 0, 0]
    accept.set()
    await sim.wait_delivered(timeout=5)
    assert [f["sequence_no"] for f in receiver.faces()][-3:] == [1, 2, 3]
    assert (first["is_realtime"], second["is_realtime"], third["is_realtime"]) == (1, 0, 0)
    assert [r["upload_state"] for r in sim.state.records] == [1, 1, 1]
    # link is good again: the next capture is real-time
    fourth = await sim.capture(closeup=False, overall=False)
    assert fourth["is_realtime"] == 1
    await sim.wait_delivered(timeout=5)


async def test_unreachable_target_then_recovery(sim: Simulator) -> None:
    receiver = Receiver()
    await receiver.start()
    port = receiver.port
    await receiver.stop()  # nothing listens there now
    sim.set_push_target(f"http://127.0.0.1:{port}/hook")
    await sim.capture(closeup=False, overall=False)
    await wait_for(lambda: len(sim.pusher.failures) >= 1)
    late = await sim.capture(closeup=False, overall=False)
    assert late["is_realtime"] == 0
    assert "ClientConnectorError" in sim.pusher.failures[0]["reason"]
    with pytest.raises(TimeoutError):
        await sim.wait_delivered(timeout=0.1)
    receiver = Receiver()
    await receiver.start(port)
    try:
        await sim.wait_delivered(timeout=5)
        assert [f["sequence_no"] for f in receiver.faces()] == [1, 2]
        assert [f["is_realtime"] for f in receiver.faces()] == [1, 0]
    finally:
        await receiver.stop()


async def test_no_target_keeps_records_pending(sim: Simulator, receiver: Receiver) -> None:
    body = await sim.capture(closeup=False, overall=False)
    assert body["is_realtime"] == 0  # nowhere to send: a catch-up record
    await wait_for(lambda: len(sim.pusher.failures) >= 1)
    assert sim.pusher.failures[0]["reason"] == "no http upload target"
    sim.set_push_target(receiver.url)
    await sim.wait_delivered(timeout=5)
    assert receiver.faces() == [body]


async def test_push_timeout_counts_as_failure(receiver: Receiver) -> None:
    sim = fast_simulator(push_timeout=0.1)
    await sim.start()
    try:
        sim.set_push_target(receiver.url)
        slow = True

        async def respond(body: dict[str, Any]) -> dict[str, Any]:
            if slow:
                await asyncio.sleep(0.3)
            return valid_ack(body)

        receiver.respond = respond
        await sim.capture(closeup=False, overall=False)
        await wait_for(lambda: len(sim.pusher.failures) >= 1)
        assert sim.pusher.failures[0]["reason"] == "TimeoutError"
        slow = False
        await sim.wait_delivered(timeout=5)
    finally:
        await sim.stop()


async def test_ack_extras_are_carried_out(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    text = {
        "position": {"x": 0, "y": 500},
        "alive_time": 1000,
        "font_size": 100,
        "font_spacing": 1,
        "font_color": "0xffffffff",
        "text": "Hello",
    }
    extras = {
        "gateway_ctrl": {
            "device_type": "gpio",
            "device_no": 1,
            "ctrl_mode": "force",
            "person_id": "0001",
        },
        "tts": {"text": "Welcome home"},
        "Text_display": text,
        "text_display": text | {"text": "lower"},
        "text_displays": [text | {"text": "one"}, {"text": "bad"}],
        "data": {"match_success": True, "personId": "0001", "profileImage": "AAAA"},
    }
    receiver.respond = lambda body: valid_ack(body, **extras)
    await sim.capture(closeup=False, overall=False)
    await sim.wait_delivered(timeout=5)
    kinds = [(e["kind"], e.get("text")) for e in sim.log]
    assert kinds == [
        ("gpio", None),
        ("tts", "Welcome home"),
        ("text", "Hello"),
        ("text", "lower"),
        ("text", "one"),
        ("ack_extra_rejected", None),
        ("popup", None),
    ]
    assert sim.log[0] == {
        "kind": "gpio",
        "source": "ack",
        "port": 1,
        "ctrl_type": "on",
        "ctrl_mode": "force",
        "person_id": "0001",
    }
    assert sim.log[1]["truncated"] is False
    assert [e.get("key") for e in sim.log[2:5]] == ["Text_display", "text_display", "text_displays"]
    assert "profileImage" not in sim.log[-1]


async def test_ack_wiegand_and_long_tts(sim: Simulator, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    long_text = "语音" * 20  # 120 bytes
    extras = {
        "gateway_ctrl": {
            "device_type": "wiegand",
            "device_no": 0,
            "long_card_id": 77,
            "ctrl_mode": "test",
        },
        "tts": {"text": long_text},
    }
    receiver.respond = lambda body: valid_ack(body, **extras)
    await sim.capture(closeup=False, overall=False)
    await sim.wait_delivered(timeout=5)
    assert sim.log[0]["kind"] == "wiegand"
    assert sim.log[0]["long_card_id"] == 77
    assert sim.log[1]["truncated"] is True
    assert len(sim.log[1]["text"].encode()) <= 64


async def test_sequence_restarts_after_reboot_when_configured(
    receiver: Receiver, http: Any
) -> None:
    sim = fast_simulator(reset_sequence_on_reboot=True, reboot_seconds=0.1)
    await sim.start()
    try:
        sim.set_push_target(receiver.url)
        await sim.capture(closeup=False, overall=False)
        await sim.capture(closeup=False, overall=False)
        await sim.wait_delivered(timeout=5)
        assert (await post_json(http, sim.url, {"cmd": "reboot"}))["code"] == 0
        await wait_for(lambda: any(e["kind"] == "online" for e in sim.log))
        body = await sim.capture(closeup=False, overall=False)
        assert body["sequence_no"] == 1
        assert sim.state.records[-1]["sequence"] == 3  # the record store keeps counting
        await sim.wait_delivered(timeout=5)
    finally:
        await sim.stop()


async def test_data_heartbeat(receiver: Receiver) -> None:
    sim = fast_simulator(heartbeat_interval=0.05)
    await sim.start()
    try:
        await asyncio.sleep(0.12)  # no target yet: nothing is sent
        assert len(sim.pusher.heartbeats) == 0
        sim.set_push_target(receiver.url)
        await wait_for(lambda: len(sim.pusher.heartbeats) >= 2)
        beat = next(b for b in receiver.bodies if b["cmd"] == "heart beat")
        assert beat == {
            "cmd": "heart beat",
            "device_sn": sim.state.serial,
            "ip": "127.0.0.1",
            "addr_name": "Entrance",
            "addr_no": "",
            "device_no": "",
            "version": "0.42",
        }
        assert set(sim.pusher.heartbeats) == {200}
        await receiver.stop()
        await wait_for(lambda: 0 in sim.pusher.heartbeats)
    finally:
        await sim.stop()


async def test_https_and_domain_targets_are_built(sim: Simulator) -> None:
    sim.set_push_target("https://10.0.0.5/api/webhook/x?y=1")
    info = sim.state.app_params["upload_info"]
    assert (info["server_ip"], info["server_port"], info["service_url"]) == (
        "https://10.0.0.5",
        443,
        "/api/webhook/x?y=1",
    )
    assert upload_url(sim.state) == "https://10.0.0.5:443/api/webhook/x?y=1"
    sim.set_push_target("http://homeassistant.local:8123")
    info = sim.state.app_params["upload_info"]
    assert (info["server_ip"], info["server_domain"], info["service_url"]) == (
        "",
        "homeassistant.local",
        "/",
    )
    assert upload_url(sim.state) == "http://homeassistant.local:8123/"
    assert (
        target_url(
            {"server_ip": "http://1.2.3.4", "server_port": 80, "service_url": "face.php"},
            "service_url",
        )
        == "http://1.2.3.4:80/face.php"
    )
    assert target_url({"server_ip": "1.2.3.4", "server_port": 0}, "service_url") is None
    info["method"] = "tcp"
    assert upload_url(sim.state) is None
    with pytest.raises(ValueError, match="url"):
        sim.set_push_target("ftp://x/y")
    with pytest.raises(TypeError):
        sim.set_push_target(None)


async def test_sip_event_is_pushed(sim: Simulator, receiver: Receiver, call: Call) -> None:
    sim.set_push_target(receiver.url)
    await call("sip register", domain="192.168.0.12", port=7121, username="0123")
    assert (await call("sip call", url="sip:someone@192.168.0.188:5060"))["code"] == 0
    assert (await call("sip hangup"))["code"] == 0
    await wait_for(lambda: len(receiver.bodies) == 2)
    assert [b["sip_event"] for b in receiver.bodies] == [1, 0]
    assert receiver.bodies[0]["cmd"] == "sip event"
    assert receiver.bodies[0]["device_sn"] == sim.state.serial


async def test_sip_event_without_target_or_listener(sim: Simulator, call: Call) -> None:
    await call("sip register", domain="192.168.0.12", port=7121, username="0123")
    assert (await call("sip call", url="sip:someone@192.168.0.188:5060"))["code"] == 0
    receiver = Receiver()
    await receiver.start()
    port = receiver.port
    await receiver.stop()
    sim.set_push_target(f"http://127.0.0.1:{port}/")
    assert (await call("sip hangup"))["code"] == 0
    await asyncio.sleep(0.1)
    assert [e["kind"] for e in sim.log] == ["sip_register", "sip_call", "sip_hangup"]
