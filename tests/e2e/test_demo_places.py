"""The demo's check never touches a running demo: its own directory, its own ports, its own words.

These run without starting anything (no ``e2e`` mark): they check where the demo would run.
"""

from __future__ import annotations

from pathlib import Path

import hass_harness
from hass_harness import DEMO_DIR, FaceCaptureStack, _banner, _demo_places, _parse_args
import pytest


@pytest.fixture(autouse=True)
def no_port_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller's DEMO_* variables do not leak into these checks."""
    for variable in ("DEMO_HA_PORT", "DEMO_SIM_PORT", "DEMO_CHECK"):
        monkeypatch.delenv(variable, raising=False)


def test_demo_runs_in_dot_demo_on_the_usual_ports() -> None:
    """A plain demo keeps its directory and ports (8123 for the browser, 8000 for the terminal)."""
    assert _demo_places(_parse_args([])) == (DEMO_DIR, 8123, 8000)


def test_check_gets_a_directory_and_ports_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check runs in a fresh temporary directory on free ports, never in .demo/ or on 8123."""
    ports = iter((40001, 40002))
    monkeypatch.setattr(hass_harness, "free_port", lambda: next(ports))
    config_dir, ha_port, sim_port = _demo_places(_parse_args(["--check"]))
    try:
        assert config_dir != DEMO_DIR
        assert DEMO_DIR not in config_dir.parents
        assert config_dir.name.startswith("facecapture-demo-check-")
        assert list(config_dir.iterdir()) == []
        assert (ha_port, sim_port) == (40001, 40002)
    finally:
        config_dir.rmdir()


def test_check_honours_ports_and_directory_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ports from the environment or the command line, and an explicit --dir, are kept."""
    monkeypatch.setenv("DEMO_HA_PORT", "18123")
    args = _parse_args(["--check", "--sim-port", "18000", "--dir", str(tmp_path)])
    assert _demo_places(args) == (tmp_path, 18123, 18000)


def test_check_banner_does_not_claim_a_running_demo(tmp_path: Path) -> None:
    """The check's banner says it started and stops again, not that a demo is running."""
    stack = FaceCaptureStack(tmp_path, ha_port=1, sim_port=2)
    stack.entry = {"title": "Face capture demo"}
    assert "demo is running" not in _banner(stack, check=True)
    assert "stop when the check ends" in _banner(stack, check=True)
    assert "demo is running" in _banner(stack)
