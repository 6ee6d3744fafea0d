"""The access decision on its own: policy rules, script answers, ACK extras, memory, failures."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
import voluptuous as vol

from custom_components.facecapture.access import decision
from custom_components.facecapture.access.decision import AccessControl
from custom_components.facecapture.access.guest_pass_rules import PassRejection
from custom_components.facecapture.access.policy import (
    AccessDecision,
    AccessPolicy,
    DecidedBy,
    Decision,
    DenyReason,
    guest_pass_reason,
    render_text,
    terminal_decision,
)
from custom_components.facecapture.api.push import FacePush, FailureReason, ack_for, parse_push
from custom_components.facecapture.const import (
    CONF_ACCESS_DEADLINE,
    CONF_ACCESS_DECIDER,
    DECIDER_HOME_ASSISTANT,
    DECIDER_TERMINAL,
)
from tests.integration.common import SERIAL

STRINGS = Path(__file__).parents[3] / "custom_components" / "facecapture" / "strings.json"


def face(
    *,
    sequence: int = 1,
    score: int = 92,
    reason: int = 0,
    role: int | None = 1,
    name: str = "Alice",
    encrypted: bool = False,
    realtime: bool = True,
    temperature: float = 36.5,
    mask: bool = True,
) -> FacePush:
    """A face push as the terminal sends it."""
    body: dict[str, Any] = {
        "cmd": "face",
        "device_sn": SERIAL,
        "sequence_no": sequence,
        "cap_time": f"2026/11/28 10:00:{sequence:02d}",
        "is_realtime": 1 if realtime else 0,
        "match_result": score,
        "match_failed_reson": reason,
        "person": {"temperatur": temperature, "has_mask": mask},
    }
    if role is not None:
        body["match"] = {
            "is_encryption": encrypted,
            "person_id": "1001",
            "person_name": name,
            "person_role": role,
        }
    push = parse_push(body)
    assert isinstance(push, FacePush)
    return push


def decide(policy: AccessPolicy, push: FacePush, entity_state: str | None = None) -> AccessDecision:
    return policy.decide(push, fever_limit=37.3, entity_state=entity_state)


@pytest.mark.parametrize(
    ("template", "name", "shown"),
    [
        ("", "Alice", None),
        ("Access denied", None, "Access denied"),
        ("Welcome, {name}", "Alice", "Welcome, Alice"),
        ("Welcome, {name}", None, "Welcome"),
        ("{name}: come in", None, "come in"),
        ("{name}", None, None),
    ],
)
def test_screen_text(template: str, name: str | None, shown: str | None) -> None:
    """{name} is filled in; without a name its separator goes with it."""
    assert render_text(template, name) == shown


def test_options_make_the_policy() -> None:
    """No policy while the terminal decides; the deadline is held between its limits."""
    assert AccessPolicy.from_options({}) is None
    assert AccessPolicy.from_options({CONF_ACCESS_DECIDER: DECIDER_TERMINAL}) is None
    policy = AccessPolicy.from_options(
        {CONF_ACCESS_DECIDER: DECIDER_HOME_ASSISTANT, CONF_ACCESS_DEADLINE: 10}
    )
    assert policy is not None
    assert policy.deadline == 3.0
    assert policy == AccessPolicy(deadline=3.0)


def test_terminal_decisions() -> None:
    """When the terminal decides, the event still says what it did, and the ACK adds nothing."""
    granted = terminal_decision(face())
    assert (granted.decision, granted.decided_by, granted.reason) == (
        Decision.GRANTED,
        DecidedBy.TERMINAL,
        None,
    )
    assert granted.ack_options(face()) == {}
    assert terminal_decision(face(reason=-4)).reason == "outside_schedule"
    assert terminal_decision(face(score=-1, role=None)).reason == DenyReason.NOT_RECOGNIZED


def test_terminal_objections_count_but_fever_and_mask_are_the_policy_s() -> None:
    """Expired stays a refusal; the terminal's own fever and mask refusals are for the options."""
    relaxed = AccessPolicy(deny_fever=False)
    assert decide(relaxed, face(reason=-3)).reason == "expired"
    assert decide(relaxed, face(reason=-6, temperature=38.5)).granted
    assert decide(relaxed, face(reason=-7, mask=False)).granted
    assert decide(AccessPolicy(), face(reason=-99)).granted  # an undocumented code says nothing


