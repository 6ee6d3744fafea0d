"""Any audio Home Assistant can play, turned into the WAV the terminal's speaker plays (2.12.2).

The terminal takes one WAV per `play audio stream` request, base64 in the JSON body. The document
names no format beyond "wav": we send 16-bit PCM mono at 16 kHz, converted by Home Assistant's
``ffmpeg`` integration from whatever the source is (MP3 from a TTS engine, a FLAC in the media
folder, an announcement). A clip is held whole in the terminal's memory, so it is kept short:
at most ``MAX_SECONDS``, which keeps the WAV under the library's ``MAX_AUDIO_BYTES``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import io
from pathlib import Path
from typing import Final
import wave

import aiohttp
from homeassistant.components import ffmpeg, media_source, tts
from homeassistant.components.media_player.browse_media import async_process_play_media_url
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from ..api import AUDIO_SAMPLE_RATE, MAX_AUDIO_BYTES
from ..const import DOMAIN, LOGGER
from ..helpers import validation_error
from ..link.downloads import DownloadTooLargeError, async_fetch_bounded

SAMPLE_WIDTH: Final = 2
CHANNELS: Final = 1
BYTES_PER_SECOND: Final = AUDIO_SAMPLE_RATE * SAMPLE_WIDTH * CHANNELS
WAV_HEADER_BYTES: Final = 44

MAX_SECONDS: Final = 30
"""The longest clip sent: an announcement or a greeting, not music (30 s is 960 044 bytes)."""
MAX_SOURCE_BYTES: Final = 20 * 1024 * 1024
"""The biggest source read before conversion: 30 s of any sensible audio format fits."""
FETCH_TIMEOUT: Final = 30
CONVERT_TIMEOUT: Final = 60

_TTS_PREFIX: Final = "media-source://tts/"

assert WAV_HEADER_BYTES + MAX_SECONDS * BYTES_PER_SECOND <= MAX_AUDIO_BYTES


@dataclass(frozen=True, slots=True)
class TerminalAudio:
    """A WAV the terminal can play, and how long it plays."""

    wav: bytes
    seconds: float


def audio_error(key: str, **placeholders: str) -> HomeAssistantError:
    """A translated error about audio that could not be made playable (not the user's input)."""
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _too_large() -> HomeAssistantError:
    return validation_error("audio_too_large", max_mib=str(MAX_SOURCE_BYTES // (1024 * 1024)))


def pcm_to_wav(pcm: bytes) -> bytes:
    """Wrap 16-bit mono PCM at the terminal's rate in a plain 44-byte WAV header."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(AUDIO_SAMPLE_RATE)
        wav.writeframes(pcm[: len(pcm) - len(pcm) % SAMPLE_WIDTH])
    return out.getvalue()


async def async_convert(hass: HomeAssistant, source: bytes | Path) -> TerminalAudio:
    """Convert audio (its bytes, or a local file) to the terminal's WAV with ffmpeg.

    Raises a translated error when ffmpeg is missing or cannot read the source, when it holds no
    sound, or when it lasts longer than ``MAX_SECONDS`` (nothing is cut short silently).
    """
    binary = ffmpeg.get_ffmpeg_manager(hass).binary
    from_file = isinstance(source, Path)
    command: list[str] = [
        binary,
        "-hide_banner",
        "-loglevel",
        "error",
        *(["-nostdin"] if from_file else []),
        "-i",
        str(source) if from_file else "pipe:0",
        "-map",
        "0:a:0",
        "-vn",
        "-ac",
        str(CHANNELS),
        "-ar",
        str(AUDIO_SAMPLE_RATE),
        "-f",
        "s16le",
        "-acodec",
        "pcm_s16le",
        # One second more than allowed is enough to tell that it is too long.
        "-t",
        str(MAX_SECONDS + 1),
        "pipe:1",
    ]
    stdin = None if isinstance(source, Path) else source
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=None if stdin is None else asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as err:
        raise audio_error("ffmpeg_missing", binary=binary) from err
    try:
        async with asyncio.timeout(CONVERT_TIMEOUT):
            pcm, stderr = await process.communicate(stdin)
    except TimeoutError as err:
        raise audio_error("audio_unreadable") from err
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0 or not pcm:
        LOGGER.debug("ffmpeg could not convert the audio: %s", stderr.decode(errors="replace"))
        raise validation_error("audio_unreadable")
    seconds = len(pcm) / BYTES_PER_SECOND
    if seconds > MAX_SECONDS:
        raise validation_error("audio_too_long", max_seconds=str(MAX_SECONDS))
    return TerminalAudio(wav=pcm_to_wav(pcm), seconds=seconds)


async def _async_fetch(hass: HomeAssistant, url: str) -> bytes:
    """Download audio, refusing more than ``MAX_SOURCE_BYTES``."""
    try:
        return await async_fetch_bounded(
            hass, url, max_bytes=MAX_SOURCE_BYTES, timeout=FETCH_TIMEOUT
        )
    except DownloadTooLargeError:
        raise _too_large() from None
    except (TimeoutError, aiohttp.ClientError) as err:
        # The address may carry a signature: name only the error.
        raise audio_error("audio_fetch_failed", error=str(err) or type(err).__name__) from err


async def _async_local_file(hass: HomeAssistant, path: Path) -> Path:
    """A file of Home Assistant's media folders, checked for its size."""
    try:
        size = (await hass.async_add_executor_job(path.stat)).st_size
    except OSError as err:
        raise audio_error("audio_fetch_failed", error=err.strerror or str(err)) from err
    if size > MAX_SOURCE_BYTES:
        raise _too_large()
    return path


async def async_load_media(
    hass: HomeAssistant, media_id: str, entity_id: str | None
) -> bytes | Path:
    """The audio behind a media id: spoken TTS, a local file, or whatever a URL serves.

    TTS is rendered through the tts integration itself and a media-folder file is read from disk,
    so neither needs Home Assistant's own address; anything else is fetched over HTTP(S).
    """
    if media_id.startswith(_TTS_PREFIX):
        try:
            _extension, data = await tts.async_get_media_source_audio(hass, media_id)
        except (HomeAssistantError, ValueError) as err:
            raise audio_error("audio_fetch_failed", error=str(err)) from err
        if len(data) > MAX_SOURCE_BYTES:
            raise _too_large()
        return data
    url = media_id
    if media_source.is_media_source_id(media_id):
        resolved = await media_source.async_resolve_media(hass, media_id, entity_id)
        if resolved.path is not None:
            return await _async_local_file(hass, resolved.path)
        url = resolved.url
    return await _async_fetch(hass, async_process_play_media_url(hass, url))


async def async_media_to_terminal(
    hass: HomeAssistant, media_id: str, entity_id: str | None
) -> TerminalAudio:
    """Fetch any media Home Assistant can resolve and convert it for the terminal."""
    return await async_convert(hass, await async_load_media(hass, media_id, entity_id))
