"""Every other command of the document (2.4-2.18) plus the vendor's ``get version``."""

from __future__ import annotations

import base64
from datetime import timedelta
import hashlib
from pathlib import Path
import re

import pytest

from simulator import COMMANDS, Simulator
from simulator.clock import parse_wall_time
from simulator.images import image_format

from .sim_helpers import Call, fast_simulator, jpeg_b64, png_b64, post_json, wav_bytes

# The vendored copy of shared/protocol (tests/api/test_command_coverage.py checks its digest).
DOCUMENT = Path(__file__).resolve().parents[1] / "fixtures/protocol/face-capture-http-api.txt"


def test_every_document_command_is_handled() -> None:
    text = DOCUMENT.read_text()
    found = {m.strip() for m in re.findall(r'"cmd"\s*[:,]\s*"([^"]*)"', text)}
    pushes = {"face", "sip event", "..."}  # device-to-server messages and a placeholder
    documented = (found - pushes) | {"add schedule kind"}  # 2.3.9 names it in prose
    assert documented - set(COMMANDS) == set()
    assert {"get version", "gpio control Extend"} <= set(COMMANDS)


async def test_reply_envelope_and_unknown_commands(sim: Simulator, call: Call) -> None:
    reply = await call(
        "heart beat", ip="192.168.1.88", device_sn="x", device_no="", addr_no="", addr_name=""
    )
    assert reply == {
        "reply": "ACK",
        "cmd": "heart beat",
        "code": 0,
        "device_sn": sim.state.serial,
        "desc": "OK",
    }
    reply = await call("get allpersonid")
    assert (reply["code"], reply["cmd"]) == (2, "get allpersonid")
    assert (await call(" gpio control"))["code"] == 2  # exact match only


async def test_unsupported_commands_answer_code_2(http: object) -> None:
    sim = fast_simulator(unsupported={"request 4g infor", "get version"})
    await sim.start()
    try:
        reply = await post_json(http, sim.url, {"cmd": "request 4g infor"})  # type: ignore[arg-type]
        assert reply["code"] == 2
        reply = await post_json(http, sim.url, {"cmd": "request date time"})  # type: ignore[arg-type]
        assert reply["code"] == 0
    finally:
        await sim.stop()


async def test_get_version(sim: Simulator, call: Call) -> None:
    reply = await call("get version")
    assert reply["version"] == "0.42"
    assert reply["firmware"]["platform"] == "HI3516DV300"
    assert set(reply["firmware"]) == {
        "system",
        "appversion",
        "algversion",
        "platform",
        "sensor",
        "board",
        "lcd",
        "timestamp",
    }


async def test_snapshot_uses_the_documents_spaced_key(sim: Simulator, call: Call) -> None:
    reply = await call("snapshot")
    assert "image" not in reply
    image = reply["image "]
    assert image["format"] == "jpg"
    assert image_format(base64.b64decode(image["image_data"])) == "jpg"
    assert parse_wall_time(image["time_stamp"]) is not None


async def test_gpio_and_wiegand(sim: Simulator, call: Call) -> None:
    reply = await call("gpio control", port=1, ctrl_type="on", ctrl_mode="force", person_id="0001")
    assert reply["code"] == 0
    reply = await call(
        "gpio control Extend", port=2, ctrl_type="on", ctrl_mode="scene", voicePlay="No0.pass.wav"
    )
    assert reply["code"] == 0
    assert sim.log == [
        {
            "kind": "gpio",
            "source": "command",
            "port": 1,
            "ctrl_type": "on",
            "ctrl_mode": "force",
            "person_id": "0001",
        },
        {
            "kind": "gpio",
            "source": "command",
            "port": 2,
            "ctrl_type": "on",
            "ctrl_mode": "scene",
            "person_id": "",
            "voicePlay": "No0.pass.wav",
        },
    ]
    for fields in (
        {"port": 3, "ctrl_type": "on", "ctrl_mode": "force"},
        {"port": 1, "ctrl_type": "off", "ctrl_mode": "force"},
        {"port": 1, "ctrl_type": "on", "ctrl_mode": "always"},
        {"port": 1, "ctrl_type": "on"},
    ):
        assert (await call("gpio control", **fields))["code"] == 3
    reply = await call(
        "wiegand control",
        wiegand_card_no=0,
        long_card_id=9223372036854775807,
        ctrl_mode="force",
        person_id="0001",
    )
    assert reply["code"] == 0
    assert sim.log[-1]["kind"] == "wiegand"
    assert sim.log[-1]["long_card_id"] == 9223372036854775807
    assert (await call("wiegand control", wiegand_card_no=0, ctrl_mode="force"))["code"] == 3
    assert (await call("wiegand control", wiegand_card_no=5, ctrl_mode="none"))["code"] == 3
    assert len(sim.log) == 3


