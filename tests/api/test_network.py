"""`get network`: the MAC address read from every spelling a reply may use, and older firmware."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.facecapture.api import (
    Command,
    FaceCaptureClient,
    FaceCaptureUnsupportedError,
    NetworkInfo,
    normalize_mac,
)
from simulator import Simulator


async def test_get_network_from_the_simulator(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    """The terminal's MAC and address come back; every field of the reply is kept."""
    simulator.state.mac = "48-0B-B2-5A-19-6E"
    network = await client.get_network()
    assert network.mac == "48:0b:b2:5a:19:6e"
    assert network.ip == "127.0.0.1"
    assert network.dhcp is False
    assert network.raw["netmask"] == "255.255.255.0"
    assert simulator.requests[-1] == {"version": "0.2", "cmd": Command.GET_NETWORK}


@pytest.mark.parametrize("simulator_options", [{"unsupported": frozenset({"get network"})}])
async def test_get_network_on_older_firmware(client: FaceCaptureClient) -> None:
    """Firmware without the command answers code 2."""
    with pytest.raises(FaceCaptureUnsupportedError):
        await client.get_network()


@pytest.mark.parametrize(
    ("reply", "mac", "ip"),
    [
        ({"mac": "AA:BB:CC:DD:EE:01", "ip": "10.0.0.5"}, "aa:bb:cc:dd:ee:01", "10.0.0.5"),
        ({"mac_addr": "aabbccddee02"}, "aa:bb:cc:dd:ee:02", None),
        (
            {"network": {"mac_address": "aa-bb-cc-dd-ee-03", "ip_addr": "10.0.0.6"}},
            "aa:bb:cc:dd:ee:03",
            "10.0.0.6",
        ),
        (
            {"eth0": {"MAC": "AA:BB:CC:DD:EE:04"}, "wifi": {"mac": "AA:BB:CC:DD:EE:05"}},
            "aa:bb:cc:dd:ee:04",
            None,
        ),
        (
            {"mac": "00:00:00:00:00:00", "eth0": {"mac": "AA:BB:CC:DD:EE:06"}},
            "aa:bb:cc:dd:ee:06",
            None,
        ),
        ({"mac": "not a mac", "ip": ""}, None, None),
        ({"mac": 123456}, None, None),
        ({}, None, None),
    ],
)
def test_network_reply_spellings(reply: dict[str, Any], mac: str | None, ip: str | None) -> None:
    """Top level or one object down, any usual key and separator; empty or all-zero is no MAC."""
    info = NetworkInfo.from_dict(reply)
    assert (info.mac, info.ip) == (mac, ip)
    assert info.raw == reply


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AA:BB:CC:DD:EE:FF".replace("FF", "0F"), "aa:bb:cc:dd:ee:0f"),
        (" aabb.ccdd.eeff ", None),  # Cisco dots are not what a terminal writes
        ("aa:bb-cc:dd:ee:ff", None),  # mixed separators
        ("ff:ff:ff:ff:ff:ff", None),
        (None, None),
    ],
)
def test_normalize_mac(value: Any, expected: str | None) -> None:
    """Only a whole, consistent, real MAC address is taken."""
    assert normalize_mac(value) == expected
