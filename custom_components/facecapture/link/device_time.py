"""The terminal's clock has no zone: read its times in Home Assistant's zone, or the one it names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
import functools
import re

from homeassistant.util import dt as dt_util

_MAX_ZONE_NAME = 64

_OFFSET = re.compile(r"^\s*(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)
# What an IANA zone name can look like; anything else is not looked up (the lookup is cached).
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}$")


def zone_of(name: str | None) -> tzinfo:
    """The zone a message names (``UTC+8``, ``+05:30``, ``Europe/Berlin``), else Home Assistant's."""
    if name and len(name) <= _MAX_ZONE_NAME and (zone := _named_zone(name)) is not None:
        return zone
    return dt_util.get_default_time_zone()


@functools.lru_cache(maxsize=64)
def _named_zone(name: str) -> tzinfo | None:
    """The zone a name stands for, if any; cached, since every push of a terminal names the same."""
    if match := _OFFSET.match(name):
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta < timedelta(hours=24):
            return timezone(-delta if sign == "-" else delta)
    elif (name := name.strip()).upper() in ("UTC", "GMT"):
        return UTC
    elif _ZONE_NAME.match(name):
        return _lookup_zone(name)
    return None


def _lookup_zone(name: str) -> tzinfo | None:
    try:
        return dt_util.get_time_zone(name)
    except ValueError:  # a key zoneinfo refuses outright
        return None


def device_time_to_utc(value: datetime | None, zone_name: str | None = None) -> datetime | None:
    """Turn a naive terminal time into an aware UTC time; None when it cannot be one."""
    if value is None:
        return None
    try:
        return dt_util.as_utc(value.replace(tzinfo=zone_of(zone_name)))
    except OverflowError:  # year 1 or 9999 shifted out of range
        return None


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
