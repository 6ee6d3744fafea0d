"""Person management commands (document 2.1) over real HTTP."""

from __future__ import annotations

import base64

import pytest

from simulator import Simulator

from .sim_helpers import PERSON_QUERY, Call, jpeg_b64, person_record, png_b64


async def test_upload_person_add_then_modify(sim: Simulator, call: Call) -> None:
    reply = await call("upload person", id="0001", name="XiaoMing", reg_image=jpeg_b64())
    assert reply == {
        "reply": "ACK",
        "cmd": "upload person",
        "code": 0,
        "device_sn": sim.state.serial,
        "desc": "OK",
        "id": "0001",
    }
    person = sim.state.persons["0001"]
    assert (person["role"], person["kind"], person["term_start"], person["term"]) == (
        1,
        0,
        "useless",
        "forever",
    )
    assert person["image_format"] == "jpg"
    reply = await call("upload person", id="0001", role=2, reg_image=png_b64())
    assert reply["code"] == 0
    assert sim.state.persons["0001"]["name"] == "XiaoMing"  # not passed: kept
    assert sim.state.persons["0001"]["role"] == 2
    assert sim.state.persons["0001"]["image_format"] == "png"


async def test_upload_person_without_image_and_data_url_prefix(sim: Simulator, call: Call) -> None:
    assert (await call("upload person", id="card-only", wg_card_id=8))["code"] == 0
    assert sim.state.persons["card-only"]["image"] is None
    prefixed = "data:image/jpeg;base64," + jpeg_b64()
    assert (await call("upload person", id="pref", reg_image=prefixed))["code"] == 0
    assert sim.state.persons["pref"]["image"] == jpeg_b64()


async def test_upload_modes(sim: Simulator, call: Call) -> None:
    assert (await call("upload person", id="a", upload_mode=2))["code"] == 22
    assert "a" not in sim.state.persons
    assert (await call("upload person", id="a", upload_mode=1))["code"] == 0
    reply = await call("upload person", id="a", upload_mode=1)
    assert reply["code"] == 21
    assert reply["desc"] != "OK"
    assert (await call("upload person", id="a", upload_mode=2, name="B"))["code"] == 0
    assert sim.state.persons["a"]["name"] == "B"
    assert (await call("upload person", id="a", upload_mode=0, name="C"))["code"] == 0
    assert (await call("upload person", id="a", upload_mode=3))["code"] == 3


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"id": ""}, 3),
        ({"id": "x" * 20}, 3),
        ({"id": "é" * 10}, 3),  # 20 bytes in UTF-8
        ({"id": 1}, 3),
        ({}, 3),
        ({"id": "ok", "name": "n" * 64}, 3),
        ({"id": "ok", "name": "名" * 22}, 3),  # 66 bytes
        ({"id": "ok", "customer_text": "c" * 68}, 3),
        ({"id": "ok", "role": 3}, 3),
        ({"id": "ok", "role": True}, 3),
        ({"id": "ok", "kind": 16}, 3),
        ({"id": "ok", "wg_card_id": 2**32}, 3),
        ({"id": "ok", "long_card_id": -1}, 3),
        ({"id": "ok", "term_start": "2020-01-01"}, 3),
        ({"id": "ok", "term": "2040/01/01 00:00:00"}, 3),
        ({"id": "ok", "term": "sometime"}, 3),
        ({"id": "ok", "reg_image": "not base64!"}, 35),
        ({"id": "ok", "reg_image": base64.b64encode(b"GIF89a....").decode()}, 35),
        ({"id": "ok", "reg_image": 5}, 3),
        ({"id": "ok", "normal_image": "###"}, 37),
        ({"id": "ok", "thumb_image": png_b64()}, 35),
    ],
)
async def test_upload_person_validation(
    sim: Simulator, call: Call, fields: dict[str, object], code: int
) -> None:
    reply = await call("upload person", **fields)
    assert reply["code"] == code
    assert reply["desc"]
    assert reply["desc"] != "OK"
    assert "ok" not in sim.state.persons


