"""Persons and records against the simulator: filters, paging, limits and the device's refusals."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from custom_components.facecapture.api import (
    DeleteScope,
    FaceCaptureClient,
    FaceCaptureDeviceError,
    FaceCaptureValidationError,
    PersonData,
    PersonUpdateFlag,
    Role,
    UploadMode,
)
from custom_components.facecapture.api.errors import (
    FaceCaptureFaceCountError,
    FaceCaptureImageDecodeError,
    FaceCaptureRecordExistsError,
    FaceCaptureRecordNotFoundError,
    FaceCaptureStorageFullError,
)
from simulator import Simulator


async def test_upload_modes(client: FaceCaptureClient, simulator: Simulator, jpeg: bytes) -> None:
    """Add refuses an existing id (21), modify a missing one (22), auto does either."""
    result = await client.upload_person(
        PersonData(id="0001", name="Zoë Müller", role=1, image=jpeg, customer_text="uuid-1"),
        mode=UploadMode.ADD,
    )
    assert result.id == "0001"
    stored = simulator.state.persons["0001"]
    assert stored["name"] == "Zoë Müller"
    assert stored["customer_text"] == "uuid-1"
    sent = simulator.requests[-1]
    assert sent["upload_mode"] == 1
    assert "reg_image" in sent

    with pytest.raises(FaceCaptureRecordExistsError) as err:
        await client.upload_person(PersonData(id="0001", name="Again"), mode=UploadMode.ADD)
    assert err.value.code == 21
    with pytest.raises(FaceCaptureRecordNotFoundError):
        await client.upload_person(PersonData(id="0404", name="Nobody"), mode=UploadMode.MODIFY)
    await client.upload_person(PersonData(id="0001", name="Zoë M."), mode=UploadMode.AUTO)
    assert simulator.state.persons["0001"]["name"] == "Zoë M."


async def test_upload_png_and_validity(
    client: FaceCaptureClient, simulator: Simulator, png: bytes
) -> None:
    """PNG photos and validity dates go through in the device's formats."""
    start = datetime(2026, 1, 1, 8, 0)  # noqa: DTZ001
    await client.upload_person(
        PersonData(id="v1", name="Visitor", image=png, term_start=start, term="forever")
    )
    sent = simulator.requests[-1]
    assert sent["term_start"] == "2026/01/01 08:00:00"
    assert sent["term"] == "forever"


@pytest.mark.parametrize(
    ("person", "message"),
    [
        (PersonData(id=""), "must not be empty"),
        (PersonData(id="x" * 20), "20 bytes"),
        (PersonData(id="ü" * 10), "20 bytes"),  # ten characters, twenty bytes
        (PersonData(id="ok", name="名" * 22), "66 bytes"),
        (PersonData(id="ok", customer_text="x" * 68), "68 bytes"),
        (PersonData(id="ok", kind=16), "between 0 and 15"),
        (PersonData(id="ok", role=-1), "negative"),
        (PersonData(id="ok", image=b"GIF89a"), "JPEG or PNG"),
        (PersonData(id="ok", term=datetime(2040, 1, 1)), "2038"),  # noqa: DTZ001
        (PersonData(id="ok", term="tomorrow"), "forever, never"),
        (PersonData(id="ok", term_start="soon"), "useless"),
    ],
)
async def test_limits_checked_before_sending(
    client: FaceCaptureClient, simulator: Simulator, person: PersonData, message: str
) -> None:
    """Byte limits, ranges and image formats are refused before a byte is sent."""
    with pytest.raises(FaceCaptureValidationError, match=message):
        await client.upload_person(person)
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (40, FaceCaptureFaceCountError),
        (35, FaceCaptureImageDecodeError),
        (20, FaceCaptureStorageFullError),
    ],
)
async def test_device_refusals(
    client: FaceCaptureClient,
    simulator: Simulator,
    jpeg: bytes,
    code: int,
    error: type[FaceCaptureDeviceError],
) -> None:
    """What the terminal says about the photo comes back as its own exception, with its words."""
    simulator.fail_next("upload person", code, "as the device said")
    with pytest.raises(error) as err:
        await client.upload_person(PersonData(id="0002", name="Bob", image=jpeg))
    assert err.value.code == code
    assert err.value.desc == "as the device said"
    assert err.value.command == "upload person"
    assert "as the device said" in str(err.value)


async def test_request_persons_filters_and_paging(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes
) -> None:
    """Filters reach the terminal; iter_persons pages through everyone."""
    for number in range(25):
        simulator.add_person(f"id{number:02d}", f"Person {number:02d}")
    await client.upload_person(PersonData(id="img", name="With Photo", role=2, image=jpeg))

    assert await client.count_persons() == 26
    page = await client.request_persons(page_no=2, page_size=10)
    assert page.total == 26
    assert page.page_no == 2
    assert len(page.persons) == 10

    everyone = [person async for person in client.iter_persons(page_size=7)]
    assert len(everyone) == 26
    assert len({person.id for person in everyone}) == 26

    fuzzy = await client.request_persons(person_name="Person 1", fuzzy=True)
    assert {person.id for person in fuzzy.persons} == {f"id{number}" for number in range(10, 20)}
    exact = await client.request_persons(person_id="img", with_images=True)
    assert exact.persons[0].name == "With Photo"
    assert exact.persons[0].images[0].startswith(b"\xff\xd8")
    blacklist = await client.request_persons(role=Role.BLACKLIST)
    assert [person.id for person in blacklist.persons] == ["img"]
    sent = simulator.requests[-1]
    assert sent["role"] == 2
    assert sent["page_size"] == 20

    when = datetime(2020, 1, 1)  # noqa: DTZ001
    await client.request_persons(
        wg_card_no=8,
        term_start_between=(when, when + timedelta(days=1)),
        term_between=(when, when + timedelta(days=2)),
    )
    condition = simulator.requests[-1]["condition"]
    assert condition["wg_card_no"] == 8
    assert condition["term_start_start"] == "2020/01/01 00:00:00"
    assert condition["term_start"] == "2020/01/01 00:00:00"
    assert condition["term "] == "2020/01/03 00:00:00"  # sic: the document's key (2.1.1.1)
    assert "term" not in condition
    await client.request_persons(long_card_no=2**40)
    assert simulator.requests[-1]["condition"] == {"long_card_no": 2**40}


