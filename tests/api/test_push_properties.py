"""Property tests of the push side: nothing but typed messages or FaceCaptureParseError, exact echoes."""

from __future__ import annotations

from collections import Counter
import json
from typing import Any, NamedTuple

from hypothesis import HealthCheck, event, given, settings, strategies as st

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
from custom_components.facecapture.api.push_json import MIN_CUT_BYTES

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


def assert_share(seen: Counter[str], name: str, at_least: float) -> None:
    """At least that share of the examples run ended as ``name`` (a typed message's class)."""
    total = seen.total()
    assert total >= SETTINGS.max_examples // 2, seen  # the property really ran
    assert seen[name] >= at_least * total, (name, at_least, seen)


@SETTINGS
@given(json_values)
def test_any_json_value(value: Any) -> None:
    """Random JSON is almost never an object with a `cmd` string: this covers the refusals."""
    parses_or_refuses(json.dumps(value).encode())
    if isinstance(value, dict):
        parses_or_refuses(value)


field_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
"""Any JSON value, kept small: a push holds several of them."""

# The keys of the document's pushes (face, heartbeat, SIP event, command result), plus any text.
PUSH_KEYS = [
    "version", "sequence_no", "cap_time", "timezone", "device_sn", "device_no", "addr_no",
    "addr_name", "is_realtime", "match_result", "match_failed_reson", "match", "overall_pic_flag",
    "overall_pic", "closeup_pic", "video", "person", "feature_data", "id_card", "qr_code", "gps",
    "ip", "sip_event", "command_id", "code", "desc",
]  # fmt: skip
ANY_CMD = None
"""Marks a `cmd` drawn as any text (an unknown message)."""


@st.composite
def json_pushes(draw: st.DrawFn) -> dict[str, Any]:
    """Any JSON values under a push's keys, in an object that gets past the early refusals.

    The object has a `cmd` string and what its kind requires (a face push a `sequence_no` and a
    `cap_time` of types that can be echoed, a SIP event its `sip_event`); every other field, of
    the document or not, holds any JSON value.
    """
    keys = st.sampled_from(PUSH_KEYS) | st.text(max_size=10)
    body: dict[str, Any] = draw(st.dictionaries(keys, field_values, max_size=6))
    cmd = draw(
        st.sampled_from(["face", "face", "face", " face ", "heart beat", "sip event", ANY_CMD])
    )
    body["cmd"] = draw(st.text(max_size=12)) if cmd is ANY_CMD else cmd
    kind = body["cmd"].strip()
    if kind == "face":
        body["sequence_no"] = draw(st.integers() | st.text(max_size=10))
        body["cap_time"] = draw(st.sampled_from(["2017/12/18 16:45:30.003", ""]) | st.text())
    if kind == "sip event":
        body["sip_event"] = draw(st.integers(-1, 8) | st.integers().map(str))
    if draw(st.sampled_from(range(10))) == 9:  # now and then a command result, as in push_like
        body["reply"] = draw(field_values)
    return body


def test_any_json_values_in_a_push() -> None:
    """Any JSON values in a push's fields never refuse it: a typed message of each kind, every time.

    Only a missing or unusable `cmd`, `sequence_no`, `cap_time` or `sip_event` refuses a push; the
    strategy never spoils those, so every example must reach a typed message.
    """
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(json_pushes())
    def check(body: dict[str, Any]) -> None:
        from_bytes = parses_or_refuses(json.dumps(body).encode())
        from_mapping = parses_or_refuses(body)
        assert from_mapping is not None
        assert type(from_bytes) is type(from_mapping)
        if isinstance(from_mapping, FacePush):
            ack = ack_for(from_mapping)
            assert ack["sequence_no"] is body["sequence_no"]
            assert ack["cap_time"] is body["cap_time"]
        event(type(from_mapping).__name__)
        seen[type(from_mapping).__name__] += 1

    check()
    assert_share(seen, "FacePush", 0.3)
    assert all(seen[kind.__name__] for kind in TYPED), seen


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
    """Random bytes are almost never JSON: this covers the refusals."""
    parses_or_refuses(raw)
    parses_or_refuses(b'{"cmd": "face", ' + raw)


SEQUENCE_NO = 41
CAP_TIME = "2024/01/02 03:04:05"
PICTURE_HEAD = (
    json.dumps(
        {"cmd": "face", "sequence_no": SEQUENCE_NO, "cap_time": CAP_TIME, "overall_pic_flag": True}
    ).encode()[:-1]
    + b', "overall_pic": {"format": "jpg", "data": "'
)


class BytesCase(NamedTuple):
    """A body with any bytes in it, where a real push can carry them."""

    place: str
    body: bytes
    echo: tuple[int | str, str]
    must_parse: bool


@st.composite
def bytes_in_pushes(draw: st.DrawFn) -> BytesCase:
    """Any bytes in a face push, in one of two places a real one carries arbitrary content.

    In a picture's base64, which is cut out of the body before the JSON parser reads the rest: any
    bytes without a quote or a backslash (which would end the string) leave the push readable. Or
    as text in a field: bytes that are no UTF-8 become lone surrogates, written as the escapes
    (``\\udcff``) that orjson refuses and the standard library reads.
    """
    raw = draw(st.binary(max_size=200))
    if draw(st.booleans()):
        before = draw(st.integers(0, MIN_CUT_BYTES))
        data = b"A" * before + raw + b"A" * (MIN_CUT_BYTES - before)  # long enough to be cut
        readable = b'"' not in raw and b"\\" not in raw
        return BytesCase("picture", PICTURE_HEAD + data + b'"}}', (SEQUENCE_NO, CAP_TIME), readable)
    text = raw.decode("utf-8", "surrogateescape")
    key = draw(st.sampled_from(["cap_time", "sequence_no", "device_sn", "addr_name", "new field"]))
    body = {"cmd": "face", "sequence_no": SEQUENCE_NO, "cap_time": CAP_TIME, key: text}
    echo = (body["sequence_no"], body["cap_time"])
    return BytesCase("text", json.dumps(body).encode(), echo, must_parse=True)


def test_any_bytes_in_a_push() -> None:
    """Any bytes in a picture or a field: a face push with its exact echo whenever it can be one."""
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(bytes_in_pushes())
    def check(case: BytesCase) -> None:
        result = parses_or_refuses(case.body)
        if case.must_parse:
            assert isinstance(result, FacePush)
        if isinstance(result, FacePush):
            ack = ack_for(result)
            for sent, key in zip(case.echo, ("sequence_no", "cap_time"), strict=True):
                assert ack[key] == sent
                assert type(ack[key]) is type(sent)
            if case.place == "picture":
                assert result.overall_pic is not None  # kept, whatever its bytes hold
        name = f"{case.place}: {'refused' if result is None else type(result).__name__}"
        event(name)
        seen[name] += 1

    check()
    # Half the examples go to each place; most of them must reach the face push.
    assert_share(seen, "picture: FacePush", 0.3)
    assert_share(seen, "text: FacePush", 0.3)


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
