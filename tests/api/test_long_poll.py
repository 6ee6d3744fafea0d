"""The long-poll transport on its own: queue, hand-out, result matching, holds and timeouts."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from custom_components.facecapture.api import (
    FaceCaptureClient,
    FaceCaptureConnectionError,
    FaceCaptureOfflineError,
    FaceCaptureUnsupportedError,
    FaceCaptureValidationError,
    LongPollTransport,
)
from custom_components.facecapture.api.long_poll import request_serial, result_command_id
from custom_components.facecapture.api.push import (
    CommandResult,
    FacePush,
    Heartbeat,
    SipEvent,
    parse_push,
)

SERIAL = "0123E4-FB5BFC-9186EE"
EMPTY = {"reply": "ACK", "cmd": "heart beat", "code": 0}


def heartbeat(serial: str = SERIAL) -> Heartbeat:
    return Heartbeat(device_sn=serial)


def result(cmd: str, command_id: Any, *, key: str = "command_id", **fields: Any) -> CommandResult:
    body = {"reply": "ACK", "cmd": cmd, "code": 0, key: command_id, **fields}
    if command_id is None:
        del body[key]
    message = parse_push(body)
    assert isinstance(message, CommandResult)
    return message


async def test_command_round_trip() -> None:
    """A queued command goes out with a fresh id in the next reply; its result resolves the call."""
    transport = LongPollTransport(hold=1)
    call = asyncio.create_task(transport.send({"cmd": "request date time", "version": "0.2"}))
    await asyncio.sleep(0)
    assert transport.queued == 1
    command = await transport.answer(heartbeat())
    assert command["cmd"] == "request date time"
    assert command["version"] == "0.2"
    assert isinstance(command["command_id"], str)
    assert transport.queued == 0
    assert transport.in_flight == 1
    idle = asyncio.create_task(
        transport.answer(result("request date time", command["command_id"], date_time="x"))
    )
    reply = await call
    assert reply["date_time"] == "x"
    assert transport.in_flight == 0
    idle.cancel()


async def test_fresh_ids_and_the_other_spelling() -> None:
    """Every command gets its own id; a result echoing `cammand_id` resolves it too."""
    transport = LongPollTransport(hold=0.05)
    first = asyncio.create_task(transport.send({"cmd": "a"}))
    second = asyncio.create_task(transport.send({"cmd": "b"}))
    await asyncio.sleep(0)
    one = await transport.answer(heartbeat())
    two = await transport.answer(result("a", one["command_id"], key="cammand_id", n=1))
    assert one["command_id"] != two["command_id"]
    assert (await first)["n"] == 1
    await transport.answer(result("b", two["command_id"], n=2))
    assert (await second)["n"] == 2


async def test_result_without_id_matches_by_command() -> None:
    """Firmware that does not echo the id: the result of the one command out under that name."""
    transport = LongPollTransport(hold=0.05)
    call = asyncio.create_task(transport.send({"cmd": "camera volume"}))
    await asyncio.sleep(0)
    await transport.answer(heartbeat())
    assert await transport.answer(result("other", None)) == EMPTY  # not this one
    assert not call.done()
    await transport.answer(result("camera volume", None, volume=7))
    assert (await call)["volume"] == 7


async def test_integer_id_echo_and_late_result() -> None:
    """An id echoed as a number still matches; a result nobody waits for is dropped."""
    assert result_command_id({"command_id": 12}) == "12"
    assert result_command_id({"command_id": True, "cammand_id": "z"}) == "z"
    assert result_command_id({}) is None
    transport = LongPollTransport(hold=0.05)
    assert await transport.answer(result("reboot", "nobody")) == EMPTY


async def test_idle_heartbeat_is_held_then_answered_empty() -> None:
    """Nothing queued: the reply waits `hold` seconds, then is the empty heartbeat reply."""
    transport = LongPollTransport(hold=0.3)
    start = time.monotonic()
    reply = await transport.answer(heartbeat())
    assert reply == EMPTY
    assert 0.28 <= time.monotonic() - start < 1


async def test_held_heartbeat_answered_at_once_when_a_command_is_queued() -> None:
    """A command queued while the terminal waits goes out at once, not after the hold."""
    transport = LongPollTransport(hold=10)
    held = asyncio.create_task(transport.answer(heartbeat()))
    await asyncio.sleep(0.05)
    assert not held.done()
    start = time.monotonic()
    call = asyncio.create_task(transport.send({"cmd": "tts play", "text": "hi"}))
    command = await asyncio.wait_for(held, 1)
    assert time.monotonic() - start < 0.5
    assert command["cmd"] == "tts play"
    call.cancel()


async def test_newer_request_releases_an_older_held_one() -> None:
    """The terminal has one request open: an older held one is answered empty, not given work."""
    transport = LongPollTransport(hold=10)
    old = asyncio.create_task(transport.answer(heartbeat()))
    await asyncio.sleep(0.01)
    new = asyncio.create_task(transport.answer(heartbeat()))
    assert await asyncio.wait_for(old, 1) == EMPTY
    call = asyncio.create_task(transport.send({"cmd": "ping"}))
    assert (await asyncio.wait_for(new, 1))["cmd"] == "ping"
    call.cancel()


async def test_timeout_when_never_fetched_is_offline() -> None:
    """Nobody comes to fetch it: the caller gets the offline connection error, not a hang."""
    transport = LongPollTransport(timeout=0.1)
    with pytest.raises(
        FaceCaptureOfflineError, match=r"did not come to fetch 'ping' within 0\.1 s"
    ):
        await transport.send({"cmd": "ping"})
    assert transport.queued == 0


async def test_timeout_when_fetched_but_no_result() -> None:
    """The terminal took it and went away: a connection error after the timeout."""
    transport = LongPollTransport(hold=0.05)
    call = asyncio.create_task(transport.send({"cmd": "reboot"}, timeout=0.2))
    await asyncio.sleep(0)
    await transport.answer(heartbeat())
    with pytest.raises(FaceCaptureConnectionError, match="sent no result") as err:
        await call
    assert not isinstance(err.value, FaceCaptureOfflineError)
    assert transport.in_flight == 0


async def test_cancelled_caller_leaves_nothing_queued() -> None:
    """A caller that gives up is forgotten: the terminal is not handed its command."""
    transport = LongPollTransport(hold=0.05)
    call = asyncio.create_task(transport.send({"cmd": "ping"}))
    await asyncio.sleep(0)
    call.cancel()
    await asyncio.gather(call, return_exceptions=True)
    assert transport.queued == 0
    assert await transport.answer(heartbeat()) == EMPTY


async def test_close_fails_waiting_callers_and_releases_the_hold() -> None:
    """Closing answers a held request at once and fails queued and in-flight commands."""
    transport = LongPollTransport(hold=10)
    fetched = asyncio.create_task(transport.send({"cmd": "a"}))
    await asyncio.sleep(0)
    await transport.answer(heartbeat())
    queued = asyncio.create_task(transport.send({"cmd": "b"}))
    idle = asyncio.create_task(transport.idle_reply())
    await asyncio.sleep(0.01)
    assert transport.queued == 1
    start = time.monotonic()
    await transport.close()
    assert await idle == EMPTY
    assert time.monotonic() - start < 0.5
    for call in (fetched, queued):
        with pytest.raises(FaceCaptureConnectionError, match="closed"):
            await call
    with pytest.raises(FaceCaptureConnectionError, match="closed"):
        await transport.send({"cmd": "c"})
    assert await transport.answer(heartbeat()) == EMPTY
    assert await transport.idle_reply() == EMPTY
    other = LongPollTransport(hold=10)
    held = asyncio.create_task(other.answer(heartbeat()))
    await asyncio.sleep(0.01)
    await other.close()
    assert await asyncio.wait_for(held, 0.5) == EMPTY


async def test_idle_reply_waits_the_hold() -> None:
    """A request that gets no command (another terminal's) is still held, never answered at once."""
    transport = LongPollTransport(hold=0.2)
    start = time.monotonic()
    assert await transport.idle_reply() == EMPTY
    assert time.monotonic() - start >= 0.19


@pytest.mark.parametrize("hold", [15, 20, -1])
def test_hold_must_stay_under_the_terminal_wait(hold: float) -> None:
    with pytest.raises(FaceCaptureValidationError, match="15"):
        LongPollTransport(hold=hold)


async def test_contact_tracking_and_serial() -> None:
    """Every request counts as contact; the transport serves one serial when told which."""
    transport = LongPollTransport(hold=0)
    seen: list[int] = []
    stop = transport.add_contact_listener(lambda: seen.append(transport.requests))
    waiter = asyncio.create_task(transport.wait_contact())
    await asyncio.sleep(0)
    assert not waiter.done()
    assert transport.last_contact is None
    await transport.answer(heartbeat())
    await asyncio.wait_for(waiter, 1)
    assert transport.last_contact is not None
    stop()
    await transport.answer(heartbeat())
    assert seen == [1]
    assert transport.requests == 2
    assert transport.accepts("anything")
    transport.serial = SERIAL
    assert transport.accepts(SERIAL)
    assert transport.accepts(None)
    assert not transport.accepts("FFFFFF-FFFFFF-FFFFFF")


def test_request_serial() -> None:
    assert request_serial(heartbeat("S1")) == "S1"
    assert request_serial(result("x", "1", device_sn="S2")) == "S2"
    assert request_serial(result("x", "1")) is None
    assert request_serial(SipEvent(sip_event=1, device_sn="S3")) == "S3"
    face = parse_push({"cmd": "face", "sequence_no": 1, "cap_time": "2026/01/01 00:00:00"})
    assert isinstance(face, FacePush)
    assert request_serial(face) is None


async def test_client_errors_are_the_same_over_the_queue() -> None:
    """The typed methods check the code the same way: code 2 is the unsupported error."""
    transport = LongPollTransport(hold=0.05)
    client = FaceCaptureClient(transport=transport)
    assert client.timeout == transport.timeout
    call = asyncio.create_task(client.get_4g_info())
    await asyncio.sleep(0)
    command = await transport.answer(heartbeat())
    assert command["cmd"] == "request 4g infor"
    await transport.answer(result("request 4g infor", command["command_id"], code=2))
    with pytest.raises(FaceCaptureUnsupportedError):
        await call
    await client.close()
    with pytest.raises(FaceCaptureConnectionError):
        await client.get_volume()
