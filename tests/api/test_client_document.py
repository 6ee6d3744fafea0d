"""Requests as the document writes them, against a simulator that refuses anything else.

Each test names the section it holds the client to: the fields a command requires (1.2.1 item 5),
the keys it spells oddly, the limits it sets, and the reply fields it may grow (1.2.1 item 7).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from custom_components.facecapture.api import (
    MAX_SHORT_NAME_BYTES,
    AudioClip,
    DeviceTime,
    FaceCaptureClient,
    FaceCaptureValidationError,
    FileChunk,
    FirmwareInfo,
    FourGInfo,
    PersonData,
    PersonResult,
    PersonUpdateFlag,
    ScheduleKind,
    ScreensaverMedia,
    Snapshot,
    TimeSection,
    TrafficDay,
    UpgradeInfo,
)
from custom_components.facecapture.api.models import GpsInfo, parse_schedule
from simulator import Simulator
from simulator.required_fields import REQUIRED_FIELDS, missing_field

from .conftest import make_image

SIXTEEN_BYTES = "Zoë Abercrombie"  # 15 characters, 16 bytes in UTF-8
FIFTEEN_BYTES = "Zoe Abercrombie"


def last_request(simulator: Simulator, cmd: str) -> dict[str, Any]:
    """The last body the simulator received for ``cmd``."""
    request: dict[str, Any] = next(r for r in reversed(simulator.requests) if r["cmd"] == cmd)
    return request


# ---------------------------------------------------------------------------------------------
# add person (2.1.3) and add person jpg (2.1.6): every required field


async def test_add_person_without_photo_sends_every_required_field(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    """No picture: empty lists and zero counts, and the defaults of a new person."""
    result = await client.add_person(PersonData(id="card-1"))
    assert result.id == "card-1"
    sent = last_request(simulator, "add person")
    assert missing_field("add person", sent) is None
    assert {key: value for key, value in sent.items() if key not in ("cmd", "version")} == {
        "id": "card-1",
        "name": "",
        "role": 1,
        "cover": False,
        "kind": 0,
        "feature_unit_size": 0,
        "feature_num": 0,
        "feature_data": [],
        "image_num": 0,
        "reg_images": [],
        "norm_image_num": 0,
        "norm_images": [],
        "wg_card_id": 0,
        "term": "forever",
        "customer_text": "",
    }
    stored = simulator.state.persons["card-1"]
    assert (stored["role"], stored["term"], stored["image"]) == (1, "forever", None)


async def test_add_person_keeps_what_is_set(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    """Set fields win over the defaults; a 64-bit card goes without the 32-bit one."""
    start = datetime(2026, 1, 1, 8, 0)  # noqa: DTZ001
    await client.add_person(
        PersonData(
            id="p2",
            name="Ann",
            role=2,
            kind=3,
            image=jpeg,
            long_card_id=2**40,
            term_start=start,
            term="never",
            customer_text="uuid",
        ),
        norm_image=b"\x01" * 9,
    )
    sent = last_request(simulator, "add person")
    assert (sent["name"], sent["role"], sent["kind"]) == ("Ann", 2, 3)
    assert (sent["image_num"], len(sent["reg_images"])) == (1, 1)
    assert (sent["norm_image_num"], len(sent["norm_images"])) == (1, 1)
    assert sent["long_card_id"] == 2**40
    assert "wg_card_id" not in sent  # the terminal reads long_card_id only without it
    assert (sent["term_start"], sent["term"], sent["customer_text"]) == (
        "2026/01/01 08:00:00",
        "never",
        "uuid",
    )
    stored = simulator.state.persons["p2"]
    assert (stored["long_card_id"], stored["norm_image"]) == (2**40, True)


async def test_add_person_jpg_sends_every_required_field(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    await client.add_person_jpg(PersonData(id="j1", image=jpeg, wg_card_id=8))
    sent = last_request(simulator, "add person jpg")
    assert missing_field("add person jpg", sent) is None
    assert (sent["wg_card_id"], sent["image_num"], sent["reg_images"][0]["format"]) == (8, 1, "jpg")
    assert (sent["name"], sent["role"], sent["kind"], sent["term"]) == ("", 1, 0, "forever")
    assert "norm_images" not in sent
    assert "feature_data" not in sent
    assert simulator.state.persons["j1"]["wg_card_id"] == 8


# ---------------------------------------------------------------------------------------------
# update person (2.1.4) and update person jpg (2.1.7): update_flags say what changes


async def test_update_person_sends_the_flags_of_what_is_set(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    """Without update_flags the terminal rewrites everything: the client names what changes."""
    simulator.add_person("u1", "Old")
    simulator.state.persons["u1"].update(customer_text="keep me", role=2)
    await client.update_person(PersonData(id="u1", name="New"))
    sent = last_request(simulator, "update person")
    assert sent["update_flags"] == int(PersonUpdateFlag.NAME)
    stored = simulator.state.persons["u1"]
    assert (stored["name"], stored["customer_text"], stored["role"]) == ("New", "keep me", 2)

    await client.update_person(
        PersonData(id="u1", wg_card_id=5, term="never", image=jpeg), norm_image=b"\x02" * 9
    )
    sent = last_request(simulator, "update person")
    assert sent["update_flags"] == int(
        PersonUpdateFlag.WIEGAND
        | PersonUpdateFlag.TERM
        | PersonUpdateFlag.REG_IMAGES
        | PersonUpdateFlag.NORM_IMAGE
    )
    assert (sent["image_num"], sent["norm_image_num"]) == (1, 1)
    assert (sent["feature_unit_size"], sent["feature_num"], sent["feature_data"]) == (0, 0, [])
    assert (stored["wg_card_id"], stored["term"], stored["norm_image"]) == (5, "never", True)
    assert stored["image"] is not None


@pytest.mark.parametrize(
    ("person", "flags", "norm_image", "message"),
    [
        (PersonData(id="u1"), None, None, "Nothing to change"),
        (PersonData(id="u1", name="A"), PersonUpdateFlag.ROLE, None, "role"),
        (PersonData(id="u1", name="A"), PersonUpdateFlag.WIEGAND, None, "card"),
        (PersonData(id="u1"), PersonUpdateFlag.REG_IMAGES, None, "photo"),
        (PersonData(id="u1"), PersonUpdateFlag.NORM_IMAGE, None, "normalised image"),
    ],
)
async def test_update_person_refuses_flags_without_their_field(
    client: FaceCaptureClient,
    simulator: Simulator,
    person: PersonData,
    flags: PersonUpdateFlag | None,
    norm_image: bytes | None,
    message: str,
) -> None:
    with pytest.raises(FaceCaptureValidationError, match=message):
        await client.update_person(person, flags=flags, norm_image=norm_image)
    assert simulator.requests == []


async def test_update_person_jpg_flags(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    """Either image bit takes the photo (2.1.7); a photo alone is a REG_IMAGES change."""
    simulator.add_person("j2", "Jo")
    await client.update_person_jpg(PersonData(id="j2", image=jpeg))
    sent = last_request(simulator, "update person jpg")
    assert sent["update_flags"] == int(PersonUpdateFlag.REG_IMAGES)
    assert sent["image_num"] == 1
    assert simulator.state.persons["j2"]["name"] == "Jo"
    await client.update_person_jpg(
        PersonData(id="j2", name="Jon", image=jpeg), flags=PersonUpdateFlag.NORM_IMAGE
    )
    sent = last_request(simulator, "update person jpg")
    assert sent["reg_images"][0]["format"] == "jpg"
    assert simulator.state.persons["j2"]["name"] == "Jo"  # the name bit was not given
    await client.update_person_jpg(PersonData(id="j2", name="Jon"))
    assert "reg_images" not in last_request(simulator, "update person jpg")
    assert simulator.state.persons["j2"]["name"] == "Jon"
    with pytest.raises(FaceCaptureValidationError, match="photo"):
        await client.update_person_jpg(PersonData(id="j2"), flags=PersonUpdateFlag.REG_IMAGES)
    with pytest.raises(FaceCaptureValidationError, match="Nothing to change"):
        await client.update_person_jpg(PersonData(id="j2"))


# ---------------------------------------------------------------------------------------------
# Names: 15 bytes for the older commands, 63 for upload person


async def test_name_limits_per_command(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    """add/update person and their jpg forms store 15 bytes; only upload person stores 63."""
    assert MAX_SHORT_NAME_BYTES == 15
    simulator.add_person("n1", "Old")
    too_long = [
        client.add_person(PersonData(id="n2", name=SIXTEEN_BYTES)),
        client.add_person_jpg(PersonData(id="n2", name=SIXTEEN_BYTES, image=jpeg)),
        client.update_person(PersonData(id="n1", name=SIXTEEN_BYTES)),
        client.update_person_jpg(PersonData(id="n1", name=SIXTEEN_BYTES)),
    ]
    for call in too_long:
        with pytest.raises(FaceCaptureValidationError, match=r"16 bytes.*at most 15"):
            await call
    assert simulator.requests == []

    await client.add_person(PersonData(id="n2", name=FIFTEEN_BYTES))
    await client.add_person_jpg(PersonData(id="n3", name=FIFTEEN_BYTES, image=jpeg))
    await client.update_person(PersonData(id="n1", name=FIFTEEN_BYTES))
    await client.update_person_jpg(PersonData(id="n3", name="名" * 5))
    assert simulator.state.persons["n1"]["name"] == FIFTEEN_BYTES
    assert simulator.state.persons["n3"]["name"] == "名" * 5

    await client.upload_person(PersonData(id="n4", name="名" * 21))  # 63 bytes
    assert simulator.state.persons["n4"]["name"] == "名" * 21
    with pytest.raises(FaceCaptureValidationError, match="at most 63"):
        await client.upload_person(PersonData(id="n4", name="名" * 21 + "x"))


# ---------------------------------------------------------------------------------------------
# request persons (2.1.1.1): the validity end is "term " with a trailing space


async def test_request_persons_validity_filter_uses_the_documented_key(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    simulator.add_person("t1", "Soon")
    simulator.add_person("t2", "Later")
    simulator.state.persons["t1"]["term"] = "2030/01/01 00:00:00"
    simulator.state.persons["t2"]["term"] = "2035/01/01 00:00:00"
    page = await client.request_persons(
        term_between=(datetime(2029, 1, 1), datetime(2031, 1, 1))  # noqa: DTZ001
    )
    assert [person.id for person in page.persons] == ["t1"]
    condition = last_request(simulator, "request persons")["condition"]
    assert set(condition) == {"term_start", "term "}
    assert missing_field("request persons", last_request(simulator, "request persons")) is None


# ---------------------------------------------------------------------------------------------
# request schedule params (2.3.7): no rules, no list


async def test_schedules_of_a_terminal_without_rules(client: FaceCaptureClient) -> None:
    """The simulator, like a terminal without rules, leaves `kinds` out: that is no rules."""
    assert await client.get_schedules() == ()
    assert parse_schedule({"reply": "ACK", "cmd": "request schedule params", "code": 0}) == ()
    assert parse_schedule({"kinds": None}) == ()


# ---------------------------------------------------------------------------------------------
# The envelope belongs to the client


@pytest.mark.parametrize("key", ["cmd", "version"])
async def test_fields_cannot_overwrite_the_envelope(
    client: FaceCaptureClient, simulator: Simulator, key: str
) -> None:
    with pytest.raises(FaceCaptureValidationError, match=f"must not set {key}"):
        await client.update_app_params({key: "reboot", "face": {"match_score": 80}})
    with pytest.raises(FaceCaptureValidationError, match=key):
        await client.request("request date time", {key: "x"})
    assert simulator.requests == []


async def test_a_version_is_given_by_keyword(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    await client.request("camera volume", {"method": "GET"}, version="0.9")
    assert simulator.requests[-1] == {"version": "0.9", "cmd": "camera volume", "method": "GET"}
    await client.request("camera volume", {"method": "GET"})
    assert simulator.requests[-1]["version"] == "0.21"


# ---------------------------------------------------------------------------------------------
# Other commands in the document's form


async def test_wiegand_control_sends_both_card_fields(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    """2.6.1.1 shows both numbers: the unused one is 0."""
    await client.wiegand_control(1234)
    sent = last_request(simulator, "wiegand control")
    assert (sent["wiegand_card_no"], sent["long_card_id"]) == (1234, 0)
    await client.wiegand_control(2**40, long_card=True)
    sent = last_request(simulator, "wiegand control")
    assert (sent["wiegand_card_no"], sent["long_card_id"]) == (0, 2**40)


async def test_every_request_of_the_client_is_complete(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    """What the typed methods send carries every field the document requires."""
    simulator.add_person("c1", "Cy")
    await client.request_persons()
    await client.request_records()
    await client.heart_beat()
    await client.gpio_control()
    await client.delete_person("c1")
    await client.ask_upgrade(FirmwareInfo(system="FaceGate"))
    await client.play_audio(0, "NO0.pass.wav")
    assert simulator.requests
    for body in simulator.requests:
        assert missing_field(body["cmd"], body) is None, body
    assert {body["cmd"] for body in simulator.requests} <= set(REQUIRED_FIELDS)


# ---------------------------------------------------------------------------------------------
# Reply models keep what they do not read (1.2.1 item 7)

ENVELOPE = {"reply": "ACK", "code": 0, "desc": "OK", "device_sn": "x", "version": "0.42"}


def test_reply_models_keep_unknown_fields() -> None:
    four_g = FourGInfo.from_dict(
        {
            **ENVELOPE,
            "cmd": "request 4g infor",
            "module_ready": True,
            "band": "B3",
            "gps": {"n": "30.6", "e": "104.0", "strength": 7, "altitude": "500"},
        }
    )
    assert four_g.extra == {"band": "B3"}
    assert four_g.gps == GpsInfo(n="30.6", e="104.0", strength=7, extra={"altitude": "500"})

    firmware = {"system": "FaceGate", "motor": "RSA", "build": "42"}
    upgrade = UpgradeInfo.from_dict(
        {
            **ENVELOPE,
            "cmd": "ask_upgrade",
            "upgrade_type": "normal",
            "upgrade_file": {"url": "http://x/u", "md5sum": "00", "size": 5},
            "firmware": firmware,
            "reason": "security",
        }
    )
    assert upgrade.extra == {"reason": "security", "upgrade_file": {"size": 5}}
    assert upgrade.firmware is not None
    assert upgrade.firmware.motor == "RSA"
    assert upgrade.firmware.extra == {"build": "42"}
    # what was read is written back whole (an upgrade question carries the firmware it read)
    assert upgrade.firmware.to_dict() == firmware
    assert UpgradeInfo.from_dict({"upgrade_type": "none"}).extra == {}

    clock = DeviceTime.from_dict(
        {**ENVELOPE, "cmd": "request date time", "date_time": "2026/01/02 03:04:05", "dst": 0}
    )
    assert clock.extra == {"dst": 0}

    result = PersonResult.from_dict(
        {**ENVELOPE, "cmd": "add person", "id": "1", "duplicate_id": "", "similarity": 97}
    )
    assert (result.id, result.duplicate_id, result.extra) == ("1", None, {"similarity": 97})

    snapshot = Snapshot.from_dict(
        {
            **ENVELOPE,
            "cmd": "snapshot",
            "image ": {"format": "jpg", "image_data": "/9j/4AAQ", "width": 640},
            "channel": 0,
        }
    )
    assert snapshot.extra == {"channel": 0, "image": {"width": 640}}
    plain = Snapshot.from_dict({"image": {"image_data": "/9j/4AAQ"}})
    assert plain.extra == {}

    chunk = FileChunk.from_dict(
        {**ENVELOPE, "cmd": "download file", "total_size": 3, "data": "YWJj", "mtime": 7}
    )
    assert (chunk.data, chunk.extra) == (b"abc", {"mtime": 7})


async def test_reply_models_read_from_the_simulator(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    """The simulator's replies carry only known fields: nothing lands in extra by mistake."""
    four_g = await client.get_4g_info()
    assert four_g.extra == {}
    assert four_g.gps is not None
    assert four_g.gps.extra == {}
    assert (await client.get_date_time()).extra == {}
    assert (await client.snapshot()).extra == {}
    upgrade = await client.ask_upgrade(FirmwareInfo(system="FaceGate"))
    assert upgrade.extra == {}
    assert upgrade.firmware is not None
    assert upgrade.firmware.motor is not None  # the document's firmware has a motor (2.11)
    assert upgrade.firmware.extra == {}
    await client.upload_file("/data_fs/x.bin", make_image("PNG"))
    assert (await client.download_file_chunk("/data_fs/x.bin")).extra == {}


