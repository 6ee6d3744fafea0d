"""How many pushes a real ``hass`` with facecapture takes, against a bare server in the same run.

Both servers are processes of their own on 127.0.0.1, loaded the same way by this process:
512 KB pushes (a panorama and a close-up, as real JPEG), 4 senders on keep-alive connections,
every reply checked as a valid ACK. The bare server (``bare_ack_server.py``) reads the body,
parses it with orjson and answers the ACK: the least any server can do. The rounds alternate
between the two servers and the best of two counts, so a noisy neighbour hurts both alike.

Targets (issue "The push path"):
- catch-up pushes (``is_realtime: 0``, bus event only): >= 0.85x the bare throughput, p99 <= 5 ms;
- real-time pushes (entities updating): >= 0.5x the bare throughput;
- resident memory of ``hass`` grows by <= 5 MB over 20,000 pushes after a warm-up of 1,000.

Run with ``bash scripts/bench -k throughput``; the numbers are printed.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import functools
import io
import itertools
import json
from pathlib import Path
import re
import statistics
import sys
import time

import aiohttp
from hass_harness import FaceCaptureStack, ManagedProcess, free_port, wait_until
from PIL import Image
import pytest

ROOT = Path(__file__).resolve().parents[1]
PUSHES = ROOT / "tests" / "fixtures" / "pushes"
PUSH_BYTES = 512 * 1024
SENDERS = 4
ROUND_PUSHES = 1000
ROUNDS = 2
MEMORY_WARMUP = 1000
MEMORY_PUSHES = 20_000
CATCH_UP_RATIO = 0.85
CATCH_UP_P99_MS = 5.0
REALTIME_RATIO = 0.5
MEMORY_GROWTH_MB = 5.0

_SEQUENCE_MARK = b'"sequence_no":987654321'
_CAP_TIME_MARK = b'"cap_time":"CAP_TIME_MARK"'


def _noise_jpeg(target_bytes: int) -> bytes:
    """A JPEG of noise (it compresses like a photograph) of about ``target_bytes``."""
    width = 640
    while True:
        size = (width, width * 9 // 16)
        buffer = io.BytesIO()
        Image.effect_noise(size, 60).convert("RGB").save(buffer, format="JPEG", quality=85)
        if buffer.tell() >= target_bytes or width > 4000:
            return buffer.getvalue()
        width = int(width * (target_bytes / buffer.tell()) ** 0.5) + 16


@functools.cache
def _pictures() -> tuple[str, str]:
    """A panorama and a close-up in base64, together about 512 KB."""
    closeup = _noise_jpeg(100_000)
    panorama = _noise_jpeg((PUSH_BYTES - 4096) * 3 // 4 - len(closeup))
    return base64.b64encode(panorama).decode(), base64.b64encode(closeup).decode()


@dataclass(frozen=True)
class PushFactory:
    """Face pushes of one terminal, each with its own ``sequence_no`` and ``cap_time``."""

    pieces: list[bytes]
    counter: Iterator[int]
    start: datetime

    @classmethod
    def build(cls, serial: str, *, realtime: bool, first: int) -> PushFactory:
        """A 512 KB template; the sequence and time are filled in per push."""
        body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
        panorama, closeup = _pictures()
        body.update(
            device_sn=serial,
            is_realtime=1 if realtime else 0,
            sequence_no=987654321,
            cap_time="CAP_TIME_MARK",
        )
        body["overall_pic"]["data"] = panorama
        body["closeup_pic"]["data"] = closeup
        raw = json.dumps(body, separators=(",", ":")).encode()
        pieces = re.split(b"(" + _SEQUENCE_MARK + b"|" + _CAP_TIME_MARK + b")", raw)
        assert len(pieces) == 5, "the template must hold each mark once"
        return cls(pieces, itertools.count(first), datetime(2026, 11, 28, 8, 0, 0, tzinfo=UTC))

    def next(self) -> tuple[int, str, bytes]:
        """The next push: its sequence number, its capture time and its body."""
        sequence = next(self.counter)
        at = self.start + timedelta(milliseconds=sequence)
        cap_time = at.strftime("%Y/%m/%d %H:%M:%S.") + f"{at.microsecond // 1000:03d}"
        fill = {
            _SEQUENCE_MARK: b'"sequence_no":%d' % sequence,
            _CAP_TIME_MARK: b'"cap_time":"%s"' % cap_time.encode(),
        }
        body = b"".join(fill.get(piece, piece) for piece in self.pieces)
        return sequence, cap_time, body


@dataclass
class RoundResult:
    """One round against one server."""

    name: str
    pushes: int
    seconds: float
    latencies_ms: list[float]
    bad_replies: int

    @property
    def throughput(self) -> float:
        """Pushes acknowledged per second."""
        return self.pushes / self.seconds

    @property
    def p99_ms(self) -> float:
        """99th percentile of push -> ACK, as a sender sees it."""
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, int(len(ordered) * 0.99) - 1)]

    def line(self) -> str:
        """What gets printed."""
        return (
            f"{self.name:<28} n={self.pushes:>5} {self.throughput:8.1f} pushes/s  "
            f"p50={statistics.median(self.latencies_ms):6.2f} ms  p99={self.p99_ms:6.2f} ms  "
            f"bad replies={self.bad_replies}"
        )


async def run_round(
    session: aiohttp.ClientSession, url: str, factory: PushFactory, pushes: int, name: str
) -> RoundResult:
    """``pushes`` pushes to ``url`` from ``SENDERS`` concurrent senders; every reply checked."""
    latencies: list[float] = []
    bad = 0

    async def sender(count: int) -> None:
        nonlocal bad
        for _ in range(count):
            sequence, cap_time, body = factory.next()
            began = time.perf_counter()
            async with session.post(
                url, data=body, headers={"Content-Type": "application/json"}
            ) as response:
                text = await response.read()
            latencies.append((time.perf_counter() - began) * 1000)
            try:
                ack = json.loads(text)
            except ValueError:
                ack = None
            if not (
                response.status == 200
                and isinstance(ack, dict)
                and ack.get("reply") == "ACK"
                and ack.get("code") == 0
                and ack.get("sequence_no") == sequence
                and ack.get("cap_time") == cap_time
            ):
                bad += 1

    began = time.perf_counter()
    await asyncio.gather(*(sender(pushes // SENDERS) for _ in range(SENDERS)))
    elapsed = time.perf_counter() - began
    return RoundResult(name, len(latencies), elapsed, latencies, bad)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@pytest.fixture
async def stack(tmp_path: Path, socket_enabled: None) -> AsyncIterator[FaceCaptureStack]:
    """A real ``hass`` with the simulated terminal added (it points the terminal at itself)."""
    async with FaceCaptureStack(
        tmp_path / "config", startup_timeout=90, log_level="warning"
    ) as started:
        yield started


@pytest.fixture
async def bare_url(tmp_path: Path, socket_enabled: None) -> AsyncIterator[str]:
    """The bare ACK server as a process of its own."""
    port = free_port()
    process = ManagedProcess(
        "bare ACK server",
        [sys.executable, str(ROOT / "benchmarks" / "bare_ack_server.py"), str(port)],
        log_path=tmp_path / "bare.log",
    )
    process.start()
    url = f"http://127.0.0.1:{port}/api/webhook/bare"
    try:
        async with aiohttp.ClientSession() as session:

            async def up() -> bool | None:
                async with session.post(url, data=b'{"sequence_no":1,"cap_time":"x"}') as reply:
                    return True if reply.status == 200 else None

            await wait_until(up, timeout=30, what="the bare server", processes=[process])
        yield url
    finally:
        await process.stop()


def _connector() -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=SENDERS, force_close=False)


async def test_push_throughput(stack: FaceCaptureStack, bare_url: str) -> None:
    """Catch-up and real-time pushes through ``hass`` against the bare server; then memory."""
    sim_state = await stack.simulator.state()
    hass_url, serial = sim_state["upload_target"], sim_state["serial"]
    assert hass_url, sim_state
    assert "/api/webhook/" in hass_url, sim_state
    first = itertools.count(1, 1_000_000)
    results: dict[str, list[RoundResult]] = {}
    print(f"\npush throughput: {SENDERS} senders, ~{PUSH_BYTES // 1024} KB pushes")
    async with aiohttp.ClientSession(connector=_connector()) as session:
        for realtime in (False, True):
            kind = "real-time" if realtime else "catch-up"
            for round_no in range(1, ROUNDS + 1):
                for name, url in (("bare", bare_url), ("hass", hass_url)):
                    factory = PushFactory.build(serial, realtime=realtime, first=next(first))
                    # Warm the connections and the code paths; not counted.
                    await run_round(session, url, factory, SENDERS * 10, "warm-up")
                    result = await run_round(
                        session, url, factory, ROUND_PUSHES, f"{kind} {name} round {round_no}"
                    )
                    print(result.line(), flush=True)
                    results.setdefault(f"{kind} {name}", []).append(result)

        summary = {}
        for kind in ("catch-up", "real-time"):
            bare = max(results[f"{kind} bare"], key=lambda r: r.throughput)
            hass = max(results[f"{kind} hass"], key=lambda r: r.throughput)
            best_p99 = min(r.p99_ms for r in results[f"{kind} hass"])
            ratio = hass.throughput / bare.throughput
            summary[kind] = (ratio, best_p99)
            print(
                f"{kind:<10} best of {ROUNDS}: hass {hass.throughput:.0f}/s vs bare "
                f"{bare.throughput:.0f}/s = {ratio:.2f}x; hass p99 {best_p99:.2f} ms "
                f"(bare {min(r.p99_ms for r in results[f'{kind} bare']):.2f} ms)"
            )

        pid = stack.hass_process.pid if stack.hass_process else None
        assert pid is not None
        factory = PushFactory.build(serial, realtime=True, first=next(first))
        await run_round(session, hass_url, factory, MEMORY_WARMUP, "memory warm-up")
        await asyncio.sleep(2)
        before = rss_mb(pid)
        memory = await run_round(session, hass_url, factory, MEMORY_PUSHES, "memory run")
        await asyncio.sleep(2)
        after = rss_mb(pid)
        print(memory.line())
        print(
            f"hass RSS: {before:.1f} MB after {MEMORY_WARMUP} pushes, {after:.1f} MB after "
            f"{MEMORY_PUSHES} more: +{after - before:.1f} MB (target <= {MEMORY_GROWTH_MB} MB)"
        )

    hass_log = (stack.config_dir / "hass.log").read_text(errors="replace")
    assert "Traceback" not in hass_log, stack.logs()
    for kind_results in results.values():
        assert all(r.bad_replies == 0 for r in kind_results), [r.line() for r in kind_results]
    assert memory.bad_replies == 0
    assert summary["catch-up"][0] >= CATCH_UP_RATIO, summary
    assert summary["catch-up"][1] <= CATCH_UP_P99_MS, summary
    assert summary["real-time"][0] >= REALTIME_RATIO, summary
    assert after - before <= MEMORY_GROWTH_MB
