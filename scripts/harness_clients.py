"""Talking to the running processes: Home Assistant's REST API and websocket, the simulator's API."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
import json
import time
from types import TracebackType
from typing import Any, Self

import aiohttp
from harness_config import DOMAIN
from harness_processes import ManagedProcess
from harness_waiting import HarnessError, HttpStatusError, wait_until

type JSON = Any
type StatePredicate = Callable[[dict[str, Any]], bool]
type EventPredicate = Callable[[dict[str, Any]], bool]


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

    async def only_entry(self) -> dict[str, Any]:
        """The integration's one config entry (of a config dir made before); else HarnessError."""
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        if len(entries) != 1:
            raise HarnessError(f"expected one {DOMAIN} config entry, found {entries}")
        return entries[0]

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
