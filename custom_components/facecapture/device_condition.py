"""Device condition: "<person> was the last one recognized" (optionally: within the last minutes).

Useful where a trigger is something else: the doorbell rang, and the last face the terminal
recognized was Alice's a moment ago. Like the triggers it counts real-time captures only, and
only those since Home Assistant started: after a restart nobody was "just" recognized.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import CONF_CONDITION, CONF_DEVICE_ID, CONF_DOMAIN, CONF_TYPE
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.condition import ConditionCheckerType
from homeassistant.helpers.typing import ConfigType, TemplateVarsType
from homeassistant.util import dt as dt_util

from .const import CONF_PERSON_ID, DOMAIN
from .people.directory import PERSON_ID_SCHEMA, loaded_entry_for_device, person_choice
from .schema_library import vol

CONF_WITHIN: Final = "within"
CONDITION_LAST_RECOGNIZED: Final = "last_recognized"
CONDITION_TYPES: Final = frozenset({CONDITION_LAST_RECOGNIZED})

CONDITION_SCHEMA: Final = cv.DEVICE_CONDITION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(CONDITION_TYPES),
        vol.Required(CONF_PERSON_ID): PERSON_ID_SCHEMA,
        vol.Optional(CONF_WITHIN): cv.positive_time_period_dict,
    }
)


async def async_get_conditions(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """List the conditions a terminal offers."""
    return [
        {
            CONF_CONDITION: "device",
            CONF_DEVICE_ID: device_id,
            CONF_DOMAIN: DOMAIN,
            CONF_TYPE: condition_type,
        }
        for condition_type in sorted(CONDITION_TYPES)
    ]


async def async_get_condition_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """The person, picked by name from the terminal's directory, and an optional time window."""
    entry = loaded_entry_for_device(hass, config[CONF_DEVICE_ID])
    return {
        "extra_fields": vol.Schema(
            {
                vol.Required(CONF_PERSON_ID): person_choice(entry, config.get(CONF_PERSON_ID)),
                vol.Optional(CONF_WITHIN): cv.positive_time_period_dict,
            }
        )
    }


@callback
def async_condition_from_config(hass: HomeAssistant, config: ConfigType) -> ConditionCheckerType:
    """True when the terminal's last real-time recognition was this person (recently enough)."""
    device_id: str = config[CONF_DEVICE_ID]
    person_id: str = config[CONF_PERSON_ID]
    within: timedelta | None = config.get(CONF_WITHIN)

    @callback
    def test(hass: HomeAssistant, variables: TemplateVarsType = None) -> bool:
        entry = loaded_entry_for_device(hass, device_id)
        capture = entry.runtime_data.captures.last_recognized if entry else None
        if capture is None or capture.push.person_id != person_id:
            return False
        return within is None or dt_util.utcnow() - capture.received_at <= within

    return test
