"""The demo's dashboard: the door on the first page after logging in.

The last face and who it was, the last capture's time and result, the gate and the speaker, as
cards of Home Assistant's own. ``dashboard`` builds it from a terminal's entity ids; the README
shows the same as YAML for the demo's terminal ("A dashboard for the door"), and a test keeps the
two alike. ``install`` saves it as the default dashboard of a running demo, through the websocket
API the dashboard editor uses, after enabling the capture sensors it shows (they start disabled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness_stack import FaceCaptureStack

# (domain, translation key) of each entity the dashboard shows.
LAST_FACE = ("camera", "closeup")
LAST_PERSON = ("sensor", "last_person")
LAST_CAPTURE = ("sensor", "last_capture")
LAST_DECISION = ("sensor", "last_decision")
LAST_TEMPERATURE = ("sensor", "last_temperature")
GATE = ("lock", "gate")
SPEAKER = ("media_player", "speaker")

ENABLED_FOR_IT = (LAST_PERSON, LAST_CAPTURE, LAST_DECISION)
"""Capture sensors that start disabled (one logbook row per capture) and that the cards show."""


def dashboard(title: str, entity_id: Callable[[str, str], str]) -> dict[str, Any]:
    """The dashboard for one terminal; ``entity_id(domain, key)`` names its entities."""

    def entity(which: tuple[str, str]) -> str:
        return entity_id(*which)

    return {
        "title": title,
        "views": [
            {
                "title": "Door",
                "path": "door",
                "icon": "mdi:door",
                "cards": [
                    {
                        "type": "picture-entity",
                        "entity": entity(LAST_FACE),
                        "name": "Last face",
                        "show_state": False,
                    },
                    {
                        "type": "entities",
                        "title": "Last capture",
                        "entities": [
                            entity(LAST_PERSON),
                            entity(LAST_CAPTURE),
                            entity(LAST_DECISION),
                            entity(LAST_TEMPERATURE),
                        ],
                    },
                    {
                        "type": "tile",
                        "entity": entity(GATE),
                        "name": "Gate",
                        "features": [{"type": "lock-commands"}],
                    },
                    {"type": "media-control", "entity": entity(SPEAKER)},
                ],
            }
        ],
    }


async def install(stack: FaceCaptureStack, title: str) -> dict[str, Any]:
    """Enable what the cards show and save the dashboard as the default one; returns it."""
    await stack.enable_entities(*(stack.entity_id(*which) for which in ENABLED_FOR_IT))
    config = dashboard(title, stack.entity_id)
    async with stack.client.websocket() as ws:
        await ws.command({"type": "lovelace/config/save", "config": config})
    return config
