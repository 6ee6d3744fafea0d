"""The library's rules for pushed values, the echo of unparsable bodies, both JSON parsers, lazy pictures."""

from __future__ import annotations

import base64
from collections.abc import Iterator
import json
import math
from typing import Any
from unittest.mock import patch

from hypothesis import given, settings, strategies as st
import orjson
import pytest

from custom_components.facecapture.api import ack as ack_module, push_json, push_models
from custom_components.facecapture.api._sanitise import (
    INT64_MAX,
    INT64_MIN,
    MAX_EVENT_TEXT,
    MAX_EXTRA_DEPTH,
    MAX_EXTRA_ITEMS,
    MAX_STATE_TEXT,
    clean_text,
)
from custom_components.facecapture.api.echo import SCAN_BYTES, body_echo, echoable, scan_echo
from custom_components.facecapture.api.errors import FaceCaptureParseError
from custom_components.facecapture.api.push import (
    FacePush,
    PushImage,
    PushProblem,
    build_ack,
    dumps_ack,
    load_body,
    parse_push,
)

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
SERIAL = "0123E4-FB5BFC-9186EE"


def face(**fields: Any) -> dict[str, Any]:
    return {
        "cmd": "face",
        "sequence_no": 5,
        "cap_time": "2024/01/02 03:04:05",
        "device_sn": SERIAL,
        **fields,
    }


def parse_face(body: dict[str, Any] | bytes) -> FacePush:
    message = parse_push(body)
    assert isinstance(message, FacePush)
    return message


