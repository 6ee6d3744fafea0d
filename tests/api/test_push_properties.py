"""Property tests of the push side: nothing but typed messages or FaceCaptureParseError, exact echoes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.facecapture.api.errors import FaceCaptureParseError
from custom_components.facecapture.api.push import (
    CommandResult,
    FacePush,
    Heartbeat,
    SipEvent,
    UnknownMessage,
    ack_for,
    build_ack,
    dumps_ack,
    parse_push,
)

TYPED = (FacePush, Heartbeat, CommandResult, SipEvent, UnknownMessage)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)
finite_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

base64ish = st.sampled_from(
    ["", "...", "AAAA", "data:image/jpeg;base64,/9j/4AAQ", "iVBORw0KGgo=", "%%%", "A"]
) | st.text(max_size=12)
images = st.fixed_dictionaries(
    {},
    optional={
        "data": base64ish | json_values,
        "format": st.sampled_from(["jpg", "png", "JPG", ""]) | json_values,
        "face_x": json_values,
        "face_width": json_values,
    },
)
matches = st.fixed_dictionaries(
    {},
    optional={
        "is_encryption": json_values,
        "person_id": json_values,
        "person_name": json_values,
        "person_role": json_values,
        "image": base64ish | json_values,
        "format": json_values,
        "origin ": json_values,
        "origin": json_values,
        "match_type": json_values,
        "customer_text": json_values,
    },
)
persons = st.fixed_dictionaries(
    {},
    optional={
        "sex": json_values,
        "age": json_values,
        "temperatur": json_values,
        "temperature": json_values,
        "has_mask": json_values,
        "long_card_id": json_values,
    },
)
sequence_numbers = st.integers() | st.text(max_size=10) | json_values
cap_times = (
    st.sampled_from(["2017/12/18 16:45:30.003", "2022-08-09 17:06:47", "2017/13/40 25:61:61", ""])
    | st.text(max_size=30)
    | json_values
)
COMMANDS = ["face", "face", " face ", "face", "heart beat", "face", "sip event", "random"]
push_fields = st.fixed_dictionaries(
    {
        "cmd": st.sampled_from(COMMANDS),
        "sequence_no": sequence_numbers,
        "cap_time": cap_times,
    },
    optional={
        "match_result": st.integers(-3, 101) | json_values,
        "match_failed_reson": st.integers(-12, 1) | json_values,
        "match": matches | json_values,
        "person": persons | json_values,
        "overall_pic_flag": json_values,
        "overall_pic": images | json_values,
        "closeup_pic": images | json_values,
        "video_flag": json_values,
        "video": images | json_values,
        "feature_data": st.lists(st.floats() | st.integers(), max_size=4) | json_values,
        "id_card": st.dictionaries(st.text(max_size=8), json_values, max_size=3) | json_values,
        "qr_code": json_values,
        "gps": json_values,
        "is_realtime": json_values,
        "timezone": json_values,
        "sip_event": st.integers(-1, 8) | json_values,
        "command_id": json_values,
        "code": json_values,
        "device_sn": json_values,
    },
)


@st.composite
def push_like(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly face pushes; now and then a random `cmd` or a command result (a body with "reply")."""
    body: dict[str, Any] = draw(push_fields)
    if body["cmd"] == "random":
        body["cmd"] = draw(st.text(max_size=12))
    if draw(st.sampled_from(range(10))) == 9:
        body["reply"] = draw(json_values)
    return body


def parses_or_refuses(body: Any) -> Any:
    """Parse; the only exception allowed is FaceCaptureParseError."""
    try:
        result = parse_push(body)
    except FaceCaptureParseError:
        return None
    assert isinstance(result, TYPED)
    return result


@SETTINGS
@given(json_values)
def test_any_json_value(value: Any) -> None:
    parses_or_refuses(json.dumps(value).encode())
    if isinstance(value, dict):
        parses_or_refuses(value)


@SETTINGS
@given(push_like())
def test_push_like_objects(body: dict[str, Any]) -> None:
    from_bytes = parses_or_refuses(json.dumps(body).encode())
    from_mapping = parses_or_refuses(body)
    assert type(from_bytes) is type(from_mapping)
    if isinstance(from_mapping, FacePush):
        ack = ack_for(from_mapping)
        assert ack["sequence_no"] is body["sequence_no"]
        assert ack["cap_time"] is body["cap_time"]


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes(raw: bytes) -> None:
    parses_or_refuses(raw)
    parses_or_refuses(b'{"cmd": "face", ' + raw)


@SETTINGS
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    parses_or_refuses(text)


@SETTINGS
@given(finite_json_values, st.text())
def test_build_ack_echoes_exactly(sequence_no: Any, cap_time: str) -> None:
    ack = build_ack(sequence_no, cap_time)

    assert ack["sequence_no"] is sequence_no
    assert ack["cap_time"] is cap_time
    echoed = json.loads(dumps_ack(ack))
    assert echoed["sequence_no"] == sequence_no
    assert echoed["cap_time"] == cap_time
    assert (echoed["reply"], echoed["cmd"], echoed["code"]) == ("ACK", "face", 0)


@SETTINGS
@given(
    st.integers() | st.text(max_size=12),
    st.text(max_size=30),
    st.sampled_from(["jpg", "png"]),
)
def test_ack_for_parsed_push_carries_raw_values(
    sequence_no: int | str, cap_time: str, image_format: str
) -> None:
    body = {
        "cmd": "face",
        "sequence_no": sequence_no,
        "cap_time": cap_time,
        "match_result": -1,
        "overall_pic_flag": True,
        "overall_pic": {"format": image_format, "data": "..."},
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    push = parse_push(raw)
    assert isinstance(push, FacePush)

    ack = ack_for(push)
    assert ack["sequence_no"] == sequence_no
    assert type(ack["sequence_no"]) is type(sequence_no)
    assert ack["cap_time"] == cap_time
    assert json.loads(dumps_ack(ack))["cap_time"] == cap_time
    assert json.loads(dumps_ack(ack))["sequence_no"] == sequence_no
