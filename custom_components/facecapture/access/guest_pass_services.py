"""Actions on guest passes: create one (with its QR code), list them, revoke one.

All three are for administrators: a pass opens the gate. They act on the installation's passes,
not on one terminal; a pass names the terminals it opens (none: every terminal). Answers carry
pass ids and QR image paths, never a token or the secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..helpers import device_entries, validation_error
from ..schema_library import vol
from .guest_pass_rules import pass_view
from .guest_pass_views import async_signed_qr_path, qr_path
from .guest_passes import guest_passes

SERVICE_CREATE_GUEST_PASS: Final = "create_guest_pass"  # noqa: S105 - an action name
SERVICE_LIST_GUEST_PASSES: Final = "list_guest_passes"
SERVICE_REVOKE_GUEST_PASS: Final = "revoke_guest_pass"  # noqa: S105 - an action name

ATTR_ID: Final = "id"
ATTR_NAME: Final = "name"
ATTR_VALID_FROM: Final = "valid_from"
ATTR_VALID_UNTIL: Final = "valid_until"
ATTR_USES: Final = "uses"
ATTR_UNLIMITED: Final = "unlimited"
ATTR_TERMINALS: Final = "terminals"

MAX_USES: Final = 1000
MAX_GUEST_NAME: Final = 63
"""Characters of a guest's name: it is shown on the terminal's screen."""


def _aware(value: datetime) -> datetime:
    """A selector's time, read in Home Assistant's zone when it has none."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def _terminal_device(hass: HomeAssistant, terminal: str) -> str:
    """The device id of a terminal given by its device id or its config entry id."""
    if device_entries(hass, terminal):
        return terminal
    entry = hass.config_entries.async_get_entry(terminal)
    if entry is not None and entry.domain == DOMAIN:
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id):
            return device.id
    raise validation_error("device_not_found", device_id=terminal)


async def _create(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    now = dt_util.utcnow()
    valid_from = _aware(call.data.get(ATTR_VALID_FROM) or dt_util.now())
    valid_until = _aware(call.data[ATTR_VALID_UNTIL])
    if valid_until <= now:
        raise validation_error("guest_pass_ended")
    if valid_until <= valid_from:
        raise validation_error("guest_pass_window")
    terminals = [_terminal_device(hass, terminal) for terminal in call.data[ATTR_TERMINALS]]
    guest = guest_passes(hass).async_create(
        name=call.data[ATTR_NAME],
        valid_from=valid_from,
        valid_until=valid_until,
        uses=None if call.data[ATTR_UNLIMITED] else call.data[ATTR_USES],
        terminals=terminals,
    )
    return {
        **pass_view(guest, now),
        "qr_url": qr_path(guest.id),
        "qr_signed_url": async_signed_qr_path(hass, guest.id),
    }


async def _list(call: ServiceCall) -> ServiceResponse:
    now = dt_util.utcnow()
    return {
        "guest_passes": [
            {**pass_view(guest, now), "qr_url": qr_path(guest.id)}
            for guest in guest_passes(call.hass).passes
        ]
    }


async def _revoke(call: ServiceCall) -> ServiceResponse:
    if guest_passes(call.hass).async_revoke(call.data[ATTR_ID]) is None:
        raise validation_error("guest_pass_not_found", id=call.data[ATTR_ID])
    return None


CREATE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_NAME): vol.All(
            cv.string, vol.Strip, vol.Length(min=1, max=MAX_GUEST_NAME)
        ),
        vol.Optional(ATTR_VALID_FROM): cv.datetime,
        vol.Required(ATTR_VALID_UNTIL): cv.datetime,
        vol.Optional(ATTR_USES, default=1): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_USES)
        ),
        vol.Optional(ATTR_UNLIMITED, default=False): cv.boolean,
        vol.Optional(ATTR_TERMINALS, default=list): vol.All(cv.ensure_list, [cv.string]),
    }
)


LIST_SCHEMA: Final = vol.Schema({})
REVOKE_SCHEMA: Final = vol.Schema(
    {vol.Required(ATTR_ID): vol.All(cv.string, vol.Strip, vol.Length(min=1))}
)
GUEST_PASS_ACTIONS: Final = {
    SERVICE_CREATE_GUEST_PASS: (_create, CREATE_SCHEMA, SupportsResponse.ONLY),
    SERVICE_LIST_GUEST_PASSES: (_list, LIST_SCHEMA, SupportsResponse.ONLY),
    SERVICE_REVOKE_GUEST_PASS: (_revoke, REVOKE_SCHEMA, SupportsResponse.NONE),
}
"""Name -> handler, schema and whether it answers."""


@callback
def async_setup_guest_pass_services(hass: HomeAssistant) -> None:
    """Register the guest pass actions, for administrators only."""
    for name, (handler, schema, response) in GUEST_PASS_ACTIONS.items():
        async_register_admin_service(hass, DOMAIN, name, handler, schema, response)
