"""Child processes of the harness: ``hass``, its auth script and the simulator, and free ports.

Each child runs in its own session and logs to a file; whatever is still running when the
interpreter exits is stopped.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
from pathlib import Path
import socket
import subprocess
import sys
import time

from harness_config import LOCALHOST, ROOT
from harness_waiting import HarnessError

# -- small helpers ---------------------------------------------------------------------------------


def free_port(host: str = LOCALHOST) -> int:
    """A TCP port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = LOCALHOST) -> bool:
    """Whether ``host:port`` can be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers themselves bind: connections of a stopped demo still in TIME_WAIT
        # must not make the port look taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def tail(path: Path, lines: int = 60) -> str:
    """The last ``lines`` lines of a text file, or a note that there is none."""
    try:
        with path.open("rb") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell()
            file.seek(max(0, size - 64 * 1024))
            text = file.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONPATH", None)
    return env


# -- processes -------------------------------------------------------------------------------------

_STARTED: set[ManagedProcess] = set()


class ManagedProcess:
    """A child process logging to a file, in its own session (Ctrl-C in a terminal reaches only us).

    Stop it with ``await stop()``; anything still running when the interpreter exits is killed.
    """

    def __init__(self, name: str, args: list[str], *, log_path: Path, cwd: Path = ROOT) -> None:
        """Describe the process; ``start`` runs it."""
        self.name = name
        self.args = args
        self.log_path = log_path
        self.cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process, appending its stdout and stderr to ``log_path``."""
        if self._proc is not None:
            raise HarnessError(f"{self.name} already started")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self.args,
                cwd=self.cwd,
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _STARTED.add(self)

    @property
    def pid(self) -> int | None:
        """The process id once started."""
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> int | None:
        """The exit status, None while it runs (or before it started)."""
        return self._proc.poll() if self._proc else None

    @property
    def running(self) -> bool:
        """Started and not yet exited."""
        return self._proc is not None and self._proc.poll() is None

    def tail(self, lines: int = 60) -> str:
        """The end of its log."""
        return tail(self.log_path, lines)

    def check_running(self) -> None:
        """Raise ``HarnessError`` with the log's tail if the process has exited."""
        if self._proc is not None and self._proc.poll() is not None:
            raise HarnessError(
                f"{self.name} exited with status {self._proc.returncode}; "
                f"end of {self.log_path}:\n{self.tail()}"
            )

    async def _exited(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the process to exit; whether it did."""
        proc = self._proc
        if proc is None:
            return True
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def wait(self, timeout: float) -> int:
        """Wait for the process to exit by itself; kill it and raise if it takes too long."""
        if not await self._exited(timeout):
            await self.stop()
            raise HarnessError(
                f"{self.name} did not finish within {timeout:.0f} s; "
                f"end of {self.log_path}:\n{self.tail()}"
            )
        return self.returncode or 0

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL. Returns the exit status."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.terminate()
            if not await self._exited(timeout):
                proc.kill()
                await self._exited(5)
        if proc.poll() is not None:
            _STARTED.discard(self)
        return proc.returncode

    def kill_now(self) -> None:
        """Last resort, synchronous: SIGTERM, a short wait, SIGKILL."""
        proc = self._proc
        if proc is None or proc.poll() is not None:
            _STARTED.discard(self)
            return
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)
        _STARTED.discard(self)


def kill_leftovers() -> None:
    """Stop every process this module started and nobody stopped (runs at interpreter exit)."""
    for process in list(_STARTED):
        process.kill_now()


atexit.register(kill_leftovers)


def hass_command(*args: str) -> list[str]:
    """``hass ARGS`` with this interpreter (a leg's venv), as ``python -m homeassistant``."""
    return [sys.executable, "-m", "homeassistant", *args]


async def create_user(config_dir: Path, username: str, password: str, timeout: float = 60) -> None:
    """``hass --script auth -c DIR add USER PASS``: an owner-less user for the login flow."""
    process = ManagedProcess(
        "hass --script auth",
        hass_command("--script", "auth", "-c", str(config_dir), "add", username, password),
        log_path=config_dir / "auth-script.log",
        cwd=config_dir,
    )
    process.start()
    if await process.wait(timeout) != 0:
        raise HarnessError(f"creating user {username!r} failed:\n{process.tail()}")


def hass_process(config_dir: Path) -> ManagedProcess:
    """``hass -c DIR`` (never installs packages), console output in ``DIR/hass.log``."""
    return ManagedProcess(
        "Home Assistant",
        hass_command("-c", str(config_dir), "--skip-pip", "--log-no-color"),
        log_path=config_dir / "hass.log",
        cwd=config_dir,
    )


def simulator_process(
    port: int,
    log_path: Path,
    *,
    persons: int = 0,
    rate: float = 0.0,
    serial: str | None = None,
    auth: tuple[str, str] | None = None,
    resend_interval: float | None = None,
) -> ManagedProcess:
    """``python -m simulator`` on 127.0.0.1:``port``."""
    args = [sys.executable, "-m", "simulator", "--host", LOCALHOST, "--port", str(port)]
    args += ["--persons", str(persons), "--rate", str(rate)]
    if serial:
        args += ["--serial", serial]
    if auth:
        args += ["--auth", f"{auth[0]}:{auth[1]}"]
    if resend_interval is not None:
        args += ["--resend-interval", str(resend_interval)]
    return ManagedProcess("simulator", args, log_path=log_path, cwd=ROOT)