@pytest.fixture(params=["orjson", "stdlib"])
def json_parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test with orjson, then as if it were not installed."""
    if request.param == "orjson":
        yield "orjson"
    else:
        with (
            patch.object(push_json, "_orjson", None),
            patch.object(ack_module, "_orjson", None),
        ):
            yield "stdlib"


# --------------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (INT64_MAX, INT64_MAX),
        (INT64_MIN, INT64_MIN),
        (INT64_MAX + 1, None),
        (INT64_MIN - 1, None),
        (10**40, None),
        (1e300, None),
        (9.3e18, None),
        (-9.3e18, None),
        ("99999999999999999999", None),
        (7.0, 7),
        ("12", 12),
    ],
)
def test_integers_outside_64_bits_are_dropped_with_a_warning(value: Any, kept: int | None) -> None:
    push = parse_face(face(match_result=value, person={"age": value}))
    assert push.match_result == kept
    assert push.person is not None
    assert push.person.age == kept
    if kept is None:
        assert push.warnings == (
            "'match_result' is outside the 64-bit range and was dropped",
            "'person.age' is outside the 64-bit range and was dropped",
        )


@pytest.mark.parametrize(
    ("value", "kept"),
    [(2**64 - 1, 2**64 - 1), (2**64, None), (-1, None), ("18446744073709551615", 2**64 - 1)],
)
def test_long_card_id_takes_the_documents_unsigned_range(value: Any, kept: int | None) -> None:
    push = parse_face(face(person={"long_card_id": value}))
    assert push.person is not None
    assert push.person.long_card_id == kept
    assert bool(push.warnings) is (kept is None)
    json.loads(orjson.dumps({"card": push.person.long_card_id}))


def test_non_finite_floats_never_come_out(json_parser: str) -> None:
    raw = (
        b'{"cmd":"face","sequence_no":1,"cap_time":"2024/01/02 03:04:05",'
        b'"person":{"temperatur":NaN,"age":Infinity},"feature_data":[1.0,-Infinity],'
        b'"gps":{"longitude":1e999},"x":[NaN,1.5]}'
    )
    push = parse_face(raw)
    assert push.person is not None
    assert push.person.temperature is None
    assert push.person.age is None
    assert push.feature_data == ()
    assert push.extra == {"x": [1.5]}
    assert "Unknown fields of the push were cut to fit the bounds" in push.warnings


def test_huge_integer_temperature_is_no_float_error() -> None:
    push = parse_face(face(person={"temperature": 10**400}, feature_data=[1, 10**400]))
    assert push.person is not None
    assert push.person.temperature is None
    assert push.feature_data == ()


def test_text_rules(json_parser: str) -> None:
    body = face(
        match={
            "person_name": "\ud800" + "n" * 400,
            "person_id": "i" * 300,
            "customer_text": "c" * 5000,
        },
        addr_name="a" * 5000,
        timezone="z" * 100,
        closeup_pic={"data": base64.b64encode(JPEG).decode(), "format": "JPEG" + "x" * 100},
        qr_code={"qr_data": "\udc00q"},
    )
    push = parse_face(json.dumps(body).encode())
    assert push.match is not None
    assert push.person_name == "\ufffd" + "n" * (MAX_STATE_TEXT - 1)
    assert push.person_id == "i" * MAX_STATE_TEXT
    assert push.match.customer_text == "c" * MAX_EVENT_TEXT
    assert push.addr_name == "a" * MAX_EVENT_TEXT
    assert push.timezone == "z" * 64
    assert push.closeup_pic is not None
    assert push.closeup_pic.format == "jpegxxxxxxxxxxxx"
    assert push.qr_code is not None
    assert push.qr_code.qr_data == "\ufffdq"


def test_clean_text_keeps_what_is_fine() -> None:
    assert clean_text("Zoë 😀") == "Zoë 😀"
    assert clean_text("😀" * 300, 255) == "😀" * 255


def test_unknown_fields_are_bounded(json_parser: str) -> None:
    deep: Any = "bottom"
    for _ in range(MAX_EXTRA_DEPTH + 3):
        deep = [deep]
    body = face(
        deep=deep,
        wide=list(range(100)),
        many={f"k{n}": n for n in range(100)},
        big=10**30,
        text="t" * 5000,
        fine={"a": [1, "b", None, True, 2.5]},
    )
    body["\ud800key"] = 1
    push = parse_face(json.dumps(body).encode())
    extra = push.extra
    assert extra["fine"] == {"a": [1, "b", None, True, 2.5]}
    assert "big" not in extra
    assert len(extra["wide"]) == MAX_EXTRA_ITEMS
    assert len(extra["many"]) == MAX_EXTRA_ITEMS
    assert extra["text"] == "t" * MAX_EVENT_TEXT
    assert extra["\ufffdkey"] == 1
    depth, node = 0, extra["deep"]
    while isinstance(node, list) and node:
        depth, node = depth + 1, node[0]
    assert depth < MAX_EXTRA_DEPTH
    orjson.dumps(extra)


def test_nested_unknown_fields_follow_the_rules() -> None:
    push = parse_face(
        face(
            person={"extra_int": 10**30, "ok": 1},
            match={"x": float("nan"), "y": "fine"},
            overall_pic={"data": "AAAA", "z": 2**70},
            video={"data": "AAAA", "w": float("inf")},
            id_card={"q": 10**19},
            qr_code={"r": -(2**64)},
        )
    )
    assert push.person is not None
    assert push.person.extra == {"ok": 1}
    assert push.match is not None
    assert push.match.extra == {"y": "fine"}
    assert push.overall_pic is not None
    assert push.overall_pic.extra == {}
    assert push.video is not None
    assert push.video.extra == {}
    assert push.id_card is not None
    assert push.id_card.extra == {}
    assert push.qr_code is not None
    assert push.qr_code.extra == {}
    assert len(push.warnings) == 6


# --------------------------------------------------------------------------------------------------
# What a capture needs to be stood behind
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"sequence_no": "0"}, None),
        ({"device_sn": f"  {SERIAL} "}, None),
        ({"sequence_no": -1}, PushProblem.BAD_SEQUENCE_NO),
        ({"sequence_no": "x"}, PushProblem.BAD_SEQUENCE_NO),
        ({"device_sn": None}, PushProblem.NO_DEVICE_SN),
        ({"device_sn": " "}, PushProblem.NO_DEVICE_SN),
        ({"device_sn": 7}, PushProblem.NO_DEVICE_SN),
        ({"device_sn": "other"}, PushProblem.FOREIGN_DEVICE_SN),
        ({"cap_time": "2024/01/02 03:04:05" + " " * 40}, PushProblem.BAD_CAP_TIME),
        ({"cap_time": "soon"}, PushProblem.BAD_CAP_TIME),
    ],
)
def test_problem_for(changes: dict[str, Any], problem: PushProblem | None) -> None:
    body = face(**changes)
    if body["device_sn"] is None:
        del body["device_sn"]
    assert parse_face(body).problem_for(SERIAL) is problem


# --------------------------------------------------------------------------------------------------
# orjson and the standard library give the same result
# --------------------------------------------------------------------------------------------------


def test_orjson_is_used_when_installed() -> None:
    raw = json.dumps(face()).encode()
    with patch.object(push_json, "json") as stdlib:
        parse_face(raw)
    stdlib.loads.assert_not_called()
    with (
        patch.object(push_json, "_orjson", None),
        patch.object(push_json.json, "loads", wraps=json.loads) as loads,
    ):
        parse_face(raw)
    loads.assert_called_once()


def test_byte_order_mark_and_text_bodies(json_parser: str) -> None:
    raw = json.dumps(face(addr_name="Zoë")).encode()
    assert parse_face(b"\xef\xbb\xbf" + raw).addr_name == "Zoë"
    assert parse_face(bytearray(raw)).addr_name == "Zoë"
    assert parse_face("\ufeff" + raw.decode()).addr_name == "Zoë"
    assert parse_face('{"cmd":"face","sequence_no":1,"cap_time":"t","n":"\\ud800"}').extra == {
        "n": "\ufffd"
    }


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe", b"[" * 100_000, b"{" * 100_000, b"nope", b"[1]", b'"x"', "[" * 100_000],
)
def test_unreadable_bodies_are_parse_errors(json_parser: str, raw: bytes | str) -> None:
    with pytest.raises(FaceCaptureParseError):
        load_body(raw)


def test_big_integer_sequence_is_read_exactly_despite_orjson() -> None:
    """orjson reads integers beyond 64 bits as floats; the echo must stay the integer sent."""
    raw = b'{"cmd":"face","sequence_no":18446744073709551616,"cap_time":"t"}'
    push = parse_face(raw)
    assert push.sequence_no == 2**64
    assert type(push.sequence_no) is int
    assert push.sequence is None
    assert json.loads(dumps_ack(build_ack(push.sequence_no, push.cap_time)))["sequence_no"] == 2**64


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=15,
)
bodies = st.fixed_dictionaries(
    {
        "cmd": st.just("face"),
        "sequence_no": st.integers(min_value=0) | st.text(max_size=5),
        "cap_time": st.text(max_size=25),
    },
    optional={
        "device_sn": values,
        "match_result": values,
        "person": st.dictionaries(
            st.sampled_from(
                ["age", "temperatur", "sex", "wg_card_id", "long_card_id", "face_quality", "other"]
            ),
            values,
        ),
        "match": st.dictionaries(
            st.sampled_from(["person_name", "person_id", "person_role", "x"]), values
        ),
        "extra": values,
    },
)


@settings(max_examples=300, deadline=None)
@given(bodies)
def test_both_parsers_agree(body: dict[str, Any]) -> None:
    """Whatever the body (NaN, big integers, surrogates included), both paths give the same push."""
    raw = json.dumps(body).encode()
    fast = parse_push(raw)
    with patch.object(push_json, "_orjson", None):
        slow = parse_push(raw)
    assert repr(fast) == repr(slow)


# --------------------------------------------------------------------------------------------------
# Pictures are decoded when first needed, once
# --------------------------------------------------------------------------------------------------


def test_pictures_are_decoded_lazily_and_once() -> None:
    encoded = "data:image/jpeg;base64," + base64.b64encode(JPEG).decode()
    body = face(overall_pic={"data": encoded}, closeup_pic={"data": encoded, "format": "JPG"})
    with patch.object(push_models, "decode_base64", wraps=push_models.decode_base64) as decode:
        push = parse_face(body)
        assert decode.call_count == 0
        assert push.overall_pic is not None
        assert push.overall_pic.encoded == encoded
        assert push.overall_pic.format == "jpg"  # from the bytes: decodes
        assert push.overall_pic.data == JPEG
        assert decode.call_count == 1
        assert push.closeup_pic is not None
        assert push.closeup_pic.format == "jpg"  # declared: no decoding needed
        assert decode.call_count == 1


def test_a_long_picture_that_is_no_base64_reads_as_empty() -> None:
    push = parse_face(face(overall_pic={"data": "*" * 1000}, video={"data": "%" * 1000}))
    assert push.overall_pic is not None
    assert push.overall_pic.data == b""
    assert push.overall_pic.format == "unknown"
    assert push.video is not None
    assert push.video.data == b""


def test_picture_from_bytes() -> None:
    image = PushImage.from_bytes(JPEG)
    assert image.data == JPEG
    assert image.format == "jpg"
    assert base64.b64decode(image.encoded) == JPEG


# --------------------------------------------------------------------------------------------------
# The echo of what cannot be parsed
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "echo"),
    [
        (b'{"sequence_no": 12, "cap_time": "2024/01/01 00:00:00"}', (12, "2024/01/01 00:00:00")),
        (b'{"cap_time" :\n"t\\"q\\u00e9","sequence_no" : "007"', ("007", 't"qé')),
        (b'{"sequence_no":-3.5e2,"cap_time":"t"', (-350.0, "t")),
        (b'"sequence_no","sequence_no":1,"cap_time":"t"', (1, "t")),
        (b'{"sequence_no":null,"sequence_no":[1],"cap_time":"t"}', None),
        (b'{"sequence_no":1,"cap_time":"' + b"x" * 300 + b'"}', None),
        (b'{"sequence_no":1,"cap_time":"unterminated', None),
        (b'{"sequence_no":1', None),
        (b'{"sequence_no":--,"cap_time":"t"}', None),
        (b'{"sequence_no":1e999,"cap_time":"t"}', None),
        (b'{"sequence_no":1,"cap_time":"\xff"}', None),
        (b'{"sequence_no"' + b" " * 100 + b':1,"cap_time":"t"}', None),
        (b'{"sequence_no":' + b" " * 100 + b'1,"cap_time":"t"}', None),
        (b"no keys at all", None),
    ],
)
def test_scan_echo(raw: bytes, echo: tuple[Any, Any] | None) -> None:
    assert scan_echo(raw) == echo


def test_scan_echo_looks_at_both_ends_only() -> None:
    head = b'{"sequence_no":5,"data":"' + b"A" * (2 * SCAN_BYTES)
    tail = b"A" * SCAN_BYTES + b'","cap_time":"2024/01/01 00:00:00"}'
    assert scan_echo(head, tail) == (5, "2024/01/01 00:00:00")
    middle = (
        b'{"data":"'
        + b"A" * SCAN_BYTES
        + b'","sequence_no":5,"cap_time":"t","x":"'
        + b"A" * SCAN_BYTES
    )
    assert scan_echo(middle[: SCAN_BYTES // 2], middle[-SCAN_BYTES // 2 :]) is None


def test_body_echo_and_echoable() -> None:
    assert body_echo({"sequence_no": 1}) is None
    assert body_echo({"sequence_no": [1, {"a": None}], "cap_time": 2.5}) == ([1, {"a": None}], 2.5)
    assert body_echo({"sequence_no": math.nan, "cap_time": "t"}) is None
    deep: Any = 1
    for _ in range(20):
        deep = [deep]
    assert not echoable(deep)
    assert not echoable({1: "a"})
    assert not echoable(object())


def test_dumps_ack_writes_every_echo_exactly(json_parser: str) -> None:
    for sequence_no in (2**64 + 1, "\ud800", "Zoë", -(2**70)):
        raw = dumps_ack(build_ack(sequence_no, "t"))
        assert json.loads(raw)["sequence_no"] == sequence_no
    for unwritable in (math.nan, [math.inf]):
        with pytest.raises(ValueError, match="cannot be written back exactly"):
            dumps_ack(build_ack(unwritable, "t"))
