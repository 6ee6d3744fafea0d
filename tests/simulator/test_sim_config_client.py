"""The terminal as configuration client (document 1.1.3)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web
import pytest

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
    assert {"cmd": "request date time", "command_id": 7} in sim.config_client.commands
    assert {"cmd": "request date time"} in sim.requests


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


def test_device_defaults() -> None:
    """The device waits at most 15 s for a reply."""
    assert Simulator().config_client.timeout == 15.0


async def test_acks_are_not_commands(sim: Simulator, receiver: Receiver) -> None:
    """A reply with `reply` is an answer, not a command, even when it names one."""
    replies: list[Any] = [
        {"reply": "ACK", "cmd": "camera volume", "method": "SET", "volume": 5, "code": 0},
        {"reply": "ACK", "cmd": "heart beat", "code": 0},
        {"cmd": 12},
        {"cmd": "camera volume", "method": "SET", "volume": 44, "cammand_id": "x9"},
    ]
    receiver.respond = lambda body: replies.pop(0) if replies else None
    volume = sim.state.volume
    _enable(sim, receiver)
    await wait_for(lambda: len(sim.config_client.results) == 1)
    assert sim.state.volume == 44 != volume
    result = sim.config_client.results[0]
    assert result["cammand_id"] == "x9"
    assert "command_id" not in result
    assert [body.get("reply") for body in receiver.bodies[:5]] == [None, None, None, None, "ACK"]


@pytest.mark.parametrize("reply", [None, {"reply": "ACK", "cmd": "heart beat", "code": 0}])
async def test_asks_again_at_once_after_any_reply(receiver: Receiver, reply: Any) -> None:
    """A server that answers at once with nothing makes the terminal loop (document 1.1.3)."""
    sim = fast_simulator(config_retry_interval=5.0)
    await sim.start()
    try:
        receiver.respond = lambda body: reply
        _enable(sim, receiver)
        await wait_for(lambda: sim.config_client.heartbeats >= 1)
        start = time.monotonic()
        await asyncio.sleep(0.5)
        count = sim.config_client.requests_between(start, time.monotonic())
    finally:
        await sim.stop()
    # Waiting its 5 s retry interval after a reply, it would ask once at most in this half second;
    # asking again at once, it asks as fast as the loopback answers (dozens of times, fewer on a
    # busy machine).
    assert count >= 5, f"{count} requests in 0.5 s"


async def test_no_reply_in_time_asks_again_at_once(receiver: Receiver) -> None:
    """Without a reply the terminal gives up after its wait and asks again straight away."""
    sim = fast_simulator(config_timeout=0.3, config_retry_interval=5.0)
    await sim.start()
    try:

        async def never(body: dict[str, Any]) -> Any:
            await asyncio.sleep(0.8)

        receiver.respond = never
        _enable(sim, receiver)
        await wait_for(lambda: sim.config_client.timeouts >= 2, timeout=3)
        times = list(sim.config_client.request_times)
    finally:
        await sim.stop()
    assert 0.25 < times[1] - times[0] < 0.6


async def test_closed_connection_asks_again_at_once() -> None:
    """Closing the connection without a reply is an answer too: the terminal asks again."""
    accepted = 0

    async def close_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        await reader.read(1)
        writer.close()

    server = await asyncio.start_server(close_at_once, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sim = fast_simulator(config_retry_interval=5.0)
    await sim.start()
    try:
        sim.set_config_url(f"http://127.0.0.1:{port}/cc")
        await wait_for(lambda: accepted >= 5, timeout=3)
    finally:
        await sim.stop()
        server.close()
        await server.wait_closed()


async def test_config_url_helpers(sim: Simulator, receiver: Receiver) -> None:
    """`set_config_url` fills the extranet section the way a user's settings would."""
    sim.set_config_url("https://example.test/api/webhook/abc?x=1")
    section = sim.state.app_params["extranet"]
    assert (section["enable"], section["mode"], section["server_domain"]) == (
        True,
        "http",
        "https://example.test",
    )
    assert (section["server_port"], section["url"]) == (443, "/api/webhook/abc?x=1")
    assert sim.summary()["config_url"] == "https://example.test:443/api/webhook/abc?x=1"
    sim.set_config_url(None)
    assert sim.summary()["config_url"] is None
    with pytest.raises(TypeError):
        sim.set_config_url(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="http"):
        sim.set_config_url("ftp://x/")
