"""End to end: a real ``hass`` converts audio with the ffmpeg binary and the terminal plays it.

An MP3 served over HTTP is played on the terminal's speaker through the REST API; the real
Home Assistant fetches it, its ffmpeg integration converts it, and the simulated terminal (a
separate process) logs the WAV it accepted. A built-in sound and the volume go the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import subprocess
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from hass_harness import FaceCaptureStack
import pytest

pytestmark = pytest.mark.e2e

SECONDS = 2.5


@pytest.fixture
async def mp3_server() -> AsyncIterator[TestServer]:
    """A web server on 127.0.0.1 with a 2.5 s stereo MP3 made by ffmpeg."""
    mp3 = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=660:duration={SECONDS}:sample_rate=44100",
            "-ac",
            "2",
            "-f",
            "mp3",
            "pipe:1",
        ],
        check=True,
        capture_output=True,
    ).stdout
    app = web.Application()
    app.router.add_get("/chime.mp3", lambda _: web.Response(body=mp3, content_type="audio/mpeg"))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def sim_log(stack: FaceCaptureStack, kind: str) -> list[dict[str, Any]]:
    """What the simulated terminal logged of one kind."""
    log: list[dict[str, Any]] = await stack.simulator.request("GET", "/_sim/log")
    return [entry for entry in log if entry["kind"] == kind]


async def test_speaker_plays_converted_audio(
    stack: FaceCaptureStack, mp3_server: TestServer
) -> None:
    client = stack.client
    speaker = stack.entity_id("media_player", "speaker")
    state = await client.state(speaker)
    assert state is not None
    assert state["state"] == "idle", state

    await client.request(
        "POST",
        "/api/services/media_player/play_media",
        {
            "entity_id": speaker,
            "media_content_id": str(mp3_server.make_url("/chime.mp3")),
            "media_content_type": "music",
        },
    )
    [played] = await sim_log(stack, "audio_stream")
    assert (played["sample_rate"], played["channels"], played["sample_width"]) == (16000, 1, 2)
    assert played["duration"] == pytest.approx(SECONDS, abs=0.06), played
    state = await client.state(speaker)
    assert state is not None
    assert state["state"] == "playing", (state, stack.logs())

    await client.request(
        "POST",
        "/api/services/media_player/play_media",
        {
            "entity_id": speaker,
            "media_content_id": "facecapture://sounds/1",
            "media_content_type": "music",
        },
    )
    assert await sim_log(stack, "audio") == [
        {"kind": "audio", "audio_no": 1, "audio_name": "NO1.welcome.wav"}
    ]

    await client.request(
        "POST",
        "/api/services/media_player/volume_set",
        {"entity_id": speaker, "volume_level": 0.8},
    )
    state = await client.wait_for_state(
        speaker,
        lambda s: s["attributes"].get("volume_level") == 0.8,
        timeout=15,
        what=f"{speaker} at volume 0.8",
        processes=stack.processes,
        explain=stack.logs,
    )
    assert state["attributes"]["volume_level"] == 0.8
