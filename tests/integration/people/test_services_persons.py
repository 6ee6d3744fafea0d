"""Person and history actions against the simulated terminal: what it stores, what callers get."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
import io
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.api.images import RECOMMENDED_MAX_BYTES, RECOMMENDED_MAX_SIDE
from simulator import Simulator
from tests.integration.common import call_action, make_jpeg


@pytest.fixture
def photo_file(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A small face photo in a folder Home Assistant may read."""
    path = tmp_path / "carol.jpg"
    path.write_bytes(make_jpeg())
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    return path


def _requests(simulator: Simulator, command: str) -> list[dict[str, Any]]:
    return [body for body in simulator.requests if body.get("cmd") == command]


# ---------------------------------------------------------------------------------------------
# Enroll and update


async def test_enroll_person(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, photo_file: Path
) -> None:
    """Every field reaches the terminal as the document spells it; the caller gets the id back."""
    reply = await call_action(
        hass,
        "enroll_person",
        {
            "id": "1003",
            "name": "Carol",
            "photo_file": str(photo_file),
            "role": "whitelist",
            "category": 3,
            "card_number": 123456,
            "valid_from": "2026-01-01 08:00:00",
            "valid_until": "2030-12-31 18:00:00",
            "custom_text": "6f1c2d3e-uuid",
        },
        response=True,
    )
    assert reply == {"id": "1003", "duplicate_id": None}
    body = _requests(simulator, "upload person")[-1]
    assert body == {
        "version": "0.2",
        "cmd": "upload person",
        "id": "1003",
        "name": "Carol",
        "role": 1,
        "kind": 3,
        "wg_card_id": 123456,
        "term_start": "2026/01/01 08:00:00",
        "term": "2030/12/31 18:00:00",
        "customer_text": "6f1c2d3e-uuid",
        "reg_image": base64.b64encode(photo_file.read_bytes()).decode(),
        "upload_mode": 0,
    }
    person = simulator.state.persons["1003"]
    assert (person["name"], person["role"], person["kind"]) == ("Carol", 1, 3)
    assert person["image_format"] == "jpg"


async def test_enroll_person_id_only_long_card_and_aware_times(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A card-only person needs no photo; a 64-bit card and a zoned time are converted."""
    local = dt_util.as_local(datetime(2027, 3, 1, 12, 0, tzinfo=dt_util.UTC))
    await call_action(
        hass,
        "enroll_person",
        {
            "id": "2001",
            "card_number": 2**40,
            "long_card": True,
            "role": "ordinary",
            "valid_until": "2027-03-01T12:00:00+00:00",
            "mode": "add",
        },
    )
    body = _requests(simulator, "upload person")[-1]
    assert body["long_card_id"] == 2**40
    assert "wg_card_id" not in body
    assert "reg_image" not in body
    assert body["term"] == local.strftime("%Y/%m/%d %H:%M:%S")
    assert body["upload_mode"] == 1
    assert simulator.state.persons["2001"]["role"] == 0


async def test_enroll_person_terminal_codes(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, photo_file: Path
) -> None:
    """Add on an existing id is 21, modify of a missing one 22, face problems 25 and 40."""
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "enroll_person", {"id": "1001", "name": "Eve", "mode": "add"})
    assert err.value.translation_key == "code_21"
    assert simulator.state.persons["1001"]["name"] == "Alice"

    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "enroll_person", {"id": "9999", "mode": "modify"})
    assert err.value.translation_key == "code_22"
    assert "9999" not in simulator.state.persons

    for code in (25, 40):
        simulator.fail_next("upload person", code)
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, "enroll_person", {"id": "1004", "photo_file": str(photo_file)})
        assert err.value.translation_key == f"code_{code}"
    assert "1004" not in simulator.state.persons

    simulator.fail_next("upload person", 20)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "enroll_person", {"id": "1004"})
    assert err.value.translation_key == "code_20"


@pytest.mark.parametrize(
    ("field", "value", "size", "limit"),
    [
        ("id", "12345678901234567890", "20", "19"),
        ("name", "é" * 32, "64", "63"),
        ("custom_text", "x" * 60 + "ü" * 4, "68", "67"),
    ],
)
async def test_enroll_person_byte_limits(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    field: str,
    value: str,
    size: str,
    limit: str,
) -> None:
    """Fields too long in UTF-8 bytes are refused before anything is sent."""
    data = {"id": "1005", field: value}
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "enroll_person", data)
    assert err.value.translation_key == "field_too_long"
    assert err.value.translation_placeholders == {"field": field, "size": size, "limit": limit}
    assert len(simulator.requests) == sent


async def test_enroll_person_limits_not_sent(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A short card beyond 32 bits and a date after 2038 are refused before sending."""
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "enroll_person", {"id": "1005", "card_number": 2**33})
    assert err.value.translation_key == "card_too_large"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass, "enroll_person", {"id": "1005", "valid_until": "2040-01-01 00:00:00"}
        )
    assert err.value.translation_key == "invalid_value"
    assert len(simulator.requests) == sent


