"""Reports of deprecated calls and tracebacks fail the end-to-end tests: the detectors work.

Every end-to-end stack is checked for such reports when it stops (``conftest.stack``). These tests
show the check finds a real report and nothing else, so that its silence means something.
"""

from __future__ import annotations

from pathlib import Path

from harness_processes import ManagedProcess
from harness_stack import DEPRECATION_REPORT, FaceCaptureStack

# A line Home Assistant 2026.10 logged for this integration (guest_pass_sensor.py, before it read
# its device from the entity registry); 2026.11 words its reports the same way.
REAL_REPORT = (
    "2026-12-07 23:55:18.112 WARNING (MainThread) [homeassistant.helpers.frame] Detected that "
    "custom integration 'facecapture' calls `device_registry.async_get_device`, which is "
    "deprecated because device identifiers and connections are no longer unique across config "
    "entries; use `async_get_device_by_identifier`, `async_get_device_by_connection` or "
    "`async_get_devices` instead at custom_components/facecapture/access/guest_pass_sensor.py, line 37: "
    "device = dr.async_get(self.hass).async_get_device(. This will stop working in Home "
    "Assistant 2027.8.0, please create a bug report at https://github.com/facecapture/facecapture/issues"
)
OTHERS = (
    (
        "2026-12-07 23:55:18.100 WARNING (MainThread) [homeassistant.helpers.frame] Detected that "
        "custom integration 'hacs' calls `hass.helpers`, which is deprecated"
    ),
    (
        "2026-12-07 23:55:18.101 WARNING (MainThread) [homeassistant.loader] We found a custom "
        "integration facecapture which has not been tested by Home Assistant"
    ),
)


def _stack_with_log(tmp_path: Path, *lines: str) -> FaceCaptureStack:
    stack = FaceCaptureStack(tmp_path / "config")
    log = tmp_path / "hass.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stack.hass_process = ManagedProcess("hass", ["true"], log_path=log)
    return stack


def test_a_report_for_this_integration_is_found(tmp_path: Path) -> None:
    assert DEPRECATION_REPORT in REAL_REPORT
    stack = _stack_with_log(tmp_path, *OTHERS, REAL_REPORT, *OTHERS)
    assert stack.deprecation_reports() == [REAL_REPORT]


def test_reports_for_other_integrations_and_other_warnings_are_not(tmp_path: Path) -> None:
    assert _stack_with_log(tmp_path, *OTHERS).deprecation_reports() == []


def test_no_log_no_reports(tmp_path: Path) -> None:
    assert FaceCaptureStack(tmp_path / "config").deprecation_reports() == []


def test_tracebacks_are_counted(tmp_path: Path) -> None:
    traceback = "Traceback (most recent call last):\n  File 'x.py', line 1\nValueError: boom"
    assert _stack_with_log(tmp_path, *OTHERS).tracebacks() == 0
    assert _stack_with_log(tmp_path, traceback, REAL_REPORT, traceback).tracebacks() == 2