def test_entity_states_that_let_people_in() -> None:
    """On, disarmed, home, open, unlocked let people in; anything else, or no state, does not."""
    policy = AccessPolicy(entity_id="alarm_control_panel.home")
    for state in ("on", "disarmed", "home", "open", "unlocked"):
        assert decide(policy, face(), state).granted, state
    for state in ("off", "armed_away", None):
        assert decide(policy, face(), state).reason == DenyReason.OUTSIDE_SCHEDULE


def test_ack_extras() -> None:
    """Granted: the gate on the chosen relay for the person; the speech fits 64 bytes."""
    push = face()
    decision = AccessDecision(
        decision=Decision.GRANTED,
        decided_by=DecidedBy.SCRIPT,
        relay=2,
        text="Hi",
        speak="Willkommen zurück, " + "ö" * 40,
    )
    ack = ack_for(push, **decision.ack_options(push))
    assert ack["gateway_ctrl"] == {
        "device_type": "gpio",
        "device_no": 2,
        "ctrl_mode": "force",
        "person_id": "1001",
    }
    assert ack["text_display"]["text"] == "Hi"
    assert len(ack["tts"]["text"].encode()) <= 64
    assert ack["tts"]["text"].startswith("Willkommen zurück, ööö")

    # Ciphertext names nobody in the terminal's gate record; blank speech is not sent.
    encrypted = face(encrypted=True, name="c2VjcmV0")
    silent = AccessDecision(
        decision=Decision.GRANTED, decided_by=DecidedBy.POLICY, speak=" " * 70 + "late"
    )
    ack = ack_for(encrypted, **silent.ack_options(encrypted))
    assert "person_id" not in ack["gateway_ctrl"]
    assert ack["data"] == {"is_output_on_device": True, "match_success": True}
    assert "tts" not in ack
    assert "text_display" not in ack
    assert decide(AccessPolicy(), encrypted).text == "Welcome"


def test_script_answers() -> None:
    """What the script leaves out stays; a reason explains a refusal; nonsense is refused."""
    policy = AccessPolicy()
    push = face(role=0)
    denied = decide(policy, push)
    assert denied.reason == DenyReason.NOT_WHITELISTED
    explained = policy.apply_script_answer(push, denied, {"reason": "ask the office"})
    assert (explained.decided_by, explained.reason) == (DecidedBy.POLICY, "ask the office")
    opened = policy.apply_script_answer(push, denied, {"open": "yes", "relay": "2", "text": None})
    assert (opened.decision, opened.decided_by, opened.relay, opened.text) == (
        Decision.GRANTED,
        DecidedBy.SCRIPT,
        2,
        None,
    )
    refused = policy.apply_script_answer(push, opened, {"open": False, "speak": ""})
    assert (refused.reason, refused.speak) == (DenyReason.SCRIPT, None)
    granted = decide(policy, face())
    assert policy.apply_script_answer(face(), granted, {"reason": "ignored"}) == granted
    with pytest.raises(vol.Invalid):
        policy.apply_script_answer(push, denied, {"relay": 99})


