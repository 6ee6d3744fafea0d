"""Unit tests of the simulator's small helpers: clock, images, ACK checking."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
import random

import pytest

from simulator.clock import Clock, format_wall_time, parse_timezone, parse_wall_time
from simulator.images import b64decode_strict, capture_images, image_format, is_wav, strip_data_url
from simulator.pusher import check_ack
from simulator.state import DeviceState


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("UTC+8", timedelta(hours=8)),
        ("UTC-5", timedelta(hours=-5)),
        ("UTC+05:30", timedelta(hours=5, minutes=30)),
        ("GMT+1", timedelta(hours=1)),
        ("UTC", timedelta(0)),
        ("UTC+15", None),
        ("UTC+5:75", None),
        ("CET", None),
        (8, None),
    ],
)
def test_parse_timezone(text: object, offset: timedelta | None) -> None:
    assert parse_timezone(text) == offset


def test_wall_time_round_trip() -> None:
    moment = parse_wall_time("2017/12/18 16:45:30")
    assert moment == datetime(2017, 12, 18, 16, 45, 30)  # noqa: DTZ001
    assert (
        format_wall_time(moment.replace(microsecond=3000), millis=True) == "2017/12/18 16:45:30.003"
    )
    assert parse_wall_time("2017/02/30 00:00:00") is None
    assert parse_wall_time("2017/12/18 16:45:30.003") is None
    assert parse_wall_time(None) is None


def test_clock_set_and_convert() -> None:
    clock = Clock(utc_offset=timedelta(hours=2))
    wall = datetime(2020, 8, 20, 1, 1, 1)  # noqa: DTZ001
    clock.set_wall_time(wall)
    assert abs((clock.now() - wall).total_seconds()) < 2
    assert clock.to_unix(wall) == 1597878061.0  # 2020-08-19 23:01:01 UTC
    assert clock.from_unix(1597878061.0) == wall
    clock.set_wall_time(wall, timedelta(hours=8))
    assert clock.utc_offset == timedelta(hours=8)
    assert abs(clock.unix() - 1597856461.0) < 2  # the document's example: 2020/8/20 1:1:1 (UTC+8)
    fast = Clock(offset=-10.0, drift=100.0)
    assert fast.skew > -10.0


def test_images() -> None:
    pictures = capture_images(100, 80, random.Random(3))
    assert image_format(pictures.panorama) == "jpg"
    assert image_format(pictures.closeup) == "jpg"
    box = pictures.panorama_box
    assert 0 <= box.x <= 100 - box.width
    assert 0 <= box.y <= 80 - box.height
    tiny = capture_images(1, 1, random.Random(3))  # clamped to a drawable size
    assert image_format(tiny.panorama) == "jpg"
    assert image_format(b"GIF89a") is None
    assert not is_wav(b"RIFF")
    assert strip_data_url("data:image/png;base64,AAAA") == "AAAA"
    assert b64decode_strict("AAA") is None


def test_check_ack_requires_cmd_face_and_code_0() -> None:
    """The document's ACK carries "cmd": "face" and "code": 0; one without them is no ACK."""
    body = {"sequence_no": 1, "cap_time": "2020/01/01 00:00:00.000"}
    good = {"reply": "ACK", "cmd": "face", "code": 0, **body}
    ack, reason = check_ack(body, 200, json.dumps(good))
    assert (ack, reason) == (good, "")
    for changes, expected in (
        ({"cmd": None}, 'cmd is not "face"'),
        ({"cmd": "heart beat"}, 'cmd is not "face"'),
        ({"code": None}, "code is not 0"),
        ({"code": 3}, "code is not 0"),
        ({"code": False}, "code is not 0"),
    ):
        reply = {key: value for key, value in {**good, **changes}.items() if value is not None}
        assert check_ack(body, 200, json.dumps(reply)) == (None, expected)


def test_check_ack_requires_integer_sequence() -> None:
    body = {"sequence_no": 1, "cap_time": "2020/01/01 00:00:00.000"}
    ack, reason = check_ack(
        body,
        200,
        '{"reply": "ACK", "cmd": "face", "code": 0, "sequence_no": true,'
        ' "cap_time": "2020/01/01 00:00:00.000"}',
    )
    assert (ack, reason) == (None, "sequence_no missing or not an integer")
    ack, reason = check_ack(
        body, 200, '{"reply": "ACK", "cmd": "face", "code": false, "sequence_no": 1}'
    )
    assert reason == "code is not 0"


def test_demo_person_names_cycle() -> None:
    state = DeviceState()
    for _ in range(22):
        state.add_demo_person()
    names = [p["name"] for p in state.persons.values()]
    assert names[:3] == ["Alice", "Bob", "Carol"]
    assert names[20:] == ["Alice 2", "Bob 2"]
    state.persons["demo-24"] = state.new_person("demo-24")
    assert state.add_demo_person()["id"] == "demo-25"


def test_build_capture_checks_its_arguments() -> None:
    from simulator.captures import CaptureRequest, build_capture

    state = DeviceState()
    with pytest.raises(ValueError, match="kind"):
        build_capture(state, CaptureRequest(kind="ghost"), sequence_no=1, is_realtime=True)
    with pytest.raises(ValueError, match="registered"):
        build_capture(state, CaptureRequest(person_id="x"), sequence_no=1, is_realtime=True)
    state.persons["n"] = state.new_person("n", term="never")
    body, record = build_capture(
        state,
        CaptureRequest(person_id="n", overall=False, closeup=False),
        sequence_no=1,
        is_realtime=True,
    )
    assert body["match"]["person_attr"] == "invalid_list"
    assert record["id"] == "n"
