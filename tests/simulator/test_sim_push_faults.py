"""Faults on the way to the server (the soak's tools): aborted bodies, lost ACKs, duplicates."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from simulator import Simulator
from simulator.pusher import PushFaults

from .sim_helpers import Receiver, default_respond


@pytest.mark.parametrize(
    "values",
    [{"abort_body": 1.5}, {"lose_ack": -0.1}, {"duplicate": True}, {"abort_body": "0.5"}],
)
def test_faults_must_be_probabilities(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="probability"):
        PushFaults(**values)


def test_no_faults_by_default(sim: Simulator) -> None:
    faults = sim.pusher.faults
    assert not any(faults.happens(name) for name in ("abort_body", "lose_ack", "duplicate"))
    assert faults.counts == {}


async def test_every_capture_arrives_through_faults(sim: Simulator, receiver: Receiver) -> None:
    sim.pusher.faults = PushFaults(abort_body=0.3, lose_ack=0.3, duplicate=0.3, seed=3)
    sim.set_push_target(receiver.url)
    bodies = [await sim.capture(kind="stranger", image_size=(64, 48)) for _ in range(20)]
    await sim.wait_delivered(timeout=20)

    counts = sim.pusher.faults.counts
    assert counts["abort_body"] > 0
    assert counts["lose_ack"] > 0
    assert counts["duplicate"] > 0
    # Every capture acknowledged once, in order, whatever happened on the way.
    assert [ack["sequence_no"] for ack in sim.acks] == [b["sequence_no"] for b in bodies]
    # An aborted body never reaches the handler whole; a lost ACK and a duplicate resend it.
    faces = receiver.faces()
    assert len(faces) == len(bodies) + counts["lose_ack"] + counts["duplicate"]
    reasons = [failure["reason"] for failure in sim.pusher.failures]
    assert reasons.count("body aborted half-way (fault)") == counts["abort_body"]
    assert reasons.count("ACK lost (fault)") == counts["lose_ack"]
    assert sim.pusher.duplicate_replies_bad == 0


async def test_a_bad_reply_to_a_duplicate_is_counted(sim: Simulator, receiver: Receiver) -> None:
    seen: set[int] = set()

    def respond(body: dict[str, Any]) -> Any:
        if body["sequence_no"] in seen:
            return {"reply": "ACK", "cmd": "face", "code": 0}  # no echo: invalid
        seen.add(body["sequence_no"])
        return default_respond(body)

    receiver.respond = respond
    sim.pusher.faults = PushFaults(duplicate=1.0)
    sim.set_push_target(receiver.url)
    await sim.capture(kind="stranger", image_size=(64, 48))
    await sim.wait_delivered(timeout=5)
    assert sim.pusher.faults.counts["duplicate"] == 1
    assert sim.pusher.duplicate_replies_bad == 1


async def test_a_duplicate_without_an_answer_is_counted(sim: Simulator, receiver: Receiver) -> None:
    seen: set[int] = set()
    sim.pusher.timeout = 0.2

    async def respond(body: dict[str, Any]) -> Any:
        if body["sequence_no"] in seen:
            await asyncio.sleep(1.0)  # past the terminal's timeout: no answer at all
        seen.add(body["sequence_no"])
        return default_respond(body)

    receiver.respond = respond
    sim.pusher.faults = PushFaults(duplicate=1.0)
    sim.set_push_target(receiver.url)
    await sim.capture(kind="stranger", image_size=(64, 48))
    await sim.wait_delivered(timeout=5)
    assert sim.pusher.duplicate_replies_bad == 1
