"""Transport behaviour: malformed bodies, chunked requests, faults, reboot, control API, CLI."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import socket
import subprocess
import sys
import time
from typing import Any

import aiohttp
import pytest

from simulator import Simulator

from .sim_helpers import Call, Receiver, fast_simulator, post_json, wait_for

REPO = Path(__file__).resolve().parents[2]


async def test_context_manager_and_url() -> None:
    async with fast_simulator() as sim:
        assert sim.url == f"http://127.0.0.1:{sim.port}/"
        assert sim.host == "127.0.0.1"
        assert sim.port > 0
        async with aiohttp.ClientSession() as http:
            assert (await post_json(http, sim.url, {"cmd": "get version"}))["code"] == 0
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as http:
            await post_json(http, sim.url, {"cmd": "get version"})


@pytest.mark.parametrize(
    "raw", [b"not json", b"[1, 2]", b'{"cmd": 5}', b'{"version": "0.2"}', b"\xff\xfe"]
)
async def test_bad_bodies_are_code_3(
    sim: Simulator, http: aiohttp.ClientSession, raw: bytes
) -> None:
    async with http.post(sim.url, data=raw) as response:
        reply = await response.json(content_type=None)
    assert (reply["code"], reply["cmd"]) == (3, "")
    assert reply["desc"] != "OK"
    assert len(sim.requests) == 1


async def test_chunked_request_is_refused(sim: Simulator, http: aiohttp.ClientSession) -> None:
    async def chunks() -> Any:
        yield b'{"cmd": "get version"}'

    async with http.post(sim.url, data=chunks()) as response:
        reply = await response.json(content_type=None)
    assert reply["code"] == 3
    assert "Content-Length" in reply["desc"]
    assert sim.requests == [{"_rejected": "chunked transfer encoding"}]


async def test_requests_are_recorded_in_order(sim: Simulator, call: Call) -> None:
    await call("request date time")
    await call("camera volume", method="GET")
    assert sim.requests == [
        {"cmd": "request date time"},
        {"cmd": "camera volume", "method": "GET"},
    ]


async def test_faults(sim: Simulator, call: Call, http: aiohttp.ClientSession) -> None:
    sim.faults.drop_next = 1
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call("camera volume", method="SET", volume=10)
    assert sim.state.volume == 60  # not executed
    sim.faults.http_500_next = 1
    async with http.post(
        sim.url, json={"cmd": "camera volume", "method": "SET", "volume": 11}
    ) as response:
        assert response.status == 500
    assert sim.state.volume == 60
    sim.faults.garble_next = 1
    async with http.post(
        sim.url, json={"cmd": "camera volume", "method": "SET", "volume": 12}
    ) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            await response.json()
    assert sim.state.volume == 12  # executed, reply garbled
    sim.faults.latency = 0.2
    start = time.monotonic()
    assert (await call("camera volume", method="GET"))["volume"] == 12
    assert time.monotonic() - start >= 0.2
    sim.faults.latency = 0
    assert sim.faults.as_dict() == {
        "latency": 0,
        "drop_next": 0,
        "http_500_next": 0,
        "garble_next": 0,
    }


async def test_reboot_goes_offline_and_keeps_state(
    sim: Simulator, call: Call, http: aiohttp.ClientSession
) -> None:
    await call("upload person", id="keep", name="K")
    reply = await call("reboot")
    assert (reply["code"], reply["cmd"]) == (0, "reboot")
    await wait_for(lambda: not sim.online.is_set(), timeout=1)
    await asyncio.sleep(0.1)
    with pytest.raises(aiohttp.ClientConnectionError):
        await post_json(http, sim.url, {"cmd": "get version"})
    await wait_for(sim.online.is_set, timeout=3)
    reply = await call(
        "request persons", role=-1, page_no=1, page_size=10, feature_flag=0, image_flag=0
    )
    assert [p["id"] for p in reply["persons"]] == ["keep"]
    assert [e["kind"] for e in sim.log] == ["reboot", "online"]
    assert sim.log[1] == {"kind": "online", "after": "reboot"}


async def test_keep_alive_connection_is_dropped_by_reboot(sim: Simulator, call: Call) -> None:
    # the client session keeps its connection open; the reboot must not answer on it
    await call("get version")
    sim.online.clear()
    with pytest.raises(aiohttp.ClientConnectionError):
        await call("get version")
    sim.online.set()
    assert (await call("get version"))["code"] == 0


async def test_restart_application_is_a_short_outage(sim: Simulator, call: Call) -> None:
    assert (await call("restart application"))["code"] == 0
    await wait_for(lambda: any(e["kind"] == "online" for e in sim.log), timeout=3)
    assert [e["kind"] for e in sim.log] == ["restart_application", "online"]
    assert (await call("get version"))["code"] == 0


async def test_pushes_wait_during_reboot(sim: Simulator, call: Call, receiver: Receiver) -> None:
    sim.set_push_target(receiver.url)
    await call("reboot")
    await wait_for(lambda: not sim.online.is_set(), timeout=1)
    body = await sim.capture(closeup=False, overall=False)
    assert body["is_realtime"] == 0  # captured while the uplink is down
    await asyncio.sleep(0.1)
    assert receiver.faces() == []
    await sim.wait_delivered(timeout=5)
    assert receiver.faces() == [body]


async def test_stop_during_reboot_is_clean() -> None:
    sim = fast_simulator(reboot_seconds=5)
    await sim.start()
    async with aiohttp.ClientSession() as http:
        await post_json(http, sim.url, {"cmd": "reboot"})
    await wait_for(lambda: not sim.online.is_set(), timeout=1)
    await sim.stop()


async def test_control_api(sim: Simulator, http: aiohttp.ClientSession, receiver: Receiver) -> None:
    base = sim.url + "_sim/"
    sim.state.app_params["auth"] = {
        "enable": True,
        "username": "u",
        "password": "p",
    }  # not for /_sim/
    reply = await post_json(http, base + "persons", {"id": "c1", "name": "Carol"})
    assert reply == {"id": "c1", "persons": 1}
    async with http.post(base + "persons", json={"id": "c1"}) as response:
        assert response.status == 409
    async with http.post(base + "persons", json={"id": 5}) as response:
        assert response.status == 400
    assert (await post_json(http, base + "persons", {}))["id"] == "demo-2"
    async with http.post(base + "push_target", json={"url": receiver.url}) as response:
        assert (await response.json())["method"] == "http"
    async with http.post(base + "push_target", json={"url": 5}) as response:
        assert response.status == 400
    async with http.post(base + "config_url", json={"url": "ftp://x/"}) as response:
        assert response.status == 400
    reply = await post_json(http, base + "config_url", {"url": None})
    assert reply["enable"] is False
    push = await post_json(
        http, base + "capture", {"kind": "recognized", "person_id": "c1", "image_size": [80, 60]}
    )
    assert push["match"]["person_id"] == "c1"
    assert "data" not in push["overall_pic"]
    assert push["overall_pic"]["face_width"] > 0
    for bad in ({"kind": "ghost"}, {"colour": "red"}, {"image_size": [1]}, {"person_id": "zz"}):
        async with http.post(base + "capture", json=bad) as response:
            assert response.status == 400, bad
    async with http.post(base + "capture", data=b"[]") as response:
        assert response.status == 400
    async with http.post(base + "faults", data=b"not json") as response:
        assert response.status == 400
    await sim.wait_delivered(timeout=5)
    async with http.get(base + "state") as response:
        state = await response.json()
    assert state["persons"] == 2
    assert state["records"] == 1
    assert state["acks"] == 1
    assert state["pending_pushes"] == 0
    assert state["upload_target"] == receiver.url
    assert "Carol" not in str(state)
    reply = await post_json(http, base + "faults", {"http_500_next": 2, "latency": 0})
    assert reply["http_500_next"] == 2
    assert sim.faults.http_500_next == 2
    for bad in ({"explode": 1}, {"latency": -1}, {"drop_next": "x"}):
        async with http.post(base + "faults", json=bad) as response:
            assert response.status == 400
    sim.faults.http_500_next = 0
    assert (await post_json(http, base + "fail_next", {"cmd": "snapshot", "code": 24}))[
        "code"
    ] == 24
    async with http.post(base + "fail_next", json={"cmd": "snapshot"}) as response:
        assert response.status == 400
    auth = aiohttp.BasicAuth("u", "p")
    assert (await post_json(http, sim.url, {"cmd": "snapshot"}, auth=auth))["code"] == 24
    sim.state.add_log("tts", text="x")
    async with http.get(base + "log") as response:
        assert await response.json() == [{"kind": "tts", "text": "x"}]


async def test_rate_makes_captures(receiver: Receiver) -> None:
    sim = fast_simulator(rate=1200)  # one every 50 ms
    await sim.start()
    try:
        sim.set_push_target(receiver.url)
        await wait_for(lambda: len(sim.acks) >= 3, timeout=5)
        assert len(sim.state.records) >= 3
    finally:
        await sim.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_cli_runs_and_pushes(receiver: Receiver) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "--port",
            str(port),
            "--serial",
            "0123AB-000000-0000EE",
            "--auth",
            "admin:secret",
            "--push-url",
            receiver.url,
            "--persons",
            "3",
            "--has-4g",
            "--resend-interval",
            "0.1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        async with aiohttp.ClientSession() as http:
            async with asyncio.timeout(15):
                while True:
                    try:
                        async with http.get(url + "_sim/state") as response:
                            state = await response.json()
                            break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
            assert state["serial"] == "0123AB-000000-0000EE"
            assert state["persons"] == 3
            async with http.post(url, json={"cmd": "get version"}) as response:
                assert response.status == 401
            auth = aiohttp.BasicAuth("admin", "secret")
            assert (await post_json(http, url, {"cmd": "request 4g infor"}, auth=auth))[
                "module_ready"
            ] is True
            await post_json(http, url + "_sim/capture", {"kind": "recognized"})
        await wait_for(lambda: len(receiver.faces()) == 1, timeout=5)
        assert receiver.faces()[0]["match"]["person_name"] in {"Alice", "Bob", "Carol"}
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    text = output.decode()
    assert "ready" in text
    for name in ("Alice", "Bob", "Carol"):
        assert name not in text  # no names in the log
    assert process.returncode == 0


async def test_control_api_bulk_persons(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Thousands of demo persons in one request; the list then pages as the document says."""
    base = sim.url + "_sim/"
    assert await post_json(http, base + "persons", {"count": 10_000}) == {"persons": 10_000}
    assert sim.state.persons["demo-10000"]["name"]
    for bad in ({"count": 0}, {"count": "5"}, {"count": True}):
        async with http.post(base + "persons", json=bad) as response:
            assert response.status == 400, bad
    async with http.post(base + "persons", json={"count": 1}) as response:
        assert response.status == 409  # the terminal is full
    page = await post_json(
        http,
        sim.url,
        {
            "cmd": "request persons",
            "role": -1,
            "page_no": 500,
            "page_size": 20,
            "feature_flag": 0,
            "image_flag": 0,
        },
    )
    assert page["total"] == 10_000
    assert [person["id"] for person in page["persons"]][-1] == "demo-10000"
