"""Settings, control, screen, audio, files, SIP, 4G, volume: what the terminal did and what came back."""

from __future__ import annotations

import asyncio
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from custom_components.facecapture.api import (
    MAX_AUDIO_BYTES,
    ControlMode,
    DisplayText,
    FaceCaptureClient,
    FaceCaptureConnectionError,
    FaceCaptureUnsupportedError,
    FaceCaptureValidationError,
    FirmwareInfo,
    ScheduleKind,
    ScreensaverMedia,
    ScreensaverMode,
    TextEncoding,
    TimeSection,
    argb,
    upload_info_for_url,
)
from custom_components.facecapture.api.errors import FaceCaptureInvalidFieldError
from simulator import Simulator

from .conftest import make_image
from .test_command_coverage import WAV


async def test_app_params_round_trip(client: FaceCaptureClient, simulator: Simulator) -> None:
    """Typed reading, partial deep-merged writing, reset to defaults."""
    params = await client.get_app_params()
    assert params.face is not None
    assert params.face.match_score == simulator.state.app_params["face"]["match_score"]
    assert params.face.body_temperature is not None
    assert params.face.mask is not None
    assert params.gate_control is not None
    assert params.gate_control.gpio_retention_time == 1000
    assert params.get("face", "derep_timeout") == params.face.derep_timeout
    assert params.get("face", "nothing", "deeper") is None
    assert params.auth_enabled is False

    await client.update_app_params(
        {"face": {"match_score": 90}, "lcd_control": {"lcd_title": "Welcome"}}
    )
    params = await client.get_app_params()
    assert params.face is not None
    assert params.face.match_score == 90
    assert params.face.enable_match is True  # untouched by the partial update
    assert params.lcd_title == "Welcome"

    with pytest.raises(FaceCaptureInvalidFieldError):
        await client.update_app_params({"face": {"match_score": 50}})
    with pytest.raises(FaceCaptureValidationError):
        await client.update_app_params({})

    await client.reset_app_params()
    params = await client.get_app_params()
    assert params.lcd_title != "Welcome"


async def test_upload_target(client: FaceCaptureClient, simulator: Simulator) -> None:
    """set_upload_target writes what the terminal joins back into the same URL."""
    await client.set_upload_target("http://192.168.1.10:8123/api/webhook/abc")
    upload = (await client.get_app_params()).upload_info
    assert upload is not None
    assert upload.url == "http://192.168.1.10:8123/api/webhook/abc"
    assert simulator.state.app_params["upload_info"]["service_url"] == "/api/webhook/abc"


async def test_stream_params(client: FaceCaptureClient) -> None:
    """Imaging and bitrate settings change and reset."""
    before = await client.get_stream_params()
    await client.update_stream_params(image={"brightness": 77}, bitrate=3000)
    after = await client.get_stream_params()
    assert after.brightness == 77
    assert after.bitrate == 3000
    with pytest.raises(FaceCaptureValidationError):
        await client.update_stream_params(bitrate=10)
    with pytest.raises(FaceCaptureValidationError):
        await client.update_stream_params()
    await client.reset_stream_params()
    assert (await client.get_stream_params()).brightness == before.brightness


async def test_schedules(client: FaceCaptureClient) -> None:
    """Rules replace and append; limits are checked locally."""
    office = ScheduleKind(
        kind=1,
        name="Office",
        mode="weekly",
        days=tuple(
            (TimeSection(start_hour=8, start_minute=30, end_hour=17, end_minute=0),)
            for _ in range(7)
        ),
    )
    await client.update_schedules([office])
    await client.add_schedule_kinds(
        [
            ScheduleKind(
                kind=2,
                name="Night",
                days=((TimeSection(start_hour=22, start_minute=0, end_hour=23, end_minute=59),),),
            )
        ]
    )
    rules = await client.get_schedules()
    assert [rule.kind for rule in rules] == [1, 2]
    assert rules[0].days[0][0].start_minute == 30
    assert rules[0].to_dict()["days"][6]["sections"][0]["end"] == {"hour": 17, "minute": 0}
    with pytest.raises(FaceCaptureValidationError):
        await client.update_schedules([ScheduleKind(kind=number % 15 + 1) for number in range(16)])
    with pytest.raises(FaceCaptureValidationError):
        await client.add_schedule_kinds([])
    with pytest.raises(FaceCaptureValidationError):
        await client.add_schedule_kinds([ScheduleKind(kind=0)])


