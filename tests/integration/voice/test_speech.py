"""The terminal's voice: a Home Assistant TTS engine chosen per terminal, and the greeting cache."""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path
from typing import Any
from unittest.mock import patch
import wave

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.const import (
    CONF_PUSH_AUTO,
    CONF_PUSH_REMOTE,
    CONF_TTS_ENGINE,
    CONF_TTS_LANGUAGE,
    DOMAIN,
)
from custom_components.facecapture.voice import speech
from custom_components.facecapture.voice.audio import async_convert
from custom_components.facecapture.voice.speech import (
    async_play_greeting,
    async_render_greeting,
    speech_cache,
)
from simulator import Simulator
from tests.integration.common import call_action, requests_since
from tests.integration.tts_engine import TTS_ENTITY_ID, FakeVoice, async_setup_fake_voice

VOICE_OPTIONS = {CONF_TTS_ENGINE: TTS_ENTITY_ID, CONF_TTS_LANGUAGE: "de"}


@pytest.fixture
def platform() -> Platform:
    """The notifiers: the Voice notifier speaks."""
    return Platform.NOTIFY


@pytest.fixture
def entry_options() -> dict[str, object]:
    """The terminal speaks German through the test voice."""
    return VOICE_OPTIONS


@pytest.fixture
async def voice(hass: HomeAssistant, tmp_path: Path) -> FakeVoice:
    """A TTS engine of Home Assistant's own tts component."""
    return await async_setup_fake_voice(hass, tmp_path / "tts")


def wavs_played(simulator: Simulator, start: int = 0) -> list[wave.Wave_read]:
    """The WAVs the terminal was sent, opened with Python's wave module."""
    return [
        wave.open(io.BytesIO(base64.b64decode(body["audio"]["data"])), "rb")
        for body in requests_since(simulator, start, "play audio stream")
    ]


def assert_terminal_wav(wav: wave.Wave_read, seconds: float) -> None:
    """16-bit PCM mono at 16 kHz, lasting ``seconds``."""
    assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
    assert wav.getnframes() / 16000 == pytest.approx(seconds, abs=0.06)


async def test_voice_notifier_speaks_through_engine(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A message longer than the terminal's 64 bytes is spoken by the engine, in German."""
    message = "Das Paket liegt an der Seitentür, bitte holen Sie es vor sechs Uhr ab."
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        SERVICE_SEND_MESSAGE,
        {ATTR_ENTITY_ID: "notify.front_gate_voice", ATTR_MESSAGE: f"  {message}\n"},
        blocking=True,
    )

    assert voice.calls == [(message, "de")]
    [wav] = wavs_played(simulator)
    assert_terminal_wav(wav, 1.5)
    assert not [body for body in simulator.requests if body.get("cmd") == "tts play"]


async def test_speak_action_through_engine(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The `speak` action uses the same voice; the 64-byte limit is the terminal's TTS only."""
    text = "Welcome to the front gate. " * 4
    await call_action(hass, "speak", {"text": text})
    assert voice.calls == [(text.strip(), "de")]
    assert [entry["kind"] for entry in simulator.log] == ["audio_stream"]

    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "speak", {"text": "   "})
    assert err.value.translation_key == "tts_empty"


