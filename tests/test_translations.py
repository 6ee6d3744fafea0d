"""Every text a user can see exists, is current in translations/en.json, and every entity has an icon."""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "facecapture"
sys.path.insert(0, str(ROOT / "scripts"))

import translations  # noqa: E402


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((COMPONENT / name).read_text(encoding="utf-8"))
    return data


def _code() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in COMPONENT.rglob("*.py"))


def test_en_json_is_built_from_strings() -> None:
    """translations/en.json is exactly what scripts/translations.py makes of strings.json."""
    assert (COMPONENT / "translations" / "en.json").read_text(
        encoding="utf-8"
    ) == translations.render()


def test_every_exception_key_exists() -> None:
    """Each translation_key raised in the code has a message."""
    exceptions = _load("strings.json")["exceptions"]
    code = _code()
    used = set(re.findall(r'translation_domain=DOMAIN,\s*translation_key="([a-z0-9_]+)"', code))
    used |= set(re.findall(r'validation_error\(\s*"([a-z0-9_]+)"', code))
    assert {"device_not_found", "photo_missing", "field_too_long"} <= used
    assert {"cannot_connect", "invalid_auth", "device_error"} <= used
    missing = used - set(exceptions)
    assert not missing, missing
    assert all(f"code_{code}" in exceptions for code in (1, 2, 3, 4, 5, 21, 22, 35, 36, 40, 41))


def test_every_entity_has_a_name_and_an_icon() -> None:
    """Entity translation keys used in descriptions have a name and an icon."""
    strings = _load("strings.json")["entity"]
    icons = _load("icons.json")["entity"]
    for platform, entries in strings.items():
        for key, entry in entries.items():
            assert "name" in entry, f"{platform}.{key} has no name"
            assert key in icons.get(platform, {}), f"{platform}.{key} has no icon"


def test_every_action_is_described_and_has_an_icon() -> None:
    """Actions in services.yaml have translated names, descriptions, fields and an icon."""
    services_yaml = (
        (COMPONENT / "services.yaml").read_text(encoding="utf-8")
        if (COMPONENT / "services.yaml").exists()
        else ""
    )
    names = re.findall(r"^([a-z_]+):\s*$", services_yaml, flags=re.MULTILINE)
    strings = _load("strings.json").get("services", {})
    icons = _load("icons.json").get("services", {})
    for name in names:
        assert "name" in strings.get(name, {}), f"action {name} has no name"
        assert "description" in strings.get(name, {}), f"action {name} has no description"
        assert name in icons, f"action {name} has no icon"