async def test_snapshot(client: FaceCaptureClient) -> None:
    """The camera's still image arrives as JPEG bytes, whatever key spelling the reply uses."""
    snapshot = await client.snapshot()
    assert snapshot.image.startswith(b"\xff\xd8\xff")
    assert snapshot.format == "jpg"


async def test_gate_and_wiegand(client: FaceCaptureClient, simulator: Simulator) -> None:
    """Relay pulses and Wiegand output end up in the terminal's log as sent."""
    await client.gpio_control(2, mode=ControlMode.TEST, person_id="0001")
    await client.gpio_control(1, voice="NO0.pass.wav")
    await client.wiegand_control(12345)
    await client.wiegand_control(2**40, long_card=True, person_id="0002")
    kinds = [(entry["kind"], entry.get("port"), entry.get("ctrl_mode")) for entry in simulator.log]
    assert kinds[0] == ("gpio", 2, "test")
    assert simulator.requests[1]["cmd"] == "gpio control Extend"
    assert simulator.requests[1]["voicePlay"] == "NO0.pass.wav"
    wiegand = [entry for entry in simulator.log if entry["kind"] == "wiegand"]
    assert len(wiegand) == 2
    assert simulator.requests[3]["wiegand_card_no"] == 0
    assert simulator.requests[3]["long_card_id"] == 2**40
    with pytest.raises(FaceCaptureValidationError):
        await client.wiegand_control(-1)


async def test_clock(client: FaceCaptureClient, simulator: Simulator) -> None:
    """Reading and setting the clock, with the newer zone field."""
    await client.set_date_time(datetime(2030, 5, 6, 7, 8, 9), timezone="UTC+8")  # noqa: DTZ001
    clock = await client.get_date_time()
    assert clock.value is not None
    assert clock.value.year == 2030
    assert clock.text.startswith("2030/05/06 07:08")
    assert simulator.requests[0]["timezone"] == "UTC+8"


async def test_reboot_goes_offline_then_back(
    client: FaceCaptureClient, simulator: Simulator
) -> None:
    """After a reboot the terminal is unreachable for a while, then answers again."""
    await client.reboot()
    await asyncio.sleep(0.05)
    with pytest.raises(FaceCaptureConnectionError):
        await client.heart_beat()
    for _ in range(50):
        await asyncio.sleep(0.05)
        try:
            await client.heart_beat()
            break
        except FaceCaptureConnectionError:
            continue
    else:
        pytest.fail("the terminal did not come back")
    assert any(entry["kind"] == "reboot" for entry in simulator.log)
    await client.restart_application()
    assert any(entry["kind"] == "restart_application" for entry in simulator.log)


async def test_screen(client: FaceCaptureClient, simulator: Simulator, png: bytes) -> None:
    """Screensaver, media, text and images."""
    await client.set_screensaver_mode(ScreensaverMode.EXTINGUISH)
    assert await client.get_screensaver_mode() == ScreensaverMode.EXTINGUISH
    media = await client.get_screensaver_media()
    assert media
    assert media[0].path
    await client.upload_file("/data_fs/screensaver/NO5.promo.png", png)
    added = await client.update_screensaver_media(
        [ScreensaverMedia(sequence=5, media_name="promo.png")]
    )
    assert any(item.media_name == "promo.png" for item in added)
    deleted = await client.delete_screensaver_media(
        [ScreensaverMedia(sequence=5, media_name="promo.png")]
    )
    assert [item.sequence for item in deleted] == [5]
    with pytest.raises(FaceCaptureValidationError):
        await client.delete_screensaver_media([])

    red = argb(255, 0, 0)
    await client.display_text(
        [DisplayText(text="Welcome", font_color=red), DisplayText(text="Alice", y=610)],
        encoding=TextEncoding.UTF8,
    )
    await client.display_image(png, x=10, y=20, alive_time=0)
    texts = [entry for entry in simulator.log if entry["kind"] == "text"]
    assert [entry["text"] for entry in texts] == ["Welcome", "Alice"]
    assert simulator.requests[-2]["text_list"][0]["font_color"] == "0xffff0000"
    image = simulator.requests[-1]
    assert image["format"] == "png"
    assert image["position"] == {"x": 10, "y": 20}
    with pytest.raises(FaceCaptureValidationError):
        await client.display_text([])
    with pytest.raises(FaceCaptureValidationError):
        await client.display_text(DisplayText(text=""))
    with pytest.raises(FaceCaptureValidationError):
        argb(256, 0, 0)


