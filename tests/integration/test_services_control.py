"""Actions that drive the terminal: gate, Wiegand, voice, screen, clock and raw commands."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, selector
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.facecapture.access.guest_pass_services import GUEST_PASS_ACTIONS
from custom_components.facecapture.const import DOMAIN
from custom_components.facecapture.link.device_time import zone_name
from custom_components.facecapture.services import ACTIONS
from simulator import Simulator

from .common import SERIAL, call_action, make_jpeg, terminal_device_id

COMPONENT = Path(__file__).parents[2] / "custom_components" / DOMAIN


def test_actions_are_described() -> None:
    """services.yaml lists every action with the fields its schema takes, valid selectors and defaults.

    (Home Assistant's own loader cannot run here: it imports every base component.)
    """
    described = load_yaml_dict(str(COMPONENT / "services.yaml"))
    assert set(described) == {action.name for action in ACTIONS} | set(GUEST_PASS_ACTIONS)
    for action in ACTIONS:
        fields = described[action.name]["fields"]
        assert set(fields) == {"device_id", *(str(key) for key in action.fields)}, action.name
        for field in fields.values():
            selector.validate_selector(field["selector"])
        for key, validator in action.fields.items():
            if "default" in fields[str(key)]:
                vol.Schema({vol.Optional(str(key)): validator})(
                    {str(key): fields[str(key)]["default"]}
                )
    assert described["open_gate"]["fields"]["device_id"]["selector"] == {
        "device": {"integration": DOMAIN}
    }


# ---------------------------------------------------------------------------------------------
# Gate and Wiegand


async def test_open_gate(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The gate action pulses the chosen relay with the mode and the person id for the log."""
    await call_action(hass, "open_gate", {"port": 2, "mode": "test", "person_id": "1001"})
    assert simulator.requests[-1] == {
        "version": "0.2",
        "cmd": "gpio control",
        "port": 2,
        "ctrl_type": "on",
        "ctrl_mode": "test",
        "person_id": "1001",
    }
    assert simulator.log[-1] == {
        "kind": "gpio",
        "source": "command",
        "port": 2,
        "ctrl_type": "on",
        "ctrl_mode": "test",
        "person_id": "1001",
    }


async def test_open_gate_defaults(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Without options: relay 1, forced, no person id sent."""
    await call_action(hass, "open_gate", {})
    body = simulator.requests[-1]
    assert (body["cmd"], body["port"], body["ctrl_mode"]) == ("gpio control", 1, "force")
    assert "person_id" not in body


async def test_open_gate_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A relay the terminal lacks is its code 3; a busy terminal is an error, not a user mistake."""
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "open_gate", {"port": 3})
    assert err.value.translation_key == "code_3"
    assert err.value.translation_placeholders["command"] == "gpio control"

    simulator.fail_next("gpio control", 5)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "open_gate", {})
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "code_5"


async def test_open_gate_person_id_too_long(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A person id of 20 bytes is refused before anything is sent."""
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "open_gate", {"person_id": "ü" * 10})
    assert err.value.translation_key == "field_too_long"
    assert err.value.translation_placeholders == {"field": "person_id", "size": "20", "limit": "19"}
    assert len(simulator.requests) == sent


async def test_wiegand_output(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A short card goes in wiegand_card_no, a long one in long_card_id; the other is 0."""
    await call_action(hass, "wiegand_output", {"card_number": 12345678})
    assert simulator.requests[-1] == {
        "version": "0.2",
        "cmd": "wiegand control",
        "wiegand_card_no": 12345678,
        "long_card_id": 0,
        "ctrl_mode": "force",
    }
    await call_action(
        hass,
        "wiegand_output",
        {"card_number": 2**40 + 5, "long_card": True, "mode": "scene", "person_id": "1002"},
    )
    assert simulator.log[-1] == {
        "kind": "wiegand",
        "source": "command",
        "wiegand_card_no": 0,
        "long_card_id": 2**40 + 5,
        "ctrl_mode": "scene",
        "person_id": "1002",
    }


async def test_wiegand_output_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A short card beyond 32 bits is refused here; the terminal's own refusal is translated."""
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "wiegand_output", {"card_number": 2**32})
    assert err.value.translation_key == "card_too_large"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "wiegand_output", {"card_number": 1, "person_id": "x" * 20})
    assert err.value.translation_key == "field_too_long"
    assert len(simulator.requests) == sent

    simulator.fail_next("wiegand control", 3, "wiegand output disabled")
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "wiegand_output", {"card_number": 7})
    assert err.value.translation_key == "code_3"
    assert err.value.translation_placeholders["desc"] == "wiegand output disabled"


