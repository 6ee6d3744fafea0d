"""Home Assistant's config directory for the harness, and the names every harness module shares.

``write_config_dir`` makes what a person would have after installing Home Assistant and the
integration: configuration.yaml on 127.0.0.1, onboarding done, the integration linked in.
"""

from __future__ import annotations

import json
from pathlib import Path
import shutil
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "facecapture"
BLUEPRINTS = ROOT / "blueprints" / "automation" / "facecapture"
DOMAIN = "facecapture"
EVENT_FACE = "facecapture_face"
LOCALHOST = "127.0.0.1"
ONBOARDING = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["user", "core_config", "analytics", "integration"]},
}
# Home Assistant always sets up ``frontend`` and falls back to recovery mode (no API, no config
# entries) when it cannot. Without the home-assistant-frontend package the integration is pointed
# at an empty "development" tree instead: its API and websocket commands work, no UI is served.
_FRONTEND_TREE = ("static", "frontend_latest", "frontend_es5")


def _stored_http_settings(port: int) -> dict[str, Any] | None:
    """The HTTP settings as Home Assistant keeps them, on versions that keep them in storage.

    Newer Home Assistant (2026.11 here) moves an ``http:`` block of configuration.yaml into its
    storage as a *pending* trial: the frontend then asks to confirm the new settings, a repair
    issue says the YAML is deprecated, and after five minutes Home Assistant reverts to port 8123
    on every interface. So where the store exists they are written there, confirmed (*stable*),
    as a user who confirmed them has them. Built with the running version's own schema; None on
    versions that read ``http:`` from configuration.yaml (2026.2).
    """
    try:
        from homeassistant.components.http import config as http_config  # noqa: PLC0415
        from homeassistant.util import dt as dt_util  # noqa: PLC0415
    except ImportError:  # not in the harness's venv, or a version without the store
        return None
    if not hasattr(http_config, "HTTP_STORAGE_SCHEMA"):
        return None
    stable = {
        **http_config.HTTP_STORAGE_SCHEMA({"server_host": [LOCALHOST], "server_port": port}),
        "created_at": dt_util.utcnow().isoformat(),
        "error": None,
        "error_message": None,
    }
    return {
        "version": http_config.STORAGE_VERSION,
        "minor_version": http_config.STORAGE_MINOR_VERSION,
        "key": http_config.STORAGE_KEY,
        "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
    }


def write_config_dir(
    config_dir: Path,
    port: int,
    *,
    frontend: bool = False,
    log_level: str = "info",
    name: str = "Face capture",
    copy_integration: bool = False,
    recorder: bool = False,
) -> None:
    """Write configuration.yaml, onboarding done, blueprints and the integration into ``config_dir``.

    ``frontend=True`` needs the home-assistant-frontend package (``scripts/setup --demo``).
    ``recorder=True`` keeps every bus event in ``home-assistant_v2.db`` (the soak counts them).
    The integration is symlinked from the repository unless ``copy_integration``.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    base_url = f"http://{LOCALHOST}:{port}"
    stored_http = _stored_http_settings(port)
    lines = [
        "homeassistant:",
        f"  name: {json.dumps(name)}",
        f"  internal_url: {base_url}",
        "  unit_system: metric",
        "  time_zone: UTC",
        "  country: GB",
        *(
            []
            if stored_http is not None
            else ["http:", f"  server_host: {LOCALHOST}", f"  server_port: {port}"]
        ),
        "api:",
        "config:",
        "webhook:",
        # As a new installation has them: what the UI saves is loaded again.
        "automation: !include automations.yaml",
        "script: !include scripts.yaml",
        "logger:",
        f"  default: {log_level}",
        "  logs:",
        f"    custom_components.{DOMAIN}: {'debug' if log_level == 'debug' else 'info'}",
    ]
    if frontend:
        # What a person opening the UI expects besides the entities: the logbook and history.
        lines += ["frontend:", "recorder:", "logbook:", "history:", "media_source:"]
    else:
        tree = config_dir / "no-frontend"
        for sub in _FRONTEND_TREE:
            (tree / "hass_frontend" / sub).mkdir(parents=True, exist_ok=True)
        lines += ["frontend:", f"  development_repo: {json.dumps(str(tree))}"]
        if recorder:
            lines += ["recorder:"]
    (config_dir / "configuration.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    for included, empty in (("automations.yaml", "[]\n"), ("scripts.yaml", "{}\n")):
        if not (config_dir / included).exists():
            (config_dir / included).write_text(empty, encoding="utf-8")
    # The project's blueprints, as importing them from GitHub would place them.
    blueprints = config_dir / "blueprints" / "automation" / DOMAIN
    blueprints.mkdir(parents=True, exist_ok=True)
    for blueprint in BLUEPRINTS.glob("*.yaml"):
        shutil.copyfile(blueprint, blueprints / blueprint.name)

    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    (storage / "onboarding").write_text(json.dumps(ONBOARDING, indent=2), encoding="utf-8")
    if stored_http is not None:
        (storage / "http").write_text(json.dumps(stored_http, indent=2), encoding="utf-8")

    custom = config_dir / "custom_components"
    custom.mkdir(exist_ok=True)
    target = custom / DOMAIN
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    if copy_integration:
        shutil.copytree(INTEGRATION, target, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        target.symlink_to(INTEGRATION, target_is_directory=True)