def test_fallback() -> None:
    """The whitelisted fallback lets in only real-time recognised whitelisted persons."""
    lenient = AccessPolicy(fallback="whitelisted")
    assert lenient.fallback_decision(face(), DenyReason.TIMEOUT).granted
    for push in (face(realtime=False), face(role=0), face(reason=-3), face(score=-1, role=None)):
        late = lenient.fallback_decision(push, DenyReason.TIMEOUT)
        assert (late.decision, late.reason) == (Decision.DENIED, DenyReason.TIMEOUT)
    strict = AccessPolicy().fallback_decision(face(), DenyReason.ERROR)
    assert (strict.decided_by, strict.reason) == (DecidedBy.FALLBACK, DenyReason.ERROR)


def _control(hass: HomeAssistant, policy: AccessPolicy | None, **kwargs: Any) -> AccessControl:
    return AccessControl(
        hass,
        title="Front gate",
        serial=SERIAL,
        policy=policy,
        fever_limit=kwargs.get("fever_limit", lambda: 37.3),
        describe=lambda push: {"name": push.person_name, "person_id": push.person_id},
    )


async def test_terminal_mode_decides_nothing(hass: HomeAssistant) -> None:
    """Without a policy the terminal's own decision is reported, and nothing is remembered."""
    control = _control(hass, None)
    assert not control.home_assistant_decides
    decision = await control.async_decide(face())
    assert decision.decided_by is DecidedBy.TERMINAL
    assert control.decided == 0


async def test_late_retransmission_after_a_restart(hass: HomeAssistant) -> None:
    """A capture seen before but no longer remembered (restart): too late to let anyone in."""
    control = _control(hass, AccessPolicy())
    decision = await control.async_decide(face(), new=False)
    assert (decision.decision, decision.reason) == (
        Decision.DENIED,
        DenyReason.LATE_RETRANSMISSION,
    )


async def test_concurrent_resend_waits_for_the_same_decision(hass: HomeAssistant) -> None:
    """A resend that arrives while the script still runs gets the same answer; the script
    runs once. Memory is bounded."""
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "pause": {
                    "sequence": [
                        {"event": "pause_ran"},
                        {"delay": {"milliseconds": 100}},
                        {"variables": {"answer": {"open": True}}},
                        {"stop": "ok", "response_variable": "answer"},
                    ]
                }
            }
        },
    )
    runs = async_capture_events(hass, "pause_ran")
    control = _control(hass, AccessPolicy(script="script.pause"))
    first, resent = await asyncio.gather(
        control.async_decide(face()), control.async_decide(face(), new=False)
    )
    assert first == resent
    assert first.decided_by is DecidedBy.SCRIPT
    assert len(runs) == 1
    with patch.object(decision, "DECISIONS_REMEMBERED", 1):
        await control.async_decide(face(sequence=2))
    assert len(control._decisions) == 1


async def test_failures_fall_back(hass: HomeAssistant) -> None:
    """A policy that raises, or a script that does not exist, still gets a decision in time."""

    def broken() -> float:
        raise ValueError("no limit")

    control = _control(hass, AccessPolicy(), fever_limit=broken)
    assert (await control.async_decide(face())).reason == DenyReason.ERROR
    missing = _control(hass, AccessPolicy(script="script.not_there"))
    decision = await missing.async_decide(face())
    assert (decision.decided_by, decision.reason) == (DecidedBy.FALLBACK, DenyReason.ERROR)


def test_every_reason_is_translated() -> None:
    """Every reason Home Assistant or the terminal gives reads as words on the Face entity."""
    strings = json.loads(STRINGS.read_text())
    face = strings["entity"]["event"]["face"]["state_attributes"]
    expected = (
        {str(reason) for reason in DenyReason}
        | {str(reason) for reason in FailureReason}
        | {guest_pass_reason(rejection) for rejection in PassRejection}
    )
    assert set(face["decision_reason"]["state"]) == expected
    assert set(face["decision"]["state"]) == {str(decision) for decision in Decision}
    assert set(face["decided_by"]["state"]) == {str(decider) for decider in DecidedBy}
    sensor = strings["entity"]["sensor"]["last_decision"]["state_attributes"]
    assert sensor["reason"]["state"] == face["decision_reason"]["state"]
