"""Terminal times have no zone: Home Assistant's, or the one the message names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.facecapture.link.device_time import (
    clock_now,
    device_time_to_utc,
    zone_name,
    zone_of,
)


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("UTC+8", timedelta(hours=8)),
        ("GMT-05:30", timedelta(hours=-5, minutes=-30)),
        ("+0200", timedelta(hours=2)),
        ("UTC", timedelta(0)),
    ],
)
async def test_offsets(hass: HomeAssistant, name: str, offset: timedelta) -> None:
    """Offsets in the forms firmware writes them."""
    assert zone_of(name).utcoffset(datetime(2026, 1, 1)) == offset  # noqa: DTZ001


async def test_named_and_unknown_zones(hass: HomeAssistant) -> None:
    """An IANA name is used; nonsense and absence fall back to Home Assistant's zone."""
    assert str(zone_of("Europe/Berlin")) == "Europe/Berlin"
    assert zone_of("Mars/Olympus") is dt_util.get_default_time_zone()
    assert zone_of(None) is dt_util.get_default_time_zone()


async def test_conversion(hass: HomeAssistant) -> None:
    """A naive terminal time becomes aware UTC; None stays None."""
    assert device_time_to_utc(None) is None
    value = device_time_to_utc(datetime(2024, 3, 5, 8, 15, 2), "UTC+8")  # noqa: DTZ001
    assert value == datetime(2024, 3, 5, 0, 15, 2, tzinfo=UTC)


async def test_clock_now(hass: HomeAssistant) -> None:
    """The clock is set to Home Assistant's local time, naive; the zone only when asked for."""
    await hass.config.async_set_time_zone("Asia/Shanghai")
    now, zone = clock_now(name_zone=True)
    assert now.tzinfo is None
    assert abs((now - dt_util.utcnow().replace(tzinfo=None)) - timedelta(hours=8)) < timedelta(
        seconds=5
    )
    assert zone == "UTC+8"
    assert clock_now(name_zone=False)[1] is None


@pytest.mark.parametrize(
    ("offset", "name"),
    [
        (timedelta(hours=8), "UTC+8"),
        (timedelta(0), "UTC+0"),
        (timedelta(hours=-3), "UTC-3"),
        (timedelta(hours=-3, minutes=-30), "UTC-3:30"),
        (timedelta(hours=5, minutes=30), "UTC+5:30"),
        (timedelta(hours=5, minutes=45), "UTC+5:45"),
        (timedelta(hours=-9, minutes=-30), "UTC-9:30"),
    ],
)
def test_zone_name(offset: timedelta, name: str) -> None:
    """Offsets are written the way the terminal writes its zone, and read back to the same offset."""
    assert zone_name(offset) == name
    assert datetime(2026, 1, 1, tzinfo=zone_of(name)).utcoffset() == offset