# ---------------------------------------------------------------------------------------------
# Second reading: limits the document sets on the commands touched here


async def test_wiegand_and_gate_limits(client: FaceCaptureClient, simulator: Simulator) -> None:
    """A short Wiegand number has 32 bits (2.6); a person id at most 19 bytes (2.1)."""
    with pytest.raises(FaceCaptureValidationError, match="32 bits"):
        await client.wiegand_control(2**32)
    with pytest.raises(FaceCaptureValidationError, match="person id"):
        await client.wiegand_control(5, person_id="x" * 20)
    with pytest.raises(FaceCaptureValidationError, match="person id"):
        await client.gpio_control(person_id="é" * 10)
    assert simulator.requests == []
    await client.wiegand_control(2**32 - 1, person_id="x" * 19)
    await client.wiegand_control(2**32, long_card=True)
    await client.gpio_control(person_id="x" * 19)
    assert [entry["kind"] for entry in simulator.log] == ["wiegand", "wiegand", "gpio"]


def _rule(mode: str = "daily", days: int = 1, start: int = 8, end: int = 18) -> ScheduleKind:
    section = TimeSection(start_hour=start, start_minute=0, end_hour=end, end_minute=0)
    return ScheduleKind(kind=1, name="office", mode=mode, days=((section,),) * days)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (_rule(mode="monthly"), "daily or weekly"),
        (_rule(days=7), "daily rule has 1"),
        (_rule(mode="weekly", days=5), "weekly rule has 7"),
        (_rule(start=24), "start hour"),
        (_rule(end=25), "end hour"),
        (_rule(start=18, end=8), "start before it ends"),
        (_rule(start=8, end=8), "start before it ends"),
    ],
)
async def test_schedule_rules_checked_before_sending(
    client: FaceCaptureClient, simulator: Simulator, rule: ScheduleKind, message: str
) -> None:
    """2.3.8: daily or weekly, one day or seven, hours and minutes of a day, start before end."""
    with pytest.raises(FaceCaptureValidationError, match=message):
        await client.update_schedules([rule])
    with pytest.raises(FaceCaptureValidationError, match=message):
        await client.add_schedule_kinds([rule])
    assert simulator.requests == []


