"""Person commands (document 2.1): upload, add, update, delete and page through persons.

Names are limited to 63 bytes in ``upload person`` and to 15 bytes in the older commands and their
jpg forms; ``update_flags`` selects what ``update person(jpg)`` rewrites.
"""

from __future__ import annotations

from typing import Any

from simulator.clock import parse_wall_time
from simulator.images import b64decode_strict
from simulator.state import DeviceState

from .fields import (
    MAX_ID_BYTES,
    MAX_NAME_BYTES,
    MAX_PAGE_SIZE,
    U32,
    _decode_image,
    _flag,
    _int,
    _list,
    _obj,
    _str,
    _text_match,
    _wall,
)
from .registry import ProtocolError, command

MAX_SHORT_NAME_BYTES = 15  # `add person`, `update person` and their jpg forms (2.1.3-2.1.7)
MAX_CUSTOMER_TEXT_BYTES = 67
U64 = 2**64 - 1


# update_flags bits (document section 1.5, enum ParsonDataFlags)
FLAG_NAME = 0x1
FLAG_ROLE = 0x2
FLAG_WG = 0x4
FLAG_EFFECT = 0x8
FLAG_EFFECTSTART = 0x10
FLAG_SCHEDULE = 0x20
FLAG_USERPARAM = 0x40
FLAG_NORM_IMAGE = 0x80
FLAG_REG_IMAGES = 0x100
ALL_FLAGS = 0x1FF
_FIELD_FLAGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (FLAG_NAME, ("name",)),
    (FLAG_ROLE, ("role",)),
    (FLAG_WG, ("wg_card_id", "long_card_id")),
    (FLAG_EFFECT, ("term",)),
    (FLAG_EFFECTSTART, ("term_start",)),
    (FLAG_SCHEDULE, ("kind",)),
    (FLAG_USERPARAM, ("customer_text",)),
)


def _person_id(req: dict[str, Any], key: str = "id") -> str:
    value: str = _str(req, key, max_bytes=MAX_ID_BYTES, nonempty=True)
    return value


def _person_fields(req: dict[str, Any], *, max_name: int) -> dict[str, Any]:
    """Validate the plain person fields present in the request (names up to ``max_name`` bytes)."""
    fields: dict[str, Any] = {}
    if "name" in req:
        fields["name"] = _str(req, "name", max_bytes=max_name)
    if "role" in req:
        fields["role"] = _int(req, "role", lo=0, hi=2)
    if "kind" in req:
        fields["kind"] = _int(req, "kind", lo=0, hi=15)
    if "wg_card_id" in req:
        fields["wg_card_id"] = _int(req, "wg_card_id", lo=0, hi=U32)
    if "long_card_id" in req:
        fields["long_card_id"] = _int(req, "long_card_id", lo=0, hi=U64)
    if "term_start" in req:
        term_start: str = _str(req, "term_start")
        if term_start != "useless":
            _wall(term_start, "term_start")
        fields["term_start"] = term_start
    if "term" in req:
        term: str = _str(req, "term")
        if term not in ("forever", "never"):
            _wall(term, "term")
        fields["term"] = term
    if "customer_text" in req:
        fields["customer_text"] = _str(req, "customer_text", max_bytes=MAX_CUSTOMER_TEXT_BYTES)
    return fields


def _reg_images(
    state: DeviceState, req: dict[str, Any], *, jpeg_only: bool
) -> tuple[str, str] | None:
    """Validate ``reg_images`` (at most one entry); return (base64, format) or None."""
    if "reg_images" not in req:
        return None
    images = _list(req, "reg_images", max_items=1)
    if not images:
        return None
    entry = images[0]
    if not isinstance(entry, dict):
        raise ProtocolError(3, "reg_images entries must be objects")
    fmt = entry.get("format", "jpg")
    if jpeg_only and fmt not in ("jpg", "jpeg"):
        raise ProtocolError(35, "only jpg reg_images are supported")
    return _decode_image(
        state, entry.get("image_data"), "reg_images[0].image_data", jpeg_only=jpeg_only
    )


def _norm_images(req: dict[str, Any]) -> bool:
    """Validate ``norm_images``; return True when one was given."""
    if "norm_images" not in req:
        return False
    images = _list(req, "norm_images", max_items=5)
    for entry in images:
        if not isinstance(entry, dict) or not isinstance(entry.get("image_data"), str):
            raise ProtocolError(3, "norm_images entries must be objects with image_data")
        if not b64decode_strict(entry["image_data"]):
            raise ProtocolError(37, "norm_images image_data is not valid base64")
    return bool(images)


