"""The shipped blueprints: valid for Home Assistant's blueprint schema, and they work when used.

Each one is loaded with the automation blueprint schema, copied where Home Assistant looks for
blueprints, used by an automation against the terminal's own device and entities (as in the
demo), and driven by real pushes from the simulator.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import shutil
from typing import Any

from homeassistant.components import automation
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import Blueprint
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_TYPE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.template import render_complex
from homeassistant.helpers.typing import ConfigType, TemplateVarsType
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
    mock_platform,
)
import voluptuous as vol

from custom_components.facecapture.people.links import async_link
from simulator import Simulator

from .common import terminal_device_id

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "facecapture"
NAMES = ("open_gate_for_person.yaml", "stranger_notify.yaml", "greet_by_name.yaml")
GATE = "lock.front_gate"
ALICE = "person.alice_smith"


@pytest.mark.parametrize("name", NAMES)
def test_blueprint_schema(name: str) -> None:
    """Each file is a valid automation blueprint, pointing at itself in the repository."""
    path = BLUEPRINTS / name
    blueprint = Blueprint(
        load_yaml_dict(path), path=str(path), expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )  # fmt: skip
    assert blueprint.domain == "automation"
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/facecapture/{name}")
    assert "terminal" in blueprint.inputs


def test_readme_links_every_blueprint() -> None:
    """The README offers each blueprint with Home Assistant's import badge."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert (
            "my.home-assistant.io/redirect/blueprint_import/?blueprint_url="
            "https%3A%2F%2Fgithub.com%2Ffacecapture%2Ffacecapture%2Fblob%2Fmain%2Fblueprints"
            f"%2Fautomation%2Ffacecapture%2F{name}"
        ) in readme


@pytest.fixture
async def blueprints(hass: HomeAssistant, tmp_path: Path) -> None:
    """The blueprints where Home Assistant looks for them, in this test's own config folder."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "facecapture")


@pytest.fixture
async def alice(hass: HomeAssistant, live_push: MockConfigEntry) -> None:
    """Alice Smith in Home Assistant, linked to the terminal's Alice (1001)."""
    assert await async_setup_component(
        hass, "person", {"person": [{"id": "alice", "name": "Alice Smith"}]}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    async_link(hass, live_push, "1001", ALICE)
    await hass.async_block_till_done(wait_background_tasks=True)  # reloads with the link


async def _use(hass: HomeAssistant, name: str, inputs: dict[str, Any]) -> None:
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {automation.DOMAIN: {"use_blueprint": {"path": f"facecapture/{name}", "input": inputs}}},
    )
    await hass.async_block_till_done()
    states = hass.states.async_all(automation.DOMAIN)
    assert len(states) == 1
    assert states[0].state == "on", f"{name} did not load"


async def _capture(hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any) -> None:
    await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)


def _gate_pulses(simulator: Simulator) -> int:
    return sum(1 for body in simulator.requests if body.get("cmd") == "gpio control")


@pytest.mark.usefixtures("blueprints", "alice")
async def test_open_gate_for_person(hass: HomeAssistant, simulator: Simulator) -> None:
    """Alice opens the gate; Bob (not chosen), a late capture and a stranger do not."""
    await _use(
        hass,
        "open_gate_for_person.yaml",
        {"terminal": terminal_device_id(hass), "people": [ALICE], "gate": GATE},
    )
    await _capture(hass, simulator, "recognized", person_id="1002")
    await _capture(hass, simulator, "stranger")
    await _capture(hass, simulator, "recognized", person_id="1001", realtime=False)
    assert _gate_pulses(simulator) == 0
    await _capture(hass, simulator, "recognized", person_id="1001")
    assert _gate_pulses(simulator) == 1