async def test_audio(client: FaceCaptureClient, simulator: Simulator) -> None:
    """TTS, WAV playback and built-in clips."""
    await client.tts_play("欢迎光临")
    await client.play_audio_stream(WAV)
    clips = await client.browse_audio_list()
    assert clips[0].audio_no == 0
    await client.play_audio(clips[1].audio_no, clips[1].audio_name)
    kinds = [entry["kind"] for entry in simulator.log]
    assert kinds == ["tts", "audio_stream", "audio"]
    with pytest.raises(FaceCaptureValidationError):
        await client.tts_play("  ")
    with pytest.raises(FaceCaptureValidationError):
        await client.play_audio_stream(b"ID3 mp3 data")
    with pytest.raises(FaceCaptureValidationError, match="at most 1048576"):
        await client.play_audio_stream(WAV + bytes(MAX_AUDIO_BYTES))
    assert len(simulator.requests) == 4  # the refused clips were never sent


async def test_hardware_and_version(client: FaceCaptureClient) -> None:
    """Hardware info, declaring a 4G module, and versions."""
    hardware = await client.get_hardware_info()
    assert hardware.device_sn == "0123E4-FB5BFC-9186EE"
    assert hardware.chip is not None
    assert hardware.chip.model
    assert hardware.has_4g is False
    assert hardware.lcd_supported
    await client.set_hardware_info(has_4g=True, lcd_model="LCD_WY_1280x800")
    hardware = await client.get_hardware_info()
    assert hardware.has_4g is True
    assert hardware.lcd is not None
    assert hardware.lcd.model == "LCD_WY_1280x800"
    with pytest.raises(FaceCaptureValidationError):
        await client.set_hardware_info()
    version = await client.get_version()
    assert version.protocol_version == "0.42"
    assert version.firmware.app_version
    upgrade = await client.ask_upgrade(version.firmware, device_sn=hardware.device_sn or "")
    assert upgrade.upgrade_type == "none"
    assert upgrade.firmware is not None
    assert FirmwareInfo(system="FaceGate").to_dict() == {"system": "FaceGate"}


async def test_files(client: FaceCaptureClient, simulator: Simulator) -> None:
    """A file larger than one chunk goes up and comes back identical, chunk by checked chunk."""
    data = bytes(range(256)) * 100  # 25 600 bytes: three download chunks
    await client.upload_file("/data_fs/test.bin", data, chunk_size=10_000)
    assert [request["offset"] for request in simulator.requests] == [0, 10_000, 20_000]
    assert await client.download_file("/data_fs/test.bin") == data
    chunk = await client.download_file_chunk("/data_fs/test.bin", offset=100, size=10)
    assert chunk.data == data[100:110]
    assert chunk.total_size == len(data)
    with pytest.raises(FaceCaptureValidationError):
        await client.upload_file("/data_fs/empty.bin", b"")
    with pytest.raises(FaceCaptureValidationError):
        await client.upload_file("/data_fs/x.bin", b"x", chunk_size=300_000)
    with pytest.raises(FaceCaptureValidationError):
        await client.download_file_chunk("/data_fs/test.bin", size=20_000)


