"""Home Assistant decides access: the simulated terminal in online mode opens only on the ACK.

The simulator really posts every capture to Home Assistant's HTTP server; what its door did
(``simulator.door``) is what a real terminal in online mode would have done.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.const import CONF_TYPE
from homeassistant.core import Event, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_get_device_automations,
    async_mock_service,
)

from custom_components.facecapture.const import (
    CONF_ACCESS_ALLOW,
    CONF_ACCESS_DEADLINE,
    CONF_ACCESS_ENTITY,
    CONF_ACCESS_FALLBACK,
    CONF_ACCESS_RELAY,
    CONF_ACCESS_SCRIPT,
    CONF_DENY_NO_MASK,
    DOMAIN,
    EVENT_FACE,
)
from custom_components.facecapture.logbook import describe_capture
from simulator import Simulator
from tests.integration.common import async_capture, terminal_device_id

LAST_DECISION = "sensor.front_gate_last_access_decision"
EVENT_ENTITY = "event.front_gate_face"

SCRIPTS: dict[str, Any] = {
    # Answers: only Bob, on relay 2, with its own words; counts its runs with an event.
    "gate_check": {
        "sequence": [
            {"event": "gate_check_ran", "event_data": {"name": "{{ name }}"}},
            {
                "variables": {
                    "answer": {
                        "open": "{{ name == 'Bob' }}",
                        "relay": 2,
                        "text": "Hello {{ name }}",
                        "speak": "{{ 'Come in' if name == 'Bob' else 'Not today' }}",
                        "reason": "only Bob today",
                    }
                }
            },
            {"stop": "decided", "response_variable": "answer"},
        ]
    },
    # Says nothing about opening: the policy's decision stands, the screen text changes.
    "greeter": {
        "sequence": [
            {"variables": {"answer": {"text": "Policy said {{ policy.open }}"}}},
            {"stop": "done", "response_variable": "answer"},
        ]
    },
    "slow": {"sequence": [{"event": "slow_ran"}, {"delay": {"seconds": 5}}]},
    "broken": {"sequence": [{"action": "nothing.there"}]},
    "bad_answer": {
        "sequence": [
            {"variables": {"answer": {"open": "maybe"}}},
            {"stop": "done", "response_variable": "answer"},
        ]
    },
}


@pytest.fixture(autouse=True)
async def scripts_and_switch(hass: HomeAssistant) -> None:
    """The access scripts, and an input_boolean (on) for the "only while this is on" option."""
    assert await async_setup_component(hass, "script", {"script": SCRIPTS})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"door_allowed": {"initial": True}}}
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_policy_grants_whitelisted_and_turns_strangers_away(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """Alice (whitelisted) gets the gate and her name on screen; a stranger gets neither."""
    assert simulator.state.app_params["gate_control"]["match_mode"] == 2

    await async_capture(hass, simulator, "recognized", person_id="1001")
    await async_capture(hass, simulator, "stranger")

    granted, denied = simulator.door
    assert granted["opened"] is True
    assert granted["relay"] == 1
    assert granted["person_id"] == "1001"
    assert granted["text"] == "Welcome, Alice"
    assert denied["opened"] is False
    assert denied["text"] == "Access denied"
    assert simulator.acks[0]["gateway_ctrl"] == {
        "device_type": "gpio",
        "device_no": 1,
        "ctrl_mode": "force",
        "person_id": "1001",
    }
    assert "gateway_ctrl" not in simulator.acks[1]
    # The result pop-up of newer firmware says the same.
    assert simulator.acks[0]["data"] == {
        "is_output_on_device": True,
        "match_success": True,
        "personName": "Alice",
        "personId": "1001",
        "remarks": "Welcome, Alice",
    }
    assert simulator.acks[1]["data"] == {
        "is_output_on_device": True,
        "match_success": False,
        "remarks": "Access denied",
    }

    assert [(e.data["decision"], e.data["decided_by"]) for e in face_events] == [
        ("granted", "policy"),
        ("denied", "policy"),
    ]
    assert face_events[1].data["decision_reason"] == "not_recognized"
    state = hass.states.get(LAST_DECISION)
    assert state is not None
    assert state.state == "denied"
    assert state.attributes["decided_by"] == "policy"
    assert state.attributes["reason"] == "not_recognized"
    event_state = hass.states.get(EVENT_ENTITY)
    assert event_state is not None
    assert event_state.attributes["decision"] == "denied"
    assert event_state.attributes["decided_by"] == "policy"


@pytest.mark.parametrize(
    "access_options", [{CONF_ACCESS_ENTITY: "input_boolean.door_allowed", CONF_DENY_NO_MASK: True}]
)
async def test_policy_checks_entity_mask_fever_and_roles(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """Fever, no mask, a blacklisted or ordinary person, the entity off: each turns away."""
    simulator.state.persons["1002"]["role"] = 2  # Bob is blacklisted
    simulator.add_person("1003", "Carol")["role"] = 0  # Carol is an ordinary person
    await async_capture(hass, simulator, "recognized", person_id="1001", temperature=38.4)
    await async_capture(hass, simulator, "recognized", person_id="1001", mask=False)
    await async_capture(hass, simulator, "recognized", person_id="1002")
    await async_capture(hass, simulator, "recognized", person_id="1003")
    await async_capture(hass, simulator, "denied", person_id="1001", reason=-3)
    await hass.services.async_call(
        "input_boolean", "turn_off", {"entity_id": "input_boolean.door_allowed"}, blocking=True
    )
    await async_capture(hass, simulator, "recognized", person_id="1001")
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.door_allowed"}, blocking=True
    )
    await async_capture(hass, simulator, "recognized", person_id="1001")

    assert [entry["opened"] for entry in simulator.door] == [False] * 6 + [True]
    assert [event.data["decision_reason"] for event in face_events] == [
        "fever",
        "no_mask",
        "blacklisted",
        "not_whitelisted",
        "expired",
        "outside_schedule",
        None,
    ]


@pytest.mark.parametrize(
    "access_options", [{CONF_ACCESS_SCRIPT: "script.gate_check", CONF_ACCESS_RELAY: 1}]
)
async def test_script_answer_applies_on_top_of_the_policy(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The script opens for Bob on relay 2 and turns Alice away, with its own words."""
    runs = async_capture_events(hass, "gate_check_ran")
    await async_capture(hass, simulator, "recognized", person_id="1001")
    await async_capture(hass, simulator, "recognized", person_id="1002")

    alice, bob = simulator.door
    assert alice["opened"] is False
    assert alice["text"] == "Hello Alice"
    assert alice["tts"] == "Not today"
    assert bob["opened"] is True
    assert bob["relay"] == 2
    assert bob["tts"] == "Come in"
    assert [event.data["name"] for event in runs] == ["Alice", "Bob"]
    assert [(e.data["decision"], e.data["decided_by"]) for e in face_events] == [
        ("denied", "script"),
        ("granted", "script"),
    ]
    assert face_events[0].data["decision_reason"] == "only Bob today"