async def test_upload_person_limits_accept_exact_sizes(sim: Simulator, call: Call) -> None:
    reply = await call(
        "upload person",
        id="x" * 19,
        name="名" * 21,  # 63 bytes
        customer_text="c" * 67,
        term_start="2020/01/01 00:00:00",
        term="2038/01/01 00:00:00",
        normal_image=base64.b64encode(b"\1" * 30).decode(),
        thumb_image=jpeg_b64(),
        long_card_id=2**64 - 1,
    )
    assert reply["code"] == 0
    person = sim.state.persons["x" * 19]
    assert person["norm_image"] is True
    assert person["long_card_id"] == 2**64 - 1


async def test_image_over_10_mb_is_code_36(sim: Simulator, call: Call) -> None:
    big = base64.b64encode(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024)).decode()
    reply = await call("upload person", id="big", reg_image=big)
    assert reply["code"] == 36
    assert "big" not in sim.state.persons


async def test_capacity_is_code_20(sim: Simulator, call: Call) -> None:
    sim.state.capacity = 2
    sim.add_person("p1")
    sim.add_person("p2")
    assert (await call("upload person", id="p3"))["code"] == 20
    assert (await call("add person", **person_record("p3")))["code"] == 20
    assert "p3" not in sim.state.persons
    # modifying an existing person is fine when the list is full
    assert (await call("upload person", id="p1", name="Z"))["code"] == 0
    assert (await call("add person", **person_record("p1", cover=True)))["code"] == 0


async def test_fail_next_forces_a_code_once(sim: Simulator, call: Call) -> None:
    sim.fail_next("upload person", 40, "more than one face")
    reply = await call("upload person", id="f", reg_image=jpeg_b64())
    assert (reply["code"], reply["desc"], reply["cmd"]) == (
        40,
        "more than one face",
        "upload person",
    )
    assert "f" not in sim.state.persons
    sim.fail_next("upload person", 25)
    assert (await call("upload person", id="f"))["desc"] == "failed to extract feature value"
    assert (await call("upload person", id="f"))["code"] == 0


async def test_add_person_and_cover(sim: Simulator, call: Call) -> None:
    images = [{"format": "jpg", "image_data": jpeg_b64()}]
    norm = [{"width": 150, "height": 150, "image_data": base64.b64encode(b"\1" * 9).decode()}]
    reply = await call(
        "add person",
        id="0001",
        name="A",
        role=1,
        cover=False,
        kind=2,
        feature_unit_size=0,
        feature_num=0,
        feature_data=[],
        image_num=1,
        reg_images=images,
        norm_image_num=1,
        norm_images=norm,
        wg_card_id=8,
        term_start="useless",
        term="forever",
        customer_text="uuid-1",
    )
    assert (reply["code"], reply["id"]) == (0, "0001")
    assert sim.state.persons["0001"]["norm_image"] is True
    assert (await call("add person", **person_record("0001", name="B")))["code"] == 21
    assert (await call("add person", **person_record("0001", name="B", cover=True)))["code"] == 0
    assert sim.state.persons["0001"]["name"] == "B"
    assert sim.state.persons["0001"]["customer_text"] == ""  # cover replaces the whole record


async def test_add_person_png_allowed_but_jpg_variant_is_jpeg_only(
    sim: Simulator, call: Call
) -> None:
    png = [{"format": "png", "image_data": png_b64()}]
    assert (await call("add person", **person_record("p", reg_images=png)))["code"] == 0
    assert (await call("add person jpg", **person_record("q", jpg=True, reg_images=png)))[
        "code"
    ] == 35
    disguised = [{"format": "jpg", "image_data": png_b64()}]
    assert (await call("add person jpg", **person_record("q", jpg=True, reg_images=disguised)))[
        "code"
    ] == 35
    good = person_record("q", jpg=True, reg_images=[{"format": "jpg", "image_data": jpeg_b64()}])
    assert (await call("add person jpg", **good))["code"] == 0
    assert (await call("add person jpg", **good))["code"] == 21
    assert (await call("add person jpg", **{**good, "cover": 1}))["code"] == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"reg_images": "x"}, 3),
        ({"reg_images": ["x"]}, 3),
        ({"reg_images": [{"image_data": "@@"}]}, 35),
        ({"reg_images": [{"image_data": jpeg_b64()}, {"image_data": jpeg_b64()}]}, 3),
        ({"norm_images": [{"image_data": "@@"}]}, 37),
        ({"norm_images": ["x"]}, 3),
        ({"norm_images": [{"image_data": "AAAA"}] * 6}, 3),
        ({"cover": "yes"}, 3),
    ],
)
async def test_add_person_image_errors(call: Call, fields: dict[str, object], code: int) -> None:
    assert (await call("add person", **person_record("e", **fields)))["code"] == code


