"""Parameters (document 2.3): app params, stream (camera) params and access-time schedules."""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

from simulator.state import DeviceState, default_stream_params

from .fields import (
    MAX_NAME_BYTES,
    _byte_len,
    _int,
    _list,
    _obj,
    _str,
)
from .registry import ProtocolError, command

# ---------------------------------------------------------------------------------------------
# App and stream params (2.3.1-2.3.6)


_ENVELOPE_KEYS = frozenset({"version", "cmd", "command_id", "device_sn"})


_APP_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("face", "match_score"): (70, 100),
    ("face", "derep_timeout"): (3, 60),
    ("gate_control", "gpio_retention_time"): (500, 5000),
    ("led_control", "led_brightness"): (1, 100),
    ("led_control", "led_mode"): (1, 3),
    ("gate_control", "match_mode"): (1, 3),
    ("gate_control", "gpio_state"): (0, 1),
    ("qr_code_control", "repeat_interval"): (0, 255),
    ("upload_info", "server_port"): (0, 65535),
    ("extranet", "server_port"): (0, 65535),
}


_APP_CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("face", "pic_form"): frozenset({"overall", "closeup", "both", "none"}),
    ("upload_info", "method"): frozenset({"http", "tcp", "ftp", "webservice", "none"}),
    ("extranet", "mode"): frozenset({"http", "tcp"}),
    ("led_control", "led_sensitivity"): frozenset({"low", "mid", "high"}),
}


_APP_MAX_BYTES: dict[tuple[str, str], int] = {
    ("device_info", "device_no"): 31,
    ("device_info", "addr_no"): 31,
    ("device_info", "addr_name"): 95,
    ("upload_info", "service_url"): 101,
    ("upload_info", "pattern"): 69,
}


_STREAM_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("image", "max_exposure"): (300, 9900),
    ("image", "max_gain"): (0, 40),
    ("image", "contrast"): (0, 128),
    ("image", "saturation"): (1, 255),
    ("image", "brightness"): (1, 100),
    ("video", "bitrate"): (1024, 4096),
}