async def test_customer_auth_code(sim: Simulator, call: Call) -> None:
    reply = await call("request customer auth code")
    assert base64.b64decode(reply["customer_auth_code"])
    assert (await call("update customer auth code", customer_auth_code="AAA="))["code"] == 2
    sim.state.customer_auth_code_writable = True
    assert (await call("update customer auth code", customer_auth_code="!!"))["code"] == 3
    assert (await call("update customer auth code", customer_auth_code="QUJD"))["code"] == 0
    assert (await call("request customer auth code"))["customer_auth_code"] == "QUJD"


async def test_date_time(sim: Simulator, call: Call) -> None:
    reply = await call(
        "update date time",
        date_time="2018/11/23 16:00:00",
        timezone="UTC+8",
        **{"12hour_time": False, "auto_dst": False},
    )
    assert reply["code"] == 0
    text = (await call("request date time"))["date_time"]
    moment = parse_wall_time(text)
    assert moment is not None
    assert timedelta(0) <= moment - parse_wall_time("2018/11/23 16:00:00") < timedelta(seconds=5)  # type: ignore[operator]
    assert sim.state.clock.timezone == "UTC+8"
    assert sim.state.clock.utc_offset == timedelta(hours=8)
    body = await sim.capture(kind="stranger", closeup=False, overall=False)
    assert body["timezone"] == "UTC+8"
    assert body["cap_time"].startswith("2018/11/23 16:00:0")
    for fields in (
        {"date_time": "2018-11-23 16:00:00"},
        {"date_time": "2018/13/23 16:00:00"},
        {"date_time": "2018/11/23 16:00:00", "timezone": "Mars"},
        {"date_time": "2018/11/23 16:00:00", "auto_dst": "no"},
        {"date_time": "1999/12/31 23:59:59"},
        {"date_time": "2039/01/01 00:00:00"},
        {},
    ):
        assert (await call("update date time", **fields))["code"] == 3


async def test_clock_offset_and_drift() -> None:
    sim = Simulator(clock_offset=3600.0, clock_drift=0.0)
    assert 3599 < sim.state.clock.skew <= 3600
    drifting = Simulator(clock_drift=1000.0)
    assert drifting.state.clock.skew >= 0
    assert drifting.state.clock.drift == 1000.0


async def test_screensaver_and_media(sim: Simulator, call: Call) -> None:
    assert (await call("request lcd screensaver"))["screensaver_mode"] == "none"
    assert (await call("update lcd screensaver", screensaver_mode="media"))["code"] == 0
    assert (await call("request lcd screensaver"))["screensaver_mode"] == "media"
    assert (await call("update lcd screensaver", screensaver_mode="off"))["code"] == 3
    media = (await call("request lcd media"))["screensaver_media_list"]
    assert media == [
        {"sequence": 1, "media_name": "news1.png", "path": "/data_fs/screensaver/NO1.news1.png"},
        {"sequence": 2, "media_name": "news2.png", "path": "/data_fs/screensaver/NO2.news2.png"},
    ]
    reply = await call(
        "update lcd media", screensaver_media_list=[{"sequence": 3, "media_name": "ad.mp4"}]
    )
    assert reply["screensaver_media_list"] == [
        {"sequence": 3, "media_name": "ad.mp4", "path": "/data_fs/screensaver/NO3.ad.mp4"}
    ]
    assert len((await call("request lcd media"))["screensaver_media_list"]) == 3
    reply = await call(
        "delete lcd media", screensaver_media_list=[{"sequence": 1, "media_name": "news1.png"}]
    )
    assert reply["code"] == 0
    assert "/data_fs/screensaver/NO1.news1.png" not in sim.state.files
    assert [m["sequence"] for m in sim.state.screensaver_media] == [2, 3]
    assert (
        await call(
            "delete lcd media", screensaver_media_list=[{"sequence": 1, "media_name": "news1.png"}]
        )
    )["code"] == 22
    assert (
        await call(
            "delete lcd media", screensaver_media_list=[{"sequence": 2, "media_name": "other.png"}]
        )
    )["code"] == 22
    for bad in (
        [],
        [{"sequence": 11, "media_name": "x"}],
        [{"sequence": 1, "media_name": "a/b"}],
        [{"sequence": 1}],
        ["x"],
        [{"sequence": n, "media_name": "x"} for n in range(1, 12)],
    ):
        assert (await call("update lcd media", screensaver_media_list=bad))["code"] == 3
    full = [{"sequence": n, "media_name": f"m{n}.png"} for n in range(1, 11)]
    assert (await call("update lcd media", screensaver_media_list=full))["code"] == 0
    assert len(sim.state.screensaver_media) == 10


