"""How fast the webhook answers a push, through Home Assistant's real HTTP stack.

The terminal resends a capture until it is acknowledged, so the ACK must not wait for anything:
the target is a p99 under 50 ms for a push carrying a 1080p panorama and a close-up.
Run with ``bash scripts/bench``; the numbers are printed.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
import statistics
import time

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from PIL import Image
import pytest

from custom_components.facecapture.api.push import parse_push
from tests.integration.conftest import SERIAL, WEBHOOK_ID

PUSHES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pushes"
ROUNDS = 300
P99_TARGET_MS = 50.0


def _jpeg(size: tuple[int, int]) -> str:
    buffer = io.BytesIO()
    # Noise compresses badly, like a real photograph: a realistic payload size.
    Image.effect_noise(size, 60).convert("RGB").save(buffer, format="JPEG", quality=85)
    return base64.b64encode(buffer.getvalue()).decode()


def _push(sequence: int, panorama: str, closeup: str) -> bytes:
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body.update(
        device_sn=SERIAL,
        sequence_no=sequence,
        cap_time=f"2026/11/25 12:00:{sequence % 60:02d}.{sequence:03d}",
    )
    body["overall_pic"]["data"] = panorama
    body["closeup_pic"]["data"] = closeup
    return json.dumps(body).encode()


def _report(name: str, samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(f"\n{name}: n={len(ordered)} p50={p50:.2f} ms p99={p99:.2f} ms max={ordered[-1]:.2f} ms")
    return p50, p99


@pytest.mark.usefixtures("init_integration")
async def test_ack_latency(hass: HomeAssistant, http_client: TestClient) -> None:
    """p99 of push -> ACK on the terminal's side, with the event processing running behind it."""
    panorama, closeup = _jpeg((1920, 1080)), _jpeg((320, 400))
    bodies = [_push(number, panorama, closeup) for number in range(1, ROUNDS + 1)]
    print(f"\npush size: {len(bodies[0]) / 1024:.0f} KiB")
    samples = []
    for body in bodies:
        start = time.perf_counter()
        response = await http_client.post(f"/api/webhook/{WEBHOOK_ID}", data=body)
        reply = await response.json()
        samples.append((time.perf_counter() - start) * 1000)
        assert reply["code"] == 0
    await hass.async_block_till_done(wait_background_tasks=True)
    _, p99 = _report("push -> ACK", samples)
    assert p99 < P99_TARGET_MS


def test_parse_push_throughput() -> None:
    """parse_push on a realistic 1080p push, the work done before the ACK."""
    body = _push(1, _jpeg((1920, 1080)), _jpeg((320, 400)))
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        parse_push(body)
        samples.append((time.perf_counter() - start) * 1000)
    _, p99 = _report("parse_push", samples)
    assert p99 < P99_TARGET_MS / 2
