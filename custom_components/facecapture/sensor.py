"""Sensors: who was recognised last, body temperature, capture time, and the polled state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    MAX_LENGTH_STATE_STATE,
    EntityCategory,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .access.guest_pass_sensor import ACTIVE_GUEST_PASSES, GuestPassCountSensor
from .access.policy import Decision, terminal_decision
from .api.push import FaceResult
from .captures.hub import Capture
from .const import CONF_HA_PERSON, CONF_PERSON_ID
from .coordinator import FaceCaptureConfigEntry, TerminalState
from .entity import FaceCaptureCoordinatorEntity, FaceCapturePushEntity
from .people.household import household_of
from .people.household_sensor import PersonSyncSensor
from .people.links import person_links, person_name

PARALLEL_UPDATES = 0

type StateValue = str | int | float | datetime | None


@dataclass(frozen=True, kw_only=True)
class FaceCaptureSensorDescription(SensorEntityDescription):
    """A sensor of polled state."""

    value_fn: Callable[[TerminalState], StateValue]
    exists_fn: Callable[[TerminalState], bool]


@dataclass(frozen=True, kw_only=True)
class FaceCapturePushSensorDescription(SensorEntityDescription):
    """A sensor fed by real-time captures; ``value_fn`` None means the capture does not concern it."""

    value_fn: Callable[[Capture], StateValue]
    applies_fn: Callable[[Capture], bool] = lambda _capture: True
    attributes_fn: Callable[[Capture], Mapping[str, Any]] | None = None
    restored_attributes: tuple[str, ...] = ("person_id", "score")


# One sentence per capture in the logbook (logbook.py): a capture sensor whose state can change
# with each capture starts disabled, since Home Assistant logs every such change as a row of its
# own and leaves out only sensors with a unit or a state class. Enabled, it adds that row.

POLLED_SENSORS: tuple[FaceCaptureSensorDescription, ...] = (
    FaceCaptureSensorDescription(
        key="registered_persons",
        translation_key="registered_persons",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda state: state.person_count,
        exists_fn=lambda state: state.person_count is not None,
    ),
    FaceCaptureSensorDescription(
        key="clock_offset",
        translation_key="clock_offset",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.clock_offset,
        exists_fn=lambda state: state.clock is not None,
    ),
    FaceCaptureSensorDescription(
        key="signal_strength",
        translation_key="signal_strength",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.four_g.signal_strength if state.four_g else None,
        exists_fn=lambda state: state.four_g is not None,
    ),
    FaceCaptureSensorDescription(
        key="operator",
        translation_key="operator",
        entity_category=EntityCategory.DIAGNOSTIC,
        # Which network the SIM is on rarely matters once it works; the signal says more.
        entity_registry_enabled_default=False,
        value_fn=lambda state: state.four_g.operator if state.four_g else None,
        exists_fn=lambda state: state.four_g is not None,
    ),
)


def _temperature(capture: Capture) -> float | None:
    person = capture.push.person
    return round(person.temperature, 2) if person and person.temperature else None


def _access(capture: Capture) -> Mapping[str, Any]:
    access = capture.access or terminal_decision(capture.push)
    return {
        "decided_by": str(access.decided_by),
        "reason": access.reason,
        "person_id": capture.push.person_id,
        "person_name": capture.push.person_name,
    }


PUSH_SENSORS: tuple[FaceCapturePushSensorDescription, ...] = (
    FaceCapturePushSensorDescription(
        key="last_person",
        translation_key="last_person",
        # Each recognition of someone else changes it (see above).
        entity_registry_enabled_default=False,
        applies_fn=lambda capture: capture.result is FaceResult.RECOGNIZED,
        value_fn=lambda capture: capture.push.person_name or capture.push.person_id,
        attributes_fn=lambda capture: {
            "person_id": capture.push.person_id,
            "score": capture.push.score,
        },
    ),
    FaceCapturePushSensorDescription(
        key="last_temperature",
        translation_key="last_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        applies_fn=lambda capture: _temperature(capture) is not None,
        value_fn=_temperature,
    ),
    FaceCapturePushSensorDescription(
        key="last_decision",
        translation_key="last_decision",
        device_class=SensorDeviceClass.ENUM,
        options=[str(decision) for decision in Decision],
        # A refusal after an entry, or the reverse, changes it (see above).
        entity_registry_enabled_default=False,
        value_fn=lambda capture: str((capture.access or terminal_decision(capture.push)).decision),
        attributes_fn=_access,
        restored_attributes=("decided_by", "reason", "person_id", "person_name"),
    ),
    FaceCapturePushSensorDescription(
        key="last_capture",
        translation_key="last_capture",
        device_class=SensorDeviceClass.TIMESTAMP,
        # Every capture changes it: a timestamp sensor is never "continuous".
        entity_registry_enabled_default=False,
        value_fn=lambda capture: capture.captured_at,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors the terminal can feed."""
    state = entry.runtime_data.coordinator.data
    entities: list[SensorEntity] = [
        FaceCaptureSensor(entry, description)
        for description in POLLED_SENSORS
        if description.exists_fn(state)
    ]
    entities.extend(FaceCapturePushSensor(entry, description) for description in PUSH_SENSORS)
    entities.append(GuestPassCountSensor(entry, ACTIVE_GUEST_PASSES))
    if (household := household_of(hass, entry)) is not None:
        entities.append(PersonSyncSensor(entry, household))
    async_add_entities(entities)
    # One "last seen" sensor per linked person, owned by the link's subentry.
    for subentry in person_links(entry).values():
        async_add_entities(
            [PersonLastSeenSensor(entry, subentry)], config_subentry_id=subentry.subentry_id
        )


