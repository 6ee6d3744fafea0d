"""Who may call which action, and card numbers typed as digits."""

from __future__ import annotations

from pathlib import Path

from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.facecapture.action_common import MAX_CARD_NUMBER, card_number
from custom_components.facecapture.const import DOMAIN
from custom_components.facecapture.services import ACTIONS, MAX_WIEGAND_OUTPUT
from simulator import Simulator

from .common import call_action, requests_since, terminal_device_id

COMPONENT = Path(__file__).parents[2] / "custom_components" / DOMAIN

ADMIN_ACTIONS = {
    "send_command",
    "delete_person",
    "delete_persons",
    "enroll_person",
    "update_person",
    "get_persons",
}

# Valid data for each administrators' action: only the user stands between it and the terminal.
ADMIN_CALLS: dict[str, dict[str, object]] = {
    "send_command": {"command": {"cmd": "reboot"}},
    "delete_person": {"id": "1001"},
    "delete_persons": {"role": "all", "confirm": True},
    "enroll_person": {"id": "1009", "name": "Eve"},
    "update_person": {"id": "1001", "name": "Alicia"},
    "get_persons": {"with_images": True},
}


def test_admin_actions_are_the_destructive_ones() -> None:
    """Raw commands and changes to who may enter are for administrators; the rest is not."""
    assert {action.name for action in ACTIONS if action.admin} == ADMIN_ACTIONS
    assert set(ADMIN_CALLS) == ADMIN_ACTIONS


@pytest.mark.parametrize("action", sorted(ADMIN_ACTIONS))
async def test_non_admin_user_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_read_only_user: User,
    action: str,
) -> None:
    """A user who is not an administrator gets Unauthorized, and nothing reaches the terminal."""
    sent = len(simulator.requests)
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            action,
            {"device_id": terminal_device_id(hass), **ADMIN_CALLS[action]},
            blocking=True,
            context=Context(user_id=hass_read_only_user.id),
            return_response=action == "get_persons",  # it only answers
        )
    assert simulator.requests[sent:] == []
    assert set(simulator.state.persons) == {"1001", "1002"}


async def test_admin_user_may_and_responses_still_come_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_admin_user: User,
) -> None:
    """An administrator's call runs, and an admin action still answers when asked to."""
    reply = await hass.services.async_call(
        DOMAIN,
        "enroll_person",
        {"device_id": terminal_device_id(hass), "id": "1009", "name": "Eve"},
        blocking=True,
        return_response=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert reply == {"id": "1009", "duplicate_id": None}
    assert "1009" in simulator.state.persons
    reply = await hass.services.async_call(
        DOMAIN,
        "send_command",
        {"device_id": terminal_device_id(hass), "command": {"cmd": "request date time"}},
        blocking=True,
        return_response=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert reply is not None
    assert reply["code"] == 0
    reply = await hass.services.async_call(
        DOMAIN,
        "get_persons",
        {"device_id": terminal_device_id(hass), "all": True},
        blocking=True,
        return_response=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert reply is not None
    assert {person["id"] for person in reply["persons"]} == {"1001", "1002", "1009"}


async def test_non_admin_user_may_use_everyday_actions(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_read_only_user: User,
) -> None:
    """Opening the gate or speaking is not an administrator's privilege."""
    start = len(simulator.requests)
    await hass.services.async_call(
        DOMAIN,
        "speak",
        {"device_id": terminal_device_id(hass), "text": "hello"},
        blocking=True,
        context=Context(user_id=hass_read_only_user.id),
    )
    assert len(requests_since(simulator, start, "tts play")) == 1


def test_card_fields_are_text() -> None:
    """Every card number field is a text field: a number field rounds beyond 2^53 in the browser."""
    described = load_yaml_dict(str(COMPONENT / "services.yaml"))
    card_fields = {
        name: fields["fields"]["card_number"]
        for name, fields in described.items()
        if "card_number" in fields["fields"]
    }
    assert set(card_fields) == {"wiegand_output", "enroll_person", "update_person", "get_persons"}
    for name, field in card_fields.items():
        assert set(field["selector"]) == {"text"}, name


@pytest.mark.parametrize(
    ("value", "minimum", "expected"),
    [
        ("12345678", 1, 12345678),
        (" 0042 ", 0, 42),
        ("18446744073709551615", 0, MAX_CARD_NUMBER),
        (9007199254740993, 1, 9007199254740993),  # 2^53 + 1: no float in between
        ("0", 0, 0),
    ],
)
def test_card_number_accepts_digits(value: object, minimum: int, expected: int) -> None:
    """Digits (or an integer from YAML) give the exact number."""
    assert card_number(minimum)(value) == expected


@pytest.mark.parametrize(
    ("value", "minimum"),
    [
        ("0", 1),
        ("18446744073709551616", 0),
        ("-1", 0),
        (-1, 0),
        ("12a", 0),
        ("1.5", 0),
        ("1e3", 0),
        ("", 0),
        ("١٢", 0),  # Arabic-Indic digits are digits to Python, not to a card reader
        (True, 0),
        (12.0, 0),
        (None, 0),
    ],
)
def test_card_number_refuses_anything_else(value: object, minimum: int) -> None:
    """Signs, decimals, exponents, other scripts' digits, booleans and floats are refused."""
    with pytest.raises(vol.Invalid):
        card_number(minimum)(value)


async def test_long_card_number_as_text_reaches_the_terminal_exactly(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Card numbers typed as text are sent as those exact integers, past 2^53 too."""
    start = len(simulator.requests)
    await call_action(
        hass, "wiegand_output", {"card_number": "9007199254740993", "long_card": True}
    )
    (body,) = requests_since(simulator, start, "wiegand control")
    assert body["long_card_id"] == 2**53 + 1
    await call_action(
        hass,
        "enroll_person",
        {"id": "1010", "card_number": "18446744073709551615", "long_card": True},
    )
    assert simulator.state.persons["1010"]["long_card_id"] == MAX_CARD_NUMBER
    await call_action(hass, "enroll_person", {"id": "1011", "card_number": "4294967295"})
    assert simulator.state.persons["1011"]["wg_card_id"] == 2**32 - 1
    with pytest.raises(vol.Invalid):
        await call_action(hass, "wiegand_output", {"card_number": "12 34"})
    # The document's `wiegand control` takes signed 64-bit numbers: larger ones are refused here.
    await call_action(
        hass, "wiegand_output", {"card_number": str(MAX_WIEGAND_OUTPUT), "long_card": True}
    )
    with pytest.raises(vol.Invalid):
        await call_action(
            hass, "wiegand_output", {"card_number": str(MAX_WIEGAND_OUTPUT + 1), "long_card": True}
        )
