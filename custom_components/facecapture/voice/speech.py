"""What the terminal says: its own (Chinese-only) TTS, or a Home Assistant TTS engine.

Each terminal has an option naming a TTS engine entity and a language. Without one, text goes to
the terminal's own TTS (`tts play`, 2.12.1, at most 64 bytes), as before. With one, the engine
speaks the text, ``audio.py`` converts it, and the terminal plays the WAV (`play audio stream`,
2.12.2). Rendered speech is kept in memory per (engine, language, text): a greeting repeated at
the door ("Welcome, Alice") costs one TTS call and one conversion, then none.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

from homeassistant.components import tts
from homeassistant.components.tts.const import DOMAIN as TTS_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    LanguageSelector,
    LanguageSelectorConfig,
)
from homeassistant.util.hass_dict import HassKey

from ..api import MAX_TTS_BYTES, FaceCaptureError
from ..const import CONF_TTS_ENGINE, CONF_TTS_LANGUAGE, DOMAIN, LOGGER
from ..coordinator import FaceCaptureConfigEntry
from ..helpers import validation_error
from ..schema_library import vol
from .audio import TerminalAudio, async_convert, async_load_media, audio_error

MAX_CACHED_CLIPS: Final = 64
MAX_CACHED_BYTES: Final = 16 * 1024 * 1024
"""At most 64 clips and 16 MiB: a site's greetings and notices, not every sentence ever said."""

type SpeechKey = tuple[str, str, str]
"""(engine entity id, language, text)."""


class SpeechCache:
    """Rendered speech, least recently used first out; one render per key at a time."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start empty."""
        self.hass = hass
        self._clips: OrderedDict[SpeechKey, TerminalAudio] = OrderedDict()
        self._rendering: dict[SpeechKey, asyncio.Task[TerminalAudio]] = {}
        self.size = 0

    def __len__(self) -> int:
        """How many clips are kept."""
        return len(self._clips)

    def _keep(self, key: SpeechKey, audio: TerminalAudio) -> None:
        self._clips[key] = audio
        self.size += len(audio.wav)
        while len(self._clips) > MAX_CACHED_CLIPS or self.size > MAX_CACHED_BYTES:
            _, dropped = self._clips.popitem(last=False)
            self.size -= len(dropped.wav)

    async def _render(self, key: SpeechKey) -> TerminalAudio:
        engine, language, text = key
        try:
            media_id = tts.generate_media_source_id(
                self.hass, text, engine=engine, language=language or None
            )
        except (HomeAssistantError, KeyError) as err:
            raise audio_error("tts_engine_failed", engine=engine, error=str(err)) from err
        audio = await async_convert(self.hass, await async_load_media(self.hass, media_id, None))
        self._keep(key, audio)
        return audio

    async def async_get(self, key: SpeechKey) -> TerminalAudio:
        """The clip for this key, rendered now if it is not kept (shared by concurrent callers)."""
        if (audio := self._clips.get(key)) is not None:
            self._clips.move_to_end(key)
            return audio
        if (task := self._rendering.get(key)) is None:
            task = self.hass.async_create_task(self._render(key), f"{DOMAIN} speech")
            self._rendering[key] = task
            task.add_done_callback(lambda _: self._rendering.pop(key, None))
        return await asyncio.shield(task)


DATA_SPEECH_CACHE: Final[HassKey[SpeechCache]] = HassKey(f"{DOMAIN}_speech_cache")


def speech_cache(hass: HomeAssistant) -> SpeechCache:
    """The cache shared by every terminal (the key does not depend on the terminal)."""
    if (cache := hass.data.get(DATA_SPEECH_CACHE)) is None:
        cache = hass.data[DATA_SPEECH_CACHE] = SpeechCache(hass)
    return cache