async def test_add_person_with_empty_reg_images(sim: Simulator, call: Call) -> None:
    assert (await call("add person", **person_record("e")))["code"] == 0
    assert sim.state.persons["e"]["image"] is None


@pytest.mark.parametrize(
    "fields",
    [
        {"image_num": 1},
        {"norm_image_num": 1},
        {"feature_unit_size": 128, "feature_num": 1},
        {"feature_unit_size": 2, "feature_num": 1, "feature_data": [0.5]},
        {"image_num": 6},
    ],
)
async def test_add_person_counts_describe_the_arrays(
    sim: Simulator, call: Call, fields: dict[str, object]
) -> None:
    """A count that does not match its array (2.1.3) is refused."""
    reply = await call("add person", **person_record("e", **fields))
    assert reply["code"] == 3
    assert "e" not in sim.state.persons


@pytest.mark.parametrize("cmd", ["add person", "add person jpg"])
async def test_add_person_names_are_15_bytes(sim: Simulator, call: Call, cmd: str) -> None:
    """The older commands store 15 bytes of name (2.1.3, 2.1.6); upload person 63 (2.1.2)."""
    images = [{"format": "jpg", "image_data": jpeg_b64()}]
    jpg = cmd == "add person jpg"
    too_long = person_record("n", jpg=jpg, name="Zoë Abercrombie", reg_images=images)  # 16 bytes
    reply = await call(cmd, **too_long)
    assert reply["code"] == 3
    assert "15 bytes" in reply["desc"]
    assert "n" not in sim.state.persons
    exact = person_record("n", jpg=jpg, name="Zoe Abercrombie", reg_images=images)  # 15 bytes
    assert (await call(cmd, **exact))["code"] == 0
    assert sim.state.persons["n"]["name"] == "Zoe Abercrombie"
    assert (await call("upload person", id="m", name="Zoë Abercrombie"))["code"] == 0


@pytest.mark.parametrize("cmd", ["update person", "update person jpg"])
async def test_update_person_names_are_15_bytes(sim: Simulator, call: Call, cmd: str) -> None:
    sim.add_person("n", "Old")
    reply = await call(cmd, id="n", update_flags=1, name="名" * 6)  # 18 bytes
    assert reply["code"] == 3
    assert sim.state.persons["n"]["name"] == "Old"
    assert (await call(cmd, id="n", update_flags=1, name="名" * 5))["code"] == 0
    assert sim.state.persons["n"]["name"] == "名" * 5


async def test_update_person_flags(sim: Simulator, call: Call) -> None:
    await call("upload person", id="u", name="Old", role=1, customer_text="t", wg_card_id=1)
    assert (await call("update person", id="missing", update_flags=1, name="x"))["code"] == 22
    # flags 3 = name + role; customer_text given but not selected: ignored
    reply = await call(
        "update person", id="u", update_flags=3, name="New", role=2, customer_text="z"
    )
    assert (reply["code"], reply["id"]) == (0, "u")
    person = sim.state.persons["u"]
    assert (person["name"], person["role"], person["customer_text"]) == ("New", 2, "t")
    # a selected field that is missing is an error
    assert (await call("update person", id="u", update_flags=0x40))["code"] == 3
    assert (await call("update person", id="u", update_flags=0x400))["code"] == 3
    # no update_flags: everything is rewritten, so every field is required (2.1.4)
    reply = await call("update person", id="u", customer_text="all", kind=3, term="never")
    assert (reply["code"], reply["desc"]) == (3, "name is required")
    assert person["customer_text"] == "t"
    everything = person_record("u", customer_text="all", kind=3, term="never")
    del everything["cover"]
    reply = await call("update person", **everything)
    assert reply["code"] == 0
    assert (person["customer_text"], person["kind"], person["term"]) == ("all", 3, "never")
    assert (person["name"], person["wg_card_id"]) == ("", 0)
    # wiegand bit covers both card fields; term_start bit; schedule bit
    reply = await call(
        "update person",
        id="u",
        update_flags=0x4 | 0x10 | 0x20,
        long_card_id=99,
        term_start="2021/01/01 00:00:00",
        kind=5,
    )
    assert reply["code"] == 0
    assert (person["long_card_id"], person["term_start"], person["kind"]) == (
        99,
        "2021/01/01 00:00:00",
        5,
    )


