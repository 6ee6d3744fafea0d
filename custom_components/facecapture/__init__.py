"""The facecapture integration: face-recognition access terminals (Face Capture Http API).

Where things happen, by wing: a push enters in ``captures/webhook.py``, becomes an event in
``captures/hub.py``; polled state lives in ``coordinator.py``; the push target is kept in
``link/push_target.py``; Home Assistant decides access in ``access/decision.py`` and keeps the
terminal in online mode in ``access/online_mode.py``; the persons are in ``people/``, the voice in
``voice/``.
"""

from __future__ import annotations

import shutil
import time

from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED, ConfigEntry, ConfigEntryChange
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SCAN_INTERVAL,
    CONF_USERNAME,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import ConfigType

from .access.decision import AccessControl
from .access.guest_pass_views import GuestPassQrView
from .access.guest_passes import async_setup_guest_passes
from .access.online_mode import OnlineMode, async_restore_match_mode
from .access.policy import AccessPolicy
from .api import (
    DEFAULT_PORT,
    FaceCaptureAuthError,
    FaceCaptureClient,
    FaceCaptureDeviceError,
    FaceCaptureError,
    FaceCaptureOfflineError,
    FaceCaptureResponseError,
    FaceCaptureUnsupportedError,
    HardwareInfo,
    LongPollTransport,
    NetworkInfo,
    VersionInfo,
)
from .captures.archive import CaptureArchive
from .captures.files import CLEANUP_INTERVAL, CaptureFiles, captures_root
from .captures.history import CaptureHistory
from .captures.hub import Capture, CaptureHub
from .captures.picture_views import async_register_views
from .captures.problems import PushProblems
from .captures.seen import SeenCaptures
from .captures.webhook import PushReceiver
from .const import (
    CONF_CONFIG_REMOTE,
    CONF_CONFIG_WEBHOOK_ID,
    CONF_CONNECTION,
    CONF_HA_PERSON,
    CONF_KEEP_CAPTURES_DAYS,
    CONF_KEEP_PERSONS,
    CONNECTION_CONFIG_CLIENT,
    DEFAULT_KEEP_CAPTURES_DAYS,
    DEFAULT_KEEP_PERSONS,
    DOMAIN,
    LOGGER,
    MANUFACTURER,
    OFFLINE_AFTER,
)
from .coordinator import (
    FaceCaptureConfigEntry,
    FaceCaptureCoordinator,
    FaceCaptureData,
    fever_limit,
)
from .link.availability import TerminalPresence
from .link.config_client_webhook import (
    ConfigClientReceiver,
    async_get_receiver,
    async_release_receiver,
)
from .link.push_target import PushTarget, async_point_away
from .people.directory import PersonDirectory
from .people.expiry import PersonExpiry
from .people.household import async_setup_household
from .people.links import linked_person, person_links
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.LOCK,
    Platform.MEDIA_PLAYER,
    Platform.NOTIFY,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Load the guest passes; register the actions and the picture views once for all terminals."""
    await async_setup_guest_passes(hass)
    async_setup_services(hass)
    async_register_views(hass)
    hass.http.register_view(GuestPassQrView())
    return True


def is_config_client(entry: FaceCaptureConfigEntry) -> bool:
    """Whether the terminal fetches its commands from Home Assistant (document 1.1.3)."""
    return entry.data.get(CONF_CONNECTION) == CONNECTION_CONFIG_CLIENT


@callback
def _async_config_client(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry
) -> ConfigClientReceiver:
    """The entry's command webhook, registered (it stays so across retries and reloads)."""
    receiver = async_get_receiver(hass, entry.data[CONF_CONFIG_WEBHOOK_ID])
    receiver.async_register(
        title=entry.title,
        serial=entry.unique_id,
        local_only=not entry.data.get(CONF_CONFIG_REMOTE, False),
    )
    return receiver