async def test_media_limit_is_code_20(sim: Simulator, call: Call) -> None:
    sim.state.screensaver_media = [
        {"sequence": n, "media_name": "x", "path": f"/p{n}"} for n in range(1, 11)
    ]
    sim.state.screensaver_media[0]["sequence"] = 20  # an odd entry from older firmware
    reply = await call(
        "update lcd media", screensaver_media_list=[{"sequence": 1, "media_name": "new"}]
    )
    assert reply["code"] == 20


async def test_text_and_image_display(sim: Simulator, call: Call) -> None:
    items = [
        {
            "position": {"x": 0, "y": 500},
            "alive_time": 1000,
            "font_size": 100,
            "font_spacing": 1,
            "font_color": "0xffffffff",
            "text": "Hello",
        },
        {
            "position": {"x": 0, "y": 610},
            "alive_time": 0,
            "font_size": 40,
            "font_spacing": 2,
            "font_color": "0xff00ff00",
            "text": "Charged: 100",
        },
    ]
    assert (await call("text display", text_list=items))["code"] == 0  # coding_type: utf8
    assert [(e["kind"], e["text"], e["coding_type"]) for e in sim.log] == [
        ("text", "Hello", "utf8"),
        ("text", "Charged: 100", "utf8"),
    ]
    assert sim.log[1]["font_color"] == "0xff00ff00"
    for bad in (
        {"text_list": []},
        {"coding_type": "latin1", "text_list": items},
        {"text_list": [{"text": "x"}]},
        # every field of an entry is required here (2.10.6.1); only the push ACK has defaults
        *(
            {"text_list": [{k: v for k, v in items[1].items() if k != key}]}
            for key in ("alive_time", "font_size", "font_spacing", "font_color")
        ),
        {"text_list": [{**items[0], "font_color": "red"}]},
        {"text_list": [{**items[0], "text": ""}]},
        {"text_list": ["x"]},
    ):
        assert (await call("text display", **bad))["code"] == 3
    reply = await call(
        "image display",
        position={"x": 20, "y": 20},
        alive_time=5000,
        format="jpg",
        image_data=jpeg_b64(),
    )
    assert reply["code"] == 0
    assert sim.log[-1]["kind"] == "image"
    assert sim.log[-1]["size"] == len(base64.b64decode(jpeg_b64()))
    assert (
        await call(
            "image display",
            position={"x": 0, "y": 0},
            alive_time=0,
            format="png",
            image_data=png_b64(),
        )
    )["code"] == 0
    # the vendor tool's sample sends an empty image: decoding fails
    assert (
        await call(
            "image display",
            position={"x": 20, "y": 20},
            alive_time=5000,
            format="jpg",
            image_data="",
        )
    )["code"] == 35
    assert (
        await call(
            "image display",
            position={"x": 0, "y": 0},
            alive_time=0,
            format="png",
            image_data=jpeg_b64(),
        )
    )["code"] == 35
    assert (
        await call(
            "image display",
            position={"x": 0, "y": 0},
            alive_time=0,
            format="gif",
            image_data=jpeg_b64(),
        )
    )["code"] == 3
    assert len([e for e in sim.log if e["kind"] == "image"]) == 2