async def test_update_person_images_by_flag(sim: Simulator, call: Call) -> None:
    await call("upload person", id="u")
    images = [{"format": "jpg", "image_data": jpeg_b64()}]
    assert (await call("update person", id="u", update_flags=1, name="n", reg_images=images))[
        "code"
    ] == 0
    assert sim.state.persons["u"]["image"] is None  # image bit not set
    assert (await call("update person", id="u", update_flags=0x100, reg_images=images))["code"] == 0
    assert sim.state.persons["u"]["image"] == jpeg_b64()
    norm = [{"image_data": "AAAA"}]
    assert (await call("update person", id="u", update_flags=0x80, norm_images=norm))["code"] == 0
    assert sim.state.persons["u"]["norm_image"] is True


async def test_update_person_jpg(sim: Simulator, call: Call) -> None:
    await call("upload person", id="j", name="A")
    images = [{"format": "jpg", "image_data": jpeg_b64()}]
    reply = await call("update person jpg", id="j", update_flags=0x80, reg_images=images)
    assert (reply["code"], reply["cmd"]) == (0, "update person jpg")
    assert sim.state.persons["j"]["image"] == jpeg_b64()
    png = [{"format": "jpg", "image_data": png_b64()}]
    assert (await call("update person jpg", id="j", update_flags=0x100, reg_images=png))[
        "code"
    ] == 35
    assert (await call("update person jpg", id="j", update_flags=0x100))["code"] == 3
    assert (await call("update person jpg", id="nobody", update_flags=1, name="x"))["code"] == 22
    reply = await call("update person jpg", id="j", name="x")  # no flags: every field
    assert (reply["code"], reply["desc"]) == (3, "role is required")


async def test_delete_persons(sim: Simulator, call: Call) -> None:
    for pid, role in (("a", 0), ("b", 1), ("c", 1), ("d", 2)):
        await call("upload person", id=pid, role=role)
    assert (await call("delete person(s)", flag=-1, id="a")) | {"desc": "OK"} == {
        "reply": "ACK",
        "cmd": "delete person(s)",
        "code": 0,
        "device_sn": sim.state.serial,
        "desc": "OK",
        "id": "a",
    }
    assert (await call("delete person(s)", flag=-1, id="a"))["code"] == 22
    assert (await call("delete person(s)", flag=-1, id=""))["code"] == 3
    reply = await call("delete person(s)", flag=1)  # the id is required, empty by role
    assert (reply["code"], reply["desc"]) == (3, "id is required")
    reply = await call("delete person(s)", flag=1, id="")
    assert (reply["code"], reply["id"]) == (0, "")
    assert sorted(sim.state.persons) == ["d"]
    assert (await call("delete person(s)", flag=4, id=""))["code"] == 3
    assert (await call("delete person(s)", flag=3, id=""))["code"] == 0
    assert sim.state.persons == {}


async def test_request_persons_paging_and_roles(sim: Simulator, call: Call) -> None:
    for n in range(25):
        await call("upload person", id=f"p{n:02d}", name=f"Name{n}", role=2 if n % 5 == 0 else 1)
    reply = await call("request persons", **PERSON_QUERY, page_no=1, page_size=20)
    assert (reply["code"], reply["total"], reply["count"], reply["page_no"]) == (0, 25, 20, 1)
    reply = await call("request persons", **PERSON_QUERY, page_no=2, page_size=20)
    assert [p["id"] for p in reply["persons"]] == [f"p{n:02d}" for n in range(20, 25)]
    reply = await call("request persons", **PERSON_QUERY, page_no=3, page_size=20)
    assert (reply["count"], reply["persons"]) == (0, [])
    reply = await call("request persons", **{**PERSON_QUERY, "role": 2}, page_no=1, page_size=20)
    assert reply["total"] == 5
    assert {p["role"] for p in reply["persons"]} == {2}
    reply = await call("request persons", **PERSON_QUERY, page_no=-1, page_size=20)
    assert (reply["count"], reply["page_no"]) == (25, -1)
    person = reply["persons"][0]
    assert person["feature_num"] == 0
    assert person["wg_card_id"] == 0
    assert "long_card_id" not in person