def client_for(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> FaceCaptureClient:
    """A client for the entry's terminal: over the command queue, or on the shared session."""
    if is_config_client(entry):
        return FaceCaptureClient(transport=_async_config_client(hass, entry).transport)
    return FaceCaptureClient(
        entry.data[CONF_HOST],
        entry.data.get(CONF_PORT, DEFAULT_PORT),
        session=async_get_clientsession(hass),
        username=entry.data.get(CONF_USERNAME) or None,
        password=entry.data.get(CONF_PASSWORD) or None,
    )


def _device_info(
    serial: str,
    title: str,
    hardware: HardwareInfo,
    version: VersionInfo | None,
    network: NetworkInfo | None,
) -> DeviceInfo:
    """The device as the terminal describes itself: the board is the model, the chip hardware."""
    board = hardware.board.model if hardware.board else None
    chip = hardware.chip.model if hardware.chip else None
    firmware = version.firmware if version else None
    info = DeviceInfo(
        identifiers={(DOMAIN, serial)},
        manufacturer=MANUFACTURER,
        model=board or "Face capture terminal",
        name=title,
        serial_number=serial,
        hw_version=chip,
        sw_version=(firmware.app_version if firmware else None)
        or (version.protocol_version if version else None),
    )
    if network is not None and network.mac:
        info["connections"] = {(dr.CONNECTION_NETWORK_MAC, dr.format_mac(network.mac))}
    return info


async def _network(client: FaceCaptureClient) -> NetworkInfo | None:
    """The terminal's network settings, when its firmware tells them (the MAC, for the device).

    `get network` is the vendor tool's, not the document's: a terminal that refuses it or
    answers it oddly is set up without a MAC rather than not at all.
    """
    try:
        return await client.get_network()
    except (FaceCaptureDeviceError, FaceCaptureResponseError) as err:
        LOGGER.debug("No network settings from the terminal: %s", err)
        return None


async def async_setup_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> bool:
    """Connect to the terminal, start polling, take its pushes and point it at us."""
    client = client_for(hass, entry)
    try:
        hardware = await client.get_hardware_info()
        try:
            version: VersionInfo | None = await client.get_version()
        except FaceCaptureUnsupportedError:
            version = None
        network = await _network(client)
    except FaceCaptureAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except FaceCaptureOfflineError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="terminal_offline",
            translation_placeholders={"error": str(err)},
        ) from err
    except FaceCaptureError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err

    serial = entry.unique_id or hardware.device_sn or entry.entry_id
    coordinator = FaceCaptureCoordinator(hass, entry, client, has_4g=hardware.has_4g)
    presence: TerminalPresence | None = None
    if isinstance(client.transport, LongPollTransport):
        presence = coordinator.presence = TerminalPresence(hass, entry, client.transport)
        entry.async_on_unload(presence.async_start())
    await coordinator.async_config_entry_first_refresh()

    device_info = _device_info(serial, entry.title, hardware, version, network)
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
        linked_person=lambda person_id: linked_person(entry, person_id),
    )
    history = await _async_setup_history(hass, entry, client, captures, serial)
    push_target = PushTarget(hass, entry, client)
    access = AccessControl(
        hass,
        title=entry.title,
        serial=serial,
        policy=AccessPolicy.from_options(entry.options),
        fever_limit=captures.fever_limit,
        describe=captures.async_describe,
        device_id=lambda: device.id,
    )
    online_mode = OnlineMode(hass, entry, client)
    directory = PersonDirectory(
        hass,
        client,
        entry_id=entry.entry_id,
        title=entry.title,
        persist=entry.options.get(CONF_KEEP_PERSONS, DEFAULT_KEEP_PERSONS),
    )
    await directory.async_load()
    entry.runtime_data = FaceCaptureData(
        client=client,
        coordinator=coordinator,
        captures=captures,
        push_target=push_target,
        access=access,
        online_mode=online_mode,
        directory=directory,
        serial=serial,
        version=version,
        device_info=device_info,
        presence=presence,
        history=history,
    )
    PushReceiver(hass, entry).async_register()
    try:
        await push_target.async_configure()
    except FaceCaptureError as err:
        # Not fatal: captures still arrive if the target was right, and each poll re-checks it.
        LOGGER.warning("Could not set the push target of %s: %s", entry.title, err)
    try:
        await online_mode.async_configure()
    except FaceCaptureError as err:
        # Not fatal either: each poll re-checks the match mode and offers a repair.
        LOGGER.warning("Could not set the match mode of %s: %s", entry.title, err)

    def check_push_health() -> None:
        # A failed poll still calls listeners, with the previous state: nothing new to judge.
        if not coordinator.last_update_success:
            return
        state = coordinator.data
        push_target.async_check(state.app_params, state.undelivered, captures.last_message_at)
        online_mode.async_check(state.app_params)

    entry.async_on_unload(coordinator.async_add_listener(check_push_health))
    entry.async_on_unload(push_target.async_clear_issues)
    entry.async_on_unload(online_mode.async_clear_issues)
    _follow_persons(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # After the platforms: the household's sensor and button follow the copying from the start.
    entry.async_on_unload(async_setup_household(hass, entry))
    entry.async_on_unload(PersonExpiry(hass, entry).async_start())
    return True


async def _async_setup_history(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    client: FaceCaptureClient,
    captures: CaptureHub,
    serial: str,
) -> CaptureHistory:
    """Hold recent captures' pictures in memory and, if the user opted in, on disk."""
    archive = CaptureArchive(entry.entry_id)
    files = CaptureFiles(
        hass, serial, entry.options.get(CONF_KEEP_CAPTURES_DAYS, DEFAULT_KEEP_CAPTURES_DAYS)
    )
    if files.enabled:
        archive.async_add_saver(files.async_save)
        entry.async_on_unload(
            async_track_time_interval(hass, files.async_cleanup, CLEANUP_INTERVAL)
        )
    # Also when not kept: what an earlier opt-in left on disk goes.
    await files.async_cleanup()
    entry.async_on_unload(captures.async_add_keeper(archive.async_keep))
    return CaptureHistory(client, archive, files)


def _follow_persons(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
    """Keep the person directory in step, and reload when the person links change."""
    runtime = entry.runtime_data
    directory, coordinator = runtime.directory, runtime.coordinator

    @callback
    def check_count() -> None:
        if coordinator.last_update_success:
            directory.async_check_count(coordinator.data.person_count)

    @callback
    def check_capture(capture: Capture) -> None:
        match = capture.push.match
        if not (match and match.is_encryption):  # a ciphertext id is never in the directory
            directory.async_check_id(capture.push.person_id)

    def link_snapshot() -> dict[str, tuple[str, str]]:
        return {
            person_id: (subentry.subentry_id, subentry.data[CONF_HA_PERSON])
            for person_id, subentry in person_links(entry).items()
        }

    links = link_snapshot()

    @callback
    def links_changed(change: ConfigEntryChange, changed: ConfigEntry) -> None:
        # Each link owns a sensor: a reload adds and names them like a fresh start does.
        if (
            change is ConfigEntryChange.UPDATED
            and changed.entry_id == entry.entry_id
            and link_snapshot() != links
        ):
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(coordinator.async_add_listener(check_count))
    entry.async_on_unload(runtime.captures.async_add_listener(check_capture))
    entry.async_on_unload(directory.async_start(entry))
    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, links_changed)
    )


