"""Tests of the push side: parsing what the terminal POSTs and building the replies."""

from __future__ import annotations

import base64
from datetime import datetime
import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from custom_components.facecapture.api.commands import DisplayText
from custom_components.facecapture.api.const import ControlMode
from custom_components.facecapture.api.errors import (
    FaceCaptureParseError,
    FaceCaptureValidationError,
)
from custom_components.facecapture.api.models import GpsInfo
from custom_components.facecapture.api.push import (
    CommandResult,
    FacePush,
    FaceResult,
    FailureReason,
    GateCommand,
    Heartbeat,
    PushImage,
    PushProblem,
    ResultPopup,
    SipEvent,
    SipEventType,
    UnknownMessage,
    ack_for,
    build_ack,
    build_command,
    build_heartbeat_reply,
    dumps_ack,
    parse_push,
)
from tests.vendored import vendored

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pushes"

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGM8ISfHwMDAxMDAwMDAAAANBAEIfXHKZgAAAABJRU5ErkJggg=="


def load_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(load_bytes(name))
    return data


def face(name: str = "doc-face-push.json", **changes: Any) -> FacePush:
    """Parse a face fixture with some top-level keys changed (None deletes the key)."""
    body = load_json(name)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    push = parse_push(body)
    assert isinstance(push, FacePush)
    return push


def minimal(**fields: Any) -> dict[str, Any]:
    return {"cmd": "face", "sequence_no": 5, "cap_time": "2024/01/02 03:04:05", **fields}


def parse_face(body: dict[str, Any]) -> FacePush:
    push = parse_push(body)
    assert isinstance(push, FacePush)
    return push


# --------------------------------------------------------------------------------------------------
# The real device sample
# --------------------------------------------------------------------------------------------------


def test_vendored_real_push_is_the_devices() -> None:
    """The real push read here is the vendor's sample as copied (its recorded digest)."""
    fixture = json.loads(vendored("pushes/real-device-face-push-v0.42.json").read_bytes())
    assert (fixture["cmd"], fixture["version"]) == ("face", "0.42")
    assert (fixture["match_result"], fixture["match_failed_reson"]) == (-1, -11)
    assert "match" not in fixture


def test_real_device_stranger() -> None:
    body = load_bytes("real-device-face-push-v0.42.json")
    push = parse_push(body)

    assert isinstance(push, FacePush)
    assert push.version == "0.42"
    assert push.sequence_no == 1
    assert push.sequence == 1
    assert push.cap_time == "2022/08/09 17:06:47.778"
    assert push.captured_at == datetime(2022, 8, 9, 17, 6, 47, 778000)  # noqa: DTZ001
    assert push.timezone is None
    assert push.device_sn == "01234E-D16546-E1BCEE"
    assert push.device_no is None
    assert push.addr_no is None
    assert push.addr_name == "mine"
    assert push.is_realtime is True
    assert push.match_result == -1
    assert push.match_failed_reason == -11
    assert push.match is None
    assert push.result is FaceResult.STRANGER
    assert push.failure_reason is FailureReason.UNAUTHORIZED
    assert push.score is None
    assert push.person_id is None
    assert push.person_name is None
    assert push.overall_pic is None
    assert push.closeup_pic is None
    assert push.video is None
    assert push.id_card is None
    assert push.qr_code is None
    assert push.gps is None
    assert push.feature_data == ()
    assert push.warnings == ()
    assert push.extra == {}

    person = push.person
    assert person is not None
    assert person.age is None
    assert person.sex is None
    assert person.face_quality == 87
    assert person.has_mask is False
    assert person.hat == "none"
    assert person.rotate_angle == 0
    assert person.turn_angle == -1
    assert person.temperature == pytest.approx(36.36140823364258)
    assert person.wg_card_id is None
    assert person.extra == {}

    assert ack_for(push) == {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": 1,
        "cap_time": "2022/08/09 17:06:47.778",
    }


# --------------------------------------------------------------------------------------------------
# The document's examples
# --------------------------------------------------------------------------------------------------


