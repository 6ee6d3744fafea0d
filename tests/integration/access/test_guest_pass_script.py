"""A guest pass counts a use only when the final decision lets the guest in.

With an access script the pass is judged with the policy, before the script answers; its use is
counted only when the decision is final and opens the gate. The simulated terminal opens its door
only on the ACK's ``gateway_ctrl``: ``simulator.door`` is what a real gate would have done.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.facecapture.access.guest_passes import guest_passes
from custom_components.facecapture.const import (
    CONF_ACCESS_DEADLINE,
    CONF_ACCESS_RELAY,
    CONF_ACCESS_SCRIPT,
)
from custom_components.facecapture.logbook import describe_capture
from simulator import Simulator
from tests.integration.common import async_capture, make_guest_pass

WELCOME = "input_boolean.guests_welcome"

SCRIPTS: dict[str, Any] = {
    # Lets in whom the policy lets in, but only while guests are welcome.
    "guest_check": {
        "sequence": [
            {"event": "guest_check_ran"},
            {"delay": {"milliseconds": 20}},
            {
                "variables": {
                    "answer": {
                        "open": f"{{{{ policy.open and is_state('{WELCOME}', 'on') }}}}",
                        "reason": "no guests today",
                    }
                }
            },
            {"stop": "decided", "response_variable": "answer"},
        ]
    },
    "slow": {"sequence": [{"delay": {"seconds": 5}}]},
}


@pytest.fixture(autouse=True)
async def scripts(hass: HomeAssistant) -> None:
    """The access scripts, and whether guests are welcome (not at first)."""
    assert await async_setup_component(hass, "script", {"script": SCRIPTS})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"guests_welcome": {"initial": False}}}
    )


async def welcome_guests(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": WELCOME}, blocking=True
    )


async def show(hass: HomeAssistant, simulator: Simulator, qr: str) -> dict[str, Any]:
    """A stranger shows ``qr`` to the terminal; what its door then did."""
    await async_capture(hass, simulator, "stranger", qr=qr)
    return simulator.door[-1]


@pytest.mark.parametrize(
    "access_options", [{CONF_ACCESS_SCRIPT: "script.guest_check", CONF_ACCESS_RELAY: 2}]
)
async def test_a_pass_the_script_refuses_keeps_its_use(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The script says no to a valid single-use pass: the gate stays shut, the pass unused; once
    the script says yes, the same pass opens, counts its one use, and then opens no more."""
    runs = async_capture_events(hass, "guest_check_ran")
    guest = make_guest_pass(hass, uses=1)
    token = guest_passes(hass).token(guest)

    door = await show(hass, simulator, token)
    assert door["opened"] is False
    data = face_events[-1].data
    assert (data["decision"], data["decided_by"], data["decision_reason"]) == (
        "denied",
        "script",
        "no guests today",
    )
    assert (data["guest_pass"], data["guest_pass_rejection"], data["use"]) == (guest.id, None, None)
    assert describe_capture(data) == "turned a stranger away: no guests today"
    assert guest.used == 0
    assert not guest.captures

    await welcome_guests(hass)
    door = await show(hass, simulator, token)
    assert (door["opened"], door["relay"]) == (True, 2)
    data = face_events[-1].data
    assert (data["decision"], data["decided_by"]) == ("granted", "script")
    assert (data["guest_pass"], data["use"], data["uses"]) == (guest.id, 1, 1)
    assert describe_capture(data) == "let guest Carol in, use 1 of 1"
    assert guest.used == 1

    door = await show(hass, simulator, token)
    assert door["opened"] is False  # the policy said no (used up), and so did the script
    assert (face_events[-1].data["guest_pass_rejection"], face_events[-1].data["use"]) == (
        "used_up",
        None,
    )
    assert guest.used == 1
    assert len(runs) == 3


@pytest.mark.parametrize("access_options", [{CONF_ACCESS_SCRIPT: "script.guest_check"}])
async def test_a_pass_the_script_lets_in_counts_one_use_also_when_resent(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The script says yes: one use counted; the first ACK is lost and the resent push gets the
    same answer without running the script or counting again."""
    await welcome_guests(hass)
    runs = async_capture_events(hass, "guest_check_ran")
    guest = make_guest_pass(hass)
    simulator.pusher.lose_acks = 1

    door = await show(hass, simulator, guest_passes(hass).token(guest))
    assert simulator.pusher.failures[-1]["reason"] == "ACK lost on the way back"
    assert [entry["opened"] for entry in simulator.door] == [True]
    assert door["text"] == "Welcome"  # the script's "open" brings the policy's own text
    assert len(runs) == 1
    assert online.runtime_data.access.repeated == 1
    assert [(event.data["decision"], event.data["use"]) for event in face_events] == [
        ("granted", 1)
    ]
    assert guest.used == 1
    assert list(guest.captures.values()) == [1]


@pytest.mark.parametrize(
    "access_options", [{CONF_ACCESS_SCRIPT: "script.slow", CONF_ACCESS_DEADLINE: 0.5}]
)
async def test_a_pass_turned_away_by_the_fallback_keeps_its_use(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The script does not answer in time and the fallback refuses: nothing is counted."""
    guest = make_guest_pass(hass, uses=1)
    door = await show(hass, simulator, guest_passes(hass).token(guest))
    assert door["opened"] is False
    data = face_events[-1].data
    assert (data["decision"], data["decided_by"], data["decision_reason"]) == (
        "denied",
        "fallback",
        "timeout",
    )
    assert guest.used == 0
    assert not guest.captures
    assert online.runtime_data.access.fallbacks == 1


@pytest.mark.parametrize("access_options", [{CONF_ACCESS_SCRIPT: "script.guest_check"}])
async def test_a_pass_revoked_while_the_script_decides_opens_nothing(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """Revoked after it was judged, before the script said yes: the gate stays shut, no use."""
    await welcome_guests(hass)
    guest = make_guest_pass(hass)
    passes = guest_passes(hass)

    @callback
    def revoke(_: Event) -> None:
        passes.async_revoke(guest.id)

    hass.bus.async_listen("guest_check_ran", revoke)
    door = await show(hass, simulator, passes.token(guest))
    assert (door["opened"], door["text"]) == (False, "Pass revoked")
    data = face_events[-1].data
    assert (data["decision"], data["decision_reason"]) == ("denied", "guest_pass_revoked")
    assert (data["guest_pass_rejection"], data["use"]) == ("revoked", None)
    assert guest.used == 0