@pytest.mark.usefixtures("blueprints", "alice")
async def test_greet_by_name(hass: HomeAssistant, simulator: Simulator) -> None:
    """A linked person is greeted by their Home Assistant name, anyone else by the terminal's."""
    await _use(
        hass,
        "greet_by_name.yaml",
        {"terminal": terminal_device_id(hass), "greeting": "Hello {name}", "speak": True},
    )
    await _capture(hass, simulator, "recognized", person_id="1001")
    await _capture(hass, simulator, "recognized", person_id="1002")
    shown = [
        item["text"]
        for body in simulator.requests
        if body.get("cmd") == "text display"
        for item in body.get("text_list", [body])
        if "text" in item
    ]
    spoken = [body for body in simulator.requests if body.get("cmd") == "tts play"]
    assert shown == ["Hello Alice Smith", "Hello Bob"]
    assert len(spoken) == 2


class _Phone:
    """The Home Assistant app's notify device action, recorded instead of sent."""

    ACTION_SCHEMA = cv.DEVICE_ACTION_BASE_SCHEMA.extend(
        {
            vol.Required(CONF_TYPE): "notify",
            vol.Required("message"): cv.template,
            vol.Optional("title"): cv.template,
            vol.Optional("data"): cv.template_complex,
        }
    )

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def async_call_action_from_config(
        self, hass: HomeAssistant, config: ConfigType, variables: TemplateVarsType, context: Any
    ) -> None:
        self.sent.append(
            {
                key: render_complex(config[key], variables)
                for key in ("title", "message", "data")
                if key in config
            }
        )


@pytest.fixture
def phone(hass: HomeAssistant) -> tuple[str, _Phone]:
    """A phone with the Home Assistant app: a mobile_app device whose notify action is recorded."""
    phone = _Phone()
    mock_integration(hass, MockModule("mobile_app"))
    mock_platform(hass, "mobile_app.device_action", phone)  # type: ignore[arg-type]
    entry = MockConfigEntry(domain="mobile_app", state=ConfigEntryState.LOADED)
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("mobile_app", "pixel")}, name="Pixel"
    )
    return device.id, phone


@pytest.mark.usefixtures("blueprints")
async def test_stranger_notify(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    phone: tuple[str, _Phone],
) -> None:
    """A stranger's close-up goes to the phone; Open opens the gate, once, for that stranger."""
    phone_id, recorder = phone
    await _use(
        hass,
        "stranger_notify.yaml",
        {"terminal": terminal_device_id(hass), "notify_device": phone_id, "gate": GATE},
    )
    events: list[Any] = []
    hass.bus.async_listen("facecapture_face", events.append)
    await _capture(hass, simulator, "recognized", person_id="1001")  # known: no notification
    # Not _capture: the automation now waits for the button, and block_till_done would wait too.
    await simulator.capture("stranger")
    await simulator.wait_delivered(timeout=5)
    async with asyncio.timeout(5):
        while not recorder.sent:
            await asyncio.sleep(0.02)
    assert len(recorder.sent) == 1
    sent = recorder.sent[0]
    assert sent["title"] == "Someone is at the door"
    assert sent["data"]["image"] == events[-1].data["picture"]
    assert sent["data"]["image"].startswith("/api/facecapture/capture/")
    [button] = sent["data"]["actions"]
    assert button["title"] == "Open"
    assert _gate_pulses(simulator) == 0

    # The run waits for the button: block_till_done would wait for its timeout, so poll.
    hass.bus.async_fire("mobile_app_notification_action", {"action": "SOMETHING_ELSE"})
    await asyncio.sleep(0.2)
    assert _gate_pulses(simulator) == 0
    hass.bus.async_fire("mobile_app_notification_action", {"action": button["action"]})
    async with asyncio.timeout(5):
        while _gate_pulses(simulator) == 0:
            await asyncio.sleep(0.02)
    await hass.async_block_till_done()  # the run has ended
    hass.bus.async_fire("mobile_app_notification_action", {"action": button["action"]})
    await hass.async_block_till_done()
    assert _gate_pulses(simulator) == 1
