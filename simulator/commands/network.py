"""Network (document 2.16-2.17 and the vendor's ``get network``): addresses, SIP calls, 4G."""

from __future__ import annotations

from calendar import monthrange
import random
import re
from typing import Any

from simulator.state import DeviceState

from .fields import (
    _int,
    _str,
)
from .registry import ACTION_KEY, SIP_CALL_ENDED, SIP_CALL_STARTED, ProtocolError, command

_SIP_URL_RE = re.compile(r"^sip:([^@\s:]+)@([^@\s:]+):(\d{1,5})$")
_DAY_RE = re.compile(r"^(\d{1,2})(?:(-)(\d{1,2})?)?$")


@command("get network")
def get_network(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the network settings with the MAC address (vendor tool command, not documented)."""
    return {
        "dhcp": False,
        "ip": state.ip,
        "netmask": "255.255.255.0",
        "gateway": "",
        "dns": "",
        "mac": state.mac,
    }


@command("sip register")
def sip_register(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Set the SIP account (2.16.1)."""
    domain = _str(req, "domain", nonempty=True)
    port = _int(req, "port", lo=1, hi=65535)
    username = _str(req, "username", nonempty=True)
    _str(req, "password", default="")
    state.sip.update(registered=True, domain=domain, port=port, username=username)
    state.add_log("sip_register", domain=domain, port=port)
    return {}


@command("sip call")
def sip_call(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Call a SIP URL ``sip:user@host:port`` (2.16.2)."""
    url = _str(req, "url")
    match = _SIP_URL_RE.match(url)
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        raise ProtocolError(3, "url must look like sip:user@host:port")
    if not state.sip["registered"]:
        raise ProtocolError(22, "no SIP account registered")
    if state.sip["in_call"]:
        raise ProtocolError(5, "a call is already in progress")
    state.sip["in_call"] = True
    state.add_log("sip_call", url=url)
    return {ACTION_KEY: SIP_CALL_STARTED}


@command("sip hangup")
def sip_hangup(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Hang up the current SIP call (2.16.3)."""
    if not state.sip["in_call"]:
        raise ProtocolError(22, "no call in progress")
    state.sip["in_call"] = False
    state.add_log("sip_hangup")
    return {ACTION_KEY: SIP_CALL_ENDED}


@command("request 4g infor")
def request_4g_infor(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the 4G module state; without a module it is code 0 with module_ready false (2.17.1)."""
    if not state.has_4g:
        return {
            "module_ready": False,
            "sim_ready": False,
            "ICCID": "",
            "IMSI": "",
            "operator": "",
            "signal_strength": 0,
            "gps": {"e": "", "n": "", "strength": 0},
        }
    return {
        "module_ready": True,
        "sim_ready": True,
        "ICCID": "89860012345678901234",
        "IMSI": "460001234567890",
        "operator": "china mobile",
        "signal_strength": 23,
        "gps": {"e": "104.06", "n": "30.67", "strength": 7},
    }


@command("traffic statistics")
def traffic_statistics(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return daily 4G byte counts of a month (``day``: "1-9", "1-" or "1") (2.17.2)."""
    month = _int(req, "month", lo=1, hi=12)
    today = state.clock.now()
    year = today.year if month <= today.month else today.year - 1
    last = monthrange(year, month)[1]
    if (year, month) == (today.year, today.month):
        last = today.day
    day = _str(req, "day", default="")
    if day:
        match = _DAY_RE.match(day)
        if match is None:
            raise ProtocolError(3, 'day must look like "1-9", "1-" or "1"')
        first = int(match.group(1))
        end = int(match.group(3)) if match.group(3) else (last if match.group(2) else first)
        if not 1 <= first <= end <= monthrange(year, month)[1]:
            raise ProtocolError(3, "day range is not within the month")
    else:
        first, end = 1, last
    statistics = []
    for number in range(first, min(end, last) + 1):
        rng = random.Random(f"{state.seed}-{year}-{month}-{number}")
        used = state.has_4g
        statistics.append(
            {
                "date": f"{month}-{number}",
                "bytes_rx": rng.randint(100_000, 50_000_000) if used else 0,
                "bytes_tx": rng.randint(50_000, 20_000_000) if used else 0,
            }
        )
    return {"statistics": statistics}
