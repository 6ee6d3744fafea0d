"""Command line: ``python -m simulator --port 8000 [--push-url URL] [--rate N] ...``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .core import Simulator
from .state import DEFAULT_SERIAL

_LOGGER = logging.getLogger("simulator")


def _auth(text: str) -> tuple[str, str]:
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise argparse.ArgumentTypeError("expected user:pass")
    return user, password


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Run a fake face-recognition access terminal."
    )
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="listen port (0 = any free port)")
    parser.add_argument("--serial", default=DEFAULT_SERIAL, help="device serial number")
    parser.add_argument("--auth", type=_auth, help="require HTTP Basic auth user:pass")
    parser.add_argument(
        "--push-url", help="face push target, e.g. http://127.0.0.1:8123/api/webhook/x"
    )
    parser.add_argument(
        "--config-url",
        help="configuration-client URL: the terminal fetches its commands there (document 1.1.3)",
    )
    parser.add_argument("--rate", type=float, default=0.0, help="automatic captures per minute")
    parser.add_argument("--has-4g", action="store_true", help="fit a 4G module")
    parser.add_argument(
        "--persons", type=int, default=0, help="pre-register N demo persons, each with a portrait"
    )
    parser.add_argument("--resend-interval", type=float, default=5.0, help="push resend seconds")
    parser.add_argument("--reboot-seconds", type=float, default=3.0, help="reboot outage seconds")
    parser.add_argument(
        "--heartbeat-interval",
        type=float,
        default=0.0,
        help="data-client heartbeat seconds (0 = off)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    """Run a simulator until SIGINT/SIGTERM."""
    sim = Simulator(
        args.serial,
        auth=args.auth,
        rate=args.rate,
        has_4g=args.has_4g,
        resend_interval=args.resend_interval,
        reboot_seconds=args.reboot_seconds,
        heartbeat_interval=args.heartbeat_interval,
        seed=args.seed,
    )
    # The persons a user finds on a terminal have faces: the media browser shows them.
    sim.add_persons(args.persons, photo=True)
    if args.push_url:
        sim.set_push_target(args.push_url)
    if args.config_url:
        sim.set_config_url(args.config_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await sim.start(args.host, args.port)
    _LOGGER.info("ready: %s (%d persons, %.1f captures/min)", sim.url, args.persons, args.rate)
    try:
        await stop.wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
