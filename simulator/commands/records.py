"""Capture records (document 2.2.2): ``request records``, oldest first, with filters."""

from __future__ import annotations

from typing import Any

from simulator.state import DeviceState

from .fields import (
    MAX_PAGE_SIZE,
    _flag,
    _int,
    _str,
    _text_match,
)
from .registry import ProtocolError, command


def _pair(req: dict[str, Any], low: str, high: str) -> tuple[int, int] | None:
    if low not in req and high not in req:
        return None
    if low not in req or high not in req:
        raise ProtocolError(3, f"{low} and {high} must be given together")
    return _int(req, low), _int(req, high)


def record_view(record: dict[str, Any], *, face_image: bool, reg_image: bool) -> dict[str, Any]:
    """Render a stored record the way ``request records`` returns it."""
    view = {
        key: value
        for key, value in record.items()
        if not key.startswith("_")  # internal: unix time, images
    }
    if face_image and record.get("_face_image"):
        view["face_image"] = record["_face_image"]
    if reg_image and record.get("_reg_image"):
        view["reg_image"] = record["_reg_image"]
    return view


@command("request records")
def request_records(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Page through capture records, oldest first, with time/score/state/id filters (2.2.2)."""
    page_no = _int(req, "page_no", lo=1)
    page_size = _int(req, "page_size", lo=1, hi=MAX_PAGE_SIZE)
    face_image = _flag(req, "face_image_flag")
    reg_image = _flag(req, "reg_image_flag")
    times = _pair(req, "time_start", "time_end")
    scores = _pair(req, "score_start", "score_end")
    upload_state = _int(req, "upload_state", lo=0, hi=1, default=None)
    fuzzy = _flag(req, "fuzzy_flag")
    wanted_id = _str(req, "id", default=None)
    wanted_name = _str(req, "name", default=None)

    def keep(record: dict[str, Any]) -> bool:
        if times is not None and not times[0] <= record["_unix"] <= times[1]:
            return False
        if scores is not None and not scores[0] <= record["score"] <= scores[1]:
            return False
        if upload_state is not None and record["upload_state"] != upload_state:
            return False
        if wanted_id is not None and (
            "id" not in record or not _text_match(record["id"], wanted_id, fuzzy)
        ):
            return False
        return wanted_name is None or (
            "name" in record and _text_match(record["name"], wanted_name, fuzzy)
        )

    matches = [record for record in state.records if keep(record)]
    page = matches[(page_no - 1) * page_size : page_no * page_size]
    return {
        "total": len(matches),
        "page_no": page_no,
        "count": len(page),
        "records": [record_view(r, face_image=face_image, reg_image=reg_image) for r in page],
    }
