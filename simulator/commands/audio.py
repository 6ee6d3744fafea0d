"""Sound (document 2.12, 2.18): text to speech, WAV streams, built-in clips and the volume."""

from __future__ import annotations

import copy
from typing import Any

from simulator.images import b64decode_strict, is_wav, wav_info
from simulator.state import DeviceState

from .fields import (
    _int,
    _obj,
    _str,
)
from .registry import ProtocolError, command


@command("tts play")
def tts_play(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Speak a text (2.12.1)."""
    state.add_log("tts", source="command", text=_str(req, "text", nonempty=True))
    return {}


@command("play audio stream")
def play_audio_stream(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Play a WAV sent in the request (2.12.2): 16-bit PCM mono at a rate the speaker plays."""
    audio = _obj(req, "audio")
    if _str(audio, "format") != "wav":
        raise ProtocolError(3, "only wav audio is supported")
    data = b64decode_strict(_str(audio, "data"))
    if data is None or not is_wav(data):
        raise ProtocolError(35, "audio data is not a RIFF/WAVE file")
    if len(data) > state.max_audio_bytes:
        raise ProtocolError(6, f"audio is larger than {state.max_audio_bytes} bytes")
    info = wav_info(data)
    if info is None or info.frames == 0:
        raise ProtocolError(35, "audio is not a complete PCM WAV file")
    if (info.channels, info.sample_width) != (1, 2):
        raise ProtocolError(35, "audio must be 16-bit PCM mono")
    if info.sample_rate not in state.audio_sample_rates:
        raise ProtocolError(35, f"audio sample rate {info.sample_rate} Hz is not supported")
    state.add_log(
        "audio_stream",
        format="wav",
        size=len(data),
        sample_rate=info.sample_rate,
        channels=info.channels,
        sample_width=info.sample_width,
        duration=round(info.duration, 3),
    )
    return {}


@command("browse audio list")
def browse_audio_list(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Return the built-in audio files (2.12.3)."""
    return {"audio_list": copy.deepcopy(state.audio_list)}


@command("play audio")
def play_audio(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Play a built-in audio file given by its number and name (2.12.4)."""
    number = _int(req, "audio_no", lo=0)
    name = _str(req, "audio_name")
    for entry in state.audio_list:
        if (number, name) == (entry["audio_no"], entry["audio_name"]):
            state.add_log("audio", audio_no=entry["audio_no"], audio_name=entry["audio_name"])
            return {}
    raise ProtocolError(22, "no such built-in audio")


@command("camera volume")
def camera_volume(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Read (GET) or set (SET, 0-100) the speaker volume (2.18)."""
    method = _str(req, "method")
    if method == "GET":
        return {"volume": state.volume}
    if method != "SET":
        raise ProtocolError(3, 'method must be "GET" or "SET"')
    state.volume = _int(req, "volume", lo=0, hi=100)
    return {}
