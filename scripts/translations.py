"""Keep strings.json and translations/en.json in step.

Home Assistant reads a custom integration's texts from translations/en.json, while strings.json
is the source with "[%key:...%]" references to Home Assistant's common strings. This script:

    python scripts/translations.py build          # write translations/en.json from strings.json
    python scripts/translations.py check          # exit 1 if en.json is stale
    python scripts/translations.py merge FILE...  # deep-merge JSON fragments into strings.json, then build
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "facecapture"
STRINGS = COMPONENT / "strings.json"
EN = COMPONENT / "translations" / "en.json"

# The common strings the integration refers to, as Home Assistant's English defines them.
COMMON = {
    "common::config_flow::data::host": "Host",
    "common::config_flow::data::port": "Port",
    "common::config_flow::data::username": "Username",
    "common::config_flow::data::password": "Password",
    "common::config_flow::error::cannot_connect": "Failed to connect",
    "common::config_flow::error::invalid_auth": "Invalid authentication",
    "common::config_flow::error::unknown": "Unexpected error",
    "common::config_flow::abort::already_configured_device": "Device is already configured",
    "common::config_flow::abort::reauth_successful": "Re-authentication was successful",
    "common::config_flow::abort::reconfigure_successful": "Re-configuration was successful",
}
_REFERENCE = re.compile(r"\[%key:([^%]+)%\]")


def _resolve(node: Any, strings: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {key: _resolve(value, strings) for key, value in node.items()}
    if isinstance(node, str):
        return _REFERENCE.sub(lambda match: _lookup(match.group(1), strings), node)
    return node


def _lookup(key: str, strings: dict[str, Any]) -> str:
    if key in COMMON:
        return COMMON[key]
    if key.startswith("component::facecapture::"):
        node: Any = strings
        for part in key.removeprefix("component::facecapture::").split("::"):
            node = node[part]
        return str(_resolve(node, strings))
    raise SystemExit(
        f"Unknown reference [%key:{key}%]: add it to COMMON in scripts/translations.py"
    )


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render() -> str:
    """The en.json that strings.json implies."""
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    return _dump(_resolve(strings, strings))


def main(argv: list[str]) -> int:
    """Run a sub-command."""
    command = argv[0] if argv else "build"
    if command == "merge":
        strings = json.loads(STRINGS.read_text(encoding="utf-8"))
        for fragment in argv[1:]:
            _merge(strings, json.loads(Path(fragment).read_text(encoding="utf-8")))
        STRINGS.write_text(_dump(strings), encoding="utf-8")
        command = "build"
    if command == "build":
        EN.parent.mkdir(exist_ok=True)
        EN.write_text(render(), encoding="utf-8")
        return 0
    if command == "check":
        if not EN.exists() or EN.read_text(encoding="utf-8") != render():
            print("translations/en.json is stale: run python scripts/translations.py build")
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
