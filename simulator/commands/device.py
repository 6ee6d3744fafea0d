"""The terminal itself: camera, gate, clock, power, firmware, hardware and name/id encryption.

Document 2.4-2.9 (snapshot, gpio and Wiegand control, heartbeat, customer auth code, date time,
reboot), 2.11 (upgrade), 2.13 (hardware info), 2.15 (AES) and the vendor's ``get version``.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from simulator.clock import format_wall_time, parse_timezone
from simulator.images import b64, b64decode_strict, capture_images
from simulator.state import FIRMWARE, PROTOCOL_VERSION, DeviceState

from .fields import (
    MAX_ID_BYTES,
    U32,
    _bool,
    _int,
    _obj,
    _str,
    _wall,
)
from .registry import ACTION_KEY, REBOOT, RESTART_APPLICATION, ProtocolError, command

_CTRL_MODES = frozenset({"test", "force", "scene"})
EARLIEST_CLOCK = datetime(2000, 1, 1)  # noqa: DTZ001
I64 = 2**63 - 1


# ---------------------------------------------------------------------------------------------
# Snapshot, gate and Wiegand control, heartbeat (2.4-2.7)


@command("snapshot")
def snapshot(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return a camera picture under the document's key ``"image "`` (trailing space) (2.4)."""
    pictures = capture_images(640, 480, state.rng)
    return {
        "image ": {
            "format": "jpg",
            "image_data": b64(pictures.panorama),
            "time_stamp": state.clock.text(),
        }
    }


def _ctrl_mode(req: dict[str, Any]) -> str:
    mode: str = _str(req, "ctrl_mode")
    if mode not in _CTRL_MODES:
        raise ProtocolError(3, "ctrl_mode must be test, force or scene")
    return mode


