"""The README's dashboard is the one the demo installs (no process is started here)."""

from __future__ import annotations

from pathlib import Path
import re

import demo_dashboard
import yaml

from custom_components.facecapture.camera import WHO_ATTRIBUTES

README = Path(__file__).resolve().parents[2] / "README.md"

# The demo terminal's entity ids, as the demo's banner lists them.
DEMO_IDS = {
    demo_dashboard.LAST_FACE: "camera.entrance_last_face",
    demo_dashboard.LAST_MEASUREMENT: "sensor.entrance_last_measurement",
    demo_dashboard.GATE: "lock.entrance",
    demo_dashboard.SPEAKER: "media_player.entrance_speaker",
}


def _readme_dashboard() -> object:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### A dashboard for the door") :]
    (block,) = re.findall(r"```yaml\n(.*?)```", section[: section.index("\n### ", 10)], re.S)
    return yaml.safe_load(block)


def test_readme_shows_the_demos_dashboard() -> None:
    built = demo_dashboard.dashboard("Entrance", lambda domain, key: DEMO_IDS[domain, key])
    assert _readme_dashboard() == built


def test_every_entity_it_shows_is_named() -> None:
    cards = demo_dashboard.dashboard("Entrance", lambda domain, key: DEMO_IDS[domain, key])[
        "views"
    ][0]["cards"]
    rows = [row for card in cards for row in card.get("entities", ())]
    shown = {card.get("entity") for card in cards} | {
        row if isinstance(row, str) else row["entity"] for row in rows
    }
    assert shown - {None} == set(DEMO_IDS.values())
    # What the face's attribute rows read is what the camera carries.
    attributes = {row["attribute"] for row in rows if isinstance(row, dict)}
    assert attributes == set(WHO_ATTRIBUTES)
