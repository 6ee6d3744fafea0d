"""Media player: what the terminal receives for TTS, media files, URLs and its own sounds."""

from __future__ import annotations

import base64
from datetime import timedelta
import io
from pathlib import Path
from typing import Any
from unittest.mock import Mock, patch
import wave

from aiohttp import web
from aiohttp.test_utils import TestServer
from homeassistant.components import media_source
from homeassistant.components.media_player import (
    ATTR_MEDIA_ANNOUNCE,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    ATTR_MEDIA_DURATION,
    ATTR_MEDIA_VOLUME_LEVEL,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
    SERVICE_VOLUME_SET,
    MediaPlayerEntityFeature,
)
from homeassistant.components.media_source import PlayMedia
from homeassistant.const import ATTR_SUPPORTED_FEATURES, STATE_IDLE, STATE_PLAYING, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    async_fire_time_changed,
    mock_integration,
    mock_platform,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.api import AudioClip
from custom_components.facecapture.const import DOMAIN
from custom_components.facecapture.media_player import sound_title
from custom_components.facecapture.voice import audio
from simulator import Simulator

from .common import call_entity_service, entity_id_of, requests_since
from .tts_engine import TTS_ENTITY_ID, FakeVoice, async_setup_fake_voice, tone

SPEAKER = "media_player.front_gate_speaker"


@pytest.fixture
def platform() -> Platform:
    """Only the media player."""
    return Platform.MEDIA_PLAYER


@pytest.fixture
async def voice(hass: HomeAssistant, tmp_path: Path) -> FakeVoice:
    """A TTS engine of Home Assistant's own tts component."""
    return await async_setup_fake_voice(hass, tmp_path / "tts")


@pytest.fixture
async def media_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Home Assistant's media folder, served by media_source."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.media_dirs = {"local": str(folder)}
    assert await async_setup_component(hass, "media_source", {})
    return folder


@pytest.fixture
async def web_audio(socket_enabled: None) -> Any:
    """A web server on 127.0.0.1 serving audio files (and one that is not audio)."""
    app = web.Application()
    app.router.add_get("/tone.flac", lambda _: web.Response(body=tone(2.0, "flac", 48000, 1)))
    app.router.add_get("/noise.mp3", lambda _: web.Response(body=b"not audio at all" * 64))
    app.router.add_get("/big.mp3", lambda _: web.Response(body=tone(3.0)))
    app.router.add_get("/stream.mp3", _stream_without_length)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def _stream_without_length(request: web.Request) -> web.StreamResponse:
    """A live stream: chunks, no Content-Length."""
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    data = tone(3.0)
    for start in range(0, len(data), 4096):
        await response.write(data[start : start + 4096])
    await response.write_eof()
    return response


class RadioSource(media_source.MediaSource):
    """A media source whose items are web addresses, as an internet radio's are."""

    name = "Radio"

    def __init__(self, base: str) -> None:
        """Serve the files of one web server."""
        super().__init__("radio")
        self.base = base

    async def async_resolve_media(self, item: media_source.MediaSourceItem) -> PlayMedia:
        """Each identifier is a path on the server."""
        return PlayMedia(f"{self.base}/{item.identifier}", "audio/flac")


@pytest.fixture
async def radio(hass: HomeAssistant, media_dir: Path, web_audio: TestServer) -> None:
    """A media source integration resolving to URLs (not files)."""
    source = RadioSource(str(web_audio.make_url("")).rstrip("/"))

    async def get_source(hass: HomeAssistant) -> RadioSource:
        return source

    mock_integration(hass, MockModule("radio"))
    mock_platform(hass, "radio.media_source", Mock(async_get_media_source=get_source))
    assert await async_setup_component(hass, "radio", {})
    await hass.async_block_till_done()


def played(simulator: Simulator) -> list[dict[str, Any]]:
    """What the terminal logged for each WAV it played."""
    return [entry for entry in simulator.log if entry["kind"] == "audio_stream"]


def received_wav(simulator: Simulator) -> wave.Wave_read:
    """The last WAV the terminal was sent, opened with Python's wave module."""
    body = next(
        body for body in reversed(simulator.requests) if body.get("cmd") == "play audio stream"
    )
    assert body["audio"]["format"] == "wav"
    return wave.open(io.BytesIO(base64.b64decode(body["audio"]["data"])), "rb")


def assert_terminal_format(wav: wave.Wave_read, seconds: float) -> None:
    """16-bit PCM mono at 16 kHz, lasting ``seconds`` (MP3 frames pad the end by a few ms)."""
    assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
    assert wav.getcomptype() == "NONE"
    assert wav.getnframes() / 16000 == pytest.approx(seconds, abs=0.06)


