"""Every command of the vendor document has a client method and a simulator handler, and works.

The command list is read out of the protocol document itself, so a command the library forgot
fails here rather than in someone's automation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
import re
from typing import Any

import pytest

from custom_components.facecapture.api import (
    Command,
    DeleteScope,
    DisplayText,
    FaceCaptureClient,
    FaceCaptureDeviceError,
    FaceCaptureUnsupportedError,
    FirmwareInfo,
    FourGInfo,
    PersonData,
    ScheduleKind,
    ScreensaverMedia,
    ScreensaverMode,
    TimeSection,
    TrafficDay,
)
from custom_components.facecapture.api.push import parse_push
from simulator import Simulator
from simulator.handlers import COMMANDS
from tests.vendored import vendored

from .conftest import make_image

DOCUMENT = "protocol/face-capture-http-api.txt"
PUSHED_BY_TERMINAL = {"face", "sip event"}
WAV = (  # 10 ms of silence as the terminal plays it: 16-bit PCM mono at 16 kHz
    b"RIFF\x64\x01\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00"
    b"\x00\x7d\x00\x00\x02\x00\x10\x00data\x40\x01\x00\x00" + b"\x00" * 320
)


def documented_commands() -> set[str]:
    """The commands the document shows in its JSON examples (and its one prose mention)."""
    text = vendored(DOCUMENT).read_text(encoding="utf-8")
    found = {name.strip() for name in re.findall(r'"cmd"\s*[:,]\s*"([^"]+)"', text)}
    found |= {name.strip() for name in re.findall(r'cmd is "([^"]+)"', text)}
    return {name for name in found if re.fullmatch(r"[\w ()]+", name)}


def test_vendored_document_is_the_vendors() -> None:
    """The document read here is the vendor's as copied (its recorded digest), in any checkout."""
    vendored(DOCUMENT)
    assert len(documented_commands()) >= 50


async def _person(client: FaceCaptureClient, sim: Simulator) -> None:
    sim.add_person("p1", "Alice")


type Call = Callable[[FaceCaptureClient, Simulator], Awaitable[Any]]


async def _upload_then(client: FaceCaptureClient, path: str) -> None:
    await client.upload_file(path, make_image("PNG"))


CALLS: dict[str, Call] = {
    "request persons": lambda c, s: c.request_persons(),
    "upload person": lambda c, s: c.upload_person(
        PersonData(id="p9", name="Zoë", image=make_image())
    ),
    "add person": lambda c, s: c.add_person(PersonData(id="p8", name="Bob", image=make_image())),
    "add person jpg": lambda c, s: c.add_person_jpg(
        PersonData(id="p7", name="Carol", image=make_image())
    ),
    "update person": lambda c, s: _then(
        _person(c, s), c.update_person(PersonData(id="p1", name="Alicia"))
    ),
    "update person jpg": lambda c, s: _then(
        _person(c, s), c.update_person_jpg(PersonData(id="p1", image=make_image()))
    ),
    "delete person(s)": lambda c, s: c.delete_persons(DeleteScope.ALL),
    "request records": lambda c, s: c.request_records(),
    "request app params": lambda c, s: c.get_app_params(),
    "update app params": lambda c, s: c.update_app_params({"led_control": {"led_brightness": 50}}),
    "reset app params": lambda c, s: c.reset_app_params(),
    "request stream params": lambda c, s: c.get_stream_params(),
    "update stream params": lambda c, s: c.update_stream_params(image={"brightness": 40}),
    "reset stream params": lambda c, s: c.reset_stream_params(),
    "request schedule params": lambda c, s: c.get_schedules(),
    "update schedule params": lambda c, s: c.update_schedules(
        [
            ScheduleKind(
                kind=1,
                name="day",
                days=((TimeSection(start_hour=8, start_minute=0, end_hour=18, end_minute=0),),),
            )
        ]
    ),
    "add schedule kind": lambda c, s: c.add_schedule_kinds(
        [
            ScheduleKind(
                kind=2,
                name="night",
                days=((TimeSection(start_hour=18, start_minute=0, end_hour=23, end_minute=0),),),
            )
        ]
    ),
    "snapshot": lambda c, s: c.snapshot(),
    "gpio control": lambda c, s: c.gpio_control(1),
    "wiegand control": lambda c, s: c.wiegand_control(1234),
    "heart beat": lambda c, s: c.heart_beat(),
    "request customer auth code": lambda c, s: c.get_customer_auth_code(),
    # The document says writing it is not supported; the simulator answers code 2 unless told.
    "update customer auth code": lambda c, s: _refused(
        c.set_customer_auth_code("QUFB"), FaceCaptureUnsupportedError, 2
    ),
    "request date time": lambda c, s: c.get_date_time(),
    "update date time": lambda c, s: c.set_date_time(datetime(2026, 11, 25, 9, 30)),  # noqa: DTZ001
    "reboot": lambda c, s: c.reboot(),
    "restart application": lambda c, s: c.restart_application(),
    "request lcd screensaver": lambda c, s: c.get_screensaver_mode(),
    "update lcd screensaver": lambda c, s: c.set_screensaver_mode(ScreensaverMode.MEDIA),
    "request lcd media": lambda c, s: c.get_screensaver_media(),
    "update lcd media": lambda c, s: _then(
        _upload_then(c, "/data_fs/screensaver/NO3.new.png"),
        c.update_screensaver_media([ScreensaverMedia(sequence=3, media_name="new.png")]),
    ),
    "delete lcd media": lambda c, s: c.delete_screensaver_media(
        [ScreensaverMedia(sequence=1, media_name="news1.png")]
    ),
    "text display": lambda c, s: c.display_text(DisplayText(text="Hello")),
    "image display": lambda c, s: c.display_image(make_image("PNG")),
    "ask_upgrade": lambda c, s: c.ask_upgrade(FirmwareInfo(system="FaceGate", app_version="0.1")),
    "tts play": lambda c, s: c.tts_play("认证成功"),
    "play audio stream": lambda c, s: c.play_audio_stream(WAV),
    "browse audio list": lambda c, s: c.browse_audio_list(),
    "play audio": lambda c, s: c.play_audio(0, "NO0.pass.wav"),
    "get hardware info": lambda c, s: c.get_hardware_info(),
    "set hardware info": lambda c, s: c.set_hardware_info(lcd_model="LCD_WY_720_576"),
    "download file": lambda c, s: _then(
        _upload_then(c, "/data_fs/a.png"), c.download_file("/data_fs/a.png")
    ),
    "upload file": lambda c, s: c.upload_file("/data_fs/b.png", make_image("PNG")),
    # The document's own example key: base64 "MTIzNDU=" is "12345".
    "updata aes": lambda c, s: c.set_aes(b"12345", enable=False),
    "request aes": lambda c, s: c.get_aes(),
    "sip register": lambda c, s: c.sip_register("192.0.2.10", 5060, "door"),
    "sip call": lambda c, s: _then(
        c.sip_register("192.0.2.10", 5060, "door"), c.sip_call("sip:desk@192.0.2.10:5060")
    ),
    "sip hangup": lambda c, s: _then(
        _then(c.sip_register("192.0.2.10", 5060, "door"), c.sip_call("sip:desk@192.0.2.10:5060")),
        c.sip_hangup(),
    ),
    "request 4g infor": lambda c, s: _no_4g_module(c),
    "traffic statistics": lambda c, s: _no_4g_traffic(c),
    "camera volume": lambda c, s: c.set_volume(40),
}