class FaceCaptureSensor(FaceCaptureCoordinatorEntity, SensorEntity):
    """A sensor of polled state."""

    entity_description: FaceCaptureSensorDescription

    @property
    def native_value(self) -> StateValue:
        """The polled value."""
        return self.entity_description.value_fn(self.coordinator.data)


class FaceCapturePushSensor(FaceCapturePushEntity, RestoreSensor):
    """A sensor of the last real-time capture; it keeps its value across restarts."""

    entity_description: FaceCapturePushSensorDescription

    async def async_added_to_hass(self) -> None:
        """Restore the last value: a restart does not forget who came in last."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._attr_native_value = last.native_value
        description = self.entity_description
        if (state := await self.async_get_last_state()) is not None and description.attributes_fn:
            self._attr_extra_state_attributes = {
                key: state.attributes.get(key) for key in description.restored_attributes
            }

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the restored state moves with it."""
        super().async_entity_id_changed(old_entity_id)

    def _async_apply(self, capture: Capture) -> bool:
        description = self.entity_description
        if not description.applies_fn(capture):
            return False
        value = description.value_fn(capture)
        # The library already bounds names and ids; a state never exceeds Home Assistant's limit.
        self._attr_native_value = (
            value[:MAX_LENGTH_STATE_STATE] if isinstance(value, str) else value
        )
        if description.attributes_fn is not None:
            self._attr_extra_state_attributes = dict(description.attributes_fn(capture))
        return True


LAST_SEEN = SensorEntityDescription(
    key="last_seen",
    translation_key="last_seen",
    device_class=SensorDeviceClass.TIMESTAMP,
    # Every capture of the linked person changes it (see above).
    entity_registry_enabled_default=False,
)


class PersonLastSeenSensor(FaceCapturePushEntity, RestoreSensor):
    """When a linked person was last recognized at this terminal.

    It belongs to the link, not to the terminal's device, and reads "Alice last seen at Front
    gate" with the Home Assistant person's name.
    """

    def __init__(self, entry: FaceCaptureConfigEntry, subentry: ConfigSubentry) -> None:
        """Follow the captures of the linked terminal person."""
        super().__init__(entry, LAST_SEEN)
        self._person_id: str = subentry.data[CONF_PERSON_ID]
        self._attr_unique_id = f"{entry.runtime_data.serial}_{LAST_SEEN.key}_{subentry.subentry_id}"
        self._attr_device_info = None
        self._attr_translation_placeholders = {
            "person": person_name(
                entry.runtime_data.coordinator.hass, subentry.data[CONF_HA_PERSON]
            ),
            "terminal": entry.title,
        }

    async def async_added_to_hass(self) -> None:
        """A restart does not forget when they were last seen."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._attr_native_value = last.native_value

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the restored state moves with it."""
        super().async_entity_id_changed(old_entity_id)

    def _async_apply(self, capture: Capture) -> bool:
        if capture.result is not FaceResult.RECOGNIZED or capture.push.person_id != self._person_id:
            return False
        self._attr_native_value = capture.captured_at
        return True