async def test_enroll_person_scales_large_photo(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Path
) -> None:
    """A 12-megapixel phone photo reaches the terminal within 500 KB and 1080p."""
    noise = Image.effect_noise((400, 300), 60).convert("RGB").resize((4000, 3000))
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG", quality=95)
    assert buffer.tell() > RECOMMENDED_MAX_BYTES
    (tmp_path / "big.jpg").write_bytes(buffer.getvalue())
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await call_action(
        hass, "enroll_person", {"id": "1006", "photo_file": str(tmp_path / "big.jpg")}
    )
    sent = base64.b64decode(_requests(simulator, "upload person")[-1]["reg_image"])
    assert len(sent) <= RECOMMENDED_MAX_BYTES
    with Image.open(io.BytesIO(sent)) as picture:
        assert picture.format == "JPEG"
        assert max(picture.size) <= RECOMMENDED_MAX_SIDE
        assert picture.size[0] / picture.size[1] == pytest.approx(4 / 3, rel=0.01)
    assert simulator.state.persons["1006"]["image"] is not None


async def test_update_person(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, photo_file: Path
) -> None:
    """Only the given fields change; the rest of the person stays."""
    simulator.state.persons["1001"]["customer_text"] = "keep me"
    reply = await call_action(
        hass,
        "update_person",
        {"id": "1001", "name": "Alice B.", "photo_file": str(photo_file)},
        response=True,
    )
    assert reply == {"id": "1001", "duplicate_id": None}
    body = _requests(simulator, "upload person")[-1]
    assert body["upload_mode"] == 2
    assert set(body) == {"version", "cmd", "id", "name", "reg_image", "upload_mode"}
    person = simulator.state.persons["1001"]
    assert person["name"] == "Alice B."
    assert person["customer_text"] == "keep me"
    assert person["image"] is not None

    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "update_person", {"id": "4242", "name": "Nobody"})
    assert err.value.translation_key == "code_22"
    assert "4242" not in simulator.state.persons


@pytest.mark.parametrize("action", ["enroll_person", "update_person"])
async def test_person_actions_take_upload_person_names(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, action: str
) -> None:
    """Both actions use `upload person` (63-byte names, 2.1.2), not the 15-byte commands."""
    name = "名" * 21  # 63 bytes, beyond the 15 of add/update person
    await call_action(hass, action, {"id": "1001", "name": name})
    assert _requests(simulator, "upload person")[-1]["name"] == name
    assert simulator.state.persons["1001"]["name"] == name
    assert not _requests(simulator, "add person") + _requests(simulator, "update person")
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, action, {"id": "1001", "name": name + "x"})
    assert err.value.translation_key == "field_too_long"
    assert err.value.translation_placeholders == {"field": "name", "size": "64", "limit": "63"}
    assert len(simulator.requests) == sent


async def test_person_count_refreshed(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """After an enrolment the registered-persons sensor follows without waiting for the poll."""
    await call_action(hass, "enroll_person", {"id": "1007"})
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.async_refresh()
    assert coordinator.data.person_count == 3


# ---------------------------------------------------------------------------------------------
# Delete


async def test_delete_person(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Delete by id; a missing id is the terminal's code 22."""
    await call_action(hass, "delete_person", {"id": "1001"})
    assert _requests(simulator, "delete person(s)")[-1] == {
        "version": "0.2",
        "cmd": "delete person(s)",
        "flag": -1,
        "id": "1001",
    }
    assert "1001" not in simulator.state.persons
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "delete_person", {"id": "1001"})
    assert err.value.translation_key == "code_22"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "delete_person", {"id": "x" * 20})
    assert err.value.translation_key == "field_too_long"


