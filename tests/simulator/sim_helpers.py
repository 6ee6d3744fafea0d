"""Helpers shared by the simulator tests (not fixtures)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import io
import random
from typing import Any
import wave

import aiohttp
from aiohttp import web

from simulator import Simulator
from simulator.images import b64, portrait

Call = Callable[..., Awaitable[dict[str, Any]]]


def fast_simulator(**kwargs: Any) -> Simulator:
    """Return a simulator with intervals small enough for tests."""
    options: dict[str, Any] = {
        "resend_interval": 0.05,
        "reboot_seconds": 0.3,
        "restart_seconds": 0.1,
        "config_retry_interval": 0.05,
        "push_timeout": 2.0,
        "config_timeout": 2.0,
    }
    options.update(kwargs)
    return Simulator(**options)


async def post_json(
    http: aiohttp.ClientSession, url: str, body: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """POST a JSON body and return the JSON reply (asserting HTTP 200)."""
    async with http.post(url, json=body, **kwargs) as response:
        assert response.status == 200, await response.text()
        reply: dict[str, Any] = await response.json(content_type=None)
        return reply


def jpeg_bytes(size: int = 64) -> bytes:
    """A small valid JPEG."""
    return portrait(size, random.Random(1))


def jpeg_b64(size: int = 64) -> str:
    """A small valid JPEG, base64."""
    return b64(jpeg_bytes(size))


def png_b64(size: int = 64) -> str:
    """A small valid PNG, base64."""
    return b64(portrait(size, random.Random(2), "png"))


def wav_bytes(
    seconds: float = 0.01, *, rate: int = 16000, channels: int = 1, sample_width: int = 2
) -> bytes:
    """A silent WAV file; by default what the terminal plays (16-bit PCM mono, 16 kHz)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(sample_width)
        wav.setframerate(rate)
        wav.writeframes(b"\0" * sample_width * channels * round(seconds * rate))
    return out.getvalue()


def valid_ack(body: dict[str, Any], **extras: Any) -> dict[str, Any]:
    """The ACK a correct server sends for a face push."""
    return {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": body["sequence_no"],
        "cap_time": body["cap_time"],
        **extras,
    }


def default_respond(body: dict[str, Any]) -> dict[str, Any]:
    """ACK face pushes exactly; answer anything else (heartbeats, events) with a plain ACK."""
    if body.get("cmd") == "face":
        return valid_ack(body)
    return {"reply": "ACK", "cmd": body.get("cmd"), "code": 0}


class Receiver:
    """A push receiver (the integration's webhook stand-in) on 127.0.0.1."""

    def __init__(self) -> None:
        """Acknowledge correctly unless ``respond`` is replaced."""
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.respond: Callable[[dict[str, Any]], Any] = default_respond
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.path = "/api/webhook/abc"

    @property
    def url(self) -> str:
        """Where pushes should go."""
        return f"http://127.0.0.1:{self.port}{self.path}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.bodies.append(body)
        self.headers.append(dict(request.headers))
        result = self.respond(body)
        if asyncio.iscoroutine(result):
            result = await result
        if isinstance(result, web.StreamResponse):
            return result
        if result is None:
            return web.Response(status=200, text="")
        return web.json_response(result)

    def faces(self) -> list[dict[str, Any]]:
        """Face pushes received (heartbeats and events left out)."""
        return [body for body in self.bodies if body.get("cmd") == "face"]

    async def start(self, port: int = 0) -> None:
        """Listen on a free port (or the given one)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``predicate`` until it is true (or fail after ``timeout`` seconds)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


# The `request persons` fields the document requires besides paging (2.1.1.1).
PERSON_QUERY: dict[str, Any] = {"role": -1, "feature_flag": 0, "image_flag": 0}
# The `request records` flags the document requires besides paging (2.2.2.1).
RECORD_QUERY: dict[str, Any] = {"face_image_flag": 0, "reg_image_flag": 0}


def person_record(person_id: str, *, jpg: bool = False, **fields: Any) -> dict[str, Any]:
    """A complete `add person` (or, with ``jpg``, `add person jpg`) body: every required field.

    Fields not given are those of a person without a picture or card (document 2.1.3, 2.1.6);
    the image counts follow the image lists given.
    """
    body: dict[str, Any] = {
        "id": person_id,
        "name": "",
        "role": 1,
        "kind": 0,
        "cover": False,
        "image_num": 0,
        "reg_images": [],
        "wg_card_id": 0,
        "term": "forever",
        "customer_text": "",
    }
    if not jpg:
        body.update(
            feature_unit_size=0, feature_num=0, feature_data=[], norm_image_num=0, norm_images=[]
        )
    body.update(fields)
    for count, images in (("image_num", "reg_images"), ("norm_image_num", "norm_images")):
        if count in body and count not in fields and isinstance(body[images], list):
            body[count] = len(body[images])
    return body
