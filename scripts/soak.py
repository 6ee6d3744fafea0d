"""Soak: several simulated terminals push through faults into a real ``hass``; every capture once.

``bash scripts/soak`` starts Home Assistant (with the recorder, which keeps every bus event on
disk) and ``--terminals`` simulated terminals in this process, adds each through the config flow,
then lets them capture while things go wrong on the way:

- bodies aborted half-way, ACKs lost (the terminal resends), acknowledged captures sent twice;
- every terminal reboots once, restarting its ``sequence_no`` at 1;
- every entry is reloaded once; Home Assistant is stopped and started again once.

When every terminal has delivered everything, Home Assistant is stopped and the recorder's
database is read: every capture a terminal saw acknowledged must have produced exactly one
``facecapture_face`` event, no event may stand for a capture nobody acknowledged, and the log must
hold no traceback. The figures are printed; the exit status is 1 on any loss, duplicate or
traceback. Every loop is bounded in count and time, and only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
import json
from pathlib import Path
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from typing import Any

import aiohttp
from hass_harness import (
    LOCALHOST,
    ROOT,
    HarnessError,
    HassClient,
    ManagedProcess,
    create_user,
    free_port,
    hass_process,
    login,
    wait_until,
    write_config_dir,
)

sys.path.insert(0, str(ROOT))

from simulator import Simulator
from simulator.handlers import REBOOT
from simulator.pusher import PushFaults

EVENT_FACE = "facecapture_face"
KINDS = ("recognized", "stranger", "denied", "detected")

type CaptureKey = tuple[str, int, str]


@dataclass
class Terminal:
    """One simulated terminal and the entry Home Assistant made for it."""

    sim: Simulator
    entry_id: str = ""

    @property
    def serial(self) -> str:
        """Its serial number."""
        return self.sim.state.serial

    def acknowledged(self) -> list[CaptureKey]:
        """Every capture the terminal saw acknowledged, as (serial, sequence, capture time)."""
        return [
            (self.serial, int(ack["sequence_no"]), _normal_time(ack["cap_time"]))
            for ack in self.sim.acks
        ]


def _normal_time(cap_time: str) -> str:
    """The terminal's wall time to the millisecond, as Home Assistant (in UTC here) reads it."""
    text = cap_time.strip()
    fmt = "%Y/%m/%d %H:%M:%S.%f" if "." in text else "%Y/%m/%d %H:%M:%S"
    moment = datetime.strptime(text, fmt).replace(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds")


def _event_key(data: dict[str, Any]) -> CaptureKey:
    moment = datetime.fromisoformat(data["captured_at"]).astimezone(UTC)
    return (str(data["serial"]), int(data["sequence"]), moment.isoformat(timespec="milliseconds"))


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__.split("\n")[0])
    parser.add_argument("--terminals", type=int, default=4, help="simulated terminals (4)")
    parser.add_argument("--captures", type=int, default=120, help="captures per terminal (120)")
    parser.add_argument("--abort-body", type=float, default=0.05, help="probability (0.05)")
    parser.add_argument("--lose-ack", type=float, default=0.08, help="probability (0.08)")
    parser.add_argument("--duplicate", type=float, default=0.05, help="probability (0.05)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument("--timeout", type=float, default=600, help="overall deadline, s (600)")
    parser.add_argument("--dir", type=Path, default=None, help="config directory (temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the config directory")
    return parser.parse_args(argv)


class Soak:
    """Everything one soak run needs."""

    def __init__(self, args: argparse.Namespace, config_dir: Path) -> None:
        """Describe the run; ``run`` does it."""
        self.args = args
        self.config_dir = config_dir
        self.port = free_port()
        self.base_url = f"http://{LOCALHOST}:{self.port}"
        self.rng = random.Random(args.seed)
        self.terminals: list[Terminal] = []
        self.hass_process: ManagedProcess | None = None
        self.session: aiohttp.ClientSession | None = None
        self.client: HassClient | None = None
        self.milestones: list[str] = []

    # -- Home Assistant ----------------------------------------------------------------------

    async def start_hass(self) -> None:
        """Start ``hass`` on the config directory and log in."""
        assert self.session is not None
        self.hass_process = hass_process(self.config_dir)
        self.hass_process.start()
        process = self.hass_process

        async def up() -> bool | None:
            async with self.session.get(f"{self.base_url}/auth/providers") as reply:  # type: ignore[union-attr]
                return True if reply.status == 200 else None

        await wait_until(up, timeout=120, what="Home Assistant", processes=[process])
        token = await login(self.session, self.base_url, "soak", "soak-password")
        self.client = HassClient(self.session, self.base_url, token)

        async def running() -> bool | None:
            assert self.client is not None
            config = await self.client.request("GET", "/api/config")
            return True if config.get("state") == "RUNNING" else None

        await wait_until(running, timeout=120, what="Home Assistant running", processes=[process])

    async def stop_hass(self) -> None:
        """Stop ``hass`` the way a restart does (SIGTERM, it writes its storage and database)."""
        if self.hass_process is not None:
            status = await self.hass_process.stop(timeout=60)
            self.milestones.append(f"hass stopped (exit status {status})")
            self.hass_process = None

    async def wait_entries_loaded(self) -> None:
        """Every terminal's entry loaded."""
        assert self.client is not None
        client = self.client

        async def loaded() -> bool | None:
            entries = await client.request(
                "GET", "/api/config/config_entries/entry?domain=facecapture"
            )
            states = {entry["entry_id"]: entry["state"] for entry in entries}
            wanted = [t.entry_id for t in self.terminals]
            return True if all(states.get(e) == "loaded" for e in wanted) else None

        await wait_until(
            loaded,
            timeout=120,
            what="every entry loaded",
            processes=[p for p in (self.hass_process,) if p],
        )

    # -- the run ------------------------------------------------------------------------------

    async def run(self) -> int:
        """Start, soak, check; the exit status."""
        write_config_dir(self.config_dir, self.port, log_level="warning", recorder=True)
        await create_user(self.config_dir, "soak", "soak-password")
        self.session = aiohttp.ClientSession()
        try:
            await self.start_hass()
            for number in range(self.args.terminals):
                await self.add_terminal(number)
            self.milestones.append(f"{len(self.terminals)} terminals added")
            await self.soak()
            return await self.check()
        finally:
            for terminal in self.terminals:
                await terminal.sim.stop()
            await self.stop_hass()
            await self.session.close()

    async def add_terminal(self, number: int) -> None:
        """A simulated terminal with faults, added through the config flow."""
        assert self.client is not None
        sim = Simulator(
            serial=f"0123E4-FB5BFC-9186{number:02X}",
            resend_interval=0.2,
            reboot_seconds=1.0,
            reset_sequence_on_reboot=True,
            push_timeout=10.0,
            seed=self.args.seed + number,
        )
        sim.pusher.faults = PushFaults(
            abort_body=self.args.abort_body,
            lose_ack=self.args.lose_ack,
            duplicate=self.args.duplicate,
            seed=self.args.seed * 100 + number,
        )
        await sim.start(LOCALHOST, 0)
        for person in range(3):
            sim.add_person(f"p{number}{person}", f"Person {number}.{person}")
        entry = await self.client.add_terminal(LOCALHOST, sim.port)
        terminal = Terminal(sim, entry["entry_id"])
        self.terminals.append(terminal)
        await self.wait_entries_loaded()
        if sim.pusher.queue or not sim.summary()["upload_target"]:
            raise HarnessError(f"terminal {number} was not pointed at Home Assistant")

    async def capture_loop(self, terminal: Terminal, count: int) -> None:
        """``count`` captures of every kind, a few tens of milliseconds apart."""
        persons = list(terminal.sim.state.persons)
        for _ in range(count):
            kind = self.rng.choice(KINDS)
            person = self.rng.choice(persons) if kind in ("recognized", "denied") else None
            await terminal.sim.capture(kind=kind, person_id=person, image_size=(160, 120))
            await asyncio.sleep(self.rng.uniform(0.01, 0.06))

    async def soak(self) -> None:
        """Captures in four quarters, with a reboot, a reload and a restart in between."""
        assert self.client is not None
        quarter = max(1, self.args.captures // 4)
        began = time.monotonic()

        async def quarter_of_captures() -> None:
            await asyncio.gather(*(self.capture_loop(t, quarter) for t in self.terminals))

        await quarter_of_captures()
        for terminal in self.terminals:  # each terminal reboots while still capturing
            terminal.sim.handle_action(REBOOT)
        self.milestones.append("every terminal rebooted (sequence restarts at 1)")
        await quarter_of_captures()

        for terminal in self.terminals:
            await self.client.request(
                "POST", f"/api/config/config_entries/entry/{terminal.entry_id}/reload"
            )
        self.milestones.append("every entry reloaded")
        await quarter_of_captures()

        capturing = asyncio.create_task(quarter_of_captures())
        await asyncio.sleep(0.5)
        await self.stop_hass()  # captures go on; the terminals keep them and resend
        await asyncio.sleep(1.0)
        await self.start_hass()
        await self.wait_entries_loaded()
        self.milestones.append("Home Assistant restarted")
        await capturing

        remaining = self.args.timeout - (time.monotonic() - began)
        await asyncio.gather(*(t.sim.wait_delivered(max(30.0, remaining)) for t in self.terminals))
        await asyncio.sleep(3.0)  # events fired after the last ACK reach the recorder
        self.milestones.append(f"all delivered after {time.monotonic() - began:.1f} s")

    # -- the verdict --------------------------------------------------------------------------

    def recorded_events(self) -> list[dict[str, Any]]:
        """Every ``facecapture_face`` event in the recorder's database."""
        database = sqlite3.connect(self.config_dir / "home-assistant_v2.db")
        try:
            rows = database.execute(
                "SELECT d.shared_data FROM events e "
                "JOIN event_types t ON e.event_type_id = t.event_type_id "
                "LEFT JOIN event_data d ON e.data_id = d.data_id "
                "WHERE t.event_type = ?",
                (EVENT_FACE,),
            ).fetchall()
        finally:
            database.close()
        return [json.loads(row[0]) for row in rows]

    async def check(self) -> int:
        """Stop ``hass`` (the recorder writes everything), then compare events with ACKs."""
        await self.stop_hass()
        events = Counter(_event_key(data) for data in self.recorded_events())
        acked = Counter(key for t in self.terminals for key in t.acknowledged())
        lost = sorted(key for key in acked if key not in events)
        duplicated = sorted(key for key, count in events.items() if count > 1)
        phantom = sorted(key for key in events if key not in acked)
        acked_twice = sorted(key for key, count in acked.items() if count > 1)
        log = (self.config_dir / "hass.log").read_text(errors="replace")
        tracebacks = log.count("Traceback (most recent call last)")
        faults: Counter[str] = Counter()
        for terminal in self.terminals:
            faults.update(terminal.sim.pusher.faults.counts)
        bad_duplicate_replies = sum(t.sim.pusher.duplicate_replies_bad for t in self.terminals)
        retries = sum(len(t.sim.pusher.failures) for t in self.terminals)

        print("\nsoak:")
        for milestone in self.milestones:
            print(f"  - {milestone}")
        print(f"  terminals               {len(self.terminals)}")
        print(f"  captures acknowledged   {sum(acked.values())}")
        print(f"  events recorded         {sum(events.values())}")
        print(f"  failed deliveries       {retries} (resent)")
        print(f"  bodies aborted          {faults['abort_body']}")
        print(f"  ACKs lost               {faults['lose_ack']}")
        print(
            f"  duplicates sent         {faults['duplicate']} (bad replies: {bad_duplicate_replies})"
        )
        print(f"  lost (ACKed, no event)  {len(lost)}")
        print(f"  duplicated events       {len(duplicated)}")
        print(f"  events without an ACK   {len(phantom)}")
        print(f"  tracebacks in hass.log  {tracebacks}")
        failed = bool(lost or duplicated or phantom or acked_twice or tracebacks)
        failed = failed or bad_duplicate_replies > 0 or not acked
        for name, keys in (("lost", lost), ("duplicated", duplicated), ("phantom", phantom)):
            for key in keys[:5]:
                print(f"  {name}: {key}")
        print("soak: FAILED" if failed else "soak: OK")
        return 1 if failed else 0


async def _main(args: argparse.Namespace) -> int:
    temporary = args.dir is None
    config_dir = Path(tempfile.mkdtemp(prefix="facecapture-soak-")) if temporary else args.dir
    if not temporary and config_dir.exists():
        shutil.rmtree(config_dir)
    try:
        async with asyncio.timeout(args.timeout + 300):
            return await Soak(args, config_dir).run()
    except (HarnessError, TimeoutError) as err:
        print(f"soak: FAILED: {err!r}", file=sys.stderr)
        return 1
    finally:
        if temporary and not args.keep:
            shutil.rmtree(config_dir, ignore_errors=True)
        elif args.keep or not temporary:
            print(f"soak: config directory kept in {config_dir}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``scripts/soak``."""
    return asyncio.run(_main(_parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
