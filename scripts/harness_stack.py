"""Home Assistant and a simulated terminal started together, the terminal added: ``FaceCaptureStack``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import shutil
import time
from types import TracebackType
from typing import Any, Self

import aiohttp
from harness_clients import HassClient, SimulatorClient, _json_request, login
from harness_config import DOMAIN, LOCALHOST, write_config_dir
from harness_processes import (
    ManagedProcess,
    create_user,
    free_port,
    hass_process,
    simulator_process,
)
from harness_waiting import HarnessError, wait_until

DEPRECATION_REPORT = f"Detected that custom integration '{DOMAIN}'"
"""How each of Home Assistant's reports of a deprecated call by the integration begins."""


@dataclass
class FaceCaptureStack:
    """Home Assistant plus a simulated terminal, the terminal added: ``async with`` it.

    Ports of 0 are replaced by free ones. ``fresh`` deletes ``config_dir`` first.
    ``add_terminal`` False starts from a config dir that already holds the terminal's entry
    (``fresh`` False, e.g. one made by an earlier version of the integration): the entry is
    found and waited for instead of added.
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
    add_terminal: bool = True
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

    def deprecation_reports(self) -> list[str]:
        """Home Assistant's reports of a deprecated call by this integration, from its whole log.

        Home Assistant logs them as "Detected that custom integration 'facecapture' ..." (its
        ``helpers.frame.report_usage``), once per call site.
        """
        if self.hass_process is None or not self.hass_process.log_path.exists():
            return []
        text = self.hass_process.log_path.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if DEPRECATION_REPORT in line]

    def tracebacks(self) -> int:
        """How many tracebacks Home Assistant's log holds (an error nothing caught, anywhere)."""
        if self.hass_process is None or not self.hass_process.log_path.exists():
            return 0
        return self.hass_process.log_path.read_text(encoding="utf-8", errors="replace").count(
            "Traceback (most recent call last)"
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
        """Config dir, user, processes, token, the terminal added (or found), its entities known."""
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

        if not self.add_terminal:
            self.entry = await self.client.only_entry()
        elif self.config_client:
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