async def test_schedule_rules_round_trip_what_the_terminal_added(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    """A rule read and written back keeps the fields the terminal added (1.2.1 item 7)."""
    await client.update_schedules([_rule(mode="weekly", days=7)])
    simulator.state.schedules[0]["holiday_off"] = True
    simulator.state.schedules[0]["days"][0]["sections"][0]["door"] = 2
    rules = await client.get_schedules()
    assert rules[0].extra == {"holiday_off": True}
    assert rules[0].days[0][0].extra == {"door": 2}
    await client.update_schedules(rules)
    stored = simulator.state.schedules[0]
    assert stored["holiday_off"] is True
    assert stored["days"][0]["sections"][0]["door"] == 2
    assert len(stored["days"]) == 7


def test_list_entries_keep_unknown_fields() -> None:
    """Audio clips, traffic days and screensaver media keep what they do not read."""
    clip = AudioClip.from_dict({"audio_no": 0, "audio_name": "NO0.pass.wav", "length_ms": 900})
    assert clip.extra == {"length_ms": 900}
    day = TrafficDay.from_dict({"date": "6-1", "bytes_rx": 1, "bytes_tx": 2, "apn": "cmnet"})
    assert day.extra == {"apn": "cmnet"}
    media = ScreensaverMedia.from_dict(
        {"sequence": 1, "media_name": "a.png", "path": "/data_fs/a", "duration": 5}
    )
    assert media.extra == {"duration": 5}
    assert media.to_dict() == {"sequence": 1, "media_name": "a.png"}  # the request's form