def test_document_face_push() -> None:
    push = parse_push(load_bytes("doc-face-push.json"))

    assert isinstance(push, FacePush)
    assert push.version == "0.2"
    assert push.sequence_no == 1
    assert push.cap_time == "2017/12/18 16:45:30.003"
    assert push.captured_at == datetime(2017, 12, 18, 16, 45, 30, 3000)  # noqa: DTZ001
    assert push.device_no == "0001"
    assert push.device_sn == "000001-000002-0000BC"
    assert push.addr_no == "0001"
    assert push.addr_name == "XX Road"
    assert push.is_realtime is True
    assert push.match_result == 80
    assert push.match_failed_reason == 0
    assert push.result is FaceResult.RECOGNIZED
    assert push.failure_reason is None
    assert push.score == 80
    assert push.person_id == "0001"
    assert push.person_name == "XiaoMing"

    match = push.match
    assert match is not None
    assert match.is_encryption is False
    assert match.person_role == 1
    assert match.origin == "software"  # the document's key is "origin " with a space
    assert match.person_attr == "permanent_list"
    assert match.customer_text == "uuid"
    assert match.match_type == ()
    assert match.image is None  # "..." is not base64
    assert match.extra == {}

    person = push.person
    assert person is not None
    assert person.sex == "male"
    assert person.age == 24
    assert person.hat == "none"
    assert person.temperature == 36.9
    assert person.has_mask is True
    assert person.face_quality == 70
    assert person.turn_angle == 0
    assert person.rotate_angle == 0
    assert person.wg_card_id == 8
    assert person.long_card_id == 18446744073709551615

    assert push.feature_data == (1.0,)

    id_card = push.id_card
    assert id_card is not None
    assert id_card.number == "511xxx"
    assert id_card.name == "Zhang San"
    assert id_card.birthday == "19801001"
    assert id_card.sex == "male"
    assert id_card.national == "Chinese"
    assert id_card.residence_address == "Sichuan Province xxx"
    assert id_card.organ_issue == "xxxpublic security bureau"
    assert id_card.valid_date_start == "20051001"
    assert id_card.valid_date_end == "20151001"
    assert id_card.extra == {}

    assert push.qr_code is not None
    assert push.qr_code.qr_type == "QR-Code"
    assert push.qr_code.qr_data == "admin"
    assert push.gps == GpsInfo(n="...", e="...", strength=0)

    # The document's "..." placeholders are not images: each is dropped with a note, never fatal.
    assert push.overall_pic is None
    assert push.closeup_pic is None
    assert push.video is None
    assert push.warnings == (
        "The registered image 'match.image' is not valid base64 and was dropped",
        "The image 'overall_pic' is not valid base64 and was dropped",
        "The image 'closeup_pic' is not valid base64 and was dropped",
        "The video is not valid base64 and was dropped",
    )
    assert push.extra == {}


def test_document_face_push_with_real_media() -> None:
    body = load_json("doc-face-push.json")
    jpeg = load_json("face-push-recognized-v0.42.json")["overall_pic"]["data"]
    body["overall_pic"]["data"] = jpeg
    body["closeup_pic"]["data"] = TINY_PNG
    body["closeup_pic"]["format"] = "png"
    body["match"]["image"] = jpeg
    body["video"]["data"] = base64.b64encode(b"\x00\x00\x00\x18ftypmp42").decode()
    push = parse_face(body)

    assert push.warnings == ()
    overall = push.overall_pic
    assert overall is not None
    assert overall.format == "jpg"
    assert overall.data.startswith(JPEG_MAGIC)
    assert len(overall.data) == 633
    assert (overall.face_x, overall.face_y, overall.face_width, overall.face_height) == (
        150,
        150,
        200,
        200,
    )
    closeup = push.closeup_pic
    assert closeup is not None
    assert closeup.format == "png"
    assert closeup.data.startswith(PNG_MAGIC)
    assert (closeup.face_x, closeup.face_y) == (0, 0)
    assert push.match is not None
    assert push.match.image is not None
    assert push.match.image.format == "jpg"
    assert push.match.image.face_x is None
    video = push.video
    assert video is not None
    assert video.start_time == "2017/12/18 16:45:30.003"
    assert video.end_time == "2017/12/18 16:45:32.003"
    assert video.format == "mp4"
    assert video.data == b"\x00\x00\x00\x18ftypmp42"
    assert "data=" not in repr(video)  # no megabytes in logs


def test_document_heartbeat() -> None:
    push = parse_push(load_bytes("doc-heartbeat.json"))

    assert push == Heartbeat(
        device_sn="000001-000002-0000BC",
        ip="192.168.1.88",
        device_no="0001",
        addr_no="0001",
        addr_name="some road name",
        version="0.2",
        gps=GpsInfo(n="...", e="...", strength=0),
        extra={},
    )


def test_notes_heartbeat() -> None:
    push = parse_push(load_bytes("notes-heartbeat.json"))

    assert push == Heartbeat(
        device_sn="0123E4-FB5BFC-9186EE",
        ip="192.168.0.150",
        device_no=None,
        addr_no=None,
        addr_name="150",
        version="0.42",
        gps=None,
        extra={},
    )


def test_heartbeat_keeps_unknown_fields() -> None:
    push = parse_push({"cmd": "heart beat", "device_sn": "X", "uptime": 12, "gps": "n/a"})

    assert isinstance(push, Heartbeat)
    assert push.device_sn == "X"
    assert push.gps is None
    assert push.extra == {"uptime": 12}


def test_document_sip_event() -> None:
    push = parse_push(load_bytes("doc-sip-event.json"))

    assert push == SipEvent(
        sip_event=1,
        version="0.2",
        device_sn="000001-000002-0000BC",
        device_no="0001",
        addr_no="0001",
        addr_name="some road",
        extra={},
    )
    assert isinstance(push, SipEvent)
    assert push.event_type is SipEventType.CALL_STARTED


