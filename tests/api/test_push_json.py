"""Pictures found with memchr, not parsed: the result stands for what parsing the whole body gives."""

from __future__ import annotations

import base64
import json
import random
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings, strategies as st
import orjson
import pytest

from custom_components.facecapture.api import push_json
from custom_components.facecapture.api.errors import FaceCaptureParseError
from custom_components.facecapture.api.push import FacePush, parse_push
from custom_components.facecapture.api.push_json import (
    MIN_CUT_BYTES,
    MediaText,
    load_body,
    media_as_text,
)

# Fixed bytes: the bodies name parametrized tests, which every pytest-xdist worker must collect
# alike.
PICTURE = base64.b64encode(random.Random(1).randbytes(3 * MIN_CUT_BYTES)).decode()
CLOSEUP = base64.b64encode(random.Random(2).randbytes(2 * MIN_CUT_BYTES)).decode()
SERIAL = "0123E4-FB5BFC-9186EE"


def face(**fields: Any) -> dict[str, Any]:
    return {
        "cmd": "face",
        "sequence_no": 7,
        "cap_time": "2024/01/02 03:04:05",
        "device_sn": SERIAL,
        "overall_pic": {"format": "jpg", "data": PICTURE, "face_x": 1},
        "closeup_pic": {"data": CLOSEUP},
        **fields,
    }


def cuts(raw: bytes) -> Any:
    """What the fast path makes of a body (None: it gave up and the whole body is parsed)."""
    return push_json._decode_cut(raw)


def test_pictures_are_cut_out_and_read_as_sent() -> None:
    body = face(
        video={"data": PICTURE[:-8], "format": "mp4"},
        match={"image": CLOSEUP, "person_name": "Zoë"},
    )
    for raw in (json.dumps(body).encode(), json.dumps(body, indent=2).encode()):
        fast = cuts(raw)
        assert fast is not None
        assert isinstance(fast["overall_pic"]["data"], MediaText)
        assert isinstance(fast["match"]["image"], MediaText)
        assert media_as_text(fast) == orjson.loads(raw)
        assert load_body(raw) == orjson.loads(raw)
        kept = load_body(raw, keep_media=True)
        assert kept == orjson.loads(raw)  # MediaText compares equal to its text


def test_the_whole_push_parses_the_same() -> None:
    raw = json.dumps(face(match={"image": CLOSEUP, "person_id": "7"})).encode()
    fast = parse_push(raw)
    assert isinstance(fast, FacePush)
    assert isinstance(fast.overall_pic.encoded, MediaText)  # type: ignore[union-attr]
    photo = fast.match.image.encoded  # type: ignore[union-attr]
    assert isinstance(photo, MediaText)
    assert photo._text is None  # parsing left the registered photo in the body, undecoded
    with patch.object(push_json, "_decode_cut", return_value=None):
        whole = parse_push(raw)
    assert isinstance(whole, FacePush)
    assert isinstance(whole.overall_pic.encoded, str)  # type: ignore[union-attr]
    assert fast == whole
    assert repr(fast) == repr(whole)
    assert fast.overall_pic.data == base64.b64decode(PICTURE)  # type: ignore[union-attr]
    assert fast.match.image.data == base64.b64decode(CLOSEUP)  # type: ignore[union-attr]


def test_short_strings_are_left_to_the_parser() -> None:
    raw = json.dumps(face(overall_pic={"data": "AAAA"}, closeup_pic=None)).encode()
    assert cuts(raw) is None
    assert load_body(raw) == orjson.loads(raw)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (face(overall_pic={"data": PICTURE[:100] + "\\/" + PICTURE}), "escaped slash: whole parse"),
        (face(overall_pic={"data": "Zoë" + PICTURE}), "not ASCII: still cut, read as UTF-8"),
        (face(overall_pic=[{"data": PICTURE}]), "not in its place: whole parse"),
        (face(extra={"data": PICTURE}), "an unknown field's data: whole parse"),
        (face(note='"data": "' + PICTURE), "the key inside a string: whole parse"),
    ],
)
def test_what_cannot_be_proven_is_parsed_whole(body: dict[str, Any], why: str) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert load_body(raw) == orjson.loads(raw), why


def test_escaped_text_is_never_cut() -> None:
    raw = json.dumps(
        face(overall_pic={"data": PICTURE + '\\"}, "sequence_no": 99, "x": "'})
    ).encode()
    assert cuts(raw) is None
    assert load_body(raw)["sequence_no"] == 7


def test_duplicate_keys_keep_the_last_as_json_does() -> None:
    raw = (
        b'{"cmd":"face","sequence_no":1,"cap_time":"2024/01/02 03:04:05",'
        b'"overall_pic":{"data":"' + PICTURE.encode() + b'"},'
        b'"overall_pic":{"data":"' + CLOSEUP.encode() + b'"}}'
    )
    assert cuts(raw) is None  # the first picture's marker is gone: not proven, parsed whole
    assert load_body(raw)["overall_pic"]["data"] == CLOSEUP