async def test_delete_persons(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Nothing happens without confirm; then a role, then everyone."""
    await call_action(hass, "enroll_person", {"id": "3001", "role": "blacklist"})
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "delete_persons", {"role": "all"})
    assert err.value.translation_key == "confirm_required"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "delete_persons", {"role": "all", "confirm": False})
    assert err.value.translation_key == "confirm_required"
    assert len(simulator.requests) == sent
    assert len(simulator.state.persons) == 3

    await call_action(hass, "delete_persons", {"role": "whitelist", "confirm": True})
    assert _requests(simulator, "delete person(s)")[-1]["flag"] == 1
    assert set(simulator.state.persons) == {"3001"}

    await call_action(hass, "delete_persons", {"role": "all", "confirm": True})
    assert _requests(simulator, "delete person(s)")[-1]["flag"] == 3
    assert simulator.state.persons == {}

    simulator.fail_next("delete person(s)", 24)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "delete_persons", {"role": "ordinary", "confirm": True})
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "code_24"


# ---------------------------------------------------------------------------------------------
# Get persons


async def test_get_persons_one_page(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """One page with the document's defaults, no images."""
    reply = await call_action(hass, "get_persons", {}, response=True)
    body = _requests(simulator, "request persons")[-1]
    assert body == {
        "version": "0.2",
        "cmd": "request persons",
        "role": -1,
        "page_no": 1,
        "page_size": 20,
        "feature_flag": 0,
        "image_flag": 0,
        "query_mode": 0,
    }
    assert reply["total"] == 2
    assert reply["page"] == 1
    assert reply["persons"][0] == {
        "id": "1001",
        "name": "Alice",
        "role": "whitelist",
        "category": 0,
        "card_number": None,
        "long_card_number": None,
        "valid_from": None,
        "valid_until": "forever",
        "custom_text": None,
    }
    assert [person["id"] for person in reply["persons"]] == ["1001", "1002"]


async def test_get_persons_filters(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, photo_file: Path
) -> None:
    """Role, fuzzy name, card and validity filters reach the terminal and select."""
    await call_action(
        hass,
        "enroll_person",
        {
            "id": "1003",
            "name": "Carol",
            "role": "blacklist",
            "card_number": 777,
            "valid_from": "2026-02-01 00:00:00",
            "valid_until": "2026-12-31 23:59:59",
            "photo_file": str(photo_file),
        },
    )
    reply = await call_action(hass, "get_persons", {"name": "aro", "fuzzy": True}, response=True)
    assert [person["id"] for person in reply["persons"]] == ["1003"]
    assert _requests(simulator, "request persons")[-1]["condition"] == {"person_name": "aro"}
    assert _requests(simulator, "request persons")[-1]["query_mode"] == 1

    reply = await call_action(hass, "get_persons", {"role": "blacklist"}, response=True)
    assert [person["id"] for person in reply["persons"]] == ["1003"]
    person = reply["persons"][0]
    assert person["role"] == "blacklist"
    assert person["card_number"] == 777
    zone = dt_util.get_default_time_zone()
    assert person["valid_from"] == datetime(2026, 2, 1, tzinfo=zone).isoformat()
    assert person["valid_until"] == datetime(2026, 12, 31, 23, 59, 59, tzinfo=zone).isoformat()
    assert "photo" not in person

    reply = await call_action(hass, "get_persons", {"card_number": 777}, response=True)
    assert _requests(simulator, "request persons")[-1]["condition"] == {"wg_card_no": 777}
    assert [person["id"] for person in reply["persons"]] == ["1003"]

    reply = await call_action(
        hass,
        "get_persons",
        {"valid_until_after": "2026-06-01 00:00:00", "valid_until_before": "2027-01-01 00:00:00"},
        response=True,
    )
    assert _requests(simulator, "request persons")[-1]["condition"] == {
        "term_start": "2026/06/01 00:00:00",
        "term ": "2027/01/01 00:00:00",  # sic: the document's key (2.1.1.1)
    }
    assert [person["id"] for person in reply["persons"]] == ["1003"]

    reply = await call_action(
        hass, "get_persons", {"valid_from_after": "2026-01-15 00:00:00"}, response=True
    )
    assert _requests(simulator, "request persons")[-1]["condition"] == {
        "term_start_start": "2026/01/15 00:00:00",
        "term_start_end": "2038/01/19 03:14:07",
    }
    assert [person["id"] for person in reply["persons"]] == ["1003"]

    reply = await call_action(
        hass, "get_persons", {"person_id": "1003", "with_images": True}, response=True
    )
    assert base64.b64decode(reply["persons"][0]["photo"]) == photo_file.read_bytes()
    reply = await call_action(
        hass, "get_persons", {"person_id": "1001", "with_images": True}, response=True
    )
    assert reply["persons"][0]["photo"] is None


async def test_get_persons_long_card_and_fuzzy_card(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A long card filters on long_card_no; a card with fuzzy match is the terminal's code 30."""
    await call_action(
        hass, "enroll_person", {"id": "1008", "card_number": 2**40, "long_card": True}
    )
    reply = await call_action(
        hass, "get_persons", {"card_number": 2**40, "long_card": True}, response=True
    )
    assert _requests(simulator, "request persons")[-1]["condition"] == {"long_card_no": 2**40}
    assert reply["persons"][0]["long_card_number"] == 2**40
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "get_persons", {"card_number": 5, "fuzzy": True}, response=True)
    assert err.value.translation_key == "code_30"


async def test_get_persons_all_pages(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """All pages: every person, fetched page by page; a single page stays a page."""
    for index in range(43):
        simulator.add_person(f"p{index:03d}", f"Person {index}")
    before = len(_requests(simulator, "request persons"))
    reply = await call_action(hass, "get_persons", {"all": True}, response=True)
    pages = _requests(simulator, "request persons")[before:]
    assert [body["page_no"] for body in pages] == [1, 2, 3]
    assert reply["total"] == 45
    assert len(reply["persons"]) == 45
    assert "page" not in reply
    assert len({person["id"] for person in reply["persons"]}) == 45

    reply = await call_action(hass, "get_persons", {"page": 3, "page_size": 10}, response=True)
    assert reply["total"] == 45
    assert reply["page"] == 3
    assert reply["persons"][0]["id"] == "p018"


async def test_get_persons_needs_response(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A response-only action called without asking for the response is refused by Home Assistant."""
    with pytest.raises(ServiceValidationError):
        await call_action(hass, "get_persons", {})


async def test_get_persons_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A failure while paging through everything is translated as any other."""
    for index in range(25):
        simulator.add_person(f"q{index:03d}")
    simulator.fail_next("request persons", 5)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "get_persons", {"all": True}, response=True)
    assert err.value.translation_key == "code_5"


# ---------------------------------------------------------------------------------------------
# Get records


async def test_get_records(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Captures come back oldest first, readable, with images only when asked."""
    simulator.state.persons["1001"]["customer_text"] = "uuid-1"
    await simulator.capture(kind="recognized", person_id="1001", score=93, temperature=36.6)
    await simulator.capture(kind="stranger", temperature=None)
    await simulator.capture(kind="denied", person_id="1002", reason=-3, score=88)
    reply = await call_action(hass, "get_records", {}, response=True)
    assert _requests(simulator, "request records")[-1] == {
        "version": "0.29",
        "cmd": "request records",
        "page_no": 1,
        "page_size": 20,
        "face_image_flag": 0,
        "reg_image_flag": 0,
    }
    assert reply["total"] == 3
    assert reply["page"] == 1
    first, stranger, denied = reply["records"]
    record = simulator.state.records[0]
    local = dt_util.parse_datetime(record["time"].replace("/", "-"))
    assert local is not None
    assert first == {
        "sequence": record["sequence"],
        "captured_at": dt_util.as_utc(
            local.replace(tzinfo=dt_util.get_default_time_zone())
        ).isoformat(),
        "score": 93,
        "person_id": "1001",
        "name": "Alice",
        "role": "whitelist",
        "temperature": 36.6,
        "match_type": 1,
        "reason": None,
        "reason_code": None,
        "uploaded": False,
        "custom_text": "uuid-1",
    }
    assert (stranger["score"], stranger["person_id"], stranger["temperature"]) == (-1, None, None)
    assert (stranger["reason"], stranger["reason_code"]) == ("unauthorized", -11)
    assert (denied["reason"], denied["reason_code"]) == ("expired", -3)

    reply = await call_action(
        hass, "get_records", {"with_images": True, "page_size": 1}, response=True
    )
    face = base64.b64decode(reply["records"][0]["face_image"])
    assert face.startswith(b"\xff\xd8\xff")
    assert reply["records"][0]["registration_image"] is None
    assert reply["total"] == 3


async def test_get_records_filters(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Time, score, delivery and person filters are sent in the document's terms."""
    await simulator.capture(kind="recognized", person_id="1001", score=95)
    await simulator.capture(kind="recognized", person_id="1002", score=75)
    await simulator.capture(kind="stranger")
    now = dt_util.now()
    start = (now - timedelta(hours=1)).replace(microsecond=0)
    end = (now + timedelta(hours=1)).replace(microsecond=0)
    reply = await call_action(
        hass,
        "get_records",
        {
            "start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "end": end.strftime("%Y-%m-%d %H:%M:%S"),
            "min_score": 90,
            "max_score": 100,
            "uploaded": False,
        },
        response=True,
    )
    body = _requests(simulator, "request records")[-1]
    assert (body["time_start"], body["time_end"]) == (int(start.timestamp()), int(end.timestamp()))
    assert (body["score_start"], body["score_end"], body["upload_state"]) == (90, 100, 0)
    assert [record["person_id"] for record in reply["records"]] == ["1001"]

    reply = await call_action(hass, "get_records", {"max_score": 80}, response=True)
    body = _requests(simulator, "request records")[-1]
    assert (body["score_start"], body["score_end"]) == (-1, 80)
    assert [record["score"] for record in reply["records"]] == [75, -1]

    reply = await call_action(hass, "get_records", {"start": start.isoformat()}, response=True)
    body = _requests(simulator, "request records")[-1]
    assert body["time_start"] == int(start.timestamp())
    assert body["time_end"] >= int(now.timestamp())
    assert reply["total"] == 3

    reply = await call_action(
        hass, "get_records", {"end": (now - timedelta(hours=2)).isoformat()}, response=True
    )
    assert _requests(simulator, "request records")[-1]["time_start"] == 0
    assert reply["total"] == 0

    reply = await call_action(hass, "get_records", {"name": "li", "fuzzy": True}, response=True)
    body = _requests(simulator, "request records")[-1]
    assert (body["name"], body["fuzzy_flag"]) == ("li", 1)
    assert [record["name"] for record in reply["records"]] == ["Alice"]

    reply = await call_action(hass, "get_records", {"person_id": "1002"}, response=True)
    assert _requests(simulator, "request records")[-1]["fuzzy_flag"] == 0
    assert [record["person_id"] for record in reply["records"]] == ["1002"]


async def test_get_records_all_pages(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """All pages: every record in order."""
    for _ in range(23):
        await simulator.capture(kind="stranger", closeup=False, overall=False)
    before = len(_requests(simulator, "request records"))
    reply = await call_action(hass, "get_records", {"all": True}, response=True)
    assert [body["page_no"] for body in _requests(simulator, "request records")[before:]] == [1, 2]
    assert reply["total"] == 23
    sequences = [record["sequence"] for record in reply["records"]]
    assert sequences == sorted(sequences)
    assert len(sequences) == 23


async def test_get_records_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The terminal's refusal is translated."""
    simulator.fail_next("request records", 3, "bad range")
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "get_records", {}, response=True)
    assert err.value.translation_key == "code_3"


async def test_valid_forever_takes_an_end_date_away(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A person given an end date can be made valid forever again; both at once is refused."""
    await call_action(
        hass, "enroll_person", {"id": "3001", "name": "Dora", "valid_until": "2027-01-31 18:00:00"}
    )
    assert simulator.state.persons["3001"]["term"] == "2027/01/31 18:00:00"

    await call_action(hass, "update_person", {"id": "3001", "valid_forever": True})
    assert _requests(simulator, "upload person")[-1]["term"] == "forever"
    assert simulator.state.persons["3001"]["term"] == "forever"
    assert simulator.state.persons["3001"]["name"] == "Dora"

    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "update_person",
            {"id": "3001", "valid_forever": True, "valid_until": "2027-01-31 18:00:00"},
        )
    assert err.value.translation_key == "validity_conflict"
    assert len(simulator.requests) == sent
