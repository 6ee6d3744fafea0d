"""A repeated warning: once per key per interval, the rest left to debug level."""

from __future__ import annotations

from custom_components.facecapture.log_throttle import WarningThrottle


def test_one_warning_per_key_per_interval() -> None:
    throttle = WarningThrottle(60.0)
    assert throttle.due("too_large", now=100.0)
    assert not throttle.due("too_large", now=159.9)
    # Another kind has its own clock.
    assert throttle.due("not_json", now=120.0)
    # The interval counts from the last warning, not from the last call.
    assert throttle.due("too_large", now=160.0)
    assert not throttle.due("too_large", now=200.0)
    assert throttle.due("not_json", now=180.0)


def test_without_a_key_or_a_time() -> None:
    """One key for the whole throttle, on the monotonic clock."""
    throttle = WarningThrottle(3600.0)
    assert throttle.due()
    assert not throttle.due()
