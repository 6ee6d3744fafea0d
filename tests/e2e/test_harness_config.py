"""The config directory the harness writes, as each version of Home Assistant wants it."""

from __future__ import annotations

import json
from pathlib import Path

from harness_config import LOCALHOST, write_config_dir


def test_http_settings_are_where_the_running_version_reads_them(tmp_path: Path) -> None:
    """In storage, confirmed, where Home Assistant keeps them (no trial, no revert); else YAML."""
    write_config_dir(tmp_path, 43123)
    yaml = (tmp_path / "configuration.yaml").read_text(encoding="utf-8")
    stored = tmp_path / ".storage" / "http"
    try:
        from homeassistant.components.http import config as http_config
    except ImportError:
        http_config = None
    if http_config is not None and hasattr(http_config, "HTTP_STORAGE_SCHEMA"):
        data = json.loads(stored.read_text(encoding="utf-8"))
        assert data["key"] == http_config.STORAGE_KEY
        assert data["data"]["pending"] is None
        assert data["data"]["yaml_migration_done"] is True
        assert data["data"]["stable"]["server_port"] == 43123
        assert data["data"]["stable"]["server_host"] == [LOCALHOST]
        assert "http:" not in yaml.splitlines()
    else:
        assert not stored.exists()
        assert "http:" in yaml.splitlines()
        assert "  server_port: 43123" in yaml.splitlines()


def test_the_ui_saves_where_home_assistant_reads(tmp_path: Path) -> None:
    """Automations and scripts saved in the UI are loaded; the project's blueprints are there."""
    write_config_dir(tmp_path, 43123)
    yaml = (tmp_path / "configuration.yaml").read_text(encoding="utf-8").splitlines()
    assert "automation: !include automations.yaml" in yaml
    assert "script: !include scripts.yaml" in yaml
    assert (tmp_path / "automations.yaml").read_text(encoding="utf-8") == "[]\n"
    blueprints = sorted(p.name for p in (tmp_path / "blueprints/automation/facecapture").iterdir())
    assert blueprints == ["greet_by_name.yaml", "open_gate_for_person.yaml", "stranger_notify.yaml"]