@pytest.mark.parametrize(
    ("value", "number", "event_type"),
    [
        (0, 0, SipEventType.CALL_ENDED),
        ("6", 6, SipEventType.CALLED_CONNECTED),
        (9, 9, None),
    ],
)
def test_sip_event_values(value: Any, number: int, event_type: SipEventType | None) -> None:
    push = parse_push({"cmd": "sip event", "sip_event": value, "call_id": "a"})

    assert isinstance(push, SipEvent)
    assert push.sip_event == number
    assert push.event_type is event_type
    assert push.extra == {"call_id": "a"}


def test_sip_event_without_event_is_refused() -> None:
    with pytest.raises(FaceCaptureParseError, match="'sip_event'"):
        parse_push({"cmd": "sip event", "device_sn": "X"})


def test_command_result() -> None:
    body = load_json("command-result.json")
    push = parse_push(load_bytes("command-result.json"))

    assert push == CommandResult(
        cmd="request persons",
        code=0,
        command_id="7c9e6679-7425-40de-944b-e07fc1f90ae7",
        desc="OK",
        body=body,
    )
    assert isinstance(push, CommandResult)
    assert push.body["persons"] == [{"id": "0001", "name": "XiaoMing", "role": 1}]


@pytest.mark.parametrize(
    ("command_id", "expected"),
    [(17, 17), ("job-1", "job-1"), (True, None), ([1], None), (None, None)],
)
def test_command_result_ids(command_id: Any, expected: str | int | None) -> None:
    body: dict[str, Any] = {"reply": "ACK", "cmd": " gpio control", "code": "2"}
    if command_id is not None:
        body["command_id"] = command_id
    push = parse_push(body)

    assert isinstance(push, CommandResult)
    assert push.cmd == "gpio control"  # the document's reply has a leading space
    assert push.code == 2
    assert push.command_id == expected
    assert push.desc is None


def test_reply_wins_over_cmd() -> None:
    """In configuration-client mode a result may name any command, even a heartbeat or a face."""
    for cmd in ("heart beat", "face", ""):
        push = parse_push({"reply": "ACK", "cmd": cmd, "code": 0, "command_id": "c1"})
        assert isinstance(push, CommandResult)
        assert push.cmd == cmd
        assert push.command_id == "c1"


def test_unknown_command() -> None:
    body = {"cmd": "questionnaire", "pass": False, "person_name": "test"}
    push = parse_push(json.dumps(body))

    assert push == UnknownMessage(cmd="questionnaire", body=body)


# --------------------------------------------------------------------------------------------------
# Variants from the notes and from newer firmware
# --------------------------------------------------------------------------------------------------


def test_newer_firmware_recognized_push() -> None:
    push = parse_push(load_bytes("face-push-recognized-v0.42.json"))

    assert isinstance(push, FacePush)
    assert push.sequence_no == "1042"  # kept as sent, for the ACK
    assert push.sequence == 1042
    assert push.timezone == "UTC+8"
    assert push.captured_at == datetime(2024, 3, 5, 8, 15, 2, 120000)  # noqa: DTZ001
    assert push.result is FaceResult.RECOGNIZED
    assert push.score == 93
    assert push.person_id == "0042"
    assert push.person_name == "Zoë Müller"
    assert push.extra == {"pass": True}
    assert push.warnings == ()

    match = push.match
    assert match is not None
    assert match.origin == "software"
    assert match.match_type == ("anyface",)
    assert match.customer_text == "5f0c2a9e-3d51-4c1e-9a57-0c7f2b1d8e44"
    assert match.extra == {"long_card_id": 0, "wg_card_id": 0}
    assert match.image is not None
    assert match.image.format == "png"
    assert match.image.data.startswith(PNG_MAGIC)

    closeup = push.closeup_pic
    assert closeup is not None  # the data: prefix was stripped
    assert closeup.data.startswith(JPEG_MAGIC)
    assert (closeup.face_x, closeup.face_y, closeup.face_width, closeup.face_height) == (
        12,
        20,
        80,
        96,
    )
    assert push.overall_pic is not None
    assert push.overall_pic.data == closeup.data

    person = push.person
    assert person is not None
    assert person.temperature == 36.0
    assert isinstance(person.temperature, float)
    assert person.sex == "female"
    assert person.age == 31

    assert push.video is not None
    assert push.video.data.startswith(b"\x00\x00\x00\x18ftypmp42")

    ack = ack_for(push)
    assert ack["sequence_no"] == "1042"
    assert ack["cap_time"] == "2024/03/05 08:15:02.120"


def test_denied_for_temperature() -> None:
    push = parse_push(load_bytes("face-push-denied-temperature.json"))

    assert isinstance(push, FacePush)
    assert push.result is FaceResult.DENIED
    assert push.failure_reason is FailureReason.TEMPERATURE_TOO_HIGH
    assert push.score == 100
    assert push.person_name == "Li Lei"
    assert push.match is not None
    assert push.match.customer_text is None
    assert push.match.origin == "none"
    assert push.person is not None
    assert push.person.temperature == 38.0
    assert push.person.age is None