async def test_audio(sim: Simulator, call: Call) -> None:
    audio = (await call("browse audio list"))["audio_list"]
    assert audio[0] == {"audio_no": 0, "audio_name": "NO0.pass.wav"}
    assert (await call("play audio", audio_no=0, audio_name="NO0.pass.wav"))["code"] == 0
    assert (await call("play audio", audio_no=2, audio_name="NO2.stranger.wav"))["code"] == 0
    assert (await call("play audio", audio_no=0, audio_name="NO1.welcome.wav"))["code"] == 22
    assert (await call("play audio", audio_no=99, audio_name="NO99.wav"))["code"] == 22
    # both the number and the name are required (2.12.4.1)
    assert (await call("play audio", audio_no=1))["code"] == 3
    assert (await call("play audio", audio_name="NO2.stranger.wav"))["code"] == 3
    assert (await call("play audio"))["code"] == 3
    assert [e["audio_no"] for e in sim.log] == [0, 2]
    wav = base64.b64encode(wav_bytes()).decode()
    assert (await call("tts play", text="认证成功"))["code"] == 0
    assert sim.log[-1] == {"kind": "tts", "source": "command", "text": "认证成功"}
    assert (await call("tts play", text=""))["code"] == 3
    assert (await call("play audio stream", audio={"format": "wav", "data": wav}))["code"] == 0
    assert sim.log[-1] == {
        "kind": "audio_stream",
        "format": "wav",
        "size": len(wav_bytes()),
        "sample_rate": 16000,
        "channels": 1,
        "sample_width": 2,
        "duration": 0.01,
    }
    assert (await call("play audio stream", audio={"format": "mp3", "data": wav}))["code"] == 3
    assert (
        await call(
            "play audio stream", audio={"format": "wav", "data": "+uqcOrrsSrssetuMmxvM60AAAA"}
        )
    )["code"] == 35
    assert (await call("play audio stream", audio={"format": "wav", "data": "%%"}))["code"] == 35
    assert (await call("play audio stream", audio="x"))["code"] == 3


@pytest.mark.parametrize(
    ("wav", "code"),
    [
        (wav_bytes(rate=8000), 35),
        (wav_bytes(rate=44100), 35),
        (wav_bytes(channels=2), 35),
        (wav_bytes(sample_width=1), 35),
        (wav_bytes(0), 35),
        (wav_bytes(1)[:-2], 35),
        (wav_bytes(1)[:30], 35),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", 35),
        (wav_bytes(33), 6),
    ],
    ids=["8khz", "44khz", "stereo", "8bit", "empty", "truncated", "header-only", "no-fmt", "33s"],
)
async def test_audio_stream_refuses_what_the_speaker_cannot_play(
    sim: Simulator, call: Call, wav: bytes, code: int
) -> None:
    """Only complete 16-bit PCM mono WAV at 16 kHz up to 1 MiB is played; nothing else is logged."""
    data = base64.b64encode(wav).decode()
    assert (await call("play audio stream", audio={"format": "wav", "data": data}))["code"] == code
    assert not [entry for entry in sim.log if entry["kind"] == "audio_stream"]


async def test_audio_stream_logs_what_it_plays(sim: Simulator, call: Call) -> None:
    """The log says how long the clip plays: 32 s is the longest that fits in 1 MiB."""
    data = base64.b64encode(wav_bytes(32)).decode()
    assert (await call("play audio stream", audio={"format": "wav", "data": data}))["code"] == 0
    assert sim.log[-1]["duration"] == 32.0
    assert sim.log[-1]["size"] == 44 + 32 * 16000 * 2
    sim.state.audio_sample_rates = (8000, 16000)
    data = base64.b64encode(wav_bytes(0.5, rate=8000)).decode()
    assert (await call("play audio stream", audio={"format": "wav", "data": data}))["code"] == 0
    assert (sim.log[-1]["sample_rate"], sim.log[-1]["duration"]) == (8000, 0.5)


async def test_hardware_and_4g_without_module(sim: Simulator, call: Call) -> None:
    info = await call("get hardware info")
    assert set(info) >= {"Board", "Chip", "Flash", "FourG", "Lcd", "Motor", "Sensor", "WIFI"}
    assert info["FourG"] == {"moduler_4g": "NO"}
    four_g = await call("request 4g infor")
    assert (four_g["code"], four_g["module_ready"], four_g["sim_ready"]) == (0, False, False)
    stats = (await call("traffic statistics", month=1, day="1-3"))["statistics"]
    assert all(s["bytes_rx"] == 0 for s in stats)
    assert (
        await call(
            "set hardware info",
            Lcd={"manu": "", "model": "LCD_WY_1024x600"},
            FourG={"moduler_4g": "YES"},
        )
    )["code"] == 0
    assert sim.state.hardware["Lcd"]["model"] == "LCD_WY_1024x600"
    assert (await call("request 4g infor"))["module_ready"] is True
    assert (await call("set hardware info", Lcd={"model": "LCD_BIG"}))["code"] == 3
    assert (await call("set hardware info", FourG={"moduler_4g": "MAYBE"}))["code"] == 3
    assert (await call("set hardware info", Lcd="x"))["code"] == 3


