"""A Home Assistant TTS engine for tests, and real audio files made with ffmpeg.

The engine is an ordinary ``TextToSpeechEntity`` of a test integration: Home Assistant's own tts
component renders with it, caches its result, and serves it as a media source, exactly as with a
cloud voice. It answers every text with an MP3 of a tone whose length the test chooses.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
import subprocess
from typing import Any
from unittest.mock import patch

from homeassistant.components.tts import TextToSpeechEntity, TtsAudioType
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

TTS_DOMAIN = "voicetest"
TTS_ENTITY_ID = "tts.test_voice"


@cache
def tone(seconds: float, fmt: str = "mp3", rate: int = 44100, channels: int = 2) -> bytes:
    """A 440 Hz tone encoded by ffmpeg (``mp3``, ``wav``, ``flac``...)."""
    return subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}:sample_rate={rate}",
            "-ac",
            str(channels),
            "-f",
            fmt,
            "pipe:1",
        ],
        check=True,
        capture_output=True,
    ).stdout


class VoiceFlow(ConfigFlow):
    """The test integration's (unused) config flow: an entry needs a handler to load."""

    VERSION = 1


class FakeVoice(TextToSpeechEntity):
    """Speaks English and German; every text is a tone of ``seconds``, in MP3."""

    _attr_name = "Test voice"
    _attr_default_language = "en"

    def __init__(self) -> None:
        """Remember what it is asked to say."""
        self._attr_supported_languages = ["en", "de"]
        self.calls: list[tuple[str, str]] = []
        self.seconds = 1.5

    def get_tts_audio(self, message: str, language: str, options: dict[str, Any]) -> TtsAudioType:
        """Render the text (in the executor, as a cloud voice would)."""
        self.calls.append((message, language))
        return "mp3", tone(self.seconds)


async def async_setup_fake_voice(hass: HomeAssistant, cache_dir: Path) -> FakeVoice:
    """Set up the tts component (its file cache in ``cache_dir``) and the test voice."""
    with patch("homeassistant.components.tts.DEFAULT_CACHE_DIR", str(cache_dir)):
        assert await async_setup_component(hass, "tts", {})
    voice = FakeVoice()

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        await hass.config_entries.async_forward_entry_setups(entry, [Platform.TTS])
        return True

    async def setup_platform(
        hass: HomeAssistant, entry: ConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        async_add_entities([voice])

    mock_integration(hass, MockModule(TTS_DOMAIN, async_setup_entry=setup_entry))
    mock_platform(hass, f"{TTS_DOMAIN}.tts", MockPlatform(async_setup_entry=setup_platform))
    mock_platform(hass, f"{TTS_DOMAIN}.config_flow")
    entry = MockConfigEntry(domain=TTS_DOMAIN)
    entry.add_to_hass(hass)
    with mock_config_flow(TTS_DOMAIN, VoiceFlow):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert hass.states.get(TTS_ENTITY_ID) is not None
    return voice
