"""App, stream and schedule params (document 2.3) and HTTP Basic auth."""

from __future__ import annotations

import copy
import json
from typing import Any

import aiohttp
import pytest

from simulator import Simulator
from simulator.state import default_app_params
from tests.vendored import vendored

from .sim_helpers import Call, fast_simulator, post_json

# The vendor's protocol tester: every command it sends, by section.
VENDOR_TOOL = "vendor-samples/protocol-tester-commands-en.json"


def vendor_sample() -> dict[str, Any]:
    """The tester's own `update app params` request, read from its vendored commands file."""
    tool = json.loads(vendored(VENDOR_TOOL).read_text(encoding="utf-8"))
    sample: dict[str, Any] = tool["Device Parameters"]["update app params"]
    return sample


def test_vendored_sample_is_the_vendor_tools() -> None:
    """The sample is the tester's `update app params`, whole, as copied (its recorded digest)."""
    sample = vendor_sample()
    assert sample["cmd"] == "update app params"
    assert {"face", "gate_control", "upload_info", "auth"} <= set(sample)


async def test_request_app_params_has_document_and_vendor_fields(
    sim: Simulator, call: Call
) -> None:
    reply = await call("request app params")
    assert reply["code"] == 0
    for section in (
        "device_info",
        "extranet",
        "upload_info",
        "face",
        "gate_control",
        "led_control",
        "lcd_control",
        "qr_code_control",
        "name_list",
        "auth",
        "ntp",
        "record",
        "remote_upgrader",
    ):
        assert isinstance(reply[section], dict), section
    assert reply["language"] == 0
    face = reply["face"]
    assert face["derep_timeout"] == 3
    assert "derep_timeout " not in face
    assert {"hat", "card", "mask", "body_temperature"} <= set(face)
    assert reply["auth"] == {"enable": False, "username": "admin", "password": "admin"}


async def test_update_app_params_deep_merges_and_keeps_unknown_keys(
    sim: Simulator, call: Call
) -> None:
    reply = await call(
        "update app params",
        version="0.2",
        face={"match_score": 90, "mask": {"must_wear_mask": True}, "new_switch": 7},
        brand_new={"x": 1},
    )
    assert reply["code"] == 0
    params = sim.state.app_params
    assert params["face"]["match_score"] == 90
    assert params["face"]["mask"] == {
        **default_app_params()["face"]["mask"],
        "must_wear_mask": True,
    }
    assert params["face"]["new_switch"] == 7
    assert params["brand_new"] == {"x": 1}
    assert "version" not in params
    assert params["face"]["enable_match"] is True  # untouched


async def test_update_app_params_accepts_spaced_derep_timeout(sim: Simulator, call: Call) -> None:
    assert (await call("update app params", face={"derep_timeout ": 10}))["code"] == 0
    assert sim.state.app_params["face"]["derep_timeout"] == 10
    assert "derep_timeout " not in sim.state.app_params["face"]
    assert (await call("update app params", face={"derep_timeout ": 61}))["code"] == 3


async def test_update_app_params_vendor_sample_is_accepted(sim: Simulator, call: Call) -> None:
    body = {k: v for k, v in vendor_sample().items() if k != "cmd"}
    reply = await call("update app params", **body)
    assert reply["code"] == 0, reply
    assert sim.state.app_params["face"]["card"]["temp_user_duration"] == 3600
    assert sim.state.app_params["extranet"]["server_domain"] == "a.b.com"


@pytest.mark.parametrize(
    "patch",
    [
        {"face": {"match_score": 69}},
        {"face": {"match_score": 101}},
        {"face": {"derep_timeout": 2}},
        {"gate_control": {"gpio_retention_time": 499}},
        {"gate_control": {"gpio_retention_time": 5001}},
        {"led_control": {"led_brightness": 0}},
        {"led_control": {"led_brightness": 101}},
        {"qr_code_control": {"repeat_interval": 256}},
        {"face": {"pic_form": "all"}},
        {"upload_info": {"method": "mqtt"}},
        {"upload_info": {"server_port": "8123"}},
        {"upload_info": {"server_ip": "homeassistant.local"}},
        {"upload_info": {"service_url": "/" + "x" * 101}},
        {"extranet": {"server_ip": "not-an-ip"}},
        {"device_info": {"addr_name": "x" * 96}},
        {"face": "on"},
        {"face": {"enable_match": 1}},
        {"face": {"match_score": 80.5}},
        {"auth": {"enable": True, "password": ""}},
    ],
)
async def test_update_app_params_rejections_change_nothing(
    sim: Simulator, call: Call, patch: dict[str, object]
) -> None:
    before = copy.deepcopy(sim.state.app_params)
    reply = await call("update app params", **patch)
    assert reply["code"] == 3
    assert reply["desc"] != "OK"
    assert sim.state.app_params == before


async def test_update_app_params_accepts_https_ip_and_float_for_int(
    sim: Simulator, call: Call
) -> None:
    patch = {
        "upload_info": {"method": "http", "server_ip": "https://192.168.1.2", "server_port": 8443}
    }
    assert (await call("update app params", **patch))["code"] == 0
    assert (await call("update app params", face={"body_temperature": {"limit": 38}}))["code"] == 0
    assert sim.state.app_params["face"]["body_temperature"]["limit"] == 38


