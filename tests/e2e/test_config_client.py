"""End to end: a terminal Home Assistant cannot reach, added as a configuration client.

A real ``hass`` process and the simulator as a process. The terminal is added through the REST
config-flow API as a user would: the flow shows a URL, it is typed into the terminal's
configuration-client settings (the simulator's control API), and the flow waits for the first
heartbeat. Home Assistant never learns the terminal's address: every command, the gate's
included, goes through the queue the terminal fetches from. Deselect with ``-m "not e2e"``.
"""

from __future__ import annotations

from typing import Any

from hass_harness import EVENT_FACE, FaceCaptureStack, wait_until
import pytest

pytestmark = pytest.mark.e2e

DEADLINE = 30.0


@pytest.fixture
def stack_options() -> dict[str, Any]:
    """The terminal added as a configuration client."""
    return {"config_client": True}


async def test_face_opens_the_gate_through_the_queue(stack: FaceCaptureStack) -> None:
    client, sim = stack.client, stack.simulator
    sim_state = await sim.state()
    # The terminal asks the URL the flow showed; it was never given Home Assistant's address
    # any other way, and Home Assistant was never given the terminal's.
    assert sim_state["config_url"].startswith(f"{stack.base_url}/api/webhook/"), stack.logs()
    # Set-up pointed its face pushes at the other webhook, through the queue.
    assert sim_state["upload_target"].startswith(f"{stack.base_url}/api/webhook/"), stack.logs()
    assert sim_state["upload_target"] != sim_state["config_url"]

    device_id = next(e["device_id"] for e in stack.entities if e.get("device_id"))
    await sim.add_person("alice", "Alice")
    async with client.websocket() as ws:
        await ws.subscribe_events(EVENT_FACE)
        push = await sim.capture(kind="recognized", person_id="alice")

        def is_this_push(event: dict[str, Any]) -> bool:
            return event["data"].get("sequence") == int(push["sequence_no"])

        event = await ws.wait_for_event(
            is_this_push,
            timeout=DEADLINE,
            what=f"{EVENT_FACE} for push {push['sequence_no']}",
            explain=stack.logs,
        )
    assert event["data"]["name"] == "Alice", event
    assert event["data"]["device_id"] == device_id, event

    # Home Assistant decides: the recognised face opens the gate, a command through the queue.
    await client.request(
        "POST",
        "/api/services/facecapture/open_gate",
        {"device_id": device_id, "person_id": event["data"]["person_id"]},
    )

    async def gate_opened() -> dict[str, Any] | None:
        return next((entry for entry in await sim.log() if entry["kind"] == "gpio"), None)

    gate = await wait_until(
        gate_opened,
        timeout=DEADLINE,
        what="the gate to open through the queue",
        processes=stack.processes,
        explain=stack.logs,
    )
    assert gate["source"] == "command", gate
    assert gate["port"] == 1, gate
    assert gate["person_id"] == "alice", gate
    sim_state = await sim.state()
    assert sim_state["pending_pushes"] == 0, sim_state