@pytest.mark.parametrize("entry_options", [{}])
async def test_terminal_voice_stays_the_default(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Without the option, the terminal's own TTS speaks, even with an engine around."""
    await call_action(hass, "speak", {"text": "认证成功"})
    assert simulator.log == [{"kind": "tts", "source": "command", "text": "认证成功"}]
    assert voice.calls == []
    with pytest.raises(ServiceValidationError) as err:
        await async_render_greeting(hass, platform_entry, "Welcome, Alice")
    assert err.value.translation_key == "no_tts_engine"
    assert err.value.translation_placeholders == {"title": "Front gate"}


async def test_greeting_is_rendered_once(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The second "Welcome, Alice" costs no TTS call and no conversion."""
    with patch.object(speech, "async_convert", wraps=async_convert) as convert:
        first = await async_render_greeting(hass, platform_entry, "Welcome, Alice")
        second = await async_render_greeting(hass, platform_entry, " Welcome, Alice ")
        await async_render_greeting(hass, platform_entry, "Welcome, Bob")

    assert voice.calls == [("Welcome, Alice", "de"), ("Welcome, Bob", "de")]
    assert convert.call_count == 2
    assert second == first
    with wave.open(io.BytesIO(first), "rb") as wav:
        assert_terminal_wav(wav, 1.5)
    assert len(speech_cache(hass)) == 2

    # The greeting plays on the terminal as it is.
    await platform_entry.runtime_data.client.play_audio_stream(first)
    assert simulator.log[-1]["duration"] == pytest.approx(1.5, abs=0.06)

    # Another language is another rendering.
    hass.config_entries.async_update_entry(
        platform_entry, options={**VOICE_OPTIONS, CONF_TTS_LANGUAGE: "en"}
    )
    await async_render_greeting(hass, platform_entry, "Welcome, Alice")
    assert voice.calls[-1] == ("Welcome, Alice", "en")
    assert len(voice.calls) == 3


async def test_play_greeting_after_an_ack(
    hass: HomeAssistant,
    voice: FakeVoice,
    platform_entry: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Played on the terminal; a failure is logged by reason, never with the name, and not raised."""
    assert await async_play_greeting(hass, platform_entry, "Welcome, Alice")
    assert simulator.log[-1]["kind"] == "audio_stream"

    simulator.fail_next("play audio stream", 5)
    assert not await async_play_greeting(hass, platform_entry, "Welcome, Alice")
    voice.seconds = 40.0
    assert not await async_play_greeting(hass, platform_entry, "Welcome, Mallory")
    warnings = [r.getMessage() for r in caplog.records if "greeting" in r.getMessage()]
    assert warnings == [
        "Could not play a greeting on Front gate: FaceCaptureBusyError",
        "Could not play a greeting on Front gate: audio_too_long",
    ]
    ours = " ".join(
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components.facecapture")
    )
    assert "Alice" not in ours
    assert "Mallory" not in ours
    assert [entry["kind"] for entry in simulator.log] == ["audio_stream"]


async def test_concurrent_greetings_share_one_rendering(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry
) -> None:
    """Two captures at once asking for the same greeting make one TTS call."""
    results = await asyncio.gather(
        *(async_render_greeting(hass, platform_entry, "Hello, Carol") for _ in range(3))
    )
    assert voice.calls == [("Hello, Carol", "de")]
    assert results[0] == results[1] == results[2]


async def test_cache_keeps_the_most_recent(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry
) -> None:
    """Beyond its clip count or its size, the cache forgets the least recently used."""
    rendered: list[str] = []

    async def counting_convert(hass: HomeAssistant, source: Any) -> Any:
        rendered.append(voice.calls[-1][0] if voice.calls else "")
        return await async_convert(hass, source)

    with (
        patch.object(speech, "MAX_CACHED_CLIPS", 2),
        patch.object(speech, "async_convert", side_effect=counting_convert) as convert,
    ):
        for name in ("Alice", "Bob", "Alice", "Carol"):
            await async_render_greeting(hass, platform_entry, name)
        assert convert.call_count == 3  # Alice was kept, and used again before Carol came
        await async_render_greeting(hass, platform_entry, "Bob")  # forgotten: rendered again
        assert convert.call_count == 4
        await async_render_greeting(hass, platform_entry, "Carol")  # kept
        assert convert.call_count == 4
    cache = speech_cache(hass)
    assert len(cache) == 2
    with patch.object(speech, "MAX_CACHED_BYTES", cache.size // 2 + 1):
        await async_render_greeting(hass, platform_entry, "Dave")
    assert len(cache) == 1
    assert cache.size < 60_000


@pytest.mark.parametrize("entry_options", [{CONF_TTS_ENGINE: "tts.gone", CONF_TTS_LANGUAGE: ""}])
async def test_engine_that_is_gone(
    hass: HomeAssistant, voice: FakeVoice, platform_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An engine removed since it was chosen: a translated error naming it."""
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "speak", {"text": "Hello"})
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "tts_engine_failed"
    assert err.value.translation_placeholders["engine"] == "tts.gone"
    assert simulator.log == []


async def test_engine_without_tts_loaded(
    hass: HomeAssistant, platform_entry: MockConfigEntry
) -> None:
    """The option names an engine but Home Assistant's tts is not loaded at all."""
    with pytest.raises(HomeAssistantError) as err:
        await async_render_greeting(hass, platform_entry, "Hello")
    assert err.value.translation_key == "tts_engine_failed"


OPTIONS = {CONF_PUSH_AUTO: True, CONF_PUSH_REMOTE: False}
"""The other options' answers (the form fills in the rest with their defaults)."""


@pytest.mark.parametrize(
    ("voice_input", "errors"),
    [
        (
            {CONF_TTS_ENGINE: TTS_ENTITY_ID, CONF_TTS_LANGUAGE: "en"},
            {CONF_TTS_LANGUAGE: "tts_language_not_supported"},
        ),
        ({CONF_TTS_ENGINE: "tts.gone"}, {CONF_TTS_ENGINE: "tts_engine_not_found"}),
        ({CONF_TTS_LANGUAGE: "de"}, {CONF_TTS_LANGUAGE: "tts_language_without_engine"}),
    ],
)
@pytest.mark.parametrize("entry_options", [{}])
async def test_options_refuse_what_cannot_speak(
    hass: HomeAssistant,
    voice: FakeVoice,
    mock_config_entry: MockConfigEntry,
    voice_input: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """The options form checks the engine and language before saving."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    voice._attr_supported_languages = ["de"]  # another engine of the list speaks English
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**OPTIONS, **voice_input}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**OPTIONS, **VOICE_OPTIONS}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options.items() >= {**OPTIONS, **VOICE_OPTIONS}.items()


@pytest.mark.parametrize("entry_options", [{}])
async def test_options_offer_the_engines_languages(
    hass: HomeAssistant, voice: FakeVoice, mock_config_entry: MockConfigEntry
) -> None:
    """The language list is what the loaded TTS engines speak; empty keeps the terminal's voice."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    schema = {str(key): value for key, value in result["data_schema"].schema.items()}
    assert schema[CONF_TTS_LANGUAGE].config["languages"] == ["de", "en"]
    assert schema[CONF_TTS_ENGINE].config["domain"] == ["tts"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], OPTIONS)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options.items() >= OPTIONS.items()
    assert CONF_TTS_ENGINE not in mock_config_entry.options
    assert CONF_TTS_LANGUAGE not in mock_config_entry.options


@pytest.mark.parametrize("entry_options", [{}])
async def test_options_without_tts(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    """Without Home Assistant's tts, any language can be typed and no engine is found."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    schema = {str(key): value for key, value in result["data_schema"].schema.items()}
    assert "languages" not in schema[CONF_TTS_LANGUAGE].config
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**OPTIONS, CONF_TTS_ENGINE: TTS_ENTITY_ID}
    )
    assert result["errors"] == {CONF_TTS_ENGINE: "tts_engine_not_found"}