async def test_4g_module_and_traffic(http: object) -> None:
    sim = fast_simulator(has_4g=True)
    await sim.start()
    try:

        async def call(cmd: str, **fields: object) -> dict:  # type: ignore[type-arg]
            return await post_json(http, sim.url, {"cmd": cmd, **fields})  # type: ignore[arg-type]

        info = await call("request 4g infor")
        assert info["module_ready"] is True
        assert set(info) >= {"ICCID", "IMSI", "operator", "signal_strength", "gps"}
        now = sim.state.clock.now()
        month = now.month
        stats = (await call("traffic statistics", month=month))["statistics"]
        assert [s["date"] for s in stats] == [f"{month}-{d}" for d in range(1, now.day + 1)]
        assert all(s["bytes_rx"] > 0 and s["bytes_tx"] > 0 for s in stats)
        again = (await call("traffic statistics", month=month))["statistics"]
        assert again == stats  # deterministic
        one = (await call("traffic statistics", month=month, day="1"))["statistics"]
        assert [s["date"] for s in one] == [f"{month}-1"]
        open_end = (await call("traffic statistics", month=month, day="1-"))["statistics"]
        assert open_end == stats
        other = 1 if month != 1 else 2  # a past month (or last year's) has every day
        days = (await call("traffic statistics", month=other, day="1-"))["statistics"]
        assert len(days) >= 28
        assert len((await call("traffic statistics", month=other, day="2-9"))["statistics"]) == 8
        for fields in (
            {"month": 13},
            {"month": other, "day": "9-1"},
            {"month": other, "day": "a-b"},
            {"month": other, "day": "1-40"},
            {},
        ):
            assert (await call("traffic statistics", **fields))["code"] == 3
    finally:
        await sim.stop()


async def test_file_download(sim: Simulator, call: Call) -> None:
    path = "/data_fs/screensaver/NO1.news1.png"
    data = sim.state.files[path]
    reply = await call("download file", path=path, offset=0, size=10240)
    assert (reply["code"], reply["total_size"], reply["offset"]) == (0, len(data), 0)
    chunk = base64.b64decode(reply["data"])
    assert chunk == data[:10240]
    assert reply["size"] == len(chunk)
    assert reply["md5sum"] == hashlib.md5(chunk).hexdigest()
    assert image_format(chunk) == "png"
    reply = await call("download file", path=path, offset=len(data), size=100)
    assert (reply["code"], reply["size"], reply["data"]) == (0, 0, "")
    assert (await call("download file", path=path, offset=0, size=10241))["code"] == 3
    assert (await call("download file", path=path, offset=len(data) + 1, size=10))["code"] == 3
    assert (await call("download file", path="/nope", offset=0, size=10))["code"] == 22
    assert (await call("download file", path="relative", offset=0, size=10))["code"] == 3
    assert (await call("download file", path="/a/../etc", offset=0, size=10))["code"] == 3


def _chunk(
    data: bytes, offset: int, total: int, path: str = "/data_fs/x.bin", md5: str | None = None
) -> dict:  # type: ignore[type-arg]
    return {
        "path": path,
        "total_size": total,
        "offset": offset,
        "size": len(data),
        "data": base64.b64encode(data).decode(),
        "md5sum": md5 or hashlib.md5(data).hexdigest(),
    }


async def test_file_upload_in_chunks(sim: Simulator, call: Call) -> None:
    payload = bytes(range(256)) * 1000  # 256000 bytes: two chunks
    first, second = payload[: 200 * 1024], payload[200 * 1024 :]
    reply = await call("upload file", **_chunk(first, 0, len(payload)))
    assert (reply["code"], reply["path"], reply["offset"], reply["size"]) == (
        0,
        "/data_fs/x.bin",
        0,
        len(first),
    )
    assert "/data_fs/x.bin" not in sim.state.files
    assert (await call("upload file", **_chunk(second, len(first) + 1, len(payload))))["code"] == 3
    assert (await call("upload file", **_chunk(second, len(first), len(payload), md5="0" * 32)))[
        "code"
    ] == 11
    assert (await call("upload file", **_chunk(second, len(first), len(payload) + 1)))["code"] == 3
    assert (await call("upload file", **_chunk(second, len(first), len(payload))))["code"] == 0
    assert sim.state.files["/data_fs/x.bin"] == payload
    assert sim.log[-1] == {"kind": "file_upload", "path": "/data_fs/x.bin", "size": len(payload)}
    # the uploaded file can be read back
    back = await call("download file", path="/data_fs/x.bin", offset=10240, size=10240)
    assert base64.b64decode(back["data"]) == payload[10240:20480]