# ---------------------------------------------------------------------------------------------
# Voice and screen


async def test_speak(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """21 Chinese characters are 63 bytes: spoken as given."""
    text = "认证成功" * 5 + "好"
    await call_action(hass, "speak", {"text": text})
    assert simulator.requests[-1] == {"version": "0.2", "cmd": "tts play", "text": text}
    assert simulator.log[-1] == {"kind": "tts", "source": "command", "text": text}


async def test_speak_limits_and_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """22 Chinese characters (66 bytes) never reach the terminal; an old firmware says code 2."""
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "speak", {"text": "认证成功" * 5 + "好好"})
    assert err.value.translation_key == "field_too_long"
    assert err.value.translation_placeholders == {"field": "text", "size": "66", "limit": "64"}
    assert len(simulator.requests) == sent

    simulator.fail_next("tts play", 2)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "speak", {"text": "你好"})
    assert err.value.translation_key == "code_2"


async def test_display_text(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Position, colour, size, duration and encoding reach the terminal in its own terms."""
    await call_action(
        hass,
        "display_text",
        {
            "text": "Welcome",
            "x": 20,
            "y": 610,
            "color": [255, 0, 0],
            "font_size": 80,
            "duration": {"seconds": 2, "milliseconds": 500},
            "encoding": "gb2312",
        },
    )
    assert simulator.requests[-1] == {
        "version": "0.2",
        "cmd": "text display",
        "coding_type": "gb2312",
        "text_list": [
            {
                "position": {"x": 20, "y": 610},
                "alive_time": 2500,
                "font_size": 80,
                "font_spacing": 1,
                "font_color": "0xffff0000",
                "text": "Welcome",
            }
        ],
    }
    assert simulator.log[-1]["kind"] == "text"
    assert simulator.log[-1]["text"] == "Welcome"


async def test_display_text_defaults_and_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """White UTF-8 text for three seconds by default; a refusal is translated."""
    await call_action(hass, "display_text", {"text": "Hello"})
    body = simulator.requests[-1]
    assert body["coding_type"] == "utf8"
    assert body["text_list"][0]["font_color"] == "0xffffffff"
    assert body["text_list"][0]["alive_time"] == 3000
    simulator.fail_next("text display", 3)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "display_text", {"text": "Hello"})
    assert err.value.translation_key == "code_3"


async def test_display_image_from_file(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Path
) -> None:
    """A small JPEG from an allowed file is shown as it is."""
    picture = make_jpeg(color=(200, 120, 40))
    (tmp_path / "welcome.jpg").write_bytes(picture)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await call_action(
        hass,
        "display_image",
        {"photo_file": str(tmp_path / "welcome.jpg"), "x": 10, "y": 20, "duration": {"seconds": 0}},
    )
    body = simulator.requests[-1]
    assert body["cmd"] == "image display"
    assert (body["position"], body["alive_time"], body["format"]) == (
        {"x": 10, "y": 20},
        0,
        "jpg",
    )
    assert simulator.log[-1] == {
        "kind": "image",
        "position": {"x": 10, "y": 20},
        "alive_time": 0,
        "format": "jpg",
        "size": len(picture),
    }


async def test_display_image_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Path
) -> None:
    """No picture, two pictures, a forbidden file, and the terminal's own refusal."""
    (tmp_path / "welcome.jpg").write_bytes(make_jpeg(color=(200, 120, 40)))
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "display_image", {})
    assert err.value.translation_key == "photo_missing"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "display_image",
            {"photo_file": str(tmp_path / "welcome.jpg"), "last_capture": True},
        )
    assert err.value.translation_key == "photo_several_sources"
    assert err.value.translation_placeholders == {"fields": "photo_file, last_capture"}
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "display_image", {"photo_file": str(tmp_path / "welcome.jpg")})
    assert err.value.translation_key == "photo_file_not_allowed"
    assert len(simulator.requests) == sent

    hass.config.allowlist_external_dirs = {str(tmp_path)}
    simulator.fail_next("image display", 35)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "display_image", {"photo_file": str(tmp_path / "welcome.jpg")})
    assert err.value.translation_key == "code_35"