def test_too_many_candidates_give_up() -> None:
    many = {f"k{i}": {"data": PICTURE} for i in range(5)}
    raw = json.dumps(face(**many)).encode()
    assert push_json._media_spans(raw) == []
    assert load_body(raw) == orjson.loads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"cmd":"face","overall_pic":{"data":"' + PICTURE.encode(),  # cut off inside a picture
        b'{"cmd":"face","overall_pic":{"data" ' + b" " * 3000,  # a key and nothing after it
        b'{"cmd":"face","overall_pic":{"data":',  # the body ends at the colon
        b'{"cmd":"face","overall_pic":{"data":' + b" " * 100 + b'"' + PICTURE.encode() + b'"}}',
        b'{"cmd":"face","overall_pic":{"data": 12' + b"3" * 3000 + b"}}",  # not a string
        b'{"cmd":"face","overall_pic":{"data":"' + PICTURE.encode() + b'"}',  # not closed
        b'["overall_pic",{"data":"' + PICTURE.encode() + b'"}]',  # not an object
    ],
)
def test_broken_bodies_are_read_as_before(raw: bytes) -> None:
    """Whatever the fast path makes of a broken body, the whole parse would have made the same."""

    def read(raw: bytes) -> Any:
        try:
            return load_body(raw)
        except FaceCaptureParseError as err:
            return str(err)

    fast = read(raw)
    with patch.object(push_json, "_decode_cut", return_value=None):
        assert fast == read(raw)


def test_a_control_character_in_a_picture_breaks_only_the_picture() -> None:
    raw = json.dumps(face()).encode().replace(PICTURE[:50].encode(), PICTURE[:25].encode() + b"\n")
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(raw)  # a strict parser refuses the whole push
    push = parse_push(raw)
    assert isinstance(push, FacePush)
    assert push.sequence_no == 7
    assert push.overall_pic is not None
    # The text is kept as sent; base64 with a raw newline in it still decodes (whitespace).
    assert push.closeup_pic is not None
    assert push.closeup_pic.data == base64.b64decode(CLOSEUP)


def test_media_text_stands_for_its_text() -> None:
    raw = b"xx" + PICTURE.encode() + b"yy"
    media = MediaText(memoryview(raw)[2:-2])
    assert len(media) == len(PICTURE)
    assert media == PICTURE
    assert media == MediaText(memoryview(PICTURE.encode()))
    assert media != 5
    assert hash(media) == hash(PICTURE)
    assert PICTURE[:10] not in repr(media)
    first = str(media)
    assert str(media) is first  # decoded once
    assert len(media) == len(PICTURE)
    assert str(MediaText(memoryview("Zoë".encode()))) == "Zoë"
    assert str(MediaText(memoryview(b"\xff\xfe"))) == ""


def test_media_text_names_the_body_it_keeps() -> None:
    """Its bytes are the body's own (no copy); what it keeps in memory is the whole body."""
    body = b"xx" + PICTURE.encode() + b"yy" * 1000
    media = MediaText(memoryview(body)[2 : 2 + len(PICTURE)])
    other = MediaText(memoryview(body)[2 : 2 + 8])
    assert bytes(media.as_bytes()) == PICTURE.encode()
    assert media.as_bytes().obj is body  # type: ignore[union-attr]
    assert media.holds == other.holds == (id(body), len(body))
    text = str(media)
    assert media.holds == (id(text), len(PICTURE))  # decoded: the text, not the body
    assert media.as_bytes() == PICTURE.encode()


def test_other_messages_get_plain_text() -> None:
    raw = json.dumps(
        {"cmd": "get person", "reply": "ACK", "code": 0, "overall_pic": {"data": PICTURE}}
    ).encode()
    result = parse_push(raw)
    assert result.body["overall_pic"]["data"] == PICTURE  # type: ignore[union-attr]
    assert type(result.body["overall_pic"]["data"]) is str  # type: ignore[union-attr]


def test_without_orjson_the_standard_library_reads_everything() -> None:
    raw = json.dumps(face()).encode()
    with patch.object(push_json, "_orjson", None):
        assert load_body(raw, keep_media=True) == json.loads(raw)
        assert type(load_body(raw, keep_media=True)["overall_pic"]["data"]) is str


# Random bodies around the four places: decoys, nesting, blanks, escapes, other keys.
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=12)
)
_long = st.sampled_from([PICTURE, CLOSEUP, "data:image/jpeg;base64," + CLOSEUP])
_media = st.one_of(_long, _scalars, st.lists(_long, max_size=2))
_holder = st.one_of(
    st.fixed_dictionaries({"data": _media}, optional={"format": _scalars, "image": _media}),
    _scalars,
)
_bodies = st.fixed_dictionaries(
    {"cmd": st.sampled_from(["face", "heart beat"]), "sequence_no": st.integers(0, 99)},
    optional={
        "overall_pic": _holder,
        "closeup_pic": _holder,
        "video": _holder,
        "match": st.fixed_dictionaries({"image": _media}, optional={"data": _media}),
        "extra": st.dictionaries(st.sampled_from(["data", "image", "x"]), _media, max_size=3),
        "cap_time": st.text(max_size=20),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bodies, st.sampled_from([None, 1]), st.booleans())
def test_fast_and_whole_parses_agree(
    body: dict[str, Any], indent: int | None, ascii_: bool
) -> None:
    raw = json.dumps(body, indent=indent, ensure_ascii=ascii_).encode()
    expected = orjson.loads(raw)
    assert load_body(raw) == expected
    kept = load_body(raw, keep_media=True)
    assert kept == expected
    assert media_as_text(kept) == expected
    assert orjson.dumps(media_as_text(kept)) == orjson.dumps(expected)
