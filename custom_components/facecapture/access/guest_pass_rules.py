"""One guest pass: what it holds, when it opens, its token's form and the answer about a QR code.

A pass is a random id (128 bits) with a name, a validity window, a number of uses (or none for
unlimited) and the terminals (device ids; none means every terminal). Its QR code holds a token:
the id and an HMAC-SHA256 tag over the id, the window and the terminals, keyed with a secret made
once per installation. The id alone (in events, the logbook and ``list_guest_passes``) cannot be
turned into a token; the tag can only be made with the secret, which lives in the private
``Store`` with the passes (``guest_passes.GuestPasses``) and is never logged, returned or put in
diagnostics. Nothing here knows the secret or stores anything.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from homeassistant.util import dt as dt_util

from ..api.push import FacePush

TOKEN_PREFIX: Final = "FCG1:"  # noqa: S105 - a marker, not a secret
"""Marks a facecapture guest pass token (version 1); any other QR code is not a pass."""
ID_BYTES: Final = 16
"""128 bits of randomness in each pass id."""
TAG_BYTES: Final = 32
"""The whole HMAC-SHA256 tag: the token still fits a version 4 QR code in alphanumeric mode."""

type CaptureKey = tuple[str, str, str]
"""(serial, sequence_no, cap_time) of a push, as the terminal sent them."""


class PassRejection(StrEnum):
    """Why a QR code does not open the gate."""

    UNKNOWN = "unknown"
    FORGED = "forged"
    REVOKED = "revoked"
    WRONG_TERMINAL = "wrong_terminal"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED_UP = "used_up"
    RATE_LIMITED = "rate_limited"


class PassStatus(StrEnum):
    """Where a pass stands now."""

    ACTIVE = "active"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


SCREEN_TEXTS: Final[Mapping[PassRejection, str]] = {
    PassRejection.UNKNOWN: "Unknown pass",
    PassRejection.FORGED: "Invalid pass",
    PassRejection.REVOKED: "Pass revoked",
    PassRejection.WRONG_TERMINAL: "Pass not valid here",
    PassRejection.NOT_YET_VALID: "Pass not valid yet",
    PassRejection.EXPIRED: "Pass expired",
    PassRejection.USED_UP: "Pass already used",
    PassRejection.RATE_LIMITED: "Too many attempts, wait a minute",
}
"""What the terminal's screen shows when a pass is turned away."""
GREETING: Final = "Welcome, {name}"


def _b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _b32decode(text: str) -> bytes | None:
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError:
        return None


def _utc_seconds(value: datetime) -> datetime:
    """An aware UTC time without fractions of a second: what the tag signs."""
    return dt_util.as_utc(value).replace(microsecond=0)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or (parsed := dt_util.parse_datetime(value)) is None:
        return None
    return _utc_seconds(parsed) if parsed.tzinfo else None