async def async_unload_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> bool:
    """Stop taking pushes and unload the platforms."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_migrate_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> bool:
    """Bring an entry written by an older version up to date."""
    if entry.version > 1:
        return False  # written by a newer version of the integration: leave it alone
    if entry.minor_version < 2:
        # 1.2: the integration chooses its own polling interval; the user option is gone.
        options = {key: value for key, value in entry.options.items() if key != CONF_SCAN_INTERVAL}
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
        LOGGER.debug("Migrated %s to version 1.2 (no polling interval option)", entry.title)
    return True


async def async_remove_entry(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
    """Point the terminal away, give it its own match mode back, delete what was kept on disk."""
    client = client_for(hass, entry)
    await SeenCaptures(hass, entry.entry_id).async_remove()
    await PersonDirectory.async_remove_store(hass, entry.entry_id)
    if entry.unique_id:
        await hass.async_add_executor_job(shutil.rmtree, captures_root(hass, entry.unique_id), True)
    if not is_config_client(entry):
        await async_point_away(hass, entry, client)
        await async_restore_match_mode(hass, entry, client)
        return
    transport = client.transport
    assert isinstance(transport, LongPollTransport)
    last = transport.last_contact
    if last is not None and time.monotonic() - last < OFFLINE_AFTER.total_seconds():
        # Through the queue while the terminal still asks; once it has stopped, nothing waits.
        await async_point_away(hass, entry, client)
        await async_restore_match_mode(hass, entry, client)
        try:
            await client.update_app_params({"extranet": {"enable": False}})
            LOGGER.debug("%s no longer asks Home Assistant for commands", entry.title)
        except FaceCaptureError as err:
            LOGGER.warning(
                "Could not turn off the configuration client of %s (%s): turn it off on the "
                "terminal, or it keeps asking Home Assistant",
                entry.title,
                err,
            )
    await async_release_receiver(hass, entry.data[CONF_CONFIG_WEBHOOK_ID])