def _check_counts(req: dict[str, Any]) -> None:
    """The counts the older person commands send must describe their arrays (2.1.3)."""
    for count_key, list_key in (("image_num", "reg_images"), ("norm_image_num", "norm_images")):
        if count_key in req:
            count = _int(req, count_key, lo=0, hi=5)
            if isinstance(req.get(list_key), list) and count != len(req[list_key]):
                raise ProtocolError(
                    3, f"{count_key} is {count} but {list_key} has {len(req[list_key])}"
                )
    if "feature_data" in req:
        data = _list(req, "feature_data")
        size = _int(req, "feature_unit_size", lo=0, default=0) * _int(
            req, "feature_num", lo=0, hi=5, default=0
        )
        if len(data) != size:
            raise ProtocolError(3, "feature_data must hold feature_unit_size * feature_num numbers")


def _set_image(person: dict[str, Any], image: tuple[str, str] | None) -> None:
    if image is not None:
        person["image"], person["image_format"] = image


def _capacity_check(state: DeviceState) -> None:
    if len(state.persons) >= state.capacity:
        raise ProtocolError(20, f"the person list is full ({state.capacity})")


@command("upload person")
def upload_person(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add or modify a person from one original image (2.1.2)."""
    person_id = _person_id(req)
    fields = _person_fields(req, max_name=MAX_NAME_BYTES)
    mode = _int(req, "upload_mode", lo=0, hi=2, default=0)
    image = None
    if req.get("normal_image"):
        if not isinstance(req["normal_image"], str) or not b64decode_strict(req["normal_image"]):
            raise ProtocolError(37, "normal_image is not valid base64")
        fields["norm_image"] = True
    if req.get("reg_image"):
        image = _decode_image(state, req["reg_image"], "reg_image", jpeg_only=False)
    if req.get("thumb_image"):
        _decode_image(state, req["thumb_image"], "thumb_image", jpeg_only=True)
    person = state.persons.get(person_id)
    if mode == 1 and person is not None:
        raise ProtocolError(21, f"person {person_id} already exists (upload_mode 1)")
    if mode == 2 and person is None:
        raise ProtocolError(22, f"person {person_id} does not exist (upload_mode 2)")
    if person is None:
        _capacity_check(state)
        person = state.new_person(person_id, **fields)
        state.persons[person_id] = person
    else:
        person.update(fields)
    _set_image(person, image)
    return {"id": person_id}


def _add_person(state: DeviceState, req: dict[str, Any], *, jpeg_only: bool) -> dict[str, Any]:
    person_id = _person_id(req)
    fields = _person_fields(req, max_name=MAX_SHORT_NAME_BYTES)
    cover = _flag(req, "cover")
    _check_counts(req)
    image = _reg_images(state, req, jpeg_only=jpeg_only)
    if not jpeg_only:
        fields["norm_image"] = _norm_images(req)
    if person_id in state.persons:
        if not cover:
            raise ProtocolError(21, f"person {person_id} already exists (cover is false)")
    else:
        _capacity_check(state)
    person = state.new_person(person_id, **fields)
    _set_image(person, image)
    state.persons[person_id] = person
    return {"id": person_id}


@command("add person")
def add_person(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add a person from registration/normalized images (2.1.3)."""
    return _add_person(state, req, jpeg_only=False)


@command("add person jpg")
def add_person_jpg(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Add a person from an original JPEG (2.1.6)."""
    return _add_person(state, req, jpeg_only=True)


def _update_person(state: DeviceState, req: dict[str, Any], *, jpeg_only: bool) -> dict[str, Any]:
    person_id = _person_id(req)
    fields = _person_fields(req, max_name=MAX_SHORT_NAME_BYTES)
    _check_counts(req)
    image = _reg_images(state, req, jpeg_only=jpeg_only)
    norm = False if jpeg_only else _norm_images(req)
    flags = _int(req, "update_flags", lo=0, hi=ALL_FLAGS, default=None)
    person = state.persons.get(person_id)
    if person is None:
        raise ProtocolError(22, f"person {person_id} does not exist")
    if flags is None:
        flags = ALL_FLAGS
    else:
        image_bits = FLAG_NORM_IMAGE | FLAG_REG_IMAGES
        wanted = [*_FIELD_FLAGS]
        if jpeg_only:
            wanted.append((image_bits, ("reg_images",)))
        else:
            wanted += [(FLAG_NORM_IMAGE, ("norm_images",)), (FLAG_REG_IMAGES, ("reg_images",))]
        for bit, keys in wanted:
            if flags & bit and not any(key in req for key in keys):
                raise ProtocolError(3, f"update_flags selects {'/'.join(keys)} but it is missing")
    for bit, keys in _FIELD_FLAGS:
        if flags & bit:
            person.update({key: fields[key] for key in keys if key in fields})
    reg_bits = (FLAG_NORM_IMAGE | FLAG_REG_IMAGES) if jpeg_only else FLAG_REG_IMAGES
    if flags & reg_bits:
        _set_image(person, image)
    if norm and flags & FLAG_NORM_IMAGE:
        person["norm_image"] = True
    return {"id": person_id}


@command("update person")
def update_person(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Modify a person; ``update_flags`` selects the fields (2.1.4)."""
    return _update_person(state, req, jpeg_only=False)


@command("update person jpg")
def update_person_jpg(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Modify a person from an original JPEG (2.1.7)."""
    return _update_person(state, req, jpeg_only=True)


@command("delete person(s)")
def delete_persons(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Delete one person by id (flag -1), all of a role (0/1/2) or everyone (3) (2.1.5)."""
    flag = _int(req, "flag", lo=-1, hi=3)
    if flag == -1:
        person_id = _person_id(req)
        if state.persons.pop(person_id, None) is None:
            raise ProtocolError(22, f"person {person_id} does not exist")
        return {"id": person_id}
    if flag == 3:
        state.persons.clear()
    else:
        for person_id in [pid for pid, p in state.persons.items() if p["role"] == flag]:
            del state.persons[person_id]
    return {"id": ""}


def _term_range(
    cond: dict[str, Any], low_key: str, high_keys: tuple[str, ...]
) -> tuple[str, str] | None:
    """Return a (low, high) condition pair, or None when absent or ``useless``."""
    high_key = next((key for key in high_keys if key in cond), None)
    if low_key not in cond and high_key is None:
        return None
    if low_key not in cond or high_key is None:
        raise ProtocolError(3, f"{low_key} and {high_keys[0]} must be given together")
    low, high = cond[low_key], cond[high_key]
    if not isinstance(low, str) or not isinstance(high, str):
        raise ProtocolError(3, f"{low_key}/{high_keys[0]} must be strings")
    if "useless" in (low, high):
        return None
    return low, high


def _in_term_range(value: str, bounds: tuple[str, str], keywords: tuple[str, ...]) -> bool:
    low, high = bounds
    if low in keywords or high in keywords:
        return value in (low, high)
    moment = parse_wall_time(value)
    low_t, high_t = _wall(low, "condition"), _wall(high, "condition")
    return moment is not None and low_t <= moment <= high_t


def _person_matches(person: dict[str, Any], cond: dict[str, Any], fuzzy: bool) -> bool:
    if "person_id" in cond and not _text_match(person["id"], str(cond["person_id"]), fuzzy):
        return False
    if "person_name" in cond and not _text_match(person["name"], str(cond["person_name"]), fuzzy):
        return False
    if "wg_card_no" in cond and person.get("wg_card_id") != cond["wg_card_no"]:
        return False
    if "long_card_no" in cond and person.get("long_card_id") != cond["long_card_no"]:
        return False
    start = _term_range(cond, "term_start_start", ("term_start_end",))
    if start is not None and not _in_term_range(person["term_start"], start, ()):
        return False
    # sic: the document spells the validity end of the condition "term " (2.1.1.1)
    term = _term_range(cond, "term_start", ("term ",))
    return term is None or _in_term_range(person["term"], term, ("forever", "never"))


def person_view(person: dict[str, Any], *, with_image: bool) -> dict[str, Any]:
    """Render a stored person the way ``request persons`` returns it."""
    view: dict[str, Any] = {
        "id": person["id"],
        "name": person["name"],
        "role": person["role"],
        "kind": person["kind"],
        "feature_unit_size": 0,
        "feature_num": 0,
        "feature_data": [],
        "image_num": 1 if person["image"] else 0,
        "reg_images": [],
        "wg_card_id": person.get("wg_card_id", 0),
        "term_start": person["term_start"],
        "term": person["term"],
        "customer_text": person["customer_text"],
    }
    if "long_card_id" in person:
        view["long_card_id"] = person["long_card_id"]
    if with_image and person["image"]:
        view["reg_images"] = [{"format": person["image_format"], "image_data": person["image"]}]
    return view


@command("request persons")
def request_persons(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Page through the person list with role and condition filters (2.1.1)."""
    role = _int(req, "role", lo=-1, hi=2)
    page_no = _int(req, "page_no", lo=-1)
    if page_no == 0:
        raise ProtocolError(3, "page_no counts from 1 (or -1 for all)")
    page_size = _int(req, "page_size")
    if page_no != -1 and not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ProtocolError(3, f"page_size must be within 1..{MAX_PAGE_SIZE}")
    with_image = _flag(req, "image_flag")
    fuzzy = _flag(req, "query_mode")
    cond = _obj(req, "condition", default={})
    if fuzzy and ("wg_card_no" in cond or "long_card_no" in cond):
        raise ProtocolError(30, "Wiegand card numbers do not support fuzzy matching")
    if role == -1 and not cond:
        matches = list(state.persons.values())  # the whole list: no filter to test
    else:
        matches = [
            person
            for person in state.persons.values()
            if (role == -1 or person["role"] == role) and _person_matches(person, cond, fuzzy)
        ]
    page = matches if page_no == -1 else matches[(page_no - 1) * page_size : page_no * page_size]
    return {
        "total": len(matches),
        "page_no": page_no,
        "count": len(page),
        "persons": [person_view(person, with_image=with_image) for person in page],
    }