async def test_aes_sip_auth_code(client: FaceCaptureClient, simulator: Simulator) -> None:
    """Encryption switch, SIP calls, and the documented-unsupported auth code write."""
    assert await client.get_aes() is False
    await client.set_aes(b"12345", enable=True, new_key=b"k" * 16)
    assert await client.get_aes() is True
    with pytest.raises(FaceCaptureValidationError):
        await client.set_aes(b"x" * 17)
    with pytest.raises(FaceCaptureInvalidFieldError):
        await client.set_aes(b"12345", enable=False)  # the key changed

    await client.sip_register("192.0.2.10", 5060, "door", "secret")
    await client.sip_call("sip:desk@192.0.2.10:5060")
    await client.sip_hangup()
    with pytest.raises(FaceCaptureValidationError):
        await client.sip_call("desk@192.0.2.10")
    assert [entry["kind"] for entry in simulator.log if entry["kind"].startswith("sip")]

    assert isinstance(await client.get_customer_auth_code(), str)
    # The document marks writing the code "not supported": the terminal answers code 2.
    with pytest.raises(FaceCaptureUnsupportedError) as err:
        await client.set_customer_auth_code("QUFB")
    assert err.value.code == 2
    simulator.state.customer_auth_code_writable = True
    await client.set_customer_auth_code("QUFB")
    assert await client.get_customer_auth_code() == "QUFB"


@pytest.mark.parametrize("simulator_options", [{"has_4g": True}])
async def test_four_g(client: FaceCaptureClient) -> None:
    """A terminal with a 4G module reports it and its data usage."""
    info = await client.get_4g_info()
    assert info.module_ready is True
    assert info.operator
    days = await client.traffic_statistics(6, "1-3")
    assert [day.date for day in days] == ["6-1", "6-2", "6-3"]
    assert all(day.bytes_rx >= 0 for day in days)
    with pytest.raises(FaceCaptureValidationError):
        await client.traffic_statistics(13)


async def test_four_g_absent(client: FaceCaptureClient) -> None:
    """Without a module the terminal reports it not ready."""
    info = await client.get_4g_info()
    assert info.module_ready is False
    assert info.operator is None


async def test_volume(client: FaceCaptureClient) -> None:
    """Volume round trip and range."""
    await client.set_volume(35)
    assert await client.get_volume() == 35
    with pytest.raises(FaceCaptureValidationError):
        await client.set_volume(101)


async def test_display_image_checks_format(client: FaceCaptureClient) -> None:
    """Only JPEG and PNG are shown."""
    with pytest.raises(FaceCaptureValidationError):
        await client.display_image(b"BM not a bitmap we send")
    await client.display_image(make_image("JPEG"))


@pytest.mark.parametrize(
    ("url", "server_ip", "server_domain", "port", "path"),
    [
        ("http://192.168.1.10:8123/api/webhook/x", "192.168.1.10", "", 8123, "/api/webhook/x"),
        ("http://ha.local/api/webhook/x?a=1", "", "ha.local", 80, "/api/webhook/x?a=1"),
        ("https://ha.example.org/hook", "", "https://ha.example.org", 443, "/hook"),
        ("https://10.0.0.2:8443", "https://10.0.0.2", "", 8443, "/"),
    ],
)
async def test_upload_info_for_url(
    client: FaceCaptureClient,
    simulator: Simulator,
    url: str,
    server_ip: str,
    server_domain: str,
    port: int,
    path: str,
) -> None:
    """IPs go in server_ip, names in server_domain; the terminal accepts both and joins the same URL."""
    info = upload_info_for_url(url)
    assert (info["server_ip"], info["server_domain"], info["server_port"], info["service_url"]) == (
        server_ip,
        server_domain,
        port,
        path,
    )
    await client.set_upload_target(url)
    upload = (await client.get_app_params()).upload_info
    assert upload is not None
    parts = urlsplit(url)
    assert upload.url == f"{parts.scheme}://{parts.hostname}:{port}{path}"


@pytest.mark.parametrize("url", ["ftp://host/x", "http:///nohost", f"http://host/{'x' * 120}"])
def test_upload_info_refuses(url: str) -> None:
    """Only http(s) URLs with a host and a path the terminal can store."""
    with pytest.raises(FaceCaptureValidationError):
        upload_info_for_url(url)