@pytest.mark.parametrize(
    "fields",
    [
        {"page_no": 1, "page_size": 21},
        {"page_no": 1, "page_size": 0},
        {"page_no": 0, "page_size": 10},
        {"page_no": -2, "page_size": 10},
        {"page_size": 10},
        {"page_no": 1, "page_size": 10, "role": 5},
        {"page_no": 1, "page_size": 10, "condition": []},
        {"page_no": 1, "page_size": 10, "image_flag": "yes"},
    ],
)
async def test_request_persons_bad_paging(call: Call, fields: dict[str, object]) -> None:
    assert (await call("request persons", **{**PERSON_QUERY, **fields}))["code"] == 3


async def test_request_persons_images(sim: Simulator, call: Call) -> None:
    await call("upload person", id="img", reg_image=jpeg_b64())
    query = {**PERSON_QUERY, "image_flag": 1}
    reply = await call("request persons", **query, page_no=1, page_size=10)
    person = reply["persons"][0]
    assert person["image_num"] == 1
    assert person["reg_images"] == [{"format": "jpg", "image_data": jpeg_b64()}]
    reply = await call("request persons", **PERSON_QUERY, page_no=1, page_size=10)
    assert reply["persons"][0]["reg_images"] == []


async def test_request_persons_conditions(sim: Simulator, call: Call) -> None:
    await call(
        "upload person", id="0001", name="XiaoMing", wg_card_id=8, term="2030/01/01 00:00:00"
    )
    await call(
        "upload person",
        id="0002",
        name="XiaoHong",
        long_card_id=77,
        term_start="2019/06/01 00:00:00",
    )
    await call("upload person", id="1003", name="Bob", term="never")

    async def ids(**fields: object) -> list[str]:
        reply = await call("request persons", page_no=1, page_size=20, **{**PERSON_QUERY, **fields})
        assert reply["code"] == 0, reply
        return [p["id"] for p in reply["persons"]]

    assert await ids(condition={"person_id": "0001"}) == ["0001"]
    assert await ids(condition={"person_id": "000"}) == []
    assert await ids(query_mode=1, condition={"person_id": "000"}) == ["0001", "0002"]
    assert await ids(query_mode=1, condition={"person_name": "Xiao"}) == ["0001", "0002"]
    assert await ids(query_mode=1, condition={"person_name": ""}) == ["0001", "0002", "1003"]
    assert await ids(condition={"person_name": "Bob"}) == ["1003"]
    assert await ids(condition={"wg_card_no": 8}) == ["0001"]
    assert await ids(condition={"long_card_no": 77}) == ["0002"]
    for cond in ({"wg_card_no": 8}, {"long_card_no": 77}):
        reply = await call(
            "request persons", **PERSON_QUERY, page_no=1, page_size=9, query_mode=1, condition=cond
        )
        assert reply["code"] == 30
    assert await ids(
        condition={
            "term_start_start": "2019/01/01 00:00:00",
            "term_start_end": "2019/12/31 00:00:00",
        }
    ) == ["0002"]
    assert await ids(condition={"term_start_start": "useless", "term_start_end": "useless"}) == [
        "0001",
        "0002",
        "1003",
    ]
    assert await ids(
        condition={"term_start": "2029/01/01 00:00:00", "term ": "2031/01/01 00:00:00"}
    ) == ["0001"]
    assert await ids(condition={"term_start": "never", "term ": "never"}) == ["1003"]
    assert await ids(condition={"term_start": "forever", "term ": "forever"}) == ["0002"]
    for bad in (
        {"term_start_start": "2019/01/01 00:00:00"},
        {"term_start": 1, "term ": 2},
        {"term_start": "2019/01/01", "term ": "2020/01/01 00:00:00"},
        # the document's key has a trailing space; the bare spelling is not the validity end
        {"term_start": "never", "term": "never"},
    ):
        reply = await call("request persons", **PERSON_QUERY, page_no=1, page_size=9, condition=bad)
        assert reply["code"] == 3, bad