@pytest.mark.parametrize(
    ("match", "origin"),
    [
        ({"origin ": "cluster"}, "cluster"),
        ({"origin": "sync"}, "sync"),
        ({"origin": "sync", "origin ": "cluster"}, "sync"),
        ({}, None),
    ],
)
def test_origin_spellings(match: dict[str, Any], origin: str | None) -> None:
    push = parse_face(minimal(match_result=90, match=match))

    assert push.match is not None
    assert push.match.origin == origin
    assert push.match.extra == {}


@pytest.mark.parametrize(
    ("match_type", "expected"),
    [
        (["anyface", "card"], ("anyface", "card")),
        ("anyface", ("anyface",)),
        (3, ("3",)),
        ([1, "qr", None, True, {"a": 1}], ("1", "qr")),
        (None, ()),
    ],
)
def test_match_type_forms(match_type: Any, expected: tuple[str, ...]) -> None:
    push = parse_face(minimal(match={"person_id": "1", "match_type": match_type}))

    assert push.match is not None
    assert push.match.match_type == expected


@pytest.mark.parametrize(
    ("person", "temperature"),
    [
        ({"temperatur": 37}, 37.0),
        ({"temperatur": 36.36140823364258}, 36.36140823364258),
        ({"temperature": 36.5}, 36.5),
        ({"temperatur": "36.6"}, 36.6),
        ({"temperatur": 37.1, "temperature": 40}, 37.1),
        ({"temperatur": "hot"}, None),
        ({}, None),
    ],
)
def test_temperature_spellings(person: dict[str, Any], temperature: float | None) -> None:
    push = parse_face(minimal(person=person))

    assert push.person is not None
    assert push.person.temperature == temperature


def test_person_unknown_fields_kept() -> None:
    push = parse_face(minimal(person={"sex": "male", "glasses": True, "age": "42"}))

    assert push.person is not None
    assert push.person.age == 42
    assert push.person.extra == {"glasses": True}


def test_unknown_top_level_fields_kept() -> None:
    push = parse_face(minimal(body_temp_alarm=1, new_object={"x": [1, 2]}))

    assert push.extra == {"body_temp_alarm": 1, "new_object": {"x": [1, 2]}}


@pytest.mark.parametrize(
    ("raw", "sequence"),
    [
        (7, 7),
        ("7", 7),
        ("0012", 12),
        (" 0012 ", None),
        ("abc", None),
        ("", None),
        ("1.5", None),
        ("١٢", None),  # Arabic-Indic digits are digits, but not the terminal's
        (-3, None),
        (2**63 - 1, 2**63 - 1),
        (2**63, None),
        ("9" * 20, None),
    ],
)
def test_sequence_no_forms(raw: int | str, sequence: int | None) -> None:
    push = parse_face(minimal(sequence_no=raw))

    assert push.sequence_no == raw
    assert push.sequence == sequence
    assert ack_for(push)["sequence_no"] == raw
    # Only a usable sequence number makes a capture to stand behind.
    bad = PushProblem.BAD_SEQUENCE_NO
    assert (push.problem_for("SN") is bad) is (sequence is None)


@pytest.mark.parametrize(
    ("cap_time", "captured_at"),
    [
        ("2017/12/18 16:45:30.003", datetime(2017, 12, 18, 16, 45, 30, 3000)),  # noqa: DTZ001
        ("2017/12/18 16:45:30", datetime(2017, 12, 18, 16, 45, 30)),  # noqa: DTZ001
        ("2017-12-18 16:45:30.5", datetime(2017, 12, 18, 16, 45, 30, 500000)),  # noqa: DTZ001
        ("2017/2/8 6:05:09", datetime(2017, 2, 8, 6, 5, 9)),  # noqa: DTZ001
    ],
)
def test_cap_time_forms(cap_time: str, captured_at: datetime) -> None:
    push = parse_face(minimal(cap_time=cap_time))

    assert push.cap_time == cap_time
    assert push.captured_at == captured_at
    assert push.captured_at.tzinfo is None
    assert push.warnings == ()


@pytest.mark.parametrize("cap_time", ["", "yesterday", "2017/13/40 25:61:61", "1513615530"])
def test_unreadable_cap_time_is_kept_with_a_warning(cap_time: str) -> None:
    push = parse_face(minimal(cap_time=cap_time))

    assert push.cap_time == cap_time
    assert push.captured_at is None
    # The warning never repeats the body's content.
    assert push.warnings == ("'cap_time' is not a date and time",)
    assert ack_for(push)["cap_time"] == cap_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), (1, True), (0, False), (False, False), ("false", False), ("maybe", True)],
)
def test_is_realtime(value: Any, expected: bool) -> None:
    body = minimal() if value is None else minimal(is_realtime=value)

    assert parse_face(body).is_realtime is expected


def test_encrypted_names_pass_through() -> None:
    cipher_name = "q83vEjRWeJCrze8SNFZ4kA=="
    cipher_id = "3q2+7w=="
    push = parse_face(
        minimal(
            match_result=88,
            match={"is_encryption": True, "person_name": cipher_name, "person_id": cipher_id},
        )
    )

    assert push.match is not None
    assert push.match.is_encryption is True
    assert push.person_name == cipher_name
    assert push.person_id == cipher_id
    assert push.result is FaceResult.RECOGNIZED


