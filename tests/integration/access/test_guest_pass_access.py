"""Guest passes open the gate when Home Assistant decides access (online mode).

The simulated terminal really reads the QR code, pushes the capture and opens its door only on the
ACK's ``gateway_ctrl``: what ``simulator.door`` logs is what a real gate would have done.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import Event, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.access.guest_pass_rules import PassCheck, PassRejection
from custom_components.facecapture.access.guest_passes import guest_passes
from custom_components.facecapture.access.policy import (
    AccessDecision,
    AccessPolicy,
    DecidedBy,
    Decision,
    DenyReason,
)
from custom_components.facecapture.const import (
    ALLOW_NOBODY,
    CONF_ACCESS_ALLOW,
    CONF_ACCESS_ENTITY,
    CONF_ACCESS_RELAY,
    CONF_DENY_NO_MASK,
)
from custom_components.facecapture.logbook import describe_capture
from simulator import Simulator
from tests.integration.access.test_access_policy import face
from tests.integration.common import async_capture, make_guest_pass


@pytest.fixture
def access_options() -> dict[str, Any]:
    """Home Assistant decides, opening relay 2."""
    return {CONF_ACCESS_RELAY: 2}


async def show(
    hass: HomeAssistant, simulator: Simulator, qr: str, kind: str = "stranger", **kwargs: Any
) -> dict[str, Any]:
    """A capture in which the terminal read ``qr``; what its door then did."""
    await async_capture(hass, simulator, kind, qr=qr, **kwargs)
    return simulator.door[-1]


@pytest.mark.usefixtures("online")
async def test_a_valid_pass_opens_and_greets_the_guest(
    hass: HomeAssistant, simulator: Simulator, face_events: list[Event]
) -> None:
    """A stranger with Carol's pass gets in twice, greeted by name, and then no more."""
    guest = make_guest_pass(hass)
    token = guest_passes(hass).token(guest)

    for use in (1, 2):
        door = await show(hass, simulator, token)
        assert (door["opened"], door["relay"], door["text"]) == (True, 2, "Welcome, Carol")
        data = face_events[-1].data
        assert (data["decision"], data["decided_by"]) == ("granted", "policy")
        assert (data["guest_pass"], data["use"], data["uses"]) == (guest.id, use, 2)
        assert data["guest_name"] == "Carol"
        assert data["qr_code"] is None
        assert describe_capture(data) == f"let guest Carol in, use {use} of 2"

    door = await show(hass, simulator, token)
    assert (door["opened"], door["text"]) == (False, "Pass already used")
    data = face_events[-1].data
    assert data["decision_reason"] == "guest_pass_used_up"
    assert data["guest_pass_rejection"] == "used_up"
    assert describe_capture(data) == "turned a stranger away: pass already used"
    assert guest.used == 2


@pytest.mark.usefixtures("online")
@pytest.mark.parametrize(
    ("rejection", "screen"),
    [
        (PassRejection.EXPIRED, "Pass expired"),
        (PassRejection.NOT_YET_VALID, "Pass not valid yet"),
        (PassRejection.REVOKED, "Pass revoked"),
        (PassRejection.WRONG_TERMINAL, "Pass not valid here"),
        (PassRejection.FORGED, "Invalid pass"),
    ],
)
async def test_invalid_passes_are_turned_away(
    hass: HomeAssistant,
    simulator: Simulator,
    face_events: list[Event],
    rejection: PassRejection,
    screen: str,
) -> None:
    """The screen says why, the gate stays shut, the reason reaches the event."""
    passes = guest_passes(hass)
    match rejection:
        case PassRejection.EXPIRED:
            token = passes.token(
                make_guest_pass(hass, start=timedelta(hours=-3), end=timedelta(hours=-1))
            )
        case PassRejection.NOT_YET_VALID:
            token = passes.token(
                make_guest_pass(hass, start=timedelta(hours=1), end=timedelta(hours=3))
            )
        case PassRejection.REVOKED:
            revoked = make_guest_pass(hass)
            passes.async_revoke(revoked.id)
            token = passes.token(revoked)
        case PassRejection.WRONG_TERMINAL:
            token = passes.token(make_guest_pass(hass, terminals=("device-of-the-garage",)))
        case _:
            token = passes.token(make_guest_pass(hass))[:-2] + "AA"

    door = await show(hass, simulator, token)
    assert (door["opened"], door["text"]) == (False, screen)
    data = face_events[-1].data
    assert data["decision"] == "denied"
    assert data["decision_reason"] == f"guest_pass_{rejection}"
    assert data["guest_pass_rejection"] == str(rejection)
    assert data["use"] is None
    assert describe_capture(data) == f"turned a stranger away: {screen.lower()}"


@pytest.mark.usefixtures("online")
async def test_an_invalid_pass_does_not_keep_out_whom_the_face_lets_in(
    hass: HomeAssistant, simulator: Simulator, face_events: list[Event]
) -> None:
    """Alice (whitelisted) holding an expired pass still gets in, greeted as the policy greets."""
    token = guest_passes(hass).token(
        make_guest_pass(hass, start=timedelta(hours=-3), end=timedelta(hours=-1))
    )
    door = await show(hass, simulator, token, "recognized", person_id="1001")
    assert (door["opened"], door["text"]) == (True, "Welcome, Alice")
    data = face_events[-1].data
    assert (data["decision"], data["decision_reason"]) == ("granted", None)
    assert data["guest_pass_rejection"] == "expired"
    assert describe_capture(data) == "let Alice in"