async def _then(first: Awaitable[Any], second: Awaitable[Any]) -> Any:
    await first
    return await second


async def _refused(
    call: Awaitable[Any], error: type[FaceCaptureDeviceError], code: int
) -> FaceCaptureDeviceError:
    """For a command the terminal refuses: exactly that device error, with that reply code."""
    with pytest.raises(error) as refused:
        await call
    assert refused.value.code == code
    return refused.value


async def _no_4g_module(client: FaceCaptureClient) -> FourGInfo:
    """A terminal without a 4G module answers code 0 and says so (2.17.1): nothing is refused."""
    info = await client.get_4g_info()
    assert (info.module_ready, info.sim_ready, info.signal_strength) == (False, False, 0)
    assert (info.iccid, info.imsi, info.operator) == (None, None, None)
    return info


async def _no_4g_traffic(client: FaceCaptureClient) -> tuple[TrafficDay, ...]:
    """Without a 4G module every asked day is there, with nothing sent or received (2.17.2)."""
    days = await client.traffic_statistics(6, "1-9")
    # Fewer than nine only when the terminal's clock is in the first days of June.
    assert 1 <= len(days) <= 9
    assert [day.date for day in days] == [f"6-{number}" for number in range(1, len(days) + 1)]
    assert all((day.bytes_rx, day.bytes_tx) == (0, 0) for day in days)
    return days


def test_every_documented_command_is_covered() -> None:
    """Each command of the document has a client call here, a Command member and a simulator handler."""
    documented = documented_commands()
    requested = documented - PUSHED_BY_TERMINAL
    assert requested == set(CALLS), (
        f"missing: {requested - set(CALLS)}, extra: {set(CALLS) - requested}"
    )
    assert requested <= {str(command) for command in Command}
    assert requested <= set(COMMANDS), f"simulator lacks: {requested - set(COMMANDS)}"
    assert {"get version", "gpio control Extend"} <= set(COMMANDS)
    # The two the terminal pushes are parsed by the push side.
    assert type(parse_push({"cmd": "sip event", "sip_event": 1})).__name__ == "SipEvent"
    assert (
        type(
            parse_push({"cmd": "face", "sequence_no": 1, "cap_time": "2024/01/01 00:00:00"})
        ).__name__
        == "FacePush"
    )


@pytest.mark.parametrize("command", sorted(CALLS))
async def test_command_reaches_the_terminal(
    client: FaceCaptureClient, simulator: Simulator, command: str
) -> None:
    """Calling the method sends exactly that command, with the version its section documents."""
    await CALLS[command](client, simulator)
    sent = simulator.requests[-1]
    assert sent["cmd"] == command
    assert isinstance(sent["version"], str)