async def play(hass: HomeAssistant, media_id: str, **extra: Any) -> None:
    """`media_player.play_media` on the terminal's speaker."""
    await call_entity_service(
        hass,
        MP_DOMAIN,
        SERVICE_PLAY_MEDIA,
        SPEAKER,
        {ATTR_MEDIA_CONTENT_ID: media_id, ATTR_MEDIA_CONTENT_TYPE: "music", **extra},
    )


async def test_snapshot(
    hass: HomeAssistant,
    platform_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One speaker per terminal: play, browse, announce and the volume."""
    await snapshot_platform(hass, entity_registry, snapshot, platform_entry.entry_id)
    assert entity_id_of(entity_registry, MP_DOMAIN, "speaker") == SPEAKER
    state = hass.states.get(SPEAKER)
    assert state.state == STATE_IDLE
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == 0.6
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == (
        MediaPlayerEntityFeature.PLAY_MEDIA
        | MediaPlayerEntityFeature.BROWSE_MEDIA
        | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
        | MediaPlayerEntityFeature.VOLUME_SET
    )


async def test_tts_speak_reaches_terminal_as_wav(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """`tts.speak` with any engine: its MP3 (44.1 kHz stereo) arrives as the terminal's WAV."""
    await hass.services.async_call(
        "tts",
        "speak",
        {
            "entity_id": TTS_ENTITY_ID,
            "media_player_entity_id": SPEAKER,
            "message": "The parcel is at the side door",
            "language": "de",
        },
        blocking=True,
    )

    assert voice.calls == [("The parcel is at the side door", "de")]
    wav = received_wav(simulator)
    assert_terminal_format(wav, 1.5)
    [log] = played(simulator)
    assert log["duration"] == pytest.approx(1.5, abs=0.06)
    assert log["size"] == 44 + wav.getnframes() * 2
    state = hass.states.get(SPEAKER)
    assert state.state == STATE_PLAYING
    assert state.attributes[ATTR_MEDIA_DURATION] == 2
    assert state.attributes[ATTR_MEDIA_CONTENT_ID].startswith("media-source://tts/")

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    state = hass.states.get(SPEAKER)
    assert state.state == STATE_IDLE
    assert ATTR_MEDIA_DURATION not in state.attributes


async def test_announcement_and_a_second_clip(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An announcement plays like any clip; a new clip restarts the playing time."""
    await play(
        hass, "media-source://tts/tts.test_voice?message=Hello", **{ATTR_MEDIA_ANNOUNCE: True}
    )
    voice.seconds = 4.0
    await play(hass, "media-source://tts/tts.test_voice?message=Goodbye")

    assert [round(entry["duration"]) for entry in played(simulator)] == [2, 4]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert hass.states.get(SPEAKER).state == STATE_PLAYING
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
    await hass.async_block_till_done()
    assert hass.states.get(SPEAKER).state == STATE_IDLE


async def test_media_folder_file(
    hass: HomeAssistant, media_dir: Path, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A WAV at 8 kHz in the media folder is resampled to 16 kHz; the file is read from disk."""
    (media_dir / "chime.wav").write_bytes(tone(0.75, "wav", 8000, 1))
    await play(hass, "media-source://media_source/local/chime.wav")
    assert_terminal_format(received_wav(simulator), 0.75)


async def test_web_address(
    hass: HomeAssistant,
    web_audio: TestServer,
    platform_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A URL is fetched and converted (FLAC at 48 kHz here)."""
    await play(hass, str(web_audio.make_url("/tone.flac")))
    assert_terminal_format(received_wav(simulator), 2.0)


async def test_media_source_resolving_to_url(
    hass: HomeAssistant, radio: None, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A media source item that is a web address is fetched like a URL."""
    await play(hass, "media-source://radio/tone.flac")
    assert_terminal_format(received_wav(simulator), 2.0)


async def test_too_long_is_refused(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Longer than 30 s: a translated error, and nothing is sent to the terminal."""
    voice.seconds = 31.0
    start = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await play(hass, "media-source://tts/tts.test_voice?message=A+very+long+speech")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "audio_too_long"
    assert err.value.translation_placeholders == {"max_seconds": "30"}
    assert requests_since(simulator, start, "play audio stream") == []
    assert hass.states.get(SPEAKER).state == STATE_IDLE


async def test_thirty_seconds_fit(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Exactly the limit plays (960 044 bytes, under the terminal's 1 MiB)."""
    voice.seconds = 29.9
    await play(hass, "media-source://tts/tts.test_voice?message=Long")
    [log] = played(simulator)
    assert log["duration"] == pytest.approx(29.9, abs=0.06)
    assert log["size"] <= 44 + 30 * 32000


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/noise.mp3", "audio_unreadable"),
        ("/big.mp3", "audio_too_large"),
        ("/stream.mp3", "audio_too_large"),
    ],
)
async def test_unplayable_source(
    hass: HomeAssistant,
    web_audio: TestServer,
    platform_entry: MockConfigEntry,
    simulator: Simulator,
    path: str,
    key: str,
) -> None:
    """What ffmpeg cannot read, or a download beyond the limit, is refused with a reason."""
    start = len(simulator.requests)
    with (
        patch.object(audio, "MAX_SOURCE_BYTES", 20_000),
        pytest.raises(ServiceValidationError) as err,
    ):
        await play(hass, str(web_audio.make_url(path)))
    assert err.value.translation_key == key
    assert requests_since(simulator, start, "play audio stream") == []


async def test_download_size_from_header(
    hass: HomeAssistant, web_audio: TestServer, platform_entry: MockConfigEntry
) -> None:
    """A Content-Length beyond the limit is refused before anything is read."""
    with patch.object(audio, "MAX_SOURCE_BYTES", 100), pytest.raises(ServiceValidationError) as err:
        await play(hass, str(web_audio.make_url("/tone.flac")))
    assert err.value.translation_key == "audio_too_large"
    assert err.value.translation_placeholders == {"max_mib": "0"}


async def test_large_media_file_and_tts(
    hass: HomeAssistant,
    media_dir: Path,
    voice: FakeVoice,
    platform_entry: MockConfigEntry,
) -> None:
    """The source limit also holds for files of the media folder and for TTS results."""
    (media_dir / "long.mp3").write_bytes(tone(3.0))
    with patch.object(audio, "MAX_SOURCE_BYTES", 1000):
        for media_id in (
            "media-source://media_source/local/long.mp3",
            "media-source://tts/tts.test_voice?message=Hi",
        ):
            with pytest.raises(ServiceValidationError) as err:
                await play(hass, media_id)
            assert err.value.translation_key == "audio_too_large"


async def test_fetch_failures(
    hass: HomeAssistant,
    web_audio: TestServer,
    media_dir: Path,
    voice: FakeVoice,
    platform_entry: MockConfigEntry,
) -> None:
    """A missing page, a vanished file and an unknown TTS stream read as fetch errors."""
    (media_dir / "gone.wav").write_bytes(tone(0.5, "wav"))
    with (
        patch.object(Path, "stat", side_effect=FileNotFoundError(2, "No such file")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await play(hass, "media-source://media_source/local/gone.wav")
    assert err.value.translation_key == "audio_fetch_failed"
    assert err.value.translation_placeholders == {"error": "No such file"}

    for media_id in (
        str(web_audio.make_url("/missing.mp3")),
        "media-source://tts/-stream-/nosuchtoken.mp3",
    ):
        with pytest.raises(HomeAssistantError) as err:
            await play(hass, media_id)
        assert err.value.translation_key == "audio_fetch_failed"


async def test_ffmpeg_missing_or_stuck(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry
) -> None:
    """No ffmpeg binary, or a conversion that does not end, is a translated error."""
    manager = audio.ffmpeg.get_ffmpeg_manager(hass)
    with (
        patch.object(type(manager), "binary", "/nonexistent/ffmpeg"),
        pytest.raises(HomeAssistantError) as err,
    ):
        await play(hass, "media-source://tts/tts.test_voice?message=Hi")
    assert err.value.translation_key == "ffmpeg_missing"
    assert err.value.translation_placeholders == {"binary": "/nonexistent/ffmpeg"}

    with patch.object(audio, "CONVERT_TIMEOUT", 0), pytest.raises(HomeAssistantError) as err:
        await play(hass, "media-source://tts/tts.test_voice?message=Hi")
    assert err.value.translation_key == "audio_unreadable"


async def test_terminal_refusal(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A terminal that refuses the clip says so in words; the player stays idle."""
    simulator.fail_next("play audio stream", 6)
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, "media-source://tts/tts.test_voice?message=Hi")
    assert err.value.translation_key == "code_6"
    assert hass.states.get(SPEAKER).state == STATE_IDLE


async def test_volume(
    hass: HomeAssistant, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """`volume_set` goes through `camera volume` in percent, and the state follows."""
    start = len(simulator.requests)
    await call_entity_service(
        hass, MP_DOMAIN, SERVICE_VOLUME_SET, SPEAKER, {ATTR_MEDIA_VOLUME_LEVEL: 0.35}
    )
    assert requests_since(simulator, start, "camera volume")[0] == {
        "version": "0.21",
        "cmd": "camera volume",
        "method": "SET",
        "volume": 35,
    }
    assert simulator.state.volume == 35
    assert hass.states.get(SPEAKER).attributes[ATTR_MEDIA_VOLUME_LEVEL] == 0.35

    simulator.fail_next("camera volume", 5)
    with pytest.raises(HomeAssistantError) as err:
        await call_entity_service(
            hass, MP_DOMAIN, SERVICE_VOLUME_SET, SPEAKER, {ATTR_MEDIA_VOLUME_LEVEL: 1}
        )
    assert err.value.translation_key == "code_5"
    assert simulator.state.volume == 35


@pytest.mark.parametrize("simulator_options", [{"unsupported": frozenset({"camera volume"})}])
async def test_no_volume_command(hass: HomeAssistant, platform_entry: MockConfigEntry) -> None:
    """A terminal without `camera volume` gets a speaker without volume."""
    state = hass.states.get(SPEAKER)
    assert ATTR_MEDIA_VOLUME_LEVEL not in state.attributes
    assert not state.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.VOLUME_SET


async def browse(
    hass_ws_client: WebSocketGenerator, hass: HomeAssistant, media_id: str | None = None
) -> dict[str, Any]:
    """Browse the speaker's media as the frontend does."""
    client = await hass_ws_client(hass)
    message: dict[str, Any] = {"type": "media_player/browse_media", "entity_id": SPEAKER}
    if media_id is not None:
        message |= {"media_content_id": media_id, "media_content_type": "music"}
    await client.send_json_auto_id(message)
    reply = await client.receive_json()
    assert reply["success"], reply
    result: dict[str, Any] = reply["result"]
    return result


async def test_browse_and_play_built_in_sounds(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    platform_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The terminal's own sounds are a folder of the browser; one plays by number and name."""
    root = await browse(hass_ws_client, hass)
    assert [(child["title"], child["can_expand"]) for child in root["children"]] == [
        ("Built-in sounds", True)
    ]
    folder = await browse(hass_ws_client, hass, root["children"][0]["media_content_id"])
    assert [child["title"] for child in folder["children"]] == [
        "Pass",
        "Welcome",
        "Stranger",
        "Denied",
        "No mask",
        "High temp",
    ]
    assert all(child["can_play"] for child in folder["children"])

    await play(hass, folder["children"][4]["media_content_id"])
    assert simulator.log[-1] == {"kind": "audio", "audio_no": 4, "audio_name": "NO4.no_mask.wav"}
    assert simulator.requests[-1] == {
        "version": "0.2",
        "cmd": "play audio",
        "audio_no": 4,
        "audio_name": "NO4.no_mask.wav",
    }


async def test_play_sound_without_browsing(
    hass: HomeAssistant, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A sound id from an automation plays without a browse first; an unknown one is refused."""
    simulator.state.audio_list.append({"audio_no": 7, "audio_name": "doorbell"})
    await play(hass, "facecapture://sounds/7")
    assert simulator.log[-1] == {"kind": "audio", "audio_no": 7, "audio_name": "doorbell"}

    with pytest.raises(ServiceValidationError) as err:
        await play(hass, "facecapture://sounds/99")
    assert err.value.translation_key == "unknown_sound"
    assert err.value.translation_placeholders == {"sound": "99"}


async def test_browse_with_media_sources(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    media_dir: Path,
    voice: FakeVoice,
    platform_entry: MockConfigEntry,
) -> None:
    """With media sources: the sounds first, then Home Assistant's audio only."""
    (media_dir / "chime.wav").write_bytes(tone(0.5, "wav"))
    (media_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    root = await browse(hass_ws_client, hass)
    titles = [child["title"] for child in root["children"]]
    assert titles[0] == "Built-in sounds"
    assert "My media" in titles
    assert "Text-to-speech" in titles
    my_media = next(child for child in root["children"] if child["title"] == "My media")
    folder = await browse(hass_ws_client, hass, my_media["media_content_id"])
    assert [child["title"] for child in folder["children"]] == ["chime.wav"]
    assert folder["not_shown"] == 1


def test_sound_titles() -> None:
    """Names as the terminal lists them read as words."""
    assert sound_title(AudioClip(audio_no=0, audio_name="NO0.pass.wav")) == "Pass"
    assert sound_title(AudioClip(audio_no=5, audio_name="NO5.high_temp.WAV")) == "High temp"
    assert sound_title(AudioClip(audio_no=3, audio_name="beep")) == "Beep"
    assert sound_title(AudioClip(audio_no=9, audio_name="")) == "Sound 9"
