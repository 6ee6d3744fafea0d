"""Helpers the integration tests share: setting up one platform, finding entities, reading requests."""

from __future__ import annotations

from datetime import timedelta
import io
from typing import Any
from unittest.mock import patch

from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
from PIL import Image
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.access.guest_pass_rules import GuestPass
from custom_components.facecapture.access.guest_passes import guest_passes
from custom_components.facecapture.const import DOMAIN
from simulator import Simulator

# The simulated terminal's serial number (conftest and the test modules import it from here).
SERIAL = "0123E4-FB5BFC-9186EE"


async def setup_platform(hass: HomeAssistant, entry: MockConfigEntry, platform: Platform) -> None:
    """Set the entry up with only one platform."""
    with patch("custom_components.facecapture.PLATFORMS", [platform]):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


def entity_id_of(entity_registry: er.EntityRegistry, domain: str, key: str) -> str:
    """The entity id of one of the terminal's entities, found by its unique id."""
    entity_id = entity_registry.async_get_entity_id(domain, DOMAIN, f"{SERIAL}_{key}")
    assert entity_id is not None, key
    return entity_id


def entity_keys(entity_registry: er.EntityRegistry, entry: MockConfigEntry) -> set[str]:
    """The keys (unique ids without the serial number) of the entry's entities."""
    return {
        registered.unique_id.removeprefix(f"{SERIAL}_")
        for registered in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }


async def call_entity_service(
    hass: HomeAssistant,
    domain: str,
    service: str,
    entity_id: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Call an entity's action, wait for it and for what it set off."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **(data or {})}, blocking=True
    )
    await hass.async_block_till_done()


def requests_since(simulator: Simulator, start: int, cmd: str) -> list[dict[str, Any]]:
    """The bodies of one command the simulator received after the first ``start`` requests."""
    return [body for body in simulator.requests[start:] if body.get("cmd") == cmd]


def changed_paths(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The key paths whose values differ between two JSON trees."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            changed
            for key in sorted(before.keys() | after.keys())
            for changed in changed_paths(before.get(key), after.get(key), (*path, key))
        ]
    return [] if before == after and type(before) is type(after) else [path]


def value_at(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value of a key path."""
    node: Any = tree
    for key in path:
        node = node[key]
    return node


def terminal_device(hass: HomeAssistant) -> dr.DeviceEntry:
    """The simulated terminal's device.

    Home Assistant 2026.8 deprecates the unscoped ``async_get_device``: where the registry has
    the lookup scoped to a config entry, it is used; 2026.2 has only the old one.
    """
    registry = dr.async_get(hass)
    lookup = getattr(registry, "async_get_device_by_identifier", None)
    if lookup is not None:
        entry = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, SERIAL)
        assert entry is not None
        device = lookup((DOMAIN, SERIAL), entry.entry_id)
    else:
        device = registry.async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert isinstance(device, dr.DeviceEntry)
    return device


def terminal_device_id(hass: HomeAssistant) -> str:
    """The id of the simulated terminal's device."""
    return terminal_device(hass).id


async def call_action(
    hass: HomeAssistant, action: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    """Call one of the integration's actions on the simulated terminal."""
    return await hass.services.async_call(
        DOMAIN,
        action,
        {"device_id": terminal_device_id(hass), **data},
        blocking=True,
        return_response=response,
    )


def make_jpeg(
    width: int = 64, height: int = 48, color: tuple[int, int, int] = (90, 160, 210)
) -> bytes:
    """A plain JPEG picture of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


async def async_capture(
    hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """A capture the simulator pushes (``Simulator.capture``'s arguments), delivered and handled."""
    body = await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=10)
    await hass.async_block_till_done(wait_background_tasks=True)
    return body


def make_guest_pass(
    hass: HomeAssistant,
    *,
    uses: int | None = 2,
    start: timedelta = timedelta(hours=-1),
    end: timedelta = timedelta(hours=2),
    terminals: tuple[str, ...] | None = None,
) -> GuestPass:
    """A pass for Carol, valid from ``start`` to ``end`` from now, for the simulated terminal."""
    now = dt_util.utcnow()
    return guest_passes(hass).async_create(
        name="Carol",
        valid_from=now + start,
        valid_until=now + end,
        uses=uses,
        terminals=(terminal_device_id(hass),) if terminals is None else terminals,
    )
