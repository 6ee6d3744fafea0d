"""`get network`: the terminal's network settings, above all its MAC address.

The vendor's tool sends `get network` to newer firmware (PROTOCOL-NOTES); the document has no
section for it, so the reply's shape is not known for certain. The reader looks for the MAC and
the IP address under the spellings such replies use, at the top level or one object down (a
firmware may nest them under `network`, `eth0` or `wired`), and keeps every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Any, Self

from ._parse import JsonObject, first_key, opt_bool, opt_str

_MAC_KEYS = ("mac", "mac_addr", "mac_address", "macaddr", "MAC", "Mac", "hwaddr")
_IP_KEYS = ("ip", "ip_addr", "ip_address", "ipaddr", "IP")
_MAC_PATTERN = re.compile(r"^[0-9a-fA-F]{2}([:-]?)(?:[0-9a-fA-F]{2}\1){4}[0-9a-fA-F]{2}$")
_NO_MAC = frozenset({"000000000000", "ffffffffffff"})


def normalize_mac(value: Any) -> str | None:
    """``aa:bb:cc:dd:ee:ff`` from the usual spellings; None for anything that is not a real MAC."""
    text = opt_str(value)
    if text is None or not _MAC_PATTERN.match(text.strip()):
        return None
    digits = re.sub(r"[:-]", "", text.strip()).lower()
    if digits in _NO_MAC:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _sections(data: JsonObject) -> list[JsonObject]:
    """The reply itself, then the objects inside it (one level down), in their order."""
    return [data, *(value for value in data.values() if isinstance(value, dict))]


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkInfo:
    """The terminal's network settings; ``raw`` keeps the whole reply."""

    mac: str | None
    ip: str | None
    dhcp: bool | None = None
    raw: JsonObject = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the first MAC and IP address found, at the top level or one object down."""
        mac = ip = None
        dhcp = None
        for section in _sections(data):
            mac = mac or normalize_mac(first_key(section, *_MAC_KEYS))
            ip = ip or opt_str(first_key(section, *_IP_KEYS))
            if dhcp is None:
                dhcp = opt_bool(first_key(section, "dhcp", "dhcp_enable"))
        return cls(mac=mac, ip=ip or None, dhcp=dhcp, raw=dict(data))