def test_misspelling_corrected_key_accepted() -> None:
    push = parse_face(minimal(match_result=70, match_failed_reason=-3))

    assert push.match_failed_reason == -3
    assert push.failure_reason is FailureReason.EXPIRED
    assert push.result is FaceResult.DENIED


def test_stranger_without_match_object() -> None:
    push = parse_face(minimal(match_result=-1))

    assert push.match is None
    assert push.result is FaceResult.STRANGER
    assert push.failure_reason is None
    assert push.person_id is None


# --------------------------------------------------------------------------------------------------
# Images: never fatal
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", ["", "data:image/jpeg;base64,", "data:image/png;base64,", " DATA:image/jpeg;base64,"]
)
def test_image_data_url_prefix(prefix: str) -> None:
    push = parse_face(minimal(overall_pic_flag=True, overall_pic={"data": prefix + TINY_PNG}))

    assert push.overall_pic is not None
    assert push.overall_pic.data.startswith(PNG_MAGIC)
    assert push.overall_pic.format == "png"  # no declared format: the bytes tell


def test_image_with_unknown_bytes_and_no_format() -> None:
    data = base64.b64encode(b"GIF89a...").decode()
    push = parse_face(minimal(closeup_pic={"data": data, "face_x": "10", "quality": 3}))

    assert push.closeup_pic == PushImage(encoded=data, face_x=10, extra={"quality": 3})
    assert push.closeup_pic.format == "unknown"
    assert push.closeup_pic.data == b"GIF89a..."


def test_declared_format_is_normalised() -> None:
    push = parse_face(minimal(closeup_pic={"data": TINY_PNG, "format": " PNG "}))

    assert push.closeup_pic is not None
    assert push.closeup_pic.format == "png"


@pytest.mark.parametrize(
    ("picture", "warning"),
    [
        ({"data": "***"}, "The image 'overall_pic' is not valid base64 and was dropped"),
        ({"data": ""}, "The image 'overall_pic' is empty and was dropped"),
        ({"data": "data:image/jpeg;base64,"}, "The image 'overall_pic' is empty and was dropped"),
        ({"data": 12}, "The image 'overall_pic' carries no base64 data and was dropped"),
        ({"format": "jpg"}, "The image 'overall_pic' carries no base64 data and was dropped"),
        ("abc", "'overall_pic' is not a JSON object and was ignored"),
        ([1, 2], "'overall_pic' is not a JSON object and was ignored"),
    ],
)
def test_broken_image_is_dropped_with_a_warning(picture: Any, warning: str) -> None:
    push = parse_face(minimal(match_result=90, overall_pic_flag=True, overall_pic=picture))

    assert push.overall_pic is None
    assert push.warnings == (warning,)
    assert push.result is FaceResult.RECOGNIZED


def test_flag_without_object() -> None:
    push = parse_face(minimal(overall_pic_flag=True, closeup_pic_flag=True, video_flag=True))

    assert push.overall_pic is None
    assert push.closeup_pic is None
    assert push.video is None
    assert push.warnings == (
        "'overall_pic_flag' is true but no 'overall_pic' was sent",
        "'closeup_pic_flag' is true but no 'closeup_pic' was sent",
        "'video_flag' is true but no 'video' was sent",
    )


def test_false_flags_without_objects_are_silent() -> None:
    push = parse_face(
        minimal(overall_pic_flag=False, closeup_pic_flag=False, video_flag=False, overall_pic=None)
    )

    assert push.warnings == ()


def test_object_present_despite_false_flag_is_used() -> None:
    push = parse_face(minimal(overall_pic_flag=False, overall_pic={"data": TINY_PNG}))

    assert push.overall_pic is not None
    assert push.warnings == ()


def test_broken_video_and_non_object_video() -> None:
    broken = parse_face(minimal(video_flag=True, video={"data": "%%%", "format": "mp4"}))
    assert broken.video is None
    assert broken.warnings == ("The video is not valid base64 and was dropped",)

    odd = parse_face(minimal(video="clip.mp4"))
    assert odd.video is None
    assert odd.warnings == ("'video' is not a JSON object and was ignored",)


def test_video_keeps_unknown_fields() -> None:
    push = parse_face(minimal(video={"data": "AAAA", "codec": "h264"}))

    assert push.video is not None
    assert push.video.data == b"\x00\x00\x00"
    assert push.video.format is None
    assert push.video.start_time is None
    assert push.video.extra == {"codec": "h264"}


@pytest.mark.parametrize(
    ("image", "warnings"),
    [
        ("", ()),
        (None, ()),
        ("!!", ("The registered image 'match.image' is not valid base64 and was dropped",)),
        (5, ("The registered image 'match.image' carries no base64 data and was dropped",)),
    ],
)
def test_match_image_variants(image: Any, warnings: tuple[str, ...]) -> None:
    push = parse_face(minimal(match={"person_id": "1", "image": image}))

    assert push.match is not None
    assert push.match.image is None
    assert push.match.person_id == "1"
    assert push.warnings == warnings


