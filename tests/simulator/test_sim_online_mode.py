"""Online mode (match_mode 2): the terminal opens only when the ACK carries gateway_ctrl."""

from __future__ import annotations

from typing import Any

import aiohttp

from simulator import Simulator

from .sim_helpers import Call, Receiver, post_json, valid_ack


def _gate(port: int = 1) -> dict[str, Any]:
    return {"device_type": "gpio", "device_no": port, "ctrl_mode": "force", "person_id": "0001"}


async def test_door_opens_only_on_gateway_ctrl(
    sim: Simulator, call: Call, receiver: Receiver
) -> None:
    """Set to online mode over the protocol, the terminal logs what its door did per capture."""
    reply = await call("update app params", gate_control={"match_mode": 2})
    assert reply["code"] == 0
    sim.set_push_target(receiver.url)
    sim.add_person("0001", "XiaoMing")

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        if body["sequence_no"] == 1:
            return valid_ack(
                body,
                gateway_ctrl=_gate(2),
                tts={"text": "Welcome"},
                text_displays=[{"text": "Hello XiaoMing", "position": {"x": 0, "y": 0}}],
            )
        return valid_ack(body, Text_display={"text": "Denied"})

    receiver.respond = respond
    await sim.capture(person_id="0001")
    await sim.capture("stranger")
    await sim.wait_delivered(timeout=5)

    opened, kept_shut = sim.door
    assert opened["opened"] is True
    assert opened["relay"] == 2
    assert opened["person_id"] == "0001"
    assert opened["text"] == "Hello XiaoMing"
    assert opened["tts"] == "Welcome"
    assert opened["realtime"] is True
    assert opened["ack_ms"] >= 0
    assert kept_shut["opened"] is False
    assert kept_shut["text"] == "Denied"
    assert kept_shut["relay"] is None
    assert sim.summary()["door_opened"] == 1
    assert sim.summary()["match_mode"] == 2


async def test_no_door_log_outside_online_mode(sim: Simulator, receiver: Receiver) -> None:
    """In automatic mode the terminal decides by itself: no door entries from ACKs."""
    sim.set_push_target(receiver.url)
    receiver.respond = lambda body: valid_ack(body, gateway_ctrl=_gate())
    await sim.capture("stranger")
    await sim.wait_delivered(timeout=5)
    assert sim.door == []


async def test_lost_ack_resends_the_same_push(sim: Simulator, receiver: Receiver) -> None:
    """An ACK lost on the way back makes the terminal send the same body again."""
    sim.state.app_params["gate_control"]["match_mode"] = 2
    sim.set_push_target(receiver.url)
    receiver.respond = lambda body: valid_ack(body, gateway_ctrl=_gate(), text_display={"x": 1})
    sim.pusher.lose_acks = 1
    await sim.capture("stranger")
    await sim.wait_delivered(timeout=5)
    assert len(receiver.faces()) == 2
    assert receiver.faces()[0] == receiver.faces()[1]
    assert sim.pusher.failures[-1]["reason"] == "ACK lost on the way back"
    assert [entry["opened"] for entry in sim.door] == [True]
    assert sim.door[0]["text"] is None


async def test_control_routes(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """/_sim/lose_acks sets the lost ACKs; /_sim/door lists what the door did."""
    base = f"{sim.url}_sim/"
    assert await post_json(http, base + "lose_acks", {"count": 2}) == {"count": 2}
    assert sim.pusher.lose_acks == 2
    async with http.post(base + "lose_acks", json={"count": -1}) as response:
        assert response.status == 400
        assert "error" in await response.json()
    async with http.get(base + "door") as response:
        assert await response.json() == []
