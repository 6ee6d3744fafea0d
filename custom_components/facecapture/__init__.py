"""The facecapture integration: face-recognition access terminals (Face Capture Http API).

Where things happen: a push enters in ``webhook.py``, becomes an event in ``captures.py``;
polled state lives in ``coordinator.py``; the push target is kept in ``push_target.py``.
"""

from __future__ import annotations

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.typing import ConfigType

from .api import (
    DEFAULT_PORT,
    FaceCaptureAuthError,
    FaceCaptureClient,
    FaceCaptureError,
    FaceCaptureUnsupportedError,
    HardwareInfo,
    VersionInfo,
)
from .captures import CaptureHub
from .const import DOMAIN, LOGGER, MANUFACTURER
from .coordinator import (
    FaceCaptureConfigEntry,
    FaceCaptureCoordinator,
    FaceCaptureData,
    fever_limit,
)
from .push_problems import PushProblems
from .push_target import PushTarget, async_point_away
from .seen_captures import SeenCaptures
from .services import async_setup_services
from .webhook import PushReceiver

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.IMAGE,
    Platform.LOCK,
    Platform.NOTIFY,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once for all terminals: they target a terminal's device."""
    async_setup_services(hass)
    return True


def client_for(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> FaceCaptureClient:
    """A client for the entry's terminal on Home Assistant's shared session."""
    return FaceCaptureClient(
        entry.data[CONF_HOST],
        entry.data.get(CONF_PORT, DEFAULT_PORT),
        session=async_get_clientsession(hass),
        username=entry.data.get(CONF_USERNAME) or None,
        password=entry.data.get(CONF_PASSWORD) or None,
    )


def _device_info(
    serial: str, title: str, hardware: HardwareInfo, version: VersionInfo | None
) -> DeviceInfo:
    board = hardware.board.model if hardware.board else None
    chip = hardware.chip.model if hardware.chip else None
    firmware = version.firmware if version else None
    return DeviceInfo(
        identifiers={(DOMAIN, serial)},
        manufacturer=MANUFACTURER,
        model=board or "Face capture terminal",
        model_id=chip,
        name=title,
        serial_number=serial,
        hw_version=chip,
        sw_version=(firmware.app_version if firmware else None)
        or (version.protocol_version if version else None),
    )


async def async_setup_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> bool:
    """Connect to the terminal, start polling, take its pushes and point it at us."""
    client = client_for(hass, entry)
    try:
        hardware = await client.get_hardware_info()
        try:
            version: VersionInfo | None = await client.get_version()
        except FaceCaptureUnsupportedError:
            version = None
    except FaceCaptureAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except FaceCaptureError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err

    serial = entry.unique_id or hardware.device_sn or entry.entry_id
    coordinator = FaceCaptureCoordinator(hass, entry, client, has_4g=hardware.has_4g)
    await coordinator.async_config_entry_first_refresh()

    device_info = _device_info(serial, entry.title, hardware, version)
    device = dr.async_get(hass).async_get_or_create(config_entry_id=entry.entry_id, **device_info)
    # Restored before the webhook is registered: a capture resent across a restart fires nothing.
    seen = SeenCaptures(hass, entry.entry_id)
    await seen.async_load()
    entry.async_on_unload(seen.async_flush)
    problems = PushProblems(hass, entry_id=entry.entry_id, title=entry.title)
    entry.async_on_unload(problems.async_clear)
    captures = CaptureHub(
        hass,
        serial=serial,
        device_id=lambda: device.id,
        fever_limit=lambda: fever_limit(coordinator.data),
        seen=seen,
        problems=problems,
    )
    push_target = PushTarget(hass, entry, client)
    entry.runtime_data = FaceCaptureData(
        client=client,
        coordinator=coordinator,
        captures=captures,
        push_target=push_target,
        serial=serial,
        version=version,
        device_info=device_info,
    )
    PushReceiver(hass, entry).async_register()
    try:
        await push_target.async_configure()
    except FaceCaptureError as err:
        # Not fatal: captures still arrive if the target was right, and each poll re-checks it.
        LOGGER.warning("Could not set the push target of %s: %s", entry.title, err)

    def check_push_health() -> None:
        # A failed poll still calls listeners, with the previous state: nothing new to judge.
        if not coordinator.last_update_success:
            return
        state = coordinator.data
        push_target.async_check(state.app_params, state.undelivered, captures.last_message_at)

    entry.async_on_unload(coordinator.async_add_listener(check_push_health))
    entry.async_on_unload(push_target.async_clear_issues)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> bool:
    """Stop taking pushes and unload the platforms."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
    """Point the terminal away from Home Assistant if it still pushes here; forget its captures."""
    await SeenCaptures(hass, entry.entry_id).async_remove()
    await async_point_away(hass, entry, client_for(hass, entry))