@pytest.mark.parametrize("key", ["match", "person", "id_card", "qr_code", "gps"])
def test_non_object_nested_values_are_ignored(key: str) -> None:
    push = parse_face(minimal(**{key: "oops"}))

    assert getattr(push, key) is None
    assert push.warnings == (f"'{key}' is not a JSON object and was ignored",)


def test_null_nested_objects_count_as_absent() -> None:
    body = minimal(match=None, person=None, video=None)
    push = parse_face(body)

    assert push.match is None
    assert push.warnings == ()


def test_nested_unknown_fields_kept() -> None:
    push = parse_face(
        minimal(
            id_card={"number": "1", "photo": "x"},
            qr_code={"qr_type": "QR-Code", "qr_data": "x", "raw": [1]},
        )
    )

    assert push.id_card is not None
    assert push.id_card.number == "1"
    assert push.id_card.name is None
    assert push.id_card.extra == {"photo": "x"}
    assert push.qr_code is not None
    assert push.qr_code.extra == {"raw": [1]}


@pytest.mark.parametrize(
    ("feature_data", "expected", "warned"),
    [
        ([0.5, -1, "2.5"], (0.5, -1.0, 2.5), False),
        ([], (), False),
        ([0.5, "x"], (), True),
        ([0.5, None], (), True),
        ("0.5,1.0", (), True),
        ({"a": 1}, (), True),
    ],
)
def test_feature_data(feature_data: Any, expected: tuple[float, ...], warned: bool) -> None:
    push = parse_face(minimal(feature_data=feature_data))

    assert push.feature_data == expected
    assert push.warnings == (
        ("'feature_data' is not an array of numbers and was ignored",) if warned else ()
    )


# --------------------------------------------------------------------------------------------------
# FaceResult and FailureReason
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("match_result", "reason", "result", "score"),
    [
        (80, 0, FaceResult.RECOGNIZED, 80),
        (80, None, FaceResult.RECOGNIZED, 80),
        (100, -6, FaceResult.DENIED, 100),
        (55, -2, FaceResult.DENIED, 55),
        (55, -99, FaceResult.DENIED, 55),
        (-1, -11, FaceResult.STRANGER, None),
        (-1, None, FaceResult.STRANGER, None),
        (-1, 0, FaceResult.STRANGER, None),
        (0, None, FaceResult.DETECTED, None),
        (0, -9, FaceResult.DETECTED, None),
        (None, None, FaceResult.DETECTED, None),
        ("85", "0", FaceResult.RECOGNIZED, 85),
    ],
)
def test_face_result(match_result: Any, reason: Any, result: FaceResult, score: int | None) -> None:
    body = minimal()
    if match_result is not None:
        body["match_result"] = match_result
    if reason is not None:
        body["match_failed_reson"] = reason
    push = parse_face(body)

    assert push.result is result
    assert push.score == score


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (-2, FailureReason.RESTRICTED),
        (-3, FailureReason.EXPIRED),
        (-4, FailureReason.OUTSIDE_SCHEDULE),
        (-5, FailureReason.HOLIDAY),
        (-6, FailureReason.TEMPERATURE_TOO_HIGH),
        (-7, FailureReason.NO_MASK),
        (-8, FailureReason.NO_HELMET),
        (-9, FailureReason.CARD_NOT_REGISTERED),
        (-10, FailureReason.ID_CARD_MISMATCH),
        (-11, FailureReason.UNAUTHORIZED),
        (0, None),
        (-1, None),
        (-12, None),
        (3, None),
    ],
)
def test_failure_reasons(code: int, reason: FailureReason | None) -> None:
    push = parse_face(minimal(match_result=90, match_failed_reson=code))

    assert push.match_failed_reason == code  # the raw code is always kept
    assert push.failure_reason is reason
    assert FailureReason.from_code(code) is reason


def test_failure_reason_slugs() -> None:
    assert [reason.value for reason in FailureReason] == [
        "restricted",
        "expired",
        "outside_schedule",
        "holiday",
        "temperature_too_high",
        "no_mask",
        "no_helmet",
        "card_not_registered",
        "id_card_mismatch",
        "unauthorized",
    ]
    assert FailureReason.from_code(None) is None


# --------------------------------------------------------------------------------------------------
# Input forms and errors
# --------------------------------------------------------------------------------------------------


def test_input_forms() -> None:
    raw = load_bytes("real-device-face-push-v0.42.json")
    expected = parse_push(raw)

    assert parse_push(raw.decode()) == expected
    assert parse_push(b"\xef\xbb\xbf" + raw) == expected
    assert parse_push("\ufeff" + raw.decode()) == expected
    assert parse_push(bytearray(raw)) == expected
    assert parse_push(memoryview(raw)) == expected  # type: ignore[arg-type]
    assert parse_push(MappingProxyType(json.loads(raw))) == expected


