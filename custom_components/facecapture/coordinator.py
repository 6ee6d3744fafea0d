"""Polled state of a terminal, and the runtime data every platform reads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    AppParams,
    Command,
    DeviceTime,
    FaceCaptureAuthError,
    FaceCaptureClient,
    FaceCaptureConnectionError,
    FaceCaptureError,
    FaceCaptureOfflineError,
    FaceCaptureUnsupportedError,
    FourGInfo,
    HardwareInfo,
    ScreensaverMode,
    VersionInfo,
)
from .const import DEFAULT_FEVER_LIMIT, DOMAIN, LOGGER, UPDATE_INTERVAL
from .link.device_time import device_time_to_utc

if TYPE_CHECKING:
    from .access.decision import AccessControl
    from .access.online_mode import OnlineMode
    from .captures.history import CaptureHistory
    from .captures.hub import CaptureHub
    from .link.availability import TerminalPresence
    from .link.push_target import PushTarget
    from .people.directory import PersonDirectory


@dataclass(kw_only=True)
class FaceCaptureData:
    """What a loaded entry holds: the client, the polled state, the push side."""

    client: FaceCaptureClient
    coordinator: FaceCaptureCoordinator
    captures: CaptureHub
    push_target: PushTarget
    access: AccessControl
    online_mode: OnlineMode
    directory: PersonDirectory
    serial: str
    version: VersionInfo | None
    device_info: DeviceInfo
    history: CaptureHistory
    presence: TerminalPresence | None = None
    """Set for a terminal that fetches its commands (configuration client)."""

    @property
    def online(self) -> bool:
        """False while a configuration client has stopped asking for commands."""
        return self.presence is None or self.presence.online


type FaceCaptureConfigEntry = ConfigEntry[FaceCaptureData]


@dataclass(frozen=True, kw_only=True)
class TerminalState:
    """One poll of the terminal. A field is None when the terminal does not support its command."""

    clock: DeviceTime | None
    clock_offset: float | None
    hardware: HardwareInfo | None
    app_params: AppParams | None
    person_count: int | None
    four_g: FourGInfo | None
    volume: int | None
    undelivered: int | None
    polled_at: datetime
    screensaver_mode: ScreensaverMode | str | None = None


def fever_limit(state: TerminalState | None) -> float:
    """The terminal's own limit (above it, it does not open), else a common clinical threshold."""
    face = state.app_params.face if state and state.app_params else None
    temperature = face.body_temperature if face else None
    return temperature.limit if temperature and temperature.limit else DEFAULT_FEVER_LIMIT


class FaceCaptureCoordinator(DataUpdateCoordinator[TerminalState]):
    """Polls clock, hardware, settings, person count, volume and (when fitted) 4G."""

    config_entry: FaceCaptureConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FaceCaptureConfigEntry,
        client: FaceCaptureClient,
        *,
        has_4g: bool,
    ) -> None:
        """Poll at the integration's own interval (not a user option, per Home Assistant's rules)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=UPDATE_INTERVAL,
        )
        self.client = client
        self.has_4g = has_4g
        # Commands the terminal answered with code 2: never asked again for this entry's life.
        self.unsupported: set[str] = set()
        self.presence: TerminalPresence | None = None

    async def _poll[T](self, command: Command, call: Callable[[], Awaitable[T]]) -> T | None:
        if command in self.unsupported:
            return None
        try:
            return await call()
        except FaceCaptureUnsupportedError:
            LOGGER.debug(
                "%s does not support '%s'; no longer polling it", self.config_entry.title, command
            )
            self.unsupported.add(command)
            return None

    async def _async_update_data(self) -> TerminalState:
        if self.presence is not None and not self.presence.online and self.data is not None:
            # A configuration client that stopped asking would only time out; its entities are
            # unavailable already, and its next heartbeat refreshes them.
            return self.data
        try:
            clock = await self._poll(Command.REQUEST_DATE_TIME, self.client.get_date_time)
            polled_at = dt_util.utcnow()
            hardware = await self._poll(Command.GET_HARDWARE_INFO, self.client.get_hardware_info)
            app_params = await self._poll(Command.REQUEST_APP_PARAMS, self.client.get_app_params)
            person_count = await self._poll(Command.REQUEST_PERSONS, self.client.count_persons)
            volume = await self._poll(Command.CAMERA_VOLUME, self.client.get_volume)
            screensaver_mode = await self._poll(
                Command.REQUEST_LCD_SCREENSAVER, self.client.get_screensaver_mode
            )
            four_g = (
                await self._poll(Command.REQUEST_4G_INFO, self.client.get_4g_info)
                if self.has_4g or (hardware is not None and hardware.has_4g)
                else None
            )
            undelivered = await self._poll(Command.REQUEST_RECORDS, self._count_undelivered)
        except FaceCaptureAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except FaceCaptureOfflineError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="terminal_offline",
                translation_placeholders={"error": str(err)},
            ) from err
        except FaceCaptureConnectionError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
            ) from err
        except FaceCaptureError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="device_error",
                translation_placeholders={"error": str(err)},
            ) from err

        clock_offset = None
        if clock is not None and (terminal_utc := device_time_to_utc(clock.value, clock.timezone)):
            clock_offset = round((terminal_utc - polled_at).total_seconds(), 1)
        return TerminalState(
            clock=clock,
            clock_offset=clock_offset,
            hardware=hardware,
            app_params=app_params,
            person_count=person_count,
            four_g=four_g,
            volume=volume,
            undelivered=undelivered,
            polled_at=polled_at,
            screensaver_mode=screensaver_mode,
        )

    async def _count_undelivered(self) -> int:
        """Captures the terminal holds that it could not push (upload state 0)."""
        return (await self.client.request_records(page_size=1, uploaded=False)).total
