"""Run a real Home Assistant and the terminal simulator as subprocesses (demo, end-to-end test).

Everything a user would do, without a browser: a config directory with the integration linked in,
onboarding marked done, a user, ``hass`` started on 127.0.0.1, a token from the login flow, the
simulator started, the terminal added through the REST config-flow API, then states over REST and
bus events over the websocket. ``FaceCaptureStack`` does all of it and stops both processes again
(terminate, wait, kill), also when something fails half-way.

Run as a script it is the demo (``bash scripts/demo`` calls it)::

    .venv/bin/python scripts/hass_harness.py [--check] [--ha-port 8123] [--sim-port 8000]

``--check`` runs in a directory and on ports of its own, so it never disturbs a demo that is
running (its ``.demo/``, its database and log stay untouched).

Only the standard library and aiohttp are used, so the end-to-end test can import it as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
import contextlib
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from types import TracebackType
from typing import Any, Self

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "facecapture"
DOMAIN = "facecapture"
EVENT_FACE = "facecapture_face"
LOCALHOST = "127.0.0.1"
ONBOARDING = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["user", "core_config", "analytics", "integration"]},
}
# Home Assistant always sets up ``frontend`` and falls back to recovery mode (no API, no config
# entries) when it cannot. Without the home-assistant-frontend package the integration is pointed
# at an empty "development" tree instead: its API and websocket commands work, no UI is served.
_FRONTEND_TREE = ("static", "frontend_latest", "frontend_es5")
_POLL = 0.25

type JSON = Any
type StatePredicate = Callable[[dict[str, Any]], bool]
type EventPredicate = Callable[[dict[str, Any]], bool]


class HarnessError(RuntimeError):
    """Something did not come up or did not happen in time; the message says what and shows logs."""


class HttpStatusError(HarnessError):
    """A request got an unexpected HTTP status (while waiting: "not yet")."""

    def __init__(self, message: str, status: int) -> None:
        """Keep the status for callers that accept some."""
        super().__init__(message)
        self.status = status


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


# -- Home Assistant's config directory -------------------------------------------------------------


def write_config_dir(
    config_dir: Path,
    port: int,
    *,
    frontend: bool = False,
    log_level: str = "info",
    name: str = "Face capture",
    copy_integration: bool = False,
    recorder: bool = False,
) -> None:
    """Write configuration.yaml, onboarding done and the integration into ``config_dir``.

    ``frontend=True`` needs the home-assistant-frontend package (``scripts/setup --demo``).
    ``recorder=True`` keeps every bus event in ``home-assistant_v2.db`` (the soak counts them).
    The integration is symlinked from the repository unless ``copy_integration``.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    base_url = f"http://{LOCALHOST}:{port}"
    lines = [
        "homeassistant:",
        f"  name: {json.dumps(name)}",
        f"  internal_url: {base_url}",
        "  unit_system: metric",
        "  time_zone: UTC",
        "  country: GB",
        "http:",
        f"  server_host: {LOCALHOST}",
        f"  server_port: {port}",
        "api:",
        "config:",
        "webhook:",
        "automation: []",
        "logger:",
        f"  default: {log_level}",
        "  logs:",
        f"    custom_components.{DOMAIN}: {'debug' if log_level == 'debug' else 'info'}",
    ]
    if frontend:
        # What a person opening the UI expects besides the entities: the logbook and history.
        lines += ["frontend:", "recorder:", "logbook:", "history:", "media_source:"]
    else:
        tree = config_dir / "no-frontend"
        for sub in _FRONTEND_TREE:
            (tree / "hass_frontend" / sub).mkdir(parents=True, exist_ok=True)
        lines += ["frontend:", f"  development_repo: {json.dumps(str(tree))}"]
        if recorder:
            lines += ["recorder:"]
    (config_dir / "configuration.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    (storage / "onboarding").write_text(json.dumps(ONBOARDING, indent=2), encoding="utf-8")

    custom = config_dir / "custom_components"
    custom.mkdir(exist_ok=True)
    target = custom / DOMAIN
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    if copy_integration:
        shutil.copytree(INTEGRATION, target, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        target.symlink_to(INTEGRATION, target_is_directory=True)


def hass_command(*args: str) -> list[str]:
    """``hass ARGS`` with this interpreter (the .venv's), as ``python -m homeassistant``."""
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


# -- HTTP ------------------------------------------------------------------------------------------


async def _json_request(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: JSON = None,
    form: dict[str, str] | None = None,
    expect: Iterable[int] = (200, 201),
) -> JSON:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.request(
        method,
        url,
        headers=headers,
        json=json_body,
        data=form,
        timeout=aiohttp.ClientTimeout(total=15),
    ) as response:
        text = await response.text()
        if response.status not in set(expect):
            raise HttpStatusError(
                f"{method} {url} answered {response.status}: {text[:500]}", response.status
            )
        return json.loads(text) if text else None


async def wait_until[T](
    probe: Callable[[], Awaitable[T | None]],
    *,
    timeout: float,
    what: str,
    processes: Iterable[ManagedProcess] = (),
    explain: Callable[[], str] | None = None,
) -> T:
    """Call ``probe`` until it returns something other than None; fail after ``timeout`` seconds.

    Connection errors count as "not yet". If one of ``processes`` exits, fail at once with its
    log. The failure message ends with ``explain()`` (e.g. a log's tail).
    """
    __tracebackhide__ = True  # pytest: the caller's line is the interesting one
    watched = list(processes)
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        for process in watched:
            process.check_running()
        try:
            result = await probe()
        except (aiohttp.ClientError, TimeoutError, HttpStatusError) as err:
            last_error = err
            result = None
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            message = f"timed out after {timeout:.0f} s waiting for {what}"
            if last_error is not None:
                message += f" (last error: {last_error!r})"
            if explain is not None:
                message += "\n" + explain()
            raise HarnessError(message)
        await asyncio.sleep(_POLL)


async def login(session: aiohttp.ClientSession, base_url: str, username: str, password: str) -> str:
    """An access token through the login flow, as the frontend gets one (valid 30 minutes)."""
    client_id = f"{base_url}/"
    flow = await _json_request(
        session,
        "POST",
        f"{base_url}/auth/login_flow",
        json_body={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": client_id,
        },
    )
    step = await _json_request(
        session,
        "POST",
        f"{base_url}/auth/login_flow/{flow['flow_id']}",
        json_body={"username": username, "password": password, "client_id": client_id},
    )
    if step.get("type") != "create_entry":
        raise HarnessError(f"login as {username!r} failed: {step}")
    tokens = await _json_request(
        session,
        "POST",
        f"{base_url}/auth/token",
        form={"grant_type": "authorization_code", "code": step["result"], "client_id": client_id},
    )
    token: str = tokens["access_token"]
    return token


class HassWebSocket:
    """One authenticated websocket connection: commands and subscribed events."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        """Describe the connection; use it as ``async with``."""
        self._session = session
        self._url = base_url.replace("http", "ws", 1) + "/api/websocket"
        self._token = token
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 1
        self._events: deque[dict[str, Any]] = deque()

    async def __aenter__(self) -> Self:
        """Connect and authenticate."""
        self._ws = await self._session.ws_connect(self._url, max_msg_size=0)
        try:
            await self._authenticate()
        except BaseException:
            await self.close()
            raise
        return self

    async def _authenticate(self) -> None:
        hello = await self._receive(10)
        if hello.get("type") != "auth_required":
            raise HarnessError(f"unexpected websocket greeting: {hello}")
        await self._send({"type": "auth", "access_token": self._token})
        answer = await self._receive(10)
        if answer.get("type") != "auth_ok":
            raise HarnessError(f"websocket authentication failed: {answer}")

    async def _send(self, payload: dict[str, Any]) -> None:
        if self._ws is None:
            raise HarnessError("websocket is not connected")
        await self._ws.send_json(payload)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close."""
        await self.close()

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._ws is not None:
            ws, self._ws = self._ws, None
            await ws.close()

    async def _receive(self, timeout: float) -> dict[str, Any]:
        if self._ws is None:
            raise HarnessError("websocket is not connected")
        message = await self._ws.receive(timeout)
        if message.type is not aiohttp.WSMsgType.TEXT:
            raise HarnessError(f"websocket closed or sent {message.type!r}: {message.data!r}")
        data: dict[str, Any] = json.loads(message.data)
        return data

    async def command(self, payload: dict[str, Any], timeout: float = 15) -> JSON:
        """Send one command and return its result; events arriving meanwhile are kept."""
        if self._ws is None:
            raise HarnessError("websocket is not connected")
        msg_id = self._next_id
        self._next_id += 1
        await self._ws.send_json({"id": msg_id, **payload})
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HarnessError(f"no answer to websocket command {payload.get('type')!r}")
            message = await self._receive(remaining)
            if message.get("type") == "event":
                self._events.append(message["event"])
            elif message.get("id") == msg_id and message.get("type") == "result":
                if not message.get("success"):
                    raise HarnessError(f"websocket command {payload} failed: {message}")
                return message.get("result")

    async def subscribe_events(self, event_type: str) -> None:
        """Receive every bus event of ``event_type`` from now on."""
        await self.command({"type": "subscribe_events", "event_type": event_type})

    async def next_event(self, timeout: float) -> dict[str, Any] | None:
        """The next subscribed event (``event_type``, ``data``, ...), None after ``timeout``."""
        if self._events:
            return self._events.popleft()
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = await self._receive(remaining)
            except TimeoutError:
                return None
            if message.get("type") == "event":
                event: dict[str, Any] = message["event"]
                return event
        return None

    async def wait_for_event(
        self,
        predicate: EventPredicate,
        *,
        timeout: float,
        what: str,
        explain: Callable[[], str] | None = None,
    ) -> dict[str, Any]:
        """The first subscribed event ``predicate`` accepts; ``HarnessError`` after ``timeout``."""
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        seen: list[dict[str, Any]] = []
        while (remaining := deadline - time.monotonic()) > 0:
            event = await self.next_event(remaining)
            if event is None:
                break
            if predicate(event):
                return event
            seen.append(event)
        message = f"timed out after {timeout:.0f} s waiting for {what}; other events: {seen}"
        if explain is not None:
            message += "\n" + explain()
        raise HarnessError(message)


@dataclass
class HassClient:
    """Home Assistant's REST API with a token."""

    session: aiohttp.ClientSession
    base_url: str
    token: str

    async def request(
        self,
        method: str,
        path: str,
        json_body: JSON = None,
        expect: Iterable[int] = (200, 201),
    ) -> JSON:
        """``method path`` with the token; the decoded JSON answer."""
        return await _json_request(
            self.session,
            method,
            f"{self.base_url}{path}",
            token=self.token,
            json_body=json_body,
            expect=expect,
        )

    async def states(self) -> list[dict[str, Any]]:
        """``GET /api/states``."""
        states: list[dict[str, Any]] = await self.request("GET", "/api/states")
        return states

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """``GET /api/states/<entity_id>``, None if it has no state."""
        try:
            state: dict[str, Any] = await self.request(
                "GET", f"/api/states/{entity_id}", expect=(200,)
            )
        except HttpStatusError as err:
            if err.status == 404:
                return None
            raise
        return state

    async def wait_for_state(
        self,
        entity_id: str,
        predicate: StatePredicate,
        *,
        timeout: float,
        what: str,
        processes: Iterable[ManagedProcess] = (),
        explain: Callable[[], str] | None = None,
    ) -> dict[str, Any]:
        """Poll ``entity_id`` until ``predicate(state)``; the failure names the last state seen."""
        __tracebackhide__ = True
        last: list[dict[str, Any] | None] = [None]

        async def probe() -> dict[str, Any] | None:
            state = await self.state(entity_id)
            last[0] = state
            return state if state is not None and predicate(state) else None

        def explain_all() -> str:
            text = f"last state of {entity_id}: {last[0]}"
            return text + ("\n" + explain() if explain is not None else "")

        return await wait_until(
            probe, timeout=timeout, what=what, processes=processes, explain=explain_all
        )

    async def add_terminal(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
    ) -> dict[str, Any]:
        """Add a terminal as a user would (config flow ``user`` step); the new config entry.

        Raises ``HarnessError`` unless the flow ends in ``create_entry``.
        """
        flow = await self._start_flow("server")
        if flow.get("type") != "form" or flow.get("step_id") != "server":
            raise HarnessError(f"config flow did not ask for the terminal's address: {flow}")
        data: dict[str, Any] = {"host": host, "port": port}
        if username is not None:
            data["username"] = username
        if password is not None:
            data["password"] = password
        result = await self.request(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", data
        )
        if result.get("type") != "create_entry":
            raise HarnessError(
                f"config flow for {host}:{port} ended in {result.get('type')!r} instead of "
                f"create_entry: errors={result.get('errors')} reason={result.get('reason')} "
                f"({result})"
            )
        entry: dict[str, Any] = result["result"]
        return entry

    async def _start_flow(self, way: str) -> dict[str, Any]:
        """Start adding a terminal and answer how it is connected (the menu's ``way``)."""
        menu = await self.request(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": False},
        )
        if menu.get("type") != "menu" or way not in menu.get("menu_options", ()):
            raise HarnessError(f"config flow did not ask how the terminal is connected: {menu}")
        flow: dict[str, Any] = await self.request(
            "POST", f"/api/config/config_entries/flow/{menu['flow_id']}", {"next_step_id": way}
        )
        return flow

    async def add_config_client_terminal(
        self, enter_url: Callable[[str], Awaitable[Any]], *, timeout: float = 60
    ) -> dict[str, Any]:
        """Add a terminal that connects to Home Assistant, as a user would; the new entry.

        The flow shows a URL; ``enter_url`` types it into the terminal's configuration-client
        settings. The form is then sent, and the flow waits for the terminal's first heartbeat.
        """
        flow = await self._start_flow("config_client")
        if flow.get("type") != "form" or flow.get("step_id") != "config_client":
            raise HarnessError(f"config flow did not show the terminal's URL: {flow}")
        url = flow["description_placeholders"]["url"]
        await enter_url(url)
        path = f"/api/config/config_entries/flow/{flow['flow_id']}"
        result = await self.request("POST", path, {"config_remote": False})

        async def finished() -> dict[str, Any] | None:
            nonlocal result
            if result.get("type") in ("progress", "progress_done"):
                result = await self.request("GET", path)
            return result if result.get("type") not in ("progress", "progress_done") else None

        await wait_until(finished, timeout=timeout, what="the terminal's first heartbeat")
        if result.get("type") != "create_entry":
            raise HarnessError(f"config flow for {url} ended in {result}")
        entry: dict[str, Any] = result["result"]
        return entry

    async def config_entry(self, entry_id: str) -> dict[str, Any] | None:
        """The config entry ``entry_id`` (``state``, ``title``, ...), None if there is none."""
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return next((entry for entry in entries if entry.get("entry_id") == entry_id), None)

    def websocket(self) -> HassWebSocket:
        """A websocket connection: ``async with client.websocket() as ws``."""
        return HassWebSocket(self.session, self.base_url, self.token)


@dataclass
class SimulatorClient:
    """The simulator's control API (``/_sim/...``)."""

    session: aiohttp.ClientSession
    base_url: str

    async def request(self, method: str, path: str, json_body: JSON = None) -> JSON:
        """``method /_sim/path``."""
        return await _json_request(
            self.session, method, f"{self.base_url}{path}", json_body=json_body
        )

    async def state(self) -> dict[str, Any]:
        """``GET /_sim/state``: counts, upload target, pending pushes, ACKs."""
        state: dict[str, Any] = await self.request("GET", "/_sim/state")
        return state

    async def add_person(self, person_id: str, name: str) -> dict[str, Any]:
        """Register a person without an image."""
        person: dict[str, Any] = await self.request(
            "POST", "/_sim/persons", {"id": person_id, "name": name}
        )
        return person

    async def set_config_url(self, url: str | None) -> dict[str, Any]:
        """Enter ``url`` in the terminal's configuration-client settings (None: turn it off)."""
        section: dict[str, Any] = await self.request("POST", "/_sim/config_url", {"url": url})
        return section

    async def log(self) -> list[dict[str, Any]]:
        """``GET /_sim/log``: what the terminal was told to show, say, play or switch."""
        entries: list[dict[str, Any]] = await self.request("GET", "/_sim/log")
        return entries

    async def capture(self, **kwargs: Any) -> dict[str, Any]:
        """Make a capture (``kind``, ``person_id``, ...); the push body it queued, without images."""
        push: dict[str, Any] = await self.request("POST", "/_sim/capture", kwargs)
        return push


# -- everything together ---------------------------------------------------------------------------


@dataclass
class FaceCaptureStack:
    """Home Assistant plus a simulated terminal, the terminal added: ``async with`` it.

    Ports of 0 are replaced by free ones. ``fresh`` deletes ``config_dir`` first.
    """

    config_dir: Path
    ha_port: int = 0
    sim_port: int = 0
    frontend: bool = False
    username: str = "admin"
    password: str = "admin-password"  # a throw-away local instance
    persons: int = 0
    rate: float = 0.0
    log_level: str = "info"
    name: str = "Face capture"
    fresh: bool = True
    startup_timeout: float = 90.0
    config_client: bool = False
    """Add the terminal as a configuration client (it connects to Home Assistant, 1.1.3)."""
    hass_process: ManagedProcess | None = field(default=None, init=False)
    sim_process: ManagedProcess | None = field(default=None, init=False)
    session: aiohttp.ClientSession | None = field(default=None, init=False)
    hass: HassClient | None = field(default=None, init=False)
    sim: SimulatorClient | None = field(default=None, init=False)
    entry: dict[str, Any] = field(default_factory=dict, init=False)
    entities: list[dict[str, Any]] = field(default_factory=list, init=False)
    timings: dict[str, float] = field(default_factory=dict, init=False)

    @property
    def base_url(self) -> str:
        """Home Assistant's address."""
        return f"http://{LOCALHOST}:{self.ha_port}"

    @property
    def sim_url(self) -> str:
        """The simulated terminal's address."""
        return f"http://{LOCALHOST}:{self.sim_port}"

    @property
    def client(self) -> HassClient:
        """The REST client (after start)."""
        if self.hass is None:
            raise HarnessError("the stack is not started")
        return self.hass

    @property
    def simulator(self) -> SimulatorClient:
        """The simulator's control client (after start)."""
        if self.sim is None:
            raise HarnessError("the stack is not started")
        return self.sim

    @property
    def processes(self) -> list[ManagedProcess]:
        """The running children, to watch while waiting."""
        return [p for p in (self.hass_process, self.sim_process) if p is not None]

    def logs(self, lines: int = 60) -> str:
        """The end of Home Assistant's and the simulator's logs, for failure messages."""
        return "\n".join(
            f"---- end of {process.log_path} ({process.name}) ----\n{process.tail(lines)}"
            for process in self.processes
        )

    def entity_id(self, domain: str, key: str) -> str:
        """The entity id of this terminal's ``domain`` entity with translation key ``key``."""
        for entity in self.entities:
            if (
                entity["entity_id"].startswith(f"{domain}.")
                and entity.get("translation_key") == key
            ):
                entity_id: str = entity["entity_id"]
                return entity_id
        known = [(e["entity_id"], e.get("translation_key")) for e in self.entities]
        raise HarnessError(f"no {domain} entity with key {key!r} among {known}")

    async def __aenter__(self) -> Self:
        """Start everything; on failure stop what was started and raise."""
        try:
            await self.start()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop everything."""
        await self.close()

    async def start(self) -> None:
        """Config dir, user, both processes, token, the terminal added and its entities known."""
        began = time.monotonic()
        self.ha_port = self.ha_port or free_port()
        self.sim_port = self.sim_port or free_port()
        if self.fresh and self.config_dir.exists():
            shutil.rmtree(self.config_dir)
        write_config_dir(
            self.config_dir,
            self.ha_port,
            frontend=self.frontend,
            log_level=self.log_level,
            name=self.name,
        )
        await create_user(self.config_dir, self.username, self.password)

        self.sim_process = simulator_process(
            self.sim_port,
            self.config_dir / "simulator.log",
            persons=self.persons,
            rate=self.rate,
        )
        self.sim_process.start()
        self.hass_process = hass_process(self.config_dir)
        self.hass_process.start()
        self.session = aiohttp.ClientSession()
        self.sim = SimulatorClient(self.session, self.sim_url)
        self.timings["prepare"] = time.monotonic() - began

        await wait_until(
            self.simulator.state,
            timeout=30,
            what=f"the simulator on {self.sim_url}",
            processes=[self.sim_process],
            explain=self.logs,
        )
        token = await self._wait_for_hass()
        self.hass = HassClient(self.session, self.base_url, token)
        self.timings["hass_ready"] = time.monotonic() - began

        if self.config_client:
            self.entry = await self.client.add_config_client_terminal(self.simulator.set_config_url)
        else:
            self.entry = await self.client.add_terminal(LOCALHOST, self.sim_port)
        entry_id = self.entry["entry_id"]

        async def loaded() -> dict[str, Any] | None:
            entry = await self.client.config_entry(entry_id)
            return entry if entry is not None and entry.get("state") == "loaded" else None

        self.entry = await wait_until(
            loaded,
            timeout=30,
            what=f"config entry {self.entry.get('title')!r} to be loaded",
            processes=self.processes,
            explain=self.logs,
        )
        async with self.client.websocket() as ws:
            registry = await ws.command({"type": "config/entity_registry/list"})
        self.entities = sorted(
            (e for e in registry if e.get("config_entry_id") == entry_id),
            key=lambda e: str(e["entity_id"]),
        )
        self.timings["terminal_added"] = time.monotonic() - began

    async def enable_entities(self, *entity_ids: str) -> None:
        """Enable entities that start disabled, as a user does, and reload the terminal's entry.

        Home Assistant would reload the entry itself 30 s after the change; the reload here makes
        the entities appear at once.
        """
        entry_id = self.entry["entry_id"]
        async with self.client.websocket() as ws:
            for entity_id in entity_ids:
                await ws.command(
                    {
                        "type": "config/entity_registry/update",
                        "entity_id": entity_id,
                        "disabled_by": None,
                    }
                )
        await self.client.request("POST", f"/api/config/config_entries/entry/{entry_id}/reload")

        async def shown() -> bool | None:
            states = {state["entity_id"] for state in await self.client.states()}
            return True if set(entity_ids) <= states else None

        await wait_until(
            shown,
            timeout=30,
            what=f"{', '.join(entity_ids)} to be enabled",
            processes=self.processes,
            explain=self.logs,
        )

    async def _wait_for_hass(self) -> str:
        """Wait for the HTTP server, log in, wait for the core to be RUNNING; the token."""
        if self.session is None or self.hass_process is None:
            raise HarnessError("the stack is not started")
        session = self.session
        timeout = self.startup_timeout
        deadline = time.monotonic() + timeout

        async def http_up() -> bool | None:
            self._check_not_recovery_mode()
            async with session.get(
                f"{self.base_url}/auth/providers", timeout=aiohttp.ClientTimeout(total=5)
            ) as response:
                return True if response.status == 200 else None

        await wait_until(
            http_up,
            timeout=timeout,
            what=f"Home Assistant to answer on {self.base_url}",
            processes=[self.hass_process],
            explain=self.logs,
        )
        token = await login(session, self.base_url, self.username, self.password)

        async def running() -> bool | None:
            self._check_not_recovery_mode()
            config = await _json_request(session, "GET", f"{self.base_url}/api/config", token=token)
            return True if config.get("state") == "RUNNING" else None

        await wait_until(
            running,
            timeout=max(1.0, deadline - time.monotonic()),
            what="Home Assistant to finish starting (state RUNNING)",
            processes=[self.hass_process],
            explain=self.logs,
        )
        return token

    def _check_not_recovery_mode(self) -> None:
        """Fail at once if Home Assistant fell back to recovery mode.

        It does so when configuration.yaml does not parse or ``frontend`` cannot be set up, and
        then listens on the default port 8123 with no API: waiting for our port would be in vain.
        """
        process = self.hass_process
        if process is not None and "recovery mode" in process.tail(400).lower():
            raise HarnessError(
                "Home Assistant started in recovery mode (a configuration error, or the frontend "
                f"missing?); end of {process.log_path}:\n{process.tail()}"
            )

    async def close(self) -> None:
        """Close the HTTP session, stop Home Assistant, then the simulator (idempotent)."""
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()
        if self.hass_process is not None:
            await self.hass_process.stop()
        if self.sim_process is not None:
            await self.sim_process.stop()


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
            print(_banner(stack, check=args.check), flush=True)
            if args.check:
                await _check(stack, args.timeout)
                passed = True
                return 0
            await _follow(stack)
    except HarnessError as err:
        print(f"demo: FAILED: {err}", file=sys.stderr)
        if args.check:
            print(f"demo: the check's logs are in {config_dir}", file=sys.stderr)
        return 1
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