@pytest.mark.parametrize("cmd", ["face ", " face", "\tface\n"])
def test_cmd_is_stripped(cmd: str) -> None:
    assert isinstance(parse_push(minimal(cmd=cmd)), FacePush)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"", "not valid JSON"),
        (b"not json", "not valid JSON"),
        ('{"cmd": "face",', "not valid JSON"),
        (b"[1, 2]", r"not an object \(list\)"),
        (b"42", r"not an object \(int\)"),
        (b'"face"', r"not an object \(str\)"),
        (b"null", r"not an object \(NoneType\)"),
        ("[" * 100_000, "not valid JSON"),
        (b'{"sequence_no": 1}', "no 'cmd' string"),
        (b'{"cmd": 1}', "no 'cmd' string"),
        (b'{"cmd": null}', "no 'cmd' string"),
        (b'{"cmd": ["face"]}', "no 'cmd' string"),
        (b'{"cmd": "face", "cap_time": "2024/01/01 00:00:00"}', "no usable 'sequence_no'"),
        (b'{"cmd": "face", "sequence_no": null, "cap_time": "x"}', "no usable 'sequence_no'"),
        (b'{"cmd": "face", "sequence_no": true, "cap_time": "x"}', "no usable 'sequence_no'"),
        (b'{"cmd": "face", "sequence_no": 1.0, "cap_time": "x"}', "no usable 'sequence_no'"),
        (b'{"cmd": "face", "sequence_no": [1], "cap_time": "x"}', "no usable 'sequence_no'"),
        (b'{"cmd": "face", "sequence_no": 1}', "no 'cap_time' string"),
        (b'{"cmd": "face", "sequence_no": 1, "cap_time": 1513615530}', "no 'cap_time' string"),
    ],
)
def test_errors(body: bytes | str, message: str) -> None:
    with pytest.raises(FaceCaptureParseError, match=message):
        parse_push(body)


def test_unsupported_input_type() -> None:
    with pytest.raises(FaceCaptureParseError, match="cannot be read from int"):
        parse_push(42)  # type: ignore[arg-type]


def test_absurd_mapping_values_are_parse_errors() -> None:
    """A hand-built mapping can hold what JSON cannot; it still only gives a parse error."""
    with pytest.raises(FaceCaptureParseError, match="unusable value"):
        parse_push(minimal(match={"match_type": [10**5000]}))


# --------------------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------------------


def test_minimal_ack() -> None:
    assert build_ack(1, "2017/12/18 16:45:30.003") == {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": 1,
        "cap_time": "2017/12/18 16:45:30.003",
    }


def test_ack_echoes_exactly() -> None:
    sequence_no = "0001"
    cap_time = "2017/12/18 16:45:30.003 "
    ack = build_ack(sequence_no, cap_time, code=3)

    assert ack["sequence_no"] is sequence_no
    assert ack["cap_time"] is cap_time
    assert ack["code"] == 3


def test_document_ack_example() -> None:
    """Everything the document's ACK shows, in the spelling the notes prescribe."""
    expected = load_json("doc-face-ack.json")
    expected["cmd"] = "face"  # the document writes "face " here
    expected["text_display"] = expected.pop("Text_display")  # the notes: lowercase
    del expected["gateway_ctrl"]["long_card_id"]  # only with a Wiegand output and device_no 0

    ack = build_ack(
        1,
        "2017/12/18 16:45:30.003",
        gate=GateCommand(
            device_type="gpio", device_no=1, ctrl_mode=ControlMode.FORCE, person_id="0001"
        ),
        tts="Welcome home, Zhang San",
        text=DisplayText(text="Hello", x=0, y=500, alive_time=1000, font_size=100),
    )

    assert ack == expected
    assert list(ack) == [
        "reply",
        "cmd",
        "code",
        "sequence_no",
        "cap_time",
        "gateway_ctrl",
        "tts",
        "text_display",
    ]


