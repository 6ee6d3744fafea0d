"""The terminal's wall clock: host time plus a settable offset and an optional drift.

Protocol times carry no zone (``YYYY/MM/DD HH:MM:SS``): they are the terminal's local wall time.
The clock keeps a true-time error (``skew``, seconds, which grows by ``drift`` seconds per second)
and a UTC offset for the terminal's zone, so it can turn wall times into Unix seconds (``request
records`` filters by Unix seconds) and back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import re
import time

WALL_FORMAT = "%Y/%m/%d %H:%M:%S"
_WALL_RE = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")
_TZ_RE = re.compile(r"^(?:UTC|GMT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$")


def parse_wall_time(text: object) -> datetime | None:
    """Parse ``YYYY/MM/DD HH:MM:SS`` into a naive wall-clock datetime; None if malformed."""
    if not isinstance(text, str) or not _WALL_RE.match(text):
        return None
    try:
        # Protocol wall times have no zone by definition; the clock gives them one.
        return datetime.strptime(text, WALL_FORMAT)  # noqa: DTZ007
    except ValueError:
        return None


def format_wall_time(moment: datetime, *, millis: bool = False) -> str:
    """Format a wall-clock datetime the way the terminal does (optionally with ``.mmm``)."""
    text = moment.strftime(WALL_FORMAT)
    if millis:
        text += f".{moment.microsecond // 1000:03d}"
    return text


def parse_timezone(text: object) -> timedelta | None:
    """Parse ``UTC+8``, ``UTC-05:30``, ``GMT+1`` or ``UTC`` into an offset; None if malformed."""
    if not isinstance(text, str):
        return None
    match = _TZ_RE.match(text.strip())
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if sign is None:
        return timedelta(0)
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if offset > timedelta(hours=14) or (minutes is not None and int(minutes) >= 60):
        return None
    return -offset if sign == "-" else offset


def host_utc_offset() -> timedelta:
    """Return the host's current UTC offset (the terminal's default zone)."""
    return datetime.now(UTC).astimezone().utcoffset() or timedelta(0)


class Clock:
    """Terminal clock = host time + offset (+ drift); settable like ``update date time``."""

    def __init__(
        self, offset: float = 0.0, drift: float = 0.0, utc_offset: timedelta | None = None
    ) -> None:
        """Start with ``offset`` seconds of error, growing by ``drift`` seconds per second."""
        self._base_skew = float(offset)
        self.drift = float(drift)
        self._t0 = time.monotonic()
        self.utc_offset = host_utc_offset() if utc_offset is None else utc_offset
        self.timezone: str | None = None
        self.hour12 = False
        self.auto_dst = False

    @property
    def skew(self) -> float:
        """Seconds the terminal's clock is ahead of true time right now."""
        return self._base_skew + self.drift * (time.monotonic() - self._t0)

    def unix(self) -> float:
        """Return the terminal's idea of the current Unix time."""
        return time.time() + self.skew

    def now(self) -> datetime:
        """Return the terminal's current local wall time (naive)."""
        return self.from_unix(self.unix())

    def from_unix(self, seconds: float) -> datetime:
        """Turn Unix seconds into the terminal's local wall time (naive)."""
        return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None) + self.utc_offset

    def to_unix(self, wall: datetime) -> float:
        """Turn a terminal wall time (naive) into Unix seconds."""
        return (wall - self.utc_offset).replace(tzinfo=UTC).timestamp()

    def set_wall_time(self, wall: datetime, utc_offset: timedelta | None = None) -> None:
        """Set the clock so that it reads ``wall`` now (optionally changing its zone)."""
        if utc_offset is not None:
            self.utc_offset = utc_offset
        self._base_skew = self.to_unix(wall) - time.time()
        self._t0 = time.monotonic()

    def text(self) -> str:
        """Return the current time as ``YYYY/MM/DD HH:MM:SS``."""
        return format_wall_time(self.now())