def _same_type(current: object, value: object) -> bool:
    if isinstance(current, bool):
        return isinstance(value, bool)
    if isinstance(current, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(current, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type(current))


def deep_merge(target: dict[str, Any], patch: dict[str, Any], path: str = "") -> None:
    """Merge ``patch`` into ``target``; known keys must keep their JSON type (else code 3)."""
    for raw_key, value in patch.items():
        key = "derep_timeout" if raw_key == "derep_timeout " else raw_key
        where = f"{path}.{key}" if path else key
        if key not in target:
            target[key] = copy.deepcopy(value)
            continue
        current = target[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ProtocolError(3, f"{where} must be an object")
            deep_merge(current, value, where)
        elif not _same_type(current, value):
            raise ProtocolError(3, f"{where} must be of type {type(current).__name__}")
        else:
            target[key] = copy.deepcopy(value)


def _check_tree(tree: dict[str, Any], ranges: dict[tuple[str, str], tuple[int, int]]) -> None:
    for (section, key), (lo, hi) in ranges.items():
        value = tree.get(section, {}).get(key)
        if isinstance(value, (int, float)) and not lo <= value <= hi:
            raise ProtocolError(3, f"{section}.{key} must be within {lo}..{hi}")


def _check_host(section: dict[str, Any], where: str) -> None:
    host = section.get("server_ip", "")
    if not host:
        return
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    try:
        ipaddress.IPv4Address(host)
    except ValueError as err:
        raise ProtocolError(
            3, f"{where}.server_ip must be an IPv4 address (use server_domain)"
        ) from err


def _check_app_params(tree: dict[str, Any]) -> None:
    _check_tree(tree, _APP_RANGES)
    for (section, key), choices in _APP_CHOICES.items():
        value = tree.get(section, {}).get(key)
        if value is not None and value not in choices:
            raise ProtocolError(3, f"{section}.{key} must be one of {sorted(choices)}")
    for (section, key), limit in _APP_MAX_BYTES.items():
        value = tree.get(section, {}).get(key)
        if isinstance(value, str) and _byte_len(value) > limit:
            raise ProtocolError(3, f"{section}.{key} is longer than {limit} bytes")
    _check_host(tree["upload_info"], "upload_info")
    _check_host(tree["extranet"], "extranet")
    auth = tree["auth"]
    if auth.get("enable") and not (auth.get("username") and auth.get("password")):
        raise ProtocolError(3, "auth needs a username and a password when enabled")


@command("request app params")
def request_app_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the whole app-params tree (2.3.1)."""
    return copy.deepcopy(state.app_params)


@command("update app params")
def update_app_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge the given subset into the app params after checking it (2.3.2)."""
    merged = copy.deepcopy(state.app_params)
    patch = {key: value for key, value in req.items() if key not in _ENVELOPE_KEYS}
    deep_merge(merged, patch)
    _check_app_params(merged)
    state.app_params = merged
    return {}


@command("reset app params")
def reset_app_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Restore factory app params, keeping the HTTP auth credentials (2.3.3)."""
    state.reset_app_params()
    return {}


@command("request stream params")
def request_stream_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the camera (stream) params (2.3.4)."""
    return copy.deepcopy(state.stream_params)


@command("update stream params")
def update_stream_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Merge and range-check camera params (2.3.5)."""
    merged = copy.deepcopy(state.stream_params)
    deep_merge(merged, {key: value for key, value in req.items() if key not in _ENVELOPE_KEYS})
    _check_tree(merged, _STREAM_RANGES)
    state.stream_params = merged
    return {}


@command("reset stream params")
def reset_stream_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Restore factory camera params (2.3.6)."""
    state.stream_params = default_stream_params()
    return {}


# ---------------------------------------------------------------------------------------------
# Schedules (2.3.7-2.3.9)


MAX_SCHEDULE_KINDS = 15


def _clock_point(section: dict[str, Any], key: str) -> int:
    point = _obj(section, key)
    return int(_int(point, "hour", lo=0, hi=23) * 60 + _int(point, "minute", lo=0, hi=59))


def _schedule_kind(entry: object) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ProtocolError(3, "kinds entries must be objects")
    _str(entry, "name", max_bytes=MAX_NAME_BYTES)
    _int(entry, "kind", lo=1, hi=MAX_SCHEDULE_KINDS)
    mode = _str(entry, "mode")
    if mode not in ("daily", "weekly"):
        raise ProtocolError(3, "mode must be daily or weekly")
    days = _list(entry, "days")
    if len(days) != (1 if mode == "daily" else 7):
        raise ProtocolError(3, f"a {mode} rule needs {1 if mode == 'daily' else 7} days")
    for day in days:
        if not isinstance(day, dict):
            raise ProtocolError(3, "days entries must be objects")
        for section in _list(day, "sections"):
            if not isinstance(section, dict):
                raise ProtocolError(3, "sections entries must be objects")
            if _clock_point(section, "start") >= _clock_point(section, "end"):
                raise ProtocolError(3, "a section must start before it ends")
    return copy.deepcopy(entry)


def _schedule_kinds(req: dict[str, Any], *, nonempty: bool = False) -> list[dict[str, Any]]:
    entries = _list(req, "kinds", max_items=MAX_SCHEDULE_KINDS, nonempty=nonempty)
    kinds = [_schedule_kind(entry) for entry in entries]
    numbers = [entry["kind"] for entry in kinds]
    if len(set(numbers)) != len(numbers):
        raise ProtocolError(3, "kinds contains the same kind number twice")
    return kinds


@command("request schedule params")
def request_schedule_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the access-time rules (2.3.7)."""
    # A terminal without rules leaves the list out.
    return {"kinds": copy.deepcopy(state.schedules)} if state.schedules else {}


@command("update schedule params")
def update_schedule_params(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Replace all access-time rules (2.3.8)."""
    state.schedules = _schedule_kinds(req)
    return {}


@command("add schedule kind")
def add_schedule_kind(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Append 1 to 15 rules, replacing ones with the same kind number (2.3.9)."""
    for entry in _schedule_kinds(req, nonempty=True):
        index = next(
            (i for i, old in enumerate(state.schedules) if old["kind"] == entry["kind"]), None
        )
        if index is None:
            state.schedules.append(entry)
        else:
            state.schedules[index] = entry
    return {}