@pytest.mark.parametrize("access_options", [{CONF_ACCESS_SCRIPT: "script.greeter"}])
async def test_script_without_open_keeps_the_policy(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """A script that only sets the text leaves the decision to the policy."""
    await async_capture(hass, simulator, "recognized", person_id="1001")
    assert simulator.door[0]["opened"] is True
    assert simulator.door[0]["text"] == "Policy said True"
    assert face_events[0].data["decided_by"] == "policy"


@pytest.mark.parametrize(
    "access_options",
    [
        {
            CONF_ACCESS_SCRIPT: "script.slow",
            CONF_ACCESS_DEADLINE: 1.0,
            CONF_ACCESS_FALLBACK: "whitelisted",
        }
    ],
)
async def test_script_timeout_falls_back_inside_the_deadline(
    hass: HomeAssistant,
    online: MockConfigEntry,
    simulator: Simulator,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A slow script: the fallback lets whitelisted Alice in, the ACK leaves before the deadline,
    one warning is logged however often it happens."""
    with caplog.at_level(logging.DEBUG, logger="custom_components.facecapture"):
        await async_capture(hass, simulator, "recognized", person_id="1001")
        await async_capture(hass, simulator, "stranger")

    alice, stranger = simulator.door
    assert alice["opened"] is True
    assert stranger["opened"] is False
    for door in (alice, stranger):
        # The terminal's own clock, HTTP included: the answer was there before the deadline.
        assert door["ack_ms"] < 1000, door
    assert [(e.data["decision"], e.data["decided_by"]) for e in face_events] == [
        ("granted", "fallback"),
        ("denied", "fallback"),
    ]
    assert face_events[1].data["decision_reason"] == "timeout"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "fallback" in r.msg]
    assert len(warnings) == 1
    assert online.runtime_data.access.fallbacks == 2


@pytest.mark.parametrize(
    "access_options",
    [{CONF_ACCESS_SCRIPT: "script.broken"}, {CONF_ACCESS_SCRIPT: "script.bad_answer"}],
)
async def test_failing_script_falls_back_to_turning_away(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """A script that raises, or answers nonsense: the default fallback turns everyone away."""
    await async_capture(hass, simulator, "recognized", person_id="1001")
    assert simulator.door[0]["opened"] is False
    assert face_events[0].data["decided_by"] == "fallback"
    assert face_events[0].data["decision_reason"] == "error"


@pytest.mark.parametrize("access_options", [{CONF_ACCESS_SCRIPT: "script.gate_check"}])
async def test_retransmission_gets_the_same_ack_without_deciding_again(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """The first ACK is lost: the resend gets the same ACK, the script does not run again, and
    the gate opens once, event and all."""
    runs = async_capture_events(hass, "gate_check_ran")
    simulator.pusher.lose_acks = 1
    await async_capture(hass, simulator, "recognized", person_id="1002")

    assert simulator.pusher.failures[-1]["reason"] == "ACK lost on the way back"
    assert len(runs) == 1
    assert len(face_events) == 1
    assert [entry["opened"] for entry in simulator.door] == [True]
    assert online.runtime_data.access.repeated == 1
    assert online.runtime_data.captures.retransmissions == 1


async def test_catch_up_capture_never_opens(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator, face_events: list[Event]
) -> None:
    """A capture delivered after an outage is recorded, and turned away without any text."""
    await async_capture(hass, simulator, "recognized", person_id="1001", realtime=False)
    assert simulator.door[0]["opened"] is False
    assert simulator.door[0]["realtime"] is False
    assert simulator.door[0]["text"] is None
    assert face_events[0].data["decision"] == "denied"
    assert face_events[0].data["decision_reason"] == "catch_up"


@pytest.mark.parametrize("access_options", [{CONF_ACCESS_ALLOW: "recognized"}])
async def test_any_recognised_person(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator
) -> None:
    """ "Any recognised person" lets an ordinary person in too."""
    simulator.add_person("1003", "Carol")["role"] = 0
    await async_capture(hass, simulator, "recognized", person_id="1003")
    assert simulator.door[0]["opened"] is True
    assert simulator.door[0]["text"] == "Welcome, Carol"


@pytest.mark.parametrize("access_options", [{CONF_ACCESS_ALLOW: "nobody"}])
async def test_nobody(hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator) -> None:
    """ "Nobody" keeps the gate shut even for the whitelist."""
    await async_capture(hass, simulator, "recognized", person_id="1001")
    assert simulator.door[0]["opened"] is False


async def test_terminal_mode_leaves_the_ack_plain(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """When the terminal decides, the ACK carries nothing and the terminal keeps its mode."""
    events = async_capture_events(hass, EVENT_FACE)
    await async_capture(hass, simulator, "recognized", person_id="1001")
    assert simulator.state.app_params["gate_control"]["match_mode"] == 1
    assert simulator.door == []
    assert set(simulator.acks[0]) == {"reply", "cmd", "code", "sequence_no", "cap_time"}
    assert events[0].data["decision"] == "granted"
    assert events[0].data["decided_by"] == "terminal"


async def test_access_granted_trigger_and_logbook(
    hass: HomeAssistant, online: MockConfigEntry, simulator: Simulator
) -> None:
    """ "Access granted by Home Assistant" runs for Alice, not for the stranger turned away; the
    logbook reads what was decided."""
    device_id = terminal_device_id(hass)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device_id)
    assert "access_granted" in {
        trigger[CONF_TYPE] for trigger in triggers if trigger["domain"] == DOMAIN
    }
    calls = async_mock_service(hass, "test", "granted")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": device_id,
                    "type": "access_granted",
                },
                "actions": {
                    "action": "test.granted",
                    "data": {"name": "{{ trigger.event.data.name }}"},
                },
            }
        },
    )
    await async_capture(hass, simulator, "recognized", person_id="1001")
    await async_capture(hass, simulator, "stranger")
    await hass.async_block_till_done()
    assert [call.data["name"] for call in calls] == ["Alice"]


async def test_terminal_decisions_do_not_run_the_access_granted_trigger(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """The terminal letting Alice in is not Home Assistant granting access."""
    device_id = terminal_device_id(hass)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device_id)
    assert "access_granted" not in {trigger[CONF_TYPE] for trigger in triggers}
    calls = async_mock_service(hass, "test", "granted")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": device_id,
                    "type": "access_granted",
                },
                "actions": {"action": "test.granted"},
            }
        },
    )
    await async_capture(hass, simulator, "recognized", person_id="1001")
    await hass.async_block_till_done()
    assert calls == []


@pytest.mark.parametrize(
    ("data", "reads"),
    [
        ({"decision": "granted", "decided_by": "policy", "name": "Alice"}, "let Alice in"),
        (
            {
                "decision": "denied",
                "decided_by": "policy",
                "name": "Bob",
                "decision_reason": "outside_schedule",
            },
            "turned Bob away: outside schedule",
        ),
        (
            {
                "decision": "denied",
                "decided_by": "policy",
                "result": "stranger",
                "decision_reason": "not_recognized",
            },
            "turned a stranger away: not recognized",
        ),
        (
            {
                "decision": "denied",
                "decided_by": "script",
                "name": "Bob",
                "decision_reason": "only Bob today",
            },
            "turned Bob away: only Bob today",
        ),
        (
            {
                "decision": "denied",
                "decided_by": "fallback",
                "person_id": "7",
                "decision_reason": "expired",
            },
            "turned person 7 away: access expired",
        ),
        (
            {
                "decision": "denied",
                "decided_by": "policy",
                "name": "Eve",
                "fever": True,
                "decision_reason": "fever",
            },
            "turned Eve away: fever",
        ),
        ({"decision": "denied", "decided_by": "script", "name": "Eve"}, "turned Eve away"),
        (
            {
                "decision": "granted",
                "decided_by": "terminal",
                "result": "recognized",
                "name": "Alice",
            },
            "recognized Alice",
        ),
    ],
)
def test_decisions_read_as_sentences(data: dict[str, Any], reads: str) -> None:
    """ "Front gate let Alice in", "Front gate turned Bob away: outside schedule"."""
    assert describe_capture({"result": "recognized", "realtime": True, **data}) == reads