async def test_file_upload_errors(call: Call) -> None:
    too_big = _chunk(b"\0" * (200 * 1024 + 1), 0, 300000)
    assert (await call("upload file", **too_big))["code"] == 3
    assert (await call("upload file", **_chunk(b"abc", 5, 10)))["code"] == 3  # nothing started
    assert (await call("upload file", **_chunk(b"abc", 0, 2)))["code"] == 3  # past total
    assert (await call("upload file", **{**_chunk(b"abc", 0, 3), "size": 4}))["code"] == 3
    assert (await call("upload file", **{**_chunk(b"abc", 0, 3), "data": "@@"}))["code"] == 3
    assert (
        await call(
            "upload file",
            **{**_chunk(b"abc", 0, 3), "md5sum": hashlib.md5(b"abc").hexdigest().upper()},
        )
    )["code"] == 0


async def test_aes(sim: Simulator, call: Call) -> None:
    assert (await call("request aes"))["enable"] is False
    # the document's own example ori_key is not valid base64 (26 characters)
    assert (await call("updata aes", ori_key="MTIzNDUAAAAAAAAAAAAAAAAA==", enable=True))[
        "code"
    ] == 3
    assert (await call("updata aes", ori_key="d3Jvbmc=", enable=True))["code"] == 3
    assert (await call("updata aes", ori_key="MTIzNDUAAAAAAAAAAAAAAA==", enable=True))[
        "code"
    ] == 0  # zero-padded 16 bytes
    assert (await call("request aes"))["enable"] is True
    new_key = base64.b64encode(b"0123456789abcdef").decode()
    assert (await call("updata aes", ori_key="MTIzNDU=", new_key=new_key))["code"] == 0
    assert sim.state.aes_key == b"0123456789abcdef"
    assert sim.state.aes_enabled is True  # enable omitted: kept
    assert (await call("updata aes", ori_key="MTIzNDU=", enable=False))["code"] == 3
    too_long = base64.b64encode(b"x" * 17).decode()
    assert (await call("updata aes", ori_key=new_key, new_key=too_long))["code"] == 3
    assert (await call("updata aes", ori_key=new_key, enable=False))["code"] == 0
    assert (await call("request aes"))["enable"] is False


async def test_sip(sim: Simulator, call: Call) -> None:
    assert (await call("sip call", url="sip:someone@192.168.0.188:5060"))["code"] == 22
    assert (await call("sip hangup"))["code"] == 22
    assert (
        await call(
            "sip register", domain="192.168.0.12", port=7121, username="0123", password="123456"
        )
    )["code"] == 0
    assert (await call("sip register", domain="", port=7121, username="0123"))["code"] == 3
    assert (await call("sip register", domain="x", port=70000, username="0123"))["code"] == 3
    for url in ("someone@192.168.0.188:5060", "sip:someone@192.168.0.188", "sip:a@b:99999"):
        assert (await call("sip call", url=url))["code"] == 3
    assert (await call("sip call", url="sip:someone@192.168.0.188:5060"))["code"] == 0
    assert (await call("sip call", url="sip:other@192.168.0.188:5060"))["code"] == 5
    assert (await call("sip hangup"))["code"] == 0
    assert [e["kind"] for e in sim.log] == ["sip_register", "sip_call", "sip_hangup"]
    assert "password" not in sim.log[0]


async def test_volume(sim: Simulator, call: Call) -> None:
    assert (await call("camera volume", method="GET"))["volume"] == 60
    assert (await call("camera volume", method="SET", volume=50))["code"] == 0
    assert (await call("camera volume", method="GET"))["volume"] == 50
    assert (await call("camera volume", method="SET", volume=101))["code"] == 3
    assert (await call("camera volume", method="SET"))["code"] == 3
    assert (await call("camera volume", method="get"))["code"] == 3
    assert sim.state.volume == 50


async def test_ask_upgrade(call: Call) -> None:
    reply = await call(
        "ask_upgrade", device_sn="x", device_no="1", last_upgrade_code=0, firmware={}
    )
    assert reply["upgrade_type"] == "none"
    assert reply["firmware"]["system"] == "FaceGate"
