"""Build a capture: the stored record and the face push body (document 2.2.1.1, real v0.42 push)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .commands.device import now_text
from .images import b64, capture_images
from .state import PROTOCOL_VERSION, DeviceState

KINDS = ("recognized", "stranger", "denied", "detected")
STRANGER_REASON = -11  # what the real v0.42 stranger push carries


@dataclass(frozen=True, slots=True)
class CaptureRequest:
    """What to capture (the keyword arguments of ``Simulator.capture``)."""

    kind: str = "recognized"
    person_id: str | None = None
    reason: int = -3
    score: int | None = None
    temperature: float | None = 36.5
    mask: bool = True
    realtime: bool = True
    closeup: bool = True
    overall: bool = True
    image_size: tuple[int, int] = (480, 640)
    qr: str | None = None
    card: int | None = None


def encrypt_field(key: bytes, text: str) -> str:
    """AES-128-ECB with zero padding, base64 (the document names AES but not mode or padding)."""
    data = text.encode("utf-8")
    data += b"\0" * (-len(data) % 16)
    encryptor = Cipher(algorithms.AES(key.ljust(16, b"\0")[:16]), modes.ECB()).encryptor()  # noqa: S305
    return b64(encryptor.update(data) + encryptor.finalize())


def _person_attr(term: str) -> str:
    if term == "forever":
        return "permanent_list"
    if term == "never":
        return "invalid_list"
    return "temporary_list"


def pick_person(state: DeviceState, person_id: str | None) -> dict[str, Any]:
    """Return the named person, a random registered one, or a new demo person."""
    if person_id is not None:
        if person_id not in state.persons:
            raise ValueError(f"person {person_id!r} is not registered")
        return state.persons[person_id]
    if not state.persons:
        return state.add_demo_person()
    return state.persons[state.rng.choice(sorted(state.persons))]


def _match_object(state: DeviceState, person: dict[str, Any], card: int | None) -> dict[str, Any]:
    encrypted = state.aes_enabled
    match: dict[str, Any] = {
        "is_encryption": encrypted,
        "person_id": encrypt_field(state.aes_key, person["id"]) if encrypted else person["id"],
        "person_name": encrypt_field(state.aes_key, person["name"])
        if encrypted
        else person["name"],
        "person_role": person["role"],
    }
    if state.app_params["face"].get("enable_output_reg") and person["image"]:
        match["format"] = person["image_format"]
        match["image"] = person["image"]
    match["origin"] = "software"
    match["person_attr"] = _person_attr(person["term"])
    match["customer_text"] = person["customer_text"]
    match["match_type"] = ["card"] if card is not None else ["face"]
    return match


def build_capture(
    state: DeviceState, request: CaptureRequest, *, sequence_no: int, is_realtime: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (push body, record) for one capture; the record is appended to the state."""
    if request.kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    rng = state.rng
    person = (
        pick_person(state, request.person_id) if request.kind in ("recognized", "denied") else None
    )
    if person is None:
        score, reason = (-1, STRANGER_REASON) if request.kind == "stranger" else (0, 0)
    else:
        score = request.score if request.score is not None else rng.randint(85, 99)
        reason = request.reason if request.kind == "denied" else 0
    cap_time = now_text(state)
    info = state.app_params["device_info"]
    body: dict[str, Any] = {
        "version": PROTOCOL_VERSION,
        "cmd": "face",
        "sequence_no": sequence_no,
        "device_no": info["device_no"],
        "device_sn": state.serial,
        "addr_no": info["addr_no"],
        "addr_name": info["addr_name"],
        "cap_time": cap_time,
        "is_realtime": 1 if is_realtime else 0,
        "match_failed_reson": reason,
        "match_result": score,
    }
    if person is not None:
        body["match"] = _match_object(state, person, request.card)
    pictures = None
    if request.closeup or request.overall:
        pictures = capture_images(*request.image_size, rng)
    body["overall_pic_flag"] = bool(request.overall)
    if pictures is not None and request.overall:
        box = pictures.panorama_box
        body["overall_pic"] = {
            "format": "jpg",
            "data": b64(pictures.panorama),
            "face_x": box.x,
            "face_y": box.y,
            "face_width": box.width,
            "face_height": box.height,
        }
    body["closeup_pic_flag"] = bool(request.closeup)
    if pictures is not None and request.closeup:
        box = pictures.closeup_box
        body["closeup_pic"] = {
            "format": "jpg",
            "data": b64(pictures.closeup),
            "face_x": box.x,
            "face_y": box.y,
            "face_width": box.width,
            "face_height": box.height,
        }
    body["video_flag"] = False
    attributes: dict[str, Any] = {
        "age": 0,
        "face_quality": rng.randint(70, 95),
        "has_mask": bool(request.mask),
        "hat": "none",
        "rotate_angle": rng.randint(-10, 10),
        "sex": "",
        "turn_angle": rng.randint(-15, 15),
    }
    if request.temperature is not None:
        attributes["temperatur"] = float(request.temperature)
    if request.card is not None:
        attributes["wg_card_id"] = request.card
    body["person"] = attributes
    if request.qr is not None:
        body["qr_code"] = {"qr_type": "QR-Code", "qr_data": request.qr}
    if state.clock.timezone is not None:
        body["timezone"] = state.clock.timezone

    record: dict[str, Any] = {
        "body_temp": float(request.temperature) if request.temperature is not None else 0.0,
        "match_failed_reson": reason,
        "match_type": 0 if person is None else (2 if request.card is not None else 1),
        "score": score,
        "sequence": state.next_record_sequence,
        "time": cap_time,
        "upload_state": 0,
        "_unix": int(state.clock.unix()),
        "_sequence_no": sequence_no,
    }
    if person is not None:
        record.update(
            id=person["id"],
            name=person["name"],
            role=person["role"],
            customer_id=person["customer_text"],
            person_name_ext="",
        )
        record["_reg_image"] = person["image"]
    if pictures is not None:
        record["_face_image"] = b64(pictures.closeup)
    state.next_record_sequence += 1
    state.records.append(record)
    return body, record


def without_images(body: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a push body with the image data left out (for logs and the control API)."""
    out = dict(body)
    for key in ("overall_pic", "closeup_pic"):
        if key in out:
            out[key] = {k: v for k, v in out[key].items() if k != "data"}
    if "match" in out:
        out["match"] = {k: v for k, v in out["match"].items() if k != "image"}
    return out
