"""The terminal as configuration client (document 1.1.3)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from simulator import Simulator

from .sim_helpers import Receiver, fast_simulator, wait_for


def _enable(sim: Simulator, receiver: Receiver, path: str = "/config") -> None:
    sim.state.app_params["extranet"].update(
        enable=True, mode="http", server_ip="127.0.0.1", server_port=receiver.port, url=path
    )


async def test_heartbeat_command_result_cycle(sim: Simulator, receiver: Receiver) -> None:
    commands: list[Any] = [
        {"cmd": "camera volume", "method": "SET", "volume": 33, "command_id": "c-1"},
        {"cmd": "request date time", "command_id": 7},
        {"cmd": "no such thing"},
    ]

    def respond(body: dict[str, Any]) -> Any:
        if commands:
            return commands.pop(0)
        return None  # nothing to do: empty reply

    receiver.respond = respond
    _enable(sim, receiver)
    await wait_for(
        lambda: len(sim.config_client.results) == 3 and sim.config_client.heartbeats >= 2
    )
    bodies = receiver.bodies
    assert bodies[0]["cmd"] == "heart beat"
    assert bodies[0]["device_sn"] == sim.state.serial
    assert "reply" not in bodies[0]
    first, second, third = bodies[1], bodies[2], bodies[3]
    assert (first["reply"], first["cmd"], first["code"], first["command_id"]) == (
        "ACK",
        "camera volume",
        0,
        "c-1",
    )
    assert (second["cmd"], second["command_id"]) == ("request date time", 7)
    assert "date_time" in second
    assert third["code"] == 2
    assert "command_id" not in third
    assert bodies[4]["cmd"] == "heart beat"  # back to asking
    assert sim.state.volume == 33
    assert {"cmd": "request date time", "command_id": 7} in sim.requests


async def test_non_command_replies_and_unreachable_server(
    sim: Simulator, receiver: Receiver
) -> None:
    replies = iter([web.Response(text="not json"), {"reply": "ACK", "code": 0}, ["x"]])
    receiver.respond = lambda body: next(replies, None)
    _enable(sim, receiver, path="config.php")
    await wait_for(lambda: sim.config_client.heartbeats >= 4)
    assert all(body["cmd"] == "heart beat" for body in receiver.bodies)
    assert sim.config_client.results == []
    await receiver.stop()
    await asyncio.sleep(0.15)  # connection refused: keeps trying without crashing
    count = sim.config_client.heartbeats
    await receiver.start(receiver.port)
    await wait_for(lambda: sim.config_client.heartbeats > count)


async def test_disabled_or_tcp_mode_does_not_ask(sim: Simulator, receiver: Receiver) -> None:
    _enable(sim, receiver)
    sim.state.app_params["extranet"]["mode"] = "tcp"
    await asyncio.sleep(0.15)
    sim.state.app_params["extranet"].update(mode="http", enable=False)
    await asyncio.sleep(0.15)
    assert receiver.bodies == []
    sim.state.app_params["extranet"]["enable"] = True
    await wait_for(lambda: len(receiver.bodies) >= 1)


async def test_reboot_command_reports_then_reboots(receiver: Receiver) -> None:
    sim = fast_simulator(reboot_seconds=0.2)
    await sim.start()
    try:
        sent = False

        def respond(body: dict[str, Any]) -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return {"cmd": "reboot", "command_id": "r"}
            # this command arrives with the reboot result and is lost, as on a device
            if body.get("cmd") == "reboot":
                return {"cmd": "camera volume", "method": "SET", "volume": 1}
            return None

        receiver.respond = respond
        _enable(sim, receiver)
        await wait_for(lambda: any(e["kind"] == "online" for e in sim.log), timeout=5)
        result = next(b for b in receiver.bodies if b.get("reply"))
        assert (result["cmd"], result["code"], result["command_id"]) == ("reboot", 0, "r")
        assert sim.state.volume == 60
        assert [e["kind"] for e in sim.log] == ["reboot", "online"]
    finally:
        await sim.stop()