@dataclass(kw_only=True)
class GuestPass:
    """One pass and its uses."""

    id: str
    name: str
    valid_from: datetime
    valid_until: datetime
    uses: int | None
    """How many times it opens; None for unlimited."""
    terminals: tuple[str, ...]
    """Device ids of the terminals it opens; empty for every terminal."""
    created_at: datetime
    used: int = 0
    revoked: bool = False
    captures: OrderedDict[CaptureKey, int] = field(default_factory=OrderedDict)
    """The use each recent capture counted, oldest first."""

    def status(self, now: datetime) -> PassStatus:
        """Active, or why it opens nothing now."""
        if self.revoked:
            return PassStatus.REVOKED
        if now >= self.valid_until:
            return PassStatus.EXPIRED
        if self.uses is not None and self.used >= self.uses:
            return PassStatus.USED_UP
        if now < self.valid_from:
            return PassStatus.NOT_YET_VALID
        return PassStatus.ACTIVE

    def allows(self, device_id: str) -> bool:
        """Whether it opens this terminal."""
        return not self.terminals or device_id in self.terminals

    def signed_message(self) -> bytes:
        """What the tag covers: the id, the window (Unix seconds) and the sorted terminals."""
        return "\x1f".join(
            (
                self.id,
                str(int(self.valid_from.timestamp())),
                str(int(self.valid_until.timestamp())),
                ",".join(sorted(self.terminals)),
            )
        ).encode("utf-8")

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "id": self.id,
            "name": self.name,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "uses": self.uses,
            "terminals": list(self.terminals),
            "created_at": self.created_at.isoformat(),
            "used": self.used,
            "revoked": self.revoked,
            "captures": [[*key, use] for key, use in self.captures.items()],
        }

    @classmethod
    def from_dict(cls, data: Any) -> GuestPass | None:
        """Read a stored pass back; None for anything that is not one."""
        if not isinstance(data, dict):
            return None
        pass_id, name, uses, used = (
            data.get("id"),
            data.get("name"),
            data.get("uses"),
            data.get("used"),
        )
        valid_from, valid_until = (
            _parse_time(data.get("valid_from")),
            _parse_time(data.get("valid_until")),
        )
        terminals = data.get("terminals")
        if (
            not isinstance(pass_id, str)
            or not isinstance(name, str)
            or valid_from is None
            or valid_until is None
            or not (uses is None or (isinstance(uses, int) and uses > 0))
            or not isinstance(used, int)
            or not isinstance(terminals, list)
            or not all(isinstance(terminal, str) for terminal in terminals)
        ):
            return None
        captures: OrderedDict[CaptureKey, int] = OrderedDict()
        for row in data.get("captures") or ():
            if (
                isinstance(row, list)
                and len(row) == 4
                and all(isinstance(part, str) for part in row[:3])
                and isinstance(row[3], int)
            ):
                captures[(row[0], row[1], row[2])] = row[3]
        return cls(
            id=pass_id,
            name=name,
            valid_from=valid_from,
            valid_until=valid_until,
            uses=uses,
            terminals=tuple(terminals),
            created_at=_parse_time(data.get("created_at")) or valid_from,
            used=max(used, 0),
            revoked=data.get("revoked") is True,
            captures=captures,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PassCheck:
    """The answer about one QR code: a valid use, or why not."""

    rejection: PassRejection | None
    pass_id: str | None = None
    name: str | None = None
    use: int | None = None
    """Which use this capture counts (1 for the first): the one it would count while judged,
    the one it counted once the gate opened; None when it counts none."""
    uses: int | None = None
    """How many uses the pass has; None for unlimited."""

    @property
    def valid(self) -> bool:
        """Whether the gate opens for it."""
        return self.rejection is None

    @property
    def screen_text(self) -> str:
        """What the terminal's screen shows: a greeting by name, or the reason in a few words."""
        if self.rejection is None:
            return GREETING.format(name=self.name or "")
        return SCREEN_TEXTS[self.rejection]

    def event_data(self) -> dict[str, Any]:
        """What the capture's event says about the pass (its id, never its token)."""
        return {
            "guest_pass": self.pass_id,
            "guest_name": self.name,
            "use": self.use,
            "uses": self.uses,
            "guest_pass_rejection": str(self.rejection) if self.rejection else None,
        }


def is_pass_token(text: str | None) -> bool:
    """Whether a QR code's text is meant as a guest pass (valid or not)."""
    return text is not None and text.strip().upper().startswith(TOKEN_PREFIX)


def public_qr_data(push: FacePush) -> str | None:
    """A capture's QR code as events and entities may show it: a guest pass token never.

    The token may still open the gate; the event names the pass by its id instead.
    """
    text = push.qr_code.qr_data if push.qr_code else None
    return None if is_pass_token(text) else text


def parse_token(text: str) -> tuple[str, bytes] | None:
    """The pass id and tag a token carries, or None when it is not well formed."""
    body = text.strip().upper().removeprefix(TOKEN_PREFIX)
    raw = _b32decode(body)
    if raw is None or len(raw) != ID_BYTES + TAG_BYTES:
        return None
    return _b32encode(raw[:ID_BYTES]).lower(), raw[ID_BYTES:]


def pass_view(guest: GuestPass, now: datetime) -> dict[str, Any]:
    """A pass as an action answers it: never its token."""
    return {
        "id": guest.id,
        "name": guest.name,
        "valid_from": dt_util.as_local(guest.valid_from).isoformat(),
        "valid_until": dt_util.as_local(guest.valid_until).isoformat(),
        "uses": guest.uses,
        "used": guest.used,
        "terminals": list(guest.terminals),
        "status": str(guest.status(now)),
    }


def capture_key_of(serial: str, sequence_no: int | str, cap_time: str) -> CaptureKey:
    """The key of a capture as the webhook sees it."""
    return (serial, str(sequence_no), cap_time)
