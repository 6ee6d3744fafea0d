"""End to end: a real ``hass`` process, the simulator as a process, a face pushed over HTTP.

Nothing is mocked: the terminal is added through the REST config-flow API as a user would, the
integration points the simulated terminal at its webhook by itself, and the recognised face is
observed as a bus event (websocket) and as entity states (REST). Deselect with ``-m "not e2e"``.
"""

from __future__ import annotations

from typing import Any

from hass_harness import EVENT_FACE, FaceCaptureStack
import pytest

pytestmark = pytest.mark.e2e

DEADLINE = 30.0


async def test_recognised_face_reaches_home_assistant(stack: FaceCaptureStack) -> None:
    client, sim = stack.client, stack.simulator
    event_id = stack.entity_id("event", "face")
    last_person_id = stack.entity_id("sensor", "last_person")
    last_face_id = stack.entity_id("camera", "closeup")
    # Both start disabled (one logbook row per capture); a user enables them.
    await stack.enable_entities(event_id, last_person_id)

    # Set-up pointed the terminal at the entry's webhook, on Home Assistant's internal URL.
    upload_target = (await sim.state())["upload_target"]
    assert upload_target is not None
    assert upload_target.startswith(f"{stack.base_url}/api/webhook/"), stack.logs()
    before = await client.state(event_id)
    assert before is not None
    assert before["state"] == "unknown", before

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

    data = event["data"]
    assert data["result"] == "recognized", data
    assert data["name"] == "Alice", data
    assert data["person_id"] == "alice", data
    assert data["realtime"] is True, data
    assert data["device_id"], data

    state = await client.wait_for_state(
        event_id,
        lambda s: (
            s["state"] not in ("unknown", "unavailable")
            and s["attributes"].get("event_type") == "recognized"
        ),
        timeout=DEADLINE,
        what=f"{event_id} to show the recognised face",
        processes=stack.processes,
        explain=stack.logs,
    )
    assert state["attributes"]["name"] == "Alice", state
    assert state["attributes"]["person_id"] == "alice", state

    person = await client.wait_for_state(
        last_person_id,
        lambda s: s["state"] == "Alice",
        timeout=DEADLINE,
        what=f"{last_person_id} to become Alice",
        processes=stack.processes,
        explain=stack.logs,
    )
    assert person["attributes"]["person_id"] == "alice", person

    # The Last face camera (enabled by default) shows the capture's close-up.
    async with client.session.get(
        f"{stack.base_url}/api/camera_proxy/{last_face_id}",
        headers={"Authorization": f"Bearer {client.token}"},
    ) as reply:
        assert reply.status == 200, stack.logs()
        assert reply.content_type == "image/jpeg"
        assert (await reply.read()).startswith(b"\xff\xd8\xff")

    # The push was acknowledged: nothing left for the terminal to resend.
    sim_state = await sim.state()
    assert sim_state["pending_pushes"] == 0, sim_state
    assert sim_state["acks"] >= 1, sim_state