async def test_page_size_checked(client: FaceCaptureClient) -> None:
    """The document's page size limit (20) is checked locally."""
    with pytest.raises(FaceCaptureValidationError):
        await client.request_persons(page_size=21)
    with pytest.raises(FaceCaptureValidationError):
        await client.request_records(page_size=0)


async def test_add_and_update_person_commands(
    client: FaceCaptureClient, simulator: Simulator, jpeg: bytes, png: bytes
) -> None:
    """The older add/update commands send their image arrays and flags."""
    await client.add_person(PersonData(id="a1", name="Ann", image=png), norm_image=b"\x00" * 16)
    sent = simulator.requests[-1]
    assert sent["reg_images"][0]["format"] == "png"
    assert sent["norm_images"][0]["width"] == 150
    assert sent["feature_data"] == []
    with pytest.raises(FaceCaptureRecordExistsError):
        await client.add_person(PersonData(id="a1", name="Ann"))
    await client.add_person(PersonData(id="a1", name="Ann B"), cover=True)
    assert simulator.state.persons["a1"]["name"] == "Ann B"

    await client.update_person(
        PersonData(id="a1", name="Anna", role=2), flags=PersonUpdateFlag.NAME
    )
    assert simulator.requests[-1]["update_flags"] == 1
    assert simulator.state.persons["a1"]["name"] == "Anna"
    assert simulator.state.persons["a1"]["role"] != 2  # the role bit was not set

    with pytest.raises(FaceCaptureValidationError, match="JPEG"):
        await client.add_person_jpg(PersonData(id="a2", image=png))
    with pytest.raises(FaceCaptureValidationError, match="needs a JPEG"):
        await client.add_person_jpg(PersonData(id="a2"))
    await client.add_person_jpg(PersonData(id="a2", name="Jay", image=jpeg))
    await client.update_person_jpg(
        PersonData(id="a2", image=jpeg), flags=PersonUpdateFlag.REG_IMAGES
    )
    assert simulator.requests[-1]["update_flags"] == 256
    with pytest.raises(FaceCaptureRecordNotFoundError):
        await client.update_person_jpg(PersonData(id="missing", name="X"))


async def test_delete(client: FaceCaptureClient, simulator: Simulator) -> None:
    """By id, by role, everyone; by-id through delete_persons is refused."""
    simulator.add_person("d1", "One")
    simulator.add_person("d2", "Two")
    result = await client.delete_person("d1")
    assert result.id == "d1"
    assert "d1" not in simulator.state.persons
    with pytest.raises(FaceCaptureRecordNotFoundError):
        await client.delete_person("d1")
    with pytest.raises(FaceCaptureValidationError):
        await client.delete_person("")
    with pytest.raises(FaceCaptureValidationError):
        await client.delete_persons(DeleteScope.BY_ID)
    await client.delete_persons(DeleteScope.ALL)
    assert simulator.state.persons == {}


async def test_records(client: FaceCaptureClient, simulator: Simulator) -> None:
    """Captures appear in the history with the document's fields; filters reach the terminal."""
    simulator.add_person("r1", "Rita")
    await simulator.capture("recognized", person_id="r1", score=91, temperature=36.4)
    await simulator.capture("stranger")
    await simulator.capture("denied", person_id="r1", reason=-4)

    page = await client.request_records()
    assert page.total == 3
    by_kind = {record.score: record for record in page.records}
    rita = by_kind[91]
    assert rita.person_id == "r1"
    assert rita.name == "Rita"
    assert rita.body_temp == pytest.approx(36.4)
    assert rita.captured_at is not None
    assert rita.upload_state == 0
    assert isinstance(rita.match_type, int)
    assert any(record.match_failed_reason == -4 for record in page.records)

    named = await client.request_records(person_id="r", fuzzy=True, with_face_image=True)
    assert {record.person_id for record in named.records} == {"r1"}
    assert simulator.requests[-1]["fuzzy_flag"] == 1
    assert named.records[0].face_image is None or named.records[0].face_image.startswith(
        b"\xff\xd8"
    )

    now = datetime.now().astimezone()
    pending = await client.request_records(
        uploaded=False,
        time_between=(now - timedelta(hours=1), int(now.timestamp()) + 60),
        score_between=(90, 100),
    )
    assert [record.score for record in pending.records] == [91]
    sent = simulator.requests[-1]
    assert sent["upload_state"] == 0
    assert sent["score_start"] == 90

    all_records = [record async for record in client.iter_records(page_size=2)]
    assert len(all_records) == 3
    assert len({record.sequence for record in all_records}) == 3
    by_name = await client.request_records(name="Rita")
    assert by_name.total == 2