def test_ack_gate_with_long_wiegand_card() -> None:
    gate = GateCommand(
        device_type="wiegand", device_no=0, long_card_id=9223372036854775807, ctrl_mode="scene"
    )

    assert build_ack(1, "t", gate=gate)["gateway_ctrl"] == {
        "device_type": "wiegand",
        "device_no": 0,
        "long_card_id": 9223372036854775807,
        "ctrl_mode": "scene",
    }
    assert GateCommand().as_dict() == {"device_type": "gpio", "device_no": 1, "ctrl_mode": "force"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"device_type": "relay"}, "device_type"),
        ({"ctrl_mode": "gentle"}, "ctrl_mode"),
        ({"device_no": -1}, "device_no"),
        ({"device_type": "wiegand", "device_no": 0, "long_card_id": -1}, "64 bits"),
        ({"device_type": "wiegand", "device_no": 0, "long_card_id": 2**64}, "64 bits"),
        ({"device_type": "wiegand", "device_no": 5, "long_card_id": 1}, "device_no 0"),
        ({"device_type": "gpio", "device_no": 0, "long_card_id": 1}, "wiegand"),
    ],
)
def test_gate_validation(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(FaceCaptureValidationError, match=message):
        GateCommand(**fields)


def test_ack_tts_limit() -> None:
    assert build_ack(1, "t", tts="a" * 64)["tts"] == {"text": "a" * 64}
    assert build_ack(1, "t", tts="欢迎回家" * 5)["tts"] == {"text": "欢迎回家" * 5}  # 60 bytes

    with pytest.raises(FaceCaptureValidationError, match="65 bytes"):
        build_ack(1, "t", tts="a" * 65)
    with pytest.raises(FaceCaptureValidationError, match="66 bytes"):
        build_ack(1, "t", tts="欢迎回家" * 5 + "张三")  # 22 characters, 66 bytes
    with pytest.raises(FaceCaptureValidationError, match="empty"):
        build_ack(1, "t", tts="  ")


def test_ack_texts() -> None:
    first = DisplayText(text="Welcome", font_color="0xff00ff00")
    second = DisplayText(text="Zoë", y=600)

    one = build_ack(1, "t", text=first)
    assert one["text_display"] == first.to_dict()
    assert "text_displays" not in one

    many = build_ack(1, "t", text=[first, second])
    assert many["text_displays"] == [first.to_dict(), second.to_dict()]
    assert "text_display" not in many
    assert many["text_displays"][1]["position"] == {"x": 0, "y": 600}

    assert "text_displays" not in build_ack(1, "t", text=[])
    with pytest.raises(FaceCaptureValidationError):
        build_ack(1, "t", text=DisplayText(text=""))


def test_ack_popup() -> None:
    photo = b"\xff\xd8\xff\xe0photo"
    ack = build_ack(
        1,
        "t",
        popup=ResultPopup(
            match_success=True,
            person_name="Jon Doe",
            person_id="123",
            profile_image=photo,
            remarks="Some remarks",
        ),
    )

    assert ack["data"] == {
        "is_output_on_device": True,
        "match_success": True,
        "personName": "Jon Doe",
        "personId": "123",
        "profileImage": base64.b64encode(photo).decode(),
        "remarks": "Some remarks",
    }
    assert ResultPopup(
        match_success=False, profile_image="AAAA", show_on_device=False
    ).as_dict() == {
        "is_output_on_device": False,
        "match_success": False,
        "profileImage": "AAAA",
    }


def test_ack_for_passes_options() -> None:
    push = face("face-push-recognized-v0.42.json")
    ack = ack_for(push, code=0, tts="Welcome", gate=GateCommand(person_id="0042"))

    assert ack == {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": "1042",
        "cap_time": "2024/03/05 08:15:02.120",
        "gateway_ctrl": {
            "device_type": "gpio",
            "device_no": 1,
            "ctrl_mode": "force",
            "person_id": "0042",
        },
        "tts": {"text": "Welcome"},
    }


def test_heartbeat_reply() -> None:
    assert build_heartbeat_reply() == {"reply": "ACK", "cmd": "heart beat", "code": 0}


def test_build_command() -> None:
    assert build_command("reboot", command_id="c-1") == {
        "version": "0.2",
        "cmd": "reboot",
        "command_id": "c-1",
    }
    assert build_command("sip call", {"url": "sip:a@b:5060"}, command_id="c-2") == {
        "version": "0.21",  # the version the document gives for this command
        "cmd": "sip call",
        "url": "sip:a@b:5060",
        "command_id": "c-2",
    }
    command = build_command(
        "gpio control", {"port": 1, "ctrl_type": "on"}, command_id="c-3", version="0.9"
    )
    assert command == {
        "version": "0.9",
        "cmd": "gpio control",
        "port": 1,
        "ctrl_type": "on",
        "command_id": "c-3",
    }
    assert list(command) == ["version", "cmd", "port", "ctrl_type", "command_id"]


def test_build_command_refuses_clashing_fields() -> None:
    with pytest.raises(FaceCaptureValidationError, match="cmd, command_id"):
        build_command("reboot", {"command_id": "x", "cmd": "y"}, command_id="c")


def test_dumps_ack() -> None:
    ack = build_ack("0001", "2017/12/18 16:45:30.003", tts="欢迎")

    raw = dumps_ack(ack)
    assert (
        raw
        == (
            '{"reply":"ACK","cmd":"face","code":0,"sequence_no":"0001",'
            '"cap_time":"2017/12/18 16:45:30.003","tts":{"text":"欢迎"}}'
        ).encode()
    )
    assert json.loads(raw) == ack


def test_dumps_ack_lone_surrogate_round_trips() -> None:
    """A cap_time with an escaped lone surrogate cannot be UTF-8; it goes back escaped, unchanged."""
    push = parse_face(json.loads('{"cmd":"face","sequence_no":1,"cap_time":"2024/01/01 \\ud800"}'))
    raw = dumps_ack(ack_for(push))

    assert b"\\ud800" in raw
    assert json.loads(raw)["cap_time"] == push.cap_time