def speech_engine(entry: FaceCaptureConfigEntry) -> tuple[str, str] | None:
    """The TTS engine and language ("" for the engine's default) chosen for this terminal.

    None means the terminal's own voice.
    """
    engine = entry.options.get(CONF_TTS_ENGINE)
    if not engine:
        return None
    return str(engine), str(entry.options.get(CONF_TTS_LANGUAGE) or "")


async def async_render_speech(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, text: str
) -> TerminalAudio:
    """The terminal's chosen TTS engine speaking ``text``, as a WAV it plays (cached)."""
    if (choice := speech_engine(entry)) is None:
        raise validation_error("no_tts_engine", title=entry.title)
    engine, language = choice
    return await speech_cache(hass).async_get((engine, language, text.strip()))


async def async_render_greeting(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, text: str
) -> bytes:
    """A greeting in the user's language as WAV bytes, for a `play audio stream` after an ACK.

    Rendered once per (engine, language, text); raises a translated error when the terminal has
    no TTS engine chosen (use the ACK's own `tts` field then) or the engine fails.
    """
    return (await async_render_speech(hass, entry, text)).wav


async def async_play_greeting(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, text: str
) -> bool:
    """Render (once) and play a greeting after an ACK; False, logged, when it cannot be played.

    Never raises: the ACK is already sent and the door already decided. The log names the
    terminal and the reason, never the text (it holds a person's name).
    """
    try:
        wav = await async_render_greeting(hass, entry, text)
        await entry.runtime_data.client.play_audio_stream(wav)
    except (HomeAssistantError, FaceCaptureError) as err:
        reason = getattr(err, "translation_key", None) or type(err).__name__
        LOGGER.warning("Could not play a greeting on %s: %s", entry.title, reason)
        return False
    return True


async def async_speak(hass: HomeAssistant, entry: FaceCaptureConfigEntry, text: str) -> None:
    """Say ``text`` on the terminal, through the voice chosen for it.

    Raises the library's errors for the terminal's refusals (callers translate them with
    ``call_terminal``) and translated errors for text or audio that cannot be spoken.
    """
    text = text.strip()
    client = entry.runtime_data.client
    if speech_engine(entry) is None:
        if (size := len(text.encode())) > MAX_TTS_BYTES:
            raise validation_error("tts_too_long", bytes=str(size), max_bytes=str(MAX_TTS_BYTES))
        await client.tts_play(text)
        return
    if not text:
        raise validation_error("tts_empty")
    await client.play_audio_stream((await async_render_speech(hass, entry, text)).wav)


def speech_options_schema(hass: HomeAssistant) -> dict[vol.Marker, Any]:
    """The options-flow fields: a TTS engine entity (empty: the terminal's voice) and a language."""
    languages = (
        sorted(tts.async_get_text_to_speech_languages(hass))
        if TTS_DOMAIN in hass.config.components
        else []
    )
    return {
        vol.Optional(CONF_TTS_ENGINE): EntitySelector(EntitySelectorConfig(domain=TTS_DOMAIN)),
        vol.Optional(CONF_TTS_LANGUAGE): LanguageSelector(
            LanguageSelectorConfig(languages=languages) if languages else LanguageSelectorConfig()
        ),
    }


def validate_speech_options(
    hass: HomeAssistant, user_input: Mapping[str, Any], errors: dict[str, str]
) -> None:
    """Check that the chosen engine exists and speaks the chosen language."""
    if not (engine := user_input.get(CONF_TTS_ENGINE)):
        if user_input.get(CONF_TTS_LANGUAGE):
            errors[CONF_TTS_LANGUAGE] = "tts_language_without_engine"
        return
    if TTS_DOMAIN not in hass.config.components or tts.async_resolve_engine(hass, engine) is None:
        errors[CONF_TTS_ENGINE] = "tts_engine_not_found"
        return
    try:
        tts.generate_media_source_id(
            hass, "-", engine=engine, language=user_input.get(CONF_TTS_LANGUAGE) or None
        )
    except HomeAssistantError:
        errors[CONF_TTS_LANGUAGE] = "tts_language_not_supported"
