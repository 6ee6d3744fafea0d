"""Run a real Home Assistant and the terminal simulator as subprocesses (demo, end-to-end test).

Everything a user would do, without a browser: a config directory with the integration linked in,
onboarding marked done, a user, ``hass`` started on 127.0.0.1, a token from the login flow, the
simulator started, the terminal added through the REST config-flow API, then states over REST and
bus events over the websocket. ``FaceCaptureStack`` does all of it and stops both processes again
(terminate, wait, kill), also when something fails half-way.

Run as a script it is the demo (``bash scripts/demo`` calls it)::

    .venvs/release/bin/python scripts/hass_harness.py [--check] [--ha-port 8123] [--sim-port 8000]

``--check`` runs in a directory and on ports of its own, so it never disturbs a demo that is
running (its ``.demo/``, its database and log stay untouched).


The parts live next to it, one job each, and every name they had here is still importable from
``hass_harness``: ``harness_config`` (the config directory), ``harness_processes`` (child
processes, ports), ``harness_waiting`` (``wait_until`` and the errors), ``harness_clients``
(REST, websocket, the simulator's API) and ``harness_stack`` (``FaceCaptureStack``).

Only the standard library and aiohttp are used, so the end-to-end test can import it as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from pathlib import Path
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

import aiohttp
import demo_dashboard
from harness_clients import (
    JSON,
    EventPredicate,
    HassClient,
    HassWebSocket,
    SimulatorClient,
    StatePredicate,
    login,
)
from harness_config import (
    DOMAIN,
    EVENT_FACE,
    INTEGRATION,
    LOCALHOST,
    ONBOARDING,
    ROOT,
    write_config_dir,
)
from harness_processes import (
    ManagedProcess,
    create_user,
    free_port,
    hass_command,
    hass_process,
    kill_leftovers,
    port_is_free,
    simulator_process,
    tail,
)
from harness_stack import FaceCaptureStack
from harness_waiting import HarnessError, HttpStatusError, wait_until

__all__ = [
    "DEMO_DIR",
    "DEMO_USER",
    "DOMAIN",
    "EVENT_FACE",
    "INTEGRATION",
    "JSON",
    "LOCALHOST",
    "ONBOARDING",
    "ROOT",
    "EventPredicate",
    "FaceCaptureStack",
    "HarnessError",
    "HassClient",
    "HassWebSocket",
    "HttpStatusError",
    "ManagedProcess",
    "SimulatorClient",
    "StatePredicate",
    "create_user",
    "demo",
    "free_port",
    "hass_command",
    "hass_process",
    "kill_leftovers",
    "login",
    "main",
    "port_is_free",
    "simulator_process",
    "tail",
    "wait_until",
    "write_config_dir",
]


# -- the demo --------------------------------------------------------------------------------------

DEMO_DIR = ROOT / ".demo"
DEMO_USER = "demo"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Home Assistant with the facecapture integration and a simulated terminal.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        default=os.environ.get("DEMO_CHECK", "") not in ("", "0"),
        help="start, wait for one capture to reach Home Assistant, print OK and exit (DEMO_CHECK=1)",
    )
    parser.add_argument(
        "--ha-port",
        type=int,
        default=_env_port("DEMO_HA_PORT"),
        help="Home Assistant's port (DEMO_HA_PORT; default 8123, a free one with --check)",
    )
    parser.add_argument(
        "--sim-port",
        type=int,
        default=_env_port("DEMO_SIM_PORT"),
        help="the simulated terminal's port (DEMO_SIM_PORT; default 8000, a free one with --check)",
    )
    parser.add_argument("--rate", type=float, default=12.0, help="captures per minute (12)")
    parser.add_argument("--persons", type=int, default=6, help="registered demo persons (6)")
    parser.add_argument("--timeout", type=float, default=60.0, help="--check deadline, seconds")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="config directory (.demo/; with --check a temporary one, removed when it passes)",
    )
    return parser.parse_args(argv)


def _env_port(variable: str) -> int | None:
    value = os.environ.get(variable, "")
    return int(value) if value else None


def _describe_capture(event: dict[str, Any]) -> str:
    data = event.get("data", {})
    who = data.get("name") or data.get("person_id") or "-"
    extra = []
    if data.get("score") is not None:
        extra.append(f"score {data['score']}")
    if data.get("temperature") is not None:
        extra.append(f"{data['temperature']} °C")
    if data.get("reason"):
        extra.append(str(data["reason"]))
    if not data.get("realtime", True):
        extra.append("catch-up")
    clock = time.strftime("%H:%M:%S")
    return f"  {clock}  {data.get('result', '?'):<10} {who:<12} {', '.join(extra)}".rstrip()


def _banner(stack: FaceCaptureStack, *, check: bool = False) -> str:
    width = max(len(e["entity_id"]) for e in stack.entities) if stack.entities else 10
    rows = []
    for entity in stack.entities:
        if entity.get("disabled_by"):
            rows.append(
                f"    {entity['entity_id']:<{width}}  (disabled by {entity['disabled_by']})"
            )
        else:
            rows.append(f"    {entity['entity_id']}")
    took = stack.timings.get("terminal_added", 0.0)
    return "\n".join(
        [
            "",
            (
                f"Face capture demo check: Home Assistant and the simulator started "
                f"(ready in {took:.1f} s); they stop when the check ends."
                if check
                else f"Face capture demo is running (ready in {took:.1f} s)."
            ),
            "",
            f"  Open      {stack.base_url}",
            f"  Log in    {stack.username} / {stack.password}",
            f"  Terminal  {stack.entry.get('title')!r}, simulated at {stack.sim_url}/",
            f"  Control   {stack.sim_url}/_sim/state (the simulator's own API)",
            f"  Logs      {stack.config_dir / 'hass.log'}, {stack.config_dir / 'simulator.log'}",
            "",
            "  Entities:",
            *rows,
            "",
        ]
    )


async def _check(stack: FaceCaptureStack, timeout: float) -> None:
    # The bus event, as automations and the logbook see a capture (the Face event entity starts
    # disabled, so that the logbook shows one row per capture).
    print(f"waiting up to {timeout:.0f} s for a {EVENT_FACE} event ...", flush=True)
    async with stack.client.websocket() as ws:
        await ws.subscribe_events(EVENT_FACE)
        event = await ws.wait_for_event(
            lambda _event: True,
            timeout=timeout,
            what=f"a {EVENT_FACE} event",
            explain=stack.logs,
        )
    if stack.frontend:
        async with aiohttp.ClientSession() as session, session.get(f"{stack.base_url}/") as reply:
            if reply.status != 200:
                raise HarnessError(f"the frontend answered {reply.status} for /")
        # The UI loads the action descriptions before it shows anything; a core component that
        # cannot be imported there leaves the browser on "Loading data" for good.
        services = await stack.client.request("GET", "/api/services", expect=(200,))
        domains = {entry["domain"] for entry in services}
        if DOMAIN not in domains:
            raise HarnessError(f"no {DOMAIN} actions in /api/services")
        await stack.client.request("GET", "/api/logbook", expect=(200,))
        async with stack.client.websocket() as ws:
            shown = await ws.command(
                {"type": "lovelace/config", "url_path": demo_dashboard.URL_PATH}
            )
            issues = await ws.command({"type": "repairs/list_issues"})
        # A newcomer's first page has no repair waiting (Settings shows a badge for each).
        if raised := [
            f"{i['domain']}.{i['issue_id']}" for i in issues["issues"] if not i["ignored"]
        ]:
            raise HarnessError(f"repair issues on a fresh demo: {raised}")
        if shown != demo_dashboard.dashboard(str(stack.entry.get("title")), stack.entity_id):
            raise HarnessError(f"the default dashboard is not the door's: {shown}")
    data = event["data"]
    print(
        f"OK: {EVENT_FACE} ({data.get('result')}, "
        f"{data.get('name') or data.get('person_id') or 'no name'})"
    )


async def _follow(stack: FaceCaptureStack) -> None:
    async with stack.client.websocket() as ws:
        await ws.subscribe_events(EVENT_FACE)
        print("Captures as they arrive (Ctrl-C stops everything):", flush=True)
        while True:
            for process in stack.processes:
                process.check_running()
            event = await ws.next_event(1.0)
            if event is not None:
                print(_describe_capture(event), flush=True)


def _fail_on_deprecation_reports(stack: FaceCaptureStack) -> None:
    """Raise if Home Assistant reported a deprecated call by the integration."""
    if reports := stack.deprecation_reports():
        raise HarnessError("Home Assistant reported deprecated calls:\n" + "\n".join(reports))


def _demo_places(args: argparse.Namespace) -> tuple[Path, int, int]:
    """Where the demo runs: ``.demo/`` on 8123 and 8000, or, for a check, a place of its own.

    A check must never touch a demo that may be running: that demo's directory holds its
    database and log, and its ports are taken. So a check gets a temporary directory and free
    ports unless told otherwise.
    """
    if args.check:
        config_dir = args.dir or Path(tempfile.mkdtemp(prefix="facecapture-demo-check-"))
        return config_dir, args.ha_port or free_port(), args.sim_port or free_port()
    return args.dir or DEMO_DIR, args.ha_port or 8123, args.sim_port or 8000


async def demo(args: argparse.Namespace) -> int:
    """Run the demo until cancelled (or, with ``--check``, until one capture arrived)."""
    config_dir, ha_port, sim_port = _demo_places(args)
    for port, variable in ((ha_port, "DEMO_HA_PORT"), (sim_port, "DEMO_SIM_PORT")):
        if not port_is_free(port):
            print(
                f"demo: port {port} is in use; choose another with {variable}=...", file=sys.stderr
            )
            return 2
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
    what = "checking the demo" if args.check else "starting"
    print(f"demo: {what}: Home Assistant on port {ha_port}, the simulator on {sim_port}")
    stack = FaceCaptureStack(
        config_dir,
        ha_port=ha_port,
        sim_port=sim_port,
        frontend=True,
        username=DEMO_USER,
        password=DEMO_USER,
        persons=args.persons,
        rate=args.rate,
        log_level="warning",
        name="Face capture demo",
    )
    passed = False
    try:
        async with stack:
            # The first page after logging in shows the door (README: A dashboard for the door).
            await demo_dashboard.install(stack, str(stack.entry.get("title") or "Door"))
            print(_banner(stack, check=args.check), flush=True)
            if not args.check:
                await _follow(stack)  # until Ctrl-C
            await _check(stack, args.timeout)
        # Read after the stop, so that what shutting down reports is counted too.
        _fail_on_deprecation_reports(stack)
    except HarnessError as err:
        print(f"demo: FAILED: {err}", file=sys.stderr)
        if args.check:
            print(f"demo: the check's logs are in {config_dir}", file=sys.stderr)
        return 1
    else:
        passed = True
    finally:
        print("demo: stopped Home Assistant and the simulator", flush=True)
        if passed and args.dir is None:
            shutil.rmtree(config_dir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``scripts/demo``."""
    args = _parse_args(argv)
    try:
        return asyncio.run(demo(args))
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C, or SIGTERM cancelling it
        return 0


if __name__ == "__main__":
    sys.exit(main())
