"""``request records`` (document 2.2.2)."""

from __future__ import annotations

import pytest

from simulator import Simulator

from .sim_helpers import RECORD_QUERY, Call, Receiver, jpeg_b64


async def _make_records(sim: Simulator, call: Call) -> None:
    await call(
        "upload person", id="linxing", name="Lin Xing", reg_image=jpeg_b64(), customer_text="c-1"
    )
    await call("upload person", id="other", name="Zhang San")
    await sim.capture(person_id="linxing", score=94, image_size=(64, 64))
    await sim.capture(kind="stranger", image_size=(64, 64))
    await sim.capture(person_id="other", score=86, closeup=False, overall=False)
    await sim.capture(
        kind="denied", person_id="linxing", score=88, reason=-3, closeup=False, overall=False
    )


async def test_records_fields_and_order(sim: Simulator, call: Call) -> None:
    await _make_records(sim, call)
    reply = await call(
        "request records", page_no=1, page_size=20, face_image_flag=0, reg_image_flag=0
    )
    assert (reply["code"], reply["total"], reply["count"], reply["page_no"]) == (0, 4, 4, 1)
    records = reply["records"]
    assert [r["sequence"] for r in records] == [1, 2, 3, 4]  # oldest first
    recognized, stranger = records[0], records[1]
    assert recognized == {
        "body_temp": 36.5,
        "match_failed_reson": 0,
        "match_type": 1,
        "score": 94,
        "sequence": 1,
        "time": recognized["time"],
        "upload_state": 0,
        "id": "linxing",
        "name": "Lin Xing",
        "role": 1,
        "customer_id": "c-1",
        "person_name_ext": "",
    }
    assert len(recognized["time"]) == len("2020/06/05 11:51:18.454")
    assert set(stranger) == {
        "body_temp",
        "match_failed_reson",
        "match_type",
        "score",
        "sequence",
        "time",
        "upload_state",
    }
    assert (stranger["score"], stranger["match_type"], stranger["match_failed_reson"]) == (
        -1,
        0,
        -11,
    )
    assert records[3]["match_failed_reson"] == -3


async def test_records_images(sim: Simulator, call: Call) -> None:
    await _make_records(sim, call)
    reply = await call(
        "request records", page_no=1, page_size=20, face_image_flag=1, reg_image_flag=1
    )
    records = reply["records"]
    assert records[0]["reg_image"] == jpeg_b64()
    assert records[0]["face_image"].startswith("/9j/")
    assert "reg_image" not in records[1]  # stranger
    assert "face_image" in records[1]
    assert "face_image" not in records[2]  # captured without pictures
    reply = await call(
        "request records", page_no=1, page_size=20, face_image_flag=0, reg_image_flag=0
    )
    assert all("face_image" not in r and "reg_image" not in r for r in reply["records"])


async def test_records_filters(sim: Simulator, call: Call, receiver: Receiver) -> None:
    await _make_records(sim, call)

    async def seqs(**fields: object) -> list[int]:
        reply = await call("request records", page_no=1, page_size=20, **RECORD_QUERY, **fields)
        assert reply["code"] == 0, reply
        return [r["sequence"] for r in reply["records"]]

    now = int(sim.state.clock.unix())
    assert await seqs(time_start=now - 60, time_end=now + 60) == [1, 2, 3, 4]
    assert await seqs(time_start=now + 60, time_end=now + 120) == []
    assert await seqs(score_start=85, score_end=92) == [3, 4]
    assert await seqs(id="linxing") == [1, 4]
    assert await seqs(id="lin") == []
    assert await seqs(id="lin", fuzzy_flag=1) == [1, 4]
    assert await seqs(name="Zhang", fuzzy_flag=1) == [3]
    assert await seqs(name="Zhang San") == [3]
    assert await seqs(upload_state=1) == []
    sim.set_push_target(receiver.url)
    await sim.wait_delivered(timeout=5)
    assert await seqs(upload_state=1) == [1, 2, 3, 4]
    assert await seqs(upload_state=0) == []


async def test_records_paging(sim: Simulator, call: Call) -> None:
    for _ in range(23):
        await sim.capture(kind="stranger", closeup=False, overall=False)
    reply = await call(
        "request records", page_no=2, page_size=20, face_image_flag=0, reg_image_flag=0
    )
    assert (reply["total"], reply["count"]) == (23, 3)
    assert [r["sequence"] for r in reply["records"]] == [21, 22, 23]


@pytest.mark.parametrize(
    "fields",
    [
        {"page_no": 1, "page_size": 21},
        {"page_no": 0, "page_size": 10},
        {"page_no": -1, "page_size": 10},
        {"page_size": 10},
        {"page_no": 1, "page_size": 10, "time_start": 1},
        {"page_no": 1, "page_size": 10, "score_end": 1},
        {"page_no": 1, "page_size": 10, "time_start": "1", "time_end": 2},
        {"page_no": 1, "page_size": 10, "upload_state": 2},
        {"page_no": 1, "page_size": 10, "id": 5},
    ],
)
async def test_records_bad_requests(call: Call, fields: dict[str, object]) -> None:
    assert (await call("request records", **RECORD_QUERY, **fields))["code"] == 3


@pytest.mark.parametrize("flag", ["face_image_flag", "reg_image_flag"])
async def test_records_image_flags_are_required(call: Call, flag: str) -> None:
    """Both image flags come before "The fields below are optional" (2.2.2.1)."""
    fields = {key: value for key, value in RECORD_QUERY.items() if key != flag}
    reply = await call("request records", page_no=1, page_size=20, **fields)
    assert (reply["code"], reply["desc"]) == (3, f"{flag} is required")