# ---------------------------------------------------------------------------------------------
# Clock and raw commands


async def test_sync_time(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The terminal gets Home Assistant's local time and zone; its clock then agrees with ours."""
    simulator.state.clock.offset = 3600.0
    before = dt_util.now().replace(tzinfo=None, microsecond=0)
    await call_action(hass, "sync_time", {})
    body = next(r for r in reversed(simulator.requests) if r["cmd"] == "update date time")
    sent = dt_util.parse_datetime(body["date_time"].replace("/", "-"))
    assert sent is not None
    assert abs((sent - before).total_seconds()) < 5
    zone = zone_name(dt_util.now().utcoffset() or timedelta(0))
    assert body["timezone"] == zone
    assert simulator.state.clock.timezone == zone
    await hass.async_block_till_done()
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.async_refresh()
    assert coordinator.data.clock_offset is not None
    assert abs(coordinator.data.clock_offset) < 5


async def test_sync_time_without_zone(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """For firmware that refuses the zone, only the time is sent; a refusal is translated."""
    await call_action(hass, "sync_time", {"time_zone": False})
    body = next(r for r in reversed(simulator.requests) if r["cmd"] == "update date time")
    assert "timezone" not in body
    simulator.fail_next("update date time", 3)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "sync_time", {})
    assert err.value.translation_key == "code_3"


async def test_send_command(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Any command goes out with its documented version unless given; the reply comes back."""
    reply = await call_action(
        hass, "send_command", {"command": {"cmd": "request date time"}}, response=True
    )
    assert simulator.requests[-1] == {"version": "0.2", "cmd": "request date time"}
    assert reply["code"] == 0
    assert reply["cmd"] == "request date time"
    assert reply["date_time"].startswith(dt_util.now().strftime("%Y/%m/%d"))
    assert reply["device_sn"] == SERIAL

    await call_action(
        hass,
        "send_command",
        {"command": {"cmd": "camera volume", "method": "SET", "volume": 35, "version": "0.9"}},
    )
    assert simulator.requests[-1] == {
        "version": "0.9",
        "cmd": "camera volume",
        "method": "SET",
        "volume": 35,
    }
    assert simulator.state.volume == 35


async def test_send_command_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """No cmd is refused here; the terminal's codes (here its real image check) are translated."""
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "send_command", {"command": {"id": "1"}})
    assert err.value.translation_key == "command_without_cmd"
    assert len(simulator.requests) == sent

    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "send_command",
            {"command": {"cmd": "upload person", "id": "1009", "reg_image": "bm90IGFuIGltYWdl"}},
        )
    assert err.value.translation_key == "code_35"
    assert "1009" not in simulator.state.persons

    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "send_command", {"command": {"cmd": "make coffee"}})
    assert err.value.translation_key == "code_2"


# ---------------------------------------------------------------------------------------------
# Which terminal


async def test_unknown_device(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """A device id that is no terminal, or no device at all, is refused."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "open_gate", {"device_id": "nonexistent"}, blocking=True
        )
    assert err.value.translation_key == "device_not_found"

    other = MockConfigEntry(domain="demo")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("demo", "lamp")}
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "open_gate", {"device_id": device.id}, blocking=True)
    assert err.value.translation_key == "device_not_found"
    assert err.value.translation_placeholders == {"device_id": device.id}


async def test_entry_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A terminal whose entry is unloaded is named in the error; nothing is sent."""
    device_id = terminal_device_id(hass)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "open_gate", {"device_id": device_id}, blocking=True)
    assert err.value.translation_key == "entry_not_loaded"
    assert err.value.translation_placeholders == {"name": "Front gate"}
    assert len(simulator.requests) == sent


@pytest.mark.parametrize("transport", ["http"])  # about the terminal as server
async def test_terminal_unreachable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """An HTTP failure of the terminal reads as "cannot reach the terminal"."""
    simulator.faults.update({"http_500_next": 1})
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "open_gate", {})
    assert err.value.translation_key == "cannot_connect"
