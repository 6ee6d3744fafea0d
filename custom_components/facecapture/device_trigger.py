"""Device triggers: faces recognized, strangers, denials, fever, no mask, access granted by HA.

Recognized and denied may be narrowed to one person; "access granted by Home Assistant" fires in
online mode for what the policy, the script or the fallback let in.

Each trigger is an event trigger on ``facecapture_face`` for the terminal's device that also
requires ``realtime: true``: a capture the terminal delivers late, after an outage, is logged and
fires the bus event, but never runs an automation that might open a door for someone long gone.
"""

from __future__ import annotations

import inspect
from typing import Any, Final

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

from .access import DecidedBy, Decision
from .api.push import FaceResult
from .const import DOMAIN, EVENT_FACE
from .coordinator import FaceCaptureConfigEntry
from .helpers import device_entries

CONF_PERSON_ID: Final = "person_id"

TRIGGER_RECOGNIZED: Final = "recognized"
TRIGGER_STRANGER: Final = "stranger"
TRIGGER_DENIED: Final = "denied"
TRIGGER_FEVER: Final = "fever"
TRIGGER_NO_MASK: Final = "no_mask"
TRIGGER_ACCESS_GRANTED: Final = "access_granted"

# What each trigger type requires of the event's data, besides the device and real time.
TRIGGER_EVENT_DATA: Final[dict[str, dict[str, Any]]] = {
    TRIGGER_RECOGNIZED: {"result": str(FaceResult.RECOGNIZED)},
    TRIGGER_STRANGER: {"result": str(FaceResult.STRANGER)},
    TRIGGER_DENIED: {"result": str(FaceResult.DENIED)},
    TRIGGER_FEVER: {"fever": True},
    TRIGGER_NO_MASK: {"mask": False},
    # Granted by the policy, the script or the fallback: not by the terminal (checked on firing).
    TRIGGER_ACCESS_GRANTED: {"decision": str(Decision.GRANTED)},
}
# Types that concern a matched person, and so may be narrowed to one person id.
PERSON_TRIGGERS: Final = frozenset({TRIGGER_RECOGNIZED, TRIGGER_DENIED, TRIGGER_ACCESS_GRANTED})

PERSON_ID_SCHEMA: Final = vol.All(cv.string, vol.Strip, vol.Length(min=1, max=19))


def _person_only_where_matched(config: ConfigType) -> ConfigType:
    if CONF_PERSON_ID in config and config[CONF_TYPE] not in PERSON_TRIGGERS:
        raise vol.Invalid(
            f"{CONF_PERSON_ID} applies only to {', '.join(sorted(PERSON_TRIGGERS))}",
            path=[CONF_PERSON_ID],
        )
    return config


TRIGGER_SCHEMA: Final = vol.All(
    DEVICE_TRIGGER_BASE_SCHEMA.extend(
        {
            vol.Required(CONF_TYPE): vol.In(TRIGGER_EVENT_DATA),
            vol.Optional(CONF_PERSON_ID): PERSON_ID_SCHEMA,
        }
    ),
    _person_only_where_matched,
)


def _entry_for_device(hass: HomeAssistant, device_id: str) -> FaceCaptureConfigEntry | None:
    """The loaded entry of the terminal behind a device, if any."""
    return next(
        (
            entry
            for entry in device_entries(hass, device_id)
            if entry.state is ConfigEntryState.LOADED
        ),
        None,
    )


def _available_types(entry: FaceCaptureConfigEntry | None) -> list[str]:
    """All types, less fever and no mask when the terminal has those checks switched off.

    A terminal that does not check masks cannot tell whether one is worn: a "no mask" trigger
    could then fire for everyone.
    """
    state = entry.runtime_data.coordinator.data if entry else None
    face = state.app_params.face if state and state.app_params else None
    types = list(TRIGGER_EVENT_DATA)
    if entry is not None and not entry.runtime_data.access.home_assistant_decides:
        types.remove(TRIGGER_ACCESS_GRANTED)
    if face and face.body_temperature and face.body_temperature.enable is False:
        types.remove(TRIGGER_FEVER)
    if face and face.mask and face.mask.enable is False:
        types.remove(TRIGGER_NO_MASK)
    return types


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """List the triggers a terminal offers."""
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DEVICE_ID: device_id,
            CONF_DOMAIN: DOMAIN,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in _available_types(_entry_for_device(hass, device_id))
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Recognized and denied may be narrowed to one person id."""
    if config[CONF_TYPE] not in PERSON_TRIGGERS:
        return {}
    return {"extra_fields": vol.Schema({vol.Optional(CONF_PERSON_ID): str})}


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the terminal's real-time captures of the chosen kind."""
    event_data: dict[str, Any] = {
        CONF_DEVICE_ID: config[CONF_DEVICE_ID],
        "realtime": True,
        **TRIGGER_EVENT_DATA[config[CONF_TYPE]],
    }
    if person_id := config.get(CONF_PERSON_ID):
        event_data[CONF_PERSON_ID] = person_id
    if config[CONF_TYPE] == TRIGGER_ACCESS_GRANTED:
        action = _decided_by_home_assistant(action)
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            event_trigger.CONF_EVENT_TYPE: EVENT_FACE,
            CONF_EVENT_DATA: event_data,
        }
    )
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )


def _decided_by_home_assistant(action: TriggerActionType) -> TriggerActionType:
    """Run ``action`` only for decisions Home Assistant made.

    An event trigger matches single values, and three deciders count as Home Assistant.
    """

    async def filtered(run_variables: dict[str, Any], context: Context | None = None) -> Any:
        event = run_variables["trigger"]["event"]
        if event.data.get("decided_by") == DecidedBy.TERMINAL:
            return None
        result = action(run_variables, context)
        return await result if inspect.isawaitable(result) else result

    return filtered
