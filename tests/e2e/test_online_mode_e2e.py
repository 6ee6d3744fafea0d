"""End to end, online mode: a real ``hass`` decides who the simulated terminal lets in.

The user switches "Who decides access" to Home Assistant in the options (REST options flow, as the
UI does); the terminal is set to online mode and then opens only on the ACK's gate command. Back
to "The terminal", it gets its own mode again. Deselect with ``-m "not e2e"``.
"""

from __future__ import annotations

from typing import Any

from hass_harness import FaceCaptureStack, wait_until
import pytest

pytestmark = pytest.mark.e2e

DEADLINE = 30.0
POLICY = {
    "access_allow": "whitelisted",
    "deny_fever": True,
    "deny_no_mask": False,
    "deny_blacklisted": True,
    "access_relay": 1,
    "text_granted": "Welcome, {name}",
    "text_denied": "Access denied",
    "access_deadline": 1.0,
    "access_fallback": "deny",
}


async def _options(stack: FaceCaptureStack, *steps: dict[str, Any]) -> dict[str, Any]:
    """Run the options flow of the terminal's entry through the REST API, one form per step."""
    client = stack.client
    result = await client.request(
        "POST", "/api/config/config_entries/options/flow", {"handler": stack.entry["entry_id"]}
    )
    for answers in steps:
        assert result.get("type") == "form", result
        result = await client.request(
            "POST", f"/api/config/config_entries/options/flow/{result['flow_id']}", answers
        )
    assert result.get("type") == "create_entry", result
    return dict(result)


async def _match_mode(stack: FaceCaptureStack, mode: int) -> None:
    async def reached() -> bool | None:
        return (await stack.simulator.state())["match_mode"] == mode or None

    await wait_until(
        reached,
        timeout=DEADLINE,
        what=f"the terminal's match mode to become {mode}",
        processes=stack.processes,
        explain=stack.logs,
    )


async def test_home_assistant_decides_who_enters(stack: FaceCaptureStack) -> None:
    sim = stack.simulator
    # The decision sensor starts disabled (one logbook row per capture); a user enables it.
    await stack.enable_entities(stack.entity_id("sensor", "last_decision"))
    base = {"push_auto": True, "push_remote": False}
    await _options(stack, {**base, "access_decider": "home_assistant"}, POLICY)
    await _match_mode(stack, 2)

    await sim.add_person("alice", "Alice")

    async def decided(count: int) -> list[dict[str, Any]]:
        async def probe() -> list[dict[str, Any]] | None:
            door: list[dict[str, Any]] = await sim.request("GET", "/_sim/door")
            return door if len(door) == count else None

        return await wait_until(
            probe,
            timeout=DEADLINE,
            what=f"the terminal to act on {count} ACKs",
            processes=stack.processes,
            explain=stack.logs,
        )

    # One at a time: a capture made while another waits for its ACK is a catch-up (is_realtime 0).
    await sim.capture(kind="recognized", person_id="alice")
    await decided(1)
    await sim.capture(kind="stranger")
    alice, stranger = await decided(2)
    assert alice["realtime"] is True, alice
    assert stranger["realtime"] is True, stranger
    assert alice["opened"] is True, alice
    assert alice["person_id"] == "alice", alice
    assert alice["text"] == "Welcome, Alice", alice
    assert alice["ack_ms"] < 1000, alice
    assert stranger["opened"] is False, stranger
    assert stranger["text"] == "Access denied", stranger

    decision = await stack.client.wait_for_state(
        stack.entity_id("sensor", "last_decision"),
        lambda s: s["state"] == "denied",
        timeout=DEADLINE,
        what="the last access decision to show the stranger turned away",
        processes=stack.processes,
        explain=stack.logs,
    )
    assert decision["attributes"]["decided_by"] == "policy", decision

    # Back to the terminal deciding: it gets its own mode back.
    await _options(stack, {**base, "access_decider": "terminal"})
    await _match_mode(stack, 1)
