"""Device triggers: recognized, stranger, denied, face detected, fever, no mask, access granted.

They offer every event type of the Face event entity (which is disabled by default: see
``event.py``), so automations need neither it nor its logbook rows.

"Access granted by Home Assistant" is offered while Home Assistant decides access (online mode).

A person is picked by name from the terminal's person directory; the stored value is their id.

Each trigger is an event trigger on ``facecapture_face`` for the terminal's device that also
requires ``realtime: true``: a capture the terminal delivers late, after an outage, is logged and
fires the bus event, but never runs an automation that might open a door for someone long gone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import inspect
from typing import Any, Final

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .access.policy import DecidedBy, Decision
from .api.push import FaceResult
from .const import CONF_PERSON_ID, DOMAIN, EVENT_FACE
from .coordinator import TerminalState
from .people.directory import PERSON_ID_SCHEMA, loaded_entry_for_device, person_choice
from .schema_library import vol

TRIGGER_RECOGNIZED: Final = "recognized"
TRIGGER_STRANGER: Final = "stranger"
TRIGGER_DENIED: Final = "denied"
TRIGGER_DETECTED: Final = "detected"
TRIGGER_FEVER: Final = "fever"
TRIGGER_NO_MASK: Final = "no_mask"
TRIGGER_ACCESS_GRANTED: Final = "access_granted"


def _always(_state: TerminalState | None) -> bool:
    return True


def _checks_fever(state: TerminalState | None) -> bool:
    face = state.app_params.face if state and state.app_params else None
    return not (face and face.body_temperature and face.body_temperature.enable is False)


def _checks_mask(state: TerminalState | None) -> bool:
    face = state.app_params.face if state and state.app_params else None
    return not (face and face.mask and face.mask.enable is False)


@dataclass(frozen=True, kw_only=True)
class FaceTrigger:
    """One device trigger: what it requires of the capture's event data, besides the device."""

    type: str
    event_data: Mapping[str, Any]
    person: bool = False
    """May be narrowed to one person, picked by name from the terminal's person directory."""
    offered_fn: Callable[[TerminalState | None], bool] = _always
    """Whether the terminal, in its current settings, can ever fire it."""
    home_assistant_decides: bool = False
    """Only for decisions Home Assistant made (online mode): offered only while it decides."""


# A terminal that does not check masks cannot tell whether one is worn: a "no mask" trigger
# could then fire for everyone. Adding a trigger is adding a row here (and its strings).
TRIGGERS: Final[tuple[FaceTrigger, ...]] = (
    FaceTrigger(
        type=TRIGGER_RECOGNIZED, event_data={"result": str(FaceResult.RECOGNIZED)}, person=True
    ),
    FaceTrigger(type=TRIGGER_STRANGER, event_data={"result": str(FaceResult.STRANGER)}),
    FaceTrigger(type=TRIGGER_DENIED, event_data={"result": str(FaceResult.DENIED)}, person=True),
    # A face seen without comparison (face matching off, or a terminal that only detects).
    FaceTrigger(type=TRIGGER_DETECTED, event_data={"result": str(FaceResult.DETECTED)}),
    FaceTrigger(type=TRIGGER_FEVER, event_data={"fever": True}, offered_fn=_checks_fever),
    FaceTrigger(type=TRIGGER_NO_MASK, event_data={"mask": False}, offered_fn=_checks_mask),
    FaceTrigger(
        type=TRIGGER_ACCESS_GRANTED,
        event_data={"decision": str(Decision.GRANTED)},
        person=True,
        home_assistant_decides=True,
    ),
)
TRIGGERS_BY_TYPE: Final = {trigger.type: trigger for trigger in TRIGGERS}
# Kept for readers of the older names.
TRIGGER_EVENT_DATA: Final = {trigger.type: trigger.event_data for trigger in TRIGGERS}
PERSON_TRIGGERS: Final = frozenset(trigger.type for trigger in TRIGGERS if trigger.person)


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
            vol.Required(CONF_TYPE): vol.In(TRIGGERS_BY_TYPE),
            vol.Optional(CONF_PERSON_ID): PERSON_ID_SCHEMA,
        }
    ),
    _person_only_where_matched,
)


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """List the triggers a terminal offers."""
    entry = loaded_entry_for_device(hass, device_id)
    state = entry.runtime_data.coordinator.data if entry else None
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DEVICE_ID: device_id,
            CONF_DOMAIN: DOMAIN,
            CONF_TYPE: trigger.type,
        }
        for trigger in TRIGGERS
        if trigger.offered_fn(state)
        and not (
            trigger.home_assistant_decides
            and entry is not None
            and not entry.runtime_data.access.home_assistant_decides
        )
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Triggers about a matched person may be narrowed to one, picked by name."""
    if not TRIGGERS_BY_TYPE[config[CONF_TYPE]].person:
        return {}
    entry = loaded_entry_for_device(hass, config[CONF_DEVICE_ID])
    return {
        "extra_fields": vol.Schema(
            {vol.Optional(CONF_PERSON_ID): person_choice(entry, config.get(CONF_PERSON_ID))}
        )
    }


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
        **TRIGGERS_BY_TYPE[config[CONF_TYPE]].event_data,
    }
    if person_id := config.get(CONF_PERSON_ID):
        event_data[CONF_PERSON_ID] = person_id
    if TRIGGERS_BY_TYPE[config[CONF_TYPE]].home_assistant_decides:
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
