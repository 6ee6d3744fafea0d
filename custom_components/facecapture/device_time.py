"""The terminal's clock has no zone: read its times in Home Assistant's zone, or the one it names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
import re

from homeassistant.util import dt as dt_util

_OFFSET = re.compile(r"^\s*(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)


def zone_of(name: str | None) -> tzinfo:
    """The zone a message names (``UTC+8``, ``+05:30``, ``Europe/Berlin``), else Home Assistant's."""
    if name:
        if match := _OFFSET.match(name):
            sign, hours, minutes = match.groups()
            delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
            return timezone(-delta if sign == "-" else delta)
        if name.strip().upper() in ("UTC", "GMT"):
            return UTC
        if zone := dt_util.get_time_zone(name.strip()):
            return zone
    return dt_util.get_default_time_zone()


def device_time_to_utc(value: datetime | None, zone_name: str | None = None) -> datetime | None:
    """Turn a naive terminal time into an aware UTC time."""
    if value is None:
        return None
    return dt_util.as_utc(value.replace(tzinfo=zone_of(zone_name)))


def clock_now(*, name_zone: bool) -> tuple[datetime, str | None]:
    """What to set the terminal's clock to: Home Assistant's local time, naive, and its zone.

    The zone name (``UTC+1``) is given only when asked for: older firmware refuses the field.
    """
    now = dt_util.now()
    return now.replace(tzinfo=None), zone_name(
        now.utcoffset() or timedelta(0)
    ) if name_zone else None


def zone_name(offset: timedelta) -> str:
    """Write a UTC offset the way terminals name zones: ``UTC+8``, ``UTC-3:30``, ``UTC+0``."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{minutes:02d}" if minutes else f"UTC{sign}{hours}"