async def test_a_retransmitted_push_counts_one_use(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The first ACK is lost: the resend gets the same ACK from memory, the pass one use."""
    guest = make_guest_pass(hass)
    simulator.pusher.lose_acks = 1
    door = await show(hass, simulator, guest_passes(hass).token(guest))
    assert simulator.pusher.failures[-1]["reason"] == "ACK lost on the way back"
    assert [entry["opened"] for entry in simulator.door] == [True]
    assert door["text"] == "Welcome, Carol"
    assert guest.used == 1
    assert len(face_events) == 1
    assert face_events[0].data["use"] == 1
    assert online.runtime_data.access.repeated == 1


@pytest.mark.usefixtures("online")
async def test_a_catch_up_capture_with_a_pass_never_opens(
    hass: HomeAssistant, simulator: Simulator, face_events: list[Event]
) -> None:
    """Delivered after an outage: turned away as every catch-up, and no use counted."""
    guest = make_guest_pass(hass)
    door = await show(hass, simulator, guest_passes(hass).token(guest), realtime=False)
    assert (door["opened"], door["text"]) == (False, None)
    assert face_events[-1].data["decision_reason"] == DenyReason.CATCH_UP
    assert "guest_pass" not in face_events[-1].data
    assert guest.used == 0


@pytest.mark.usefixtures("online")
async def test_other_qr_codes_leave_the_face_decision(
    hass: HomeAssistant, simulator: Simulator, face_events: list[Event]
) -> None:
    """A QR code that is no pass is no key: the stranger is turned away as before."""
    door = await show(hass, simulator, "table 12")
    assert door["opened"] is False
    assert face_events[-1].data["decision_reason"] == DenyReason.NOT_RECOGNIZED
    assert face_events[-1].data["qr_code"] == "table 12"


def test_a_script_answer_keeps_the_pass() -> None:
    """A script overruling the face's decision keeps the pass on it, for the event and logbook."""
    policy = AccessPolicy()
    check = PassCheck(rejection=None, pass_id="abc", name="Carol", use=3, uses=None)
    granted = policy.apply_guest_pass(
        AccessDecision(decision=Decision.DENIED, decided_by=DecidedBy.POLICY), check
    )
    assert (granted.granted, granted.text, granted.guest_pass) == (True, "Welcome, Carol", check)
    refused = policy.apply_script_answer(face(role=None), granted, {"open": False})
    assert (refused.decided_by, refused.reason, refused.guest_pass) == (
        DecidedBy.SCRIPT,
        DenyReason.SCRIPT,
        check,
    )
    assert (
        describe_capture({"decision": "granted", "decided_by": "script", **check.event_data()})
        == "let guest Carol in, use 3"
    )


@pytest.mark.parametrize(
    "access_options", [{CONF_ACCESS_RELAY: 2, CONF_ACCESS_ENTITY: "input_boolean.door_allowed"}]
)
async def test_a_pass_opens_nothing_while_the_entity_keeps_everyone_out(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The "only while this is on" entity is off: Carol's pass opens nothing and keeps its uses.

    Once the entity lets people in again, the same pass opens at once.
    """
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"door_allowed": {"initial": False}}}
    )
    assert online.runtime_data.access.home_assistant_decides
    guest = make_guest_pass(hass)
    token = guest_passes(hass).token(guest)

    door = await show(hass, simulator, token)
    assert (door["opened"], door["text"]) == (False, "Access denied")
    data = face_events[-1].data
    assert (data["decision"], data["decision_reason"]) == ("denied", DenyReason.OUTSIDE_SCHEDULE)
    assert "guest_pass" not in data
    assert describe_capture(data) == "turned a stranger away: outside schedule"
    assert guest.used == 0

    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.door_allowed"}, blocking=True
    )
    door = await show(hass, simulator, token)
    assert (door["opened"], door["relay"], door["text"]) == (True, 2, "Welcome, Carol")
    assert face_events[-1].data["use"] == 1
    assert guest.used == 1


@pytest.mark.parametrize(
    ("access_options", "capture", "reason"),
    [
        ({CONF_ACCESS_ALLOW: ALLOW_NOBODY}, {}, DenyReason.NOBODY_ALLOWED),
        ({}, {"temperature": 38.4}, DenyReason.FEVER),
        ({CONF_DENY_NO_MASK: True}, {"mask": False}, DenyReason.NO_MASK),
        ({}, {"kind": "recognized", "person_id": "1002"}, DenyReason.BLACKLISTED),
    ],
    ids=["nobody", "fever", "no_mask", "blacklisted"],
)
@pytest.mark.usefixtures("online")
async def test_a_pass_does_not_lift_what_turns_everyone_away(
    hass: HomeAssistant,
    simulator: Simulator,
    face_events: list[Event],
    capture: dict[str, Any],
    reason: DenyReason,
) -> None:
    """A pass stands in for who the guest is, not for the rules that hold for everyone."""
    simulator.state.persons["1002"]["role"] = 2  # Bob is blacklisted
    guest = make_guest_pass(hass)
    door = await show(hass, simulator, guest_passes(hass).token(guest), **capture)
    assert (door["opened"], door["text"]) == (False, "Access denied")
    data = face_events[-1].data
    assert (data["decision"], data["decision_reason"]) == ("denied", reason)
    assert "guest_pass" not in data
    assert guest.used == 0


async def test_a_pass_opens_nothing_when_the_terminal_decides(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """Without Home Assistant deciding, the ACK carries no gate command and the pass no use."""
    assert not live_push.runtime_data.access.home_assistant_decides
    guest = make_guest_pass(hass)
    await async_capture(hass, simulator, "stranger", qr=guest_passes(hass).token(guest))
    assert set(simulator.acks[-1]) == {"reply", "cmd", "code", "sequence_no", "cap_time"}
    data = face_events[-1].data
    assert (data["decision"], data["decided_by"]) == ("denied", "terminal")
    assert "guest_pass" not in data
    assert guest.used == 0