@command("gpio control", "gpio control Extend")
def gpio_control(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Close a relay (``gpio control``; the Extend variant also plays ``voicePlay``) (2.5)."""
    port = _int(req, "port", lo=1, hi=state.gpio_ports)
    if _str(req, "ctrl_type") != "on":
        raise ProtocolError(3, 'ctrl_type must be "on" (the device opens the relay itself)')
    fields = {"port": port, "ctrl_type": "on", "ctrl_mode": _ctrl_mode(req)}
    fields["person_id"] = _str(req, "person_id", max_bytes=MAX_ID_BYTES, default="")
    if req["cmd"] == "gpio control Extend":
        fields["voicePlay"] = _str(req, "voicePlay", default="")
    state.add_log("gpio", source="command", **fields)
    return {}


@command("wiegand control")
def wiegand_control(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Send a card number on the Wiegand output (2.6)."""
    card = _int(req, "wiegand_card_no", lo=0, hi=U32)
    long_card = _int(req, "long_card_id", lo=0, hi=I64)
    if card == 0 and long_card == 0:
        raise ProtocolError(3, "wiegand_card_no or long_card_id must be non-zero")
    mode = _ctrl_mode(req)
    person_id = _str(req, "person_id", max_bytes=MAX_ID_BYTES, default="")
    state.add_log(
        "wiegand",
        source="command",
        wiegand_card_no=card,
        long_card_id=long_card,
        ctrl_mode=mode,
        person_id=person_id,
    )
    return {}


@command("heart beat")
def heart_beat(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Answer a heartbeat sent to the device (2.7)."""
    return {}


# ---------------------------------------------------------------------------------------------
# Customer auth code, time, power (2.8-2.9)


@command("request customer auth code")
def request_customer_auth_code(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the user-defined authentication code (2.8.1)."""
    return {"customer_auth_code": state.customer_auth_code}


@command("update customer auth code")
def update_customer_auth_code(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Write the code: the document says "not supported", so code 2 unless made writable (2.8.2)."""
    if not state.customer_auth_code_writable:
        raise ProtocolError(2, "writing the customer auth code is not supported")
    code: str = _str(req, "customer_auth_code", nonempty=True)
    if b64decode_strict(code) is None:
        raise ProtocolError(3, "customer_auth_code must be base64")
    state.customer_auth_code = code
    return {}


@command("request date time")
def request_date_time(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the terminal's wall time (2.9.1)."""
    return {"date_time": state.clock.text()}


@command("update date time")
def update_date_time(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the wall time; ``timezone``, ``12hour_time`` and ``auto_dst`` are accepted (2.9.2)."""
    wall = _wall(_str(req, "date_time"), "date_time")
    if wall < EARLIEST_CLOCK:
        raise ProtocolError(3, "date_time is before 2000")
    offset = None
    zone = _str(req, "timezone", default=None)
    if zone is not None:
        offset = parse_timezone(zone)
        if offset is None:
            raise ProtocolError(3, "timezone must look like UTC+8")
    hour12 = _bool(req, "12hour_time", default=state.clock.hour12)
    auto_dst = _bool(req, "auto_dst", default=state.clock.auto_dst)
    state.clock.set_wall_time(wall, offset)
    if zone is not None:
        state.clock.timezone = zone
    state.clock.hour12, state.clock.auto_dst = hour12, auto_dst
    return {}


@command("reboot")
def reboot(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge, then reboot (the server goes offline for a while) (2.9.3)."""
    return {ACTION_KEY: REBOOT}


@command("restart application")
def restart_application(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge, then restart the capture application (a short outage) (2.9.4)."""
    return {ACTION_KEY: RESTART_APPLICATION}


# ---------------------------------------------------------------------------------------------
# Upgrade and version (2.11 and the vendor's ``get version``), hardware (2.13)


@command("ask_upgrade")
def ask_upgrade(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Answer an upgrade question: nothing to upgrade (2.11)."""
    return {"upgrade_type": "none", "firmware": dict(FIRMWARE)}


@command("get version")
def get_version(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the protocol and firmware versions (vendor tool command)."""
    firmware = {key: value for key, value in FIRMWARE.items() if key != "motor"}
    return {"version": PROTOCOL_VERSION, "firmware": firmware}


@command("get hardware info")
def get_hardware_info(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the hardware description (2.13.1)."""
    return copy.deepcopy(state.hardware)


@command("set hardware info")
def set_hardware_info(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the LCD model and/or whether a 4G module is fitted (2.13.2)."""
    lcd = _obj(req, "Lcd", default=None)
    four_g = _obj(req, "FourG", default=None)
    if lcd is not None:
        model = _str(lcd, "model")
        if model not in state.hardware["Lcd"]["support"]:
            raise ProtocolError(3, "Lcd.model is not a supported LCD")
        manu = _str(lcd, "manu")
    if four_g is not None and _str(four_g, "moduler_4g") not in ("YES", "NO"):
        raise ProtocolError(3, 'FourG.moduler_4g must be "YES" or "NO"')
    if lcd is not None:
        state.hardware["Lcd"].update(model=model, manu=manu)
    if four_g is not None:
        state.hardware["FourG"]["moduler_4g"] = four_g["moduler_4g"]
    return {}


# ---------------------------------------------------------------------------------------------
# AES encryption of names and ids (2.15)


def _aes_key(req: dict[str, Any], key: str) -> bytes:
    data = b64decode_strict(_str(req, key))
    if data is None or len(data) > 16:
        raise ProtocolError(3, f"{key} must be base64 of at most 16 bytes")
    return data


@command("updata aes")
def updata_aes(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Switch name/id encryption and/or change the key; ``ori_key`` must match (2.15.1)."""
    original = _aes_key(req, "ori_key")
    if original.ljust(16, b"\0") != state.aes_key.ljust(16, b"\0"):
        raise ProtocolError(3, "ori_key does not match the current key")
    enable = _bool(req, "enable", default=state.aes_enabled)
    new_key = _aes_key(req, "new_key") if "new_key" in req else state.aes_key
    state.aes_enabled, state.aes_key = enable, new_key
    return {}


@command("request aes")
def request_aes(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return whether name/id encryption is on (2.15.2)."""
    return {"enable": state.aes_enabled}


# ---------------------------------------------------------------------------------------------
# Wall time of a capture


def now_text(state: DeviceState) -> str:
    """Return the current wall time with milliseconds, as in ``cap_time``."""
    return format_wall_time(state.clock.now(), millis=True)
