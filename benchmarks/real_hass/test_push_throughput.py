"""How many pushes a real ``hass`` with facecapture takes, against a bare server in the same run.

Both servers are processes of their own on 127.0.0.1, loaded the same way by this process:
512 KB pushes (a panorama and a close-up, as real JPEG), 4 senders on keep-alive connections,
every reply checked as a valid ACK. The bare server (``bare_ack_server.py``) reads the body,
parses it with orjson and answers the ACK: the least any server can do.

This machine's speed drifts by a third within seconds (other tenants), so the two servers are
not measured one after the other: each round takes its 1,000 pushes per server in slices of 250,
alternating between the servers (and which goes first), so that a slow second hurts both alike.
A round's ratio therefore compares the two servers under the same conditions; the best of two
rounds counts. The ratio of each server's best round, which may come from different rounds and
so from different conditions, is printed beside it, and so is the CPU time each server spent
per push.

Targets (issue "The push path", as measured side by side on Home Assistant 2026.11.0):
- catch-up pushes (``is_realtime: 0``, bus event only): >= 0.95x the bare throughput;
- real-time pushes (entities updating): >= 0.9x the bare throughput;
- catch-up p99 push -> ACK with 4 senders: <= 1.25x the bare server's p99, both from the round
  whose throughput ratio counts. With 4 senders in flight a server's mean latency is
  4 / its throughput (Little's law): the pushes queue, and on this machine the bare server's own
  p99 passes 5 ms, so the bound is relative;
- catch-up p99 with a single sender, where no push waits for another: <= 5 ms;
- resident memory of ``hass`` grows by <= 5 MB over 20,000 pushes after a warm-up of 1,000.

It runs on the release leg (the newest Home Assistant release):
``bash scripts/bench -k throughput``; the numbers are printed.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import functools
import io
import itertools
import json
import os
from pathlib import Path
import re
import statistics
import sys
import time

import aiohttp
from hass_harness import FaceCaptureStack, ManagedProcess, free_port, wait_until
from PIL import Image
import pytest

ROOT = Path(__file__).resolve().parents[2]
BARE_SERVER = Path(__file__).resolve().parent / "bare_ack_server.py"
PUSHES = ROOT / "tests" / "fixtures" / "pushes"
PUSH_BYTES = 512 * 1024
SENDERS = 4
ROUND_PUSHES = 1000
SLICE_PUSHES = 250
SINGLE_PUSHES = 500
ROUNDS = 2
MEMORY_WARMUP = 1000
MEMORY_PUSHES = 20_000
CATCH_UP_RATIO = 0.95
REALTIME_RATIO = 0.9
CATCH_UP_P99_RATIO = 1.25
"""hass's p99 with 4 senders, at most this many times the bare server's in the same round."""
SINGLE_SENDER_P99_MS = 5.0
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
    pushes: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    bad_replies: int = 0
    cpu_seconds: float | None = None
    """CPU time (user and system) the server spent, when its process was watched."""

    def add(self, other: RoundResult) -> None:
        """Count a slice of the round in."""
        self.pushes += other.pushes
        self.seconds += other.seconds
        self.latencies_ms += other.latencies_ms
        self.bad_replies += other.bad_replies
        if other.cpu_seconds is not None:
            self.cpu_seconds = (self.cpu_seconds or 0.0) + other.cpu_seconds

    @property
    def cpu_us_per_push(self) -> float | None:
        """The server's CPU time per push, in microseconds."""
        return None if self.cpu_seconds is None else self.cpu_seconds / self.pushes * 1e6

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
        cpu = self.cpu_us_per_push
        return (
            f"{self.name:<28} n={self.pushes:>5} {self.throughput:8.1f} pushes/s  "
            f"p50={statistics.median(self.latencies_ms):6.2f} ms  p99={self.p99_ms:6.2f} ms  "
            + (f"cpu={cpu:5.0f} us/push  " if cpu is not None else "")
            + f"bad replies={self.bad_replies}"
        )


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_round(
    session: aiohttp.ClientSession,
    url: str,
    factory: PushFactory,
    pushes: int,
    name: str,
    *,
    pid: int | None = None,
    senders: int = SENDERS,
) -> RoundResult:
    """``pushes`` pushes to ``url`` from ``senders`` concurrent senders; every reply checked.

    With ``pid``, the CPU time that process spent meanwhile is counted too.
    """
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

    cpu_before = cpu_seconds(pid) if pid is not None else 0.0
    began = time.perf_counter()
    shares = [pushes // senders + (i < pushes % senders) for i in range(senders)]
    await asyncio.gather(*(sender(share) for share in shares))
    elapsed = time.perf_counter() - began
    cpu = cpu_seconds(pid) - cpu_before if pid is not None else None
    return RoundResult(name, len(latencies), elapsed, latencies, bad, cpu)


@dataclass(frozen=True)
class Server:
    """One of the two servers a round compares."""

    name: str
    url: str
    pid: int


async def run_interleaved_round(
    session: aiohttp.ClientSession,
    servers: tuple[Server, Server],
    factories: dict[str, PushFactory],
    label: str,
) -> dict[str, RoundResult]:
    """``ROUND_PUSHES`` pushes to each server, in alternating slices of ``SLICE_PUSHES``."""
    results = {server.name: RoundResult(f"{label} {server.name}") for server in servers}
    for slice_no in range(ROUND_PUSHES // SLICE_PUSHES):
        order = servers if slice_no % 2 == 0 else servers[::-1]
        for server in order:
            part = await run_round(
                session,
                server.url,
                factories[server.name],
                SLICE_PUSHES,
                label,
                pid=server.pid,
            )
            results[server.name].add(part)
    return results


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[FaceCaptureStack]:
    """A real ``hass`` with the simulated terminal added (it points the terminal at itself)."""
    async with FaceCaptureStack(
        tmp_path / "config", startup_timeout=90, log_level="warning"
    ) as started:
        yield started


@pytest.fixture
async def bare(tmp_path: Path) -> AsyncIterator[Server]:
    """The bare ACK server as a process of its own."""
    port = free_port()
    process = ManagedProcess(
        "bare ACK server",
        [sys.executable, str(BARE_SERVER), str(port)],
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
        assert process.pid is not None
        yield Server("bare", url, process.pid)
    finally:
        await process.stop()


_LOG_RECORD = re.compile(r"^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", re.MULTILINE)


def _tracebacks(log: str) -> list[str]:
    """The records of Home Assistant's log that hold a traceback."""
    return [record for record in _LOG_RECORD.split(log) if "Traceback" in record]


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _connector() -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=SENDERS, force_close=False)


async def test_push_throughput(stack: FaceCaptureStack, bare: Server) -> None:
    """Catch-up and real-time pushes through ``hass`` against the bare server; then memory."""
    sim_state = await stack.simulator.state()
    hass_url, serial = sim_state["upload_target"], sim_state["serial"]
    assert hass_url, sim_state
    assert "/api/webhook/" in hass_url, sim_state
    pid = stack.hass_process.pid if stack.hass_process else None
    assert pid is not None
    servers = (bare, Server("hass", hass_url, pid))
    log_path = stack.config_dir / "hass.log"
    # Home Assistant 2026.11 sets up default integrations whose libraries the release leg, run
    # with --skip-pip, may lack: their import errors are reported, not held against the pushes.
    startup_log = log_path.read_text(errors="replace")
    startup_tracebacks = _tracebacks(startup_log)
    for record in startup_tracebacks:
        print(f"hass start-up, before any push: {record.splitlines()[0]}")
    first = itertools.count(1, 1_000_000)
    rounds: dict[str, list[dict[str, RoundResult]]] = {}
    print(
        f"\npush throughput: {SENDERS} senders, ~{PUSH_BYTES // 1024} KB pushes, "
        f"{ROUND_PUSHES} per server per round in alternating slices of {SLICE_PUSHES}"
    )
    async with aiohttp.ClientSession(connector=_connector()) as session:
        for realtime in (False, True):
            kind = "real-time" if realtime else "catch-up"
            for round_no in range(1, ROUNDS + 1):
                factories = {
                    server.name: PushFactory.build(serial, realtime=realtime, first=next(first))
                    for server in servers
                }
                for server in servers:
                    # Warm the connections and the code paths; not counted.
                    await run_round(
                        session, server.url, factories[server.name], SENDERS * 10, "warm-up"
                    )
                result = await run_interleaved_round(
                    session, servers, factories, f"{kind} round {round_no}"
                )
                for server in servers:
                    print(result[server.name].line(), flush=True)
                rounds.setdefault(kind, []).append(result)

        summary: dict[str, tuple[float, float]] = {}
        for kind, kind_rounds in rounds.items():
            # Both servers of a round ran in the same seconds: their ratio is the fair one. The
            # round with the best throughput ratio counts, for the throughput and the p99 alike.
            best = max(kind_rounds, key=lambda r: r["hass"].throughput / r["bare"].throughput)
            ratio = best["hass"].throughput / best["bare"].throughput
            hass_p99, bare_p99 = best["hass"].p99_ms, best["bare"].p99_ms
            # Printed beside it: each server's best round, wherever it fell.
            bare_best = max(r["bare"].throughput for r in kind_rounds)
            hass_best = max(r["hass"].throughput for r in kind_rounds)
            target = CATCH_UP_RATIO if kind == "catch-up" else REALTIME_RATIO
            print(
                f"{kind:<10} best of {ROUNDS} rounds: hass {best['hass'].throughput:.0f}/s vs "
                f"bare {best['bare'].throughput:.0f}/s in the same round = {ratio:.2f}x "
                f"(target >= {target}x: {_verdict(ratio >= target)}; each server's best round: "
                f"{hass_best:.0f} vs {bare_best:.0f}/s = {hass_best / bare_best:.2f}x)"
            )
            p99_ratio = hass_p99 / bare_p99
            summary[kind] = (ratio, p99_ratio)
            bound = "no target"
            if kind == "catch-up":
                met = _verdict(p99_ratio <= CATCH_UP_P99_RATIO)
                bound = f"target <= {CATCH_UP_P99_RATIO}x: {met}"
            print(
                f"{kind:<10} p99 in that round: hass {hass_p99:.2f} ms vs bare {bare_p99:.2f} ms "
                f"= {p99_ratio:.2f}x ({bound})"
            )

        # Without a queue: one sender, so a push waits for no other.
        alone: dict[str, RoundResult] = {}
        for server in servers:
            factory = PushFactory.build(serial, realtime=False, first=next(first))
            alone[server.name] = await run_round(
                session, server.url, factory, SINGLE_PUSHES, f"one sender {server.name}", senders=1
            )
            print(alone[server.name].line())
        single_p99 = alone["hass"].p99_ms
        print(
            f"catch-up   p99 with one sender: hass {single_p99:.2f} ms (target <= "
            f"{SINGLE_SENDER_P99_MS} ms: {_verdict(single_p99 <= SINGLE_SENDER_P99_MS)}), "
            f"bare {alone['bare'].p99_ms:.2f} ms"
        )

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
            f"{MEMORY_PUSHES} more: +{after - before:.1f} MB (target <= {MEMORY_GROWTH_MB} MB: "
            f"{_verdict(after - before <= MEMORY_GROWTH_MB)})"
        )

    # Nothing of the integration's failed at start-up (hass runs on this process's Python, whose
    # path may name the project), and nothing at all failed during the pushes.
    ours = [r for r in startup_tracebacks if "facecapture" in r.replace(sys.base_prefix, "")]
    assert not ours, ours
    pushes_log = log_path.read_text(errors="replace")[len(startup_log) :]
    assert not _tracebacks(pushes_log), stack.logs()
    for kind_rounds in rounds.values():
        for result in kind_rounds:
            assert all(r.bad_replies == 0 for r in result.values()), result
    assert all(r.bad_replies == 0 for r in alone.values()), alone
    assert memory.bad_replies == 0
    assert summary["catch-up"][0] >= CATCH_UP_RATIO, summary
    assert summary["catch-up"][1] <= CATCH_UP_P99_RATIO, summary
    assert summary["real-time"][0] >= REALTIME_RATIO, summary
    assert single_p99 <= SINGLE_SENDER_P99_MS, single_p99
    assert after - before <= MEMORY_GROWTH_MB
