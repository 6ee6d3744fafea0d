"""The demo's dashboard: the door on the first page after logging in.

The last face and who it was, the last capture's time and result, the gate and the speaker, as
cards of Home Assistant's own. ``dashboard`` builds it from a terminal's entity ids; the README
shows the same as YAML for the demo's terminal ("A dashboard for the door"), and a test keeps the
two alike. ``install`` adds it to a running demo as a dashboard of its own and makes that the
default one, through the websocket API the dashboard settings use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness_stack import FaceCaptureStack

# (domain, translation key) of each entity the dashboard shows. The last face says whose it is
# and when in attributes, which add no logbook row: nothing has to be enabled for the dashboard.
LAST_FACE = ("camera", "closeup")
LAST_MEASUREMENT = ("sensor", "last_temperature")
GATE = ("lock", "gate")
SPEAKER = ("media_player", "speaker")

URL_PATH = "dashboard-door"
"""Where it lives (a dashboard's address needs a hyphen)."""


def dashboard(title: str, entity_id: Callable[[str, str], str]) -> dict[str, Any]:
    """The dashboard for one terminal; ``entity_id(domain, key)`` names its entities."""
    face = entity_id(*LAST_FACE)

    def about_the_face(attribute: str, name: str, icon: str, **extra: str) -> dict[str, Any]:
        return {
            "type": "attribute",
            "entity": face,
            "attribute": attribute,
            "name": name,
            "icon": icon,
            **extra,
        }

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
                        "entity": face,
                        "name": "Last face",
                        "show_state": False,
                    },
                    {
                        "type": "entities",
                        "title": "Last capture",
                        "entities": [
                            about_the_face("name", "Who", "mdi:account"),
                            about_the_face("result", "Result", "mdi:face-recognition"),
                            about_the_face(
                                "captured_at", "When", "mdi:clock-outline", format="relative"
                            ),
                            entity_id(*LAST_MEASUREMENT),
                        ],
                    },
                    {
                        "type": "tile",
                        "entity": entity_id(*GATE),
                        "name": "Gate",
                        "features": [{"type": "lock-commands"}],
                    },
                    {"type": "media-control", "entity": entity_id(*SPEAKER)},
                ],
            }
        ],
    }


async def install(stack: FaceCaptureStack, title: str) -> dict[str, Any]:
    """Add the dashboard and make it the default one; returns it.

    The default dashboard is a setting of the installation (Settings > Dashboards), kept by the
    frontend as its system data: the overview Home Assistant 2026.11 builds by itself otherwise.
    """
    config = dashboard(title, stack.entity_id)
    async with stack.client.websocket() as ws:
        existing = await ws.command({"type": "lovelace/dashboards/list"})
        if not any(board["url_path"] == URL_PATH for board in existing):
            await ws.command(
                {
                    "type": "lovelace/dashboards/create",
                    "url_path": URL_PATH,
                    "title": "Door",
                    "icon": "mdi:door",
                    "show_in_sidebar": True,
                }
            )
        await ws.command({"type": "lovelace/config/save", "url_path": URL_PATH, "config": config})
        core = await ws.command({"type": "frontend/get_system_data", "key": "core"})
        await ws.command(
            {
                "type": "frontend/set_system_data",
                "key": "core",
                "value": {**(core.get("value") or {}), "default_panel": URL_PATH},
            }
        )
    return config