async def test_reset_app_params_keeps_auth(
    sim: Simulator, call: Call, http: aiohttp.ClientSession
) -> None:
    sim.set_push_target("http://127.0.0.1:9/x")
    await call("update app params", face={"match_score": 95})
    await call("update app params", auth={"enable": True, "username": "u", "password": "p"})
    auth = aiohttp.BasicAuth("u", "p")
    reply = await post_json(http, sim.url, {"cmd": "reset app params"}, auth=auth)
    assert reply["code"] == 0
    assert sim.state.app_params["face"]["match_score"] == 80
    assert sim.state.app_params["upload_info"]["method"] == "none"  # push target is gone
    assert sim.state.app_params["auth"] == {"enable": True, "username": "u", "password": "p"}


async def test_basic_auth(http: aiohttp.ClientSession) -> None:
    sim = fast_simulator(auth=("user", "pass"))
    await sim.start()
    try:
        async with http.post(sim.url, json={"cmd": "get version"}) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"].startswith("Basic")
        bad = aiohttp.BasicAuth("user", "wrong")
        async with http.post(sim.url, json={"cmd": "get version"}, auth=bad) as response:
            assert response.status == 401
        async with http.post(
            sim.url, json={"cmd": "x"}, headers={"Authorization": "Basic !!"}
        ) as response:
            assert response.status == 401
        good = aiohttp.BasicAuth("user", "pass")
        reply = await post_json(http, sim.url, {"cmd": "request app params"}, auth=good)
        assert reply["auth"] == {"enable": True, "username": "user", "password": "pass"}
        assert sim.requests == [{"cmd": "request app params"}]  # rejected requests are not read
        # changing the credentials changes what the server accepts
        new = {"cmd": "update app params", "auth": {"password": "new"}}
        assert (await post_json(http, sim.url, new, auth=good))["code"] == 0
        async with http.post(sim.url, json={"cmd": "get version"}, auth=good) as response:
            assert response.status == 401
        newer = aiohttp.BasicAuth("user", "new")
        off = {"cmd": "update app params", "auth": {"enable": False}}
        assert (await post_json(http, sim.url, off, auth=newer))["code"] == 0
        assert (await post_json(http, sim.url, {"cmd": "get version"}))["code"] == 0
    finally:
        await sim.stop()


async def test_stream_params(sim: Simulator, call: Call) -> None:
    reply = await call("request stream params")
    assert reply["image"] == {
        "max_exposure": 4000,
        "max_gain": 20,
        "contrast": 60,
        "saturation": 110,
        "brightness": 46,
    }
    assert reply["video"] == {"bitrate": 2048}
    assert (await call("update stream params", image={"brightness": 70}))["code"] == 0
    assert (await call("request stream params"))["image"]["brightness"] == 70
    assert (await call("request stream params"))["image"]["contrast"] == 60
    for patch in (
        {"image": {"brightness": 0}},
        {"image": {"max_exposure": 9901}},
        {"video": {"bitrate": 1000}},
        {"image": {"max_gain": "high"}},
    ):
        assert (await call("update stream params", **patch))["code"] == 3
    assert (await call("reset stream params"))["code"] == 0
    assert (await call("request stream params"))["image"]["brightness"] == 46


def _rule(
    kind: int, mode: str = "daily", days: int | None = None, **extra: object
) -> dict[str, object]:
    section = {"start": {"hour": 8, "minute": 10}, "end": {"hour": 18, "minute": 10}}
    count = days if days is not None else (1 if mode == "daily" else 7)
    return {
        "name": f"rule {kind}",
        "kind": kind,
        "mode": mode,
        "days": [{"sections": [section]} for _ in range(count)],
        **extra,
    }


async def test_schedules(sim: Simulator, call: Call) -> None:
    # a terminal without rules leaves the list out
    reply = await call("request schedule params")
    assert reply["code"] == 0
    assert "kinds" not in reply
    reply = await call("update schedule params", kinds=[_rule(1), _rule(2, "weekly")])
    assert (reply["code"], reply["desc"]) == (0, "OK")
    kinds = (await call("request schedule params"))["kinds"]
    assert [k["kind"] for k in kinds] == [1, 2]
    assert len(kinds[1]["days"]) == 7
    assert (await call("add schedule kind", kinds=[_rule(3), _rule(1, "weekly")]))["code"] == 0
    kinds = (await call("request schedule params"))["kinds"]
    assert [(k["kind"], k["mode"]) for k in kinds] == [(1, "weekly"), (2, "weekly"), (3, "daily")]
    assert (await call("update schedule params", kinds=[_rule(15)]))["code"] == 0
    assert [k["kind"] for k in sim.state.schedules] == [15]


@pytest.mark.parametrize(
    "kinds",
    [
        [_rule(n) for n in range(1, 17)],
        [_rule(1), _rule(1)],
        [_rule(0)],
        [_rule(16)],
        [_rule(1, "monthly")],
        [_rule(1, "weekly", days=6)],
        [_rule(1, "daily", days=2)],
        [
            {
                **_rule(1),
                "days": [
                    {
                        "sections": [
                            {"start": {"hour": 9, "minute": 0}, "end": {"hour": 8, "minute": 0}}
                        ]
                    }
                ],
            }
        ],
        [
            {
                **_rule(1),
                "days": [
                    {
                        "sections": [
                            {"start": {"hour": 24, "minute": 0}, "end": {"hour": 8, "minute": 0}}
                        ]
                    }
                ],
            }
        ],
        [{**_rule(1), "days": ["x"]}],
        [{**_rule(1), "days": [{"sections": ["x"]}]}],
        ["x"],
        "x",
    ],
)
async def test_schedule_rejections(sim: Simulator, call: Call, kinds: object) -> None:
    await call("update schedule params", kinds=[_rule(5)])
    assert (await call("update schedule params", kinds=kinds))["code"] == 3
    assert (await call("add schedule kind", kinds=kinds))["code"] == 3
    assert [k["kind"] for k in sim.state.schedules] == [5]
