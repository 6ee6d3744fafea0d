"""Numbers: the terminal's numeric settings (application parameters, section 2.3; volume, 2.18)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, UnitOfTemperature, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FaceCaptureConfigEntry, TerminalState
from .settings import (
    FaceCaptureSettingDescription,
    FaceCaptureSettingEntity,
    app_params,
    body_temperature,
    face,
    gate_control,
    read,
    settings_of,
    volume,
    write_volume,
)

PARALLEL_UPDATES = 1

# Used when the terminal does not report its temperature measurement range (the document's
# `range_min`/`range_max`): the range of the vendor tool's sample.
DEFAULT_TEMPERATURE_RANGE = (35.0, 42.0)


@dataclass(frozen=True, kw_only=True)
class FaceCaptureNumberDescription(
    NumberEntityDescription, FaceCaptureSettingDescription[int | float]
):
    """A numeric setting; ``to_device`` gives the JSON type the terminal stores it as."""

    to_device: Callable[[float], int | float] = round
    min_fn: Callable[[TerminalState], float | None] | None = None
    max_fn: Callable[[TerminalState], float | None] | None = None


NUMBERS: tuple[FaceCaptureNumberDescription, ...] = (
    FaceCaptureNumberDescription(
        key="match_threshold",
        entity_registry_enabled_default=True,
        translation_key="match_threshold",
        path=("face", "match_score"),
        native_min_value=70,
        native_max_value=100,
        native_step=1,
        mode=NumberMode.BOX,
        value_fn=read(face, lambda params: params.match_score),
    ),
    FaceCaptureNumberDescription(
        key="duplicate_interval",
        translation_key="duplicate_interval",
        path=("face", "derep_timeout"),
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        native_min_value=3,
        native_max_value=60,
        native_step=1,
        mode=NumberMode.BOX,
        value_fn=read(face, lambda params: params.derep_timeout),
    ),
    FaceCaptureNumberDescription(
        # The document gives no range: from a small face far away to a 1080p frame's height.
        key="min_face_size",
        translation_key="min_face_size",
        path=("face", "min_face_size"),
        native_unit_of_measurement="px",
        native_min_value=20,
        native_max_value=1080,
        native_step=1,
        mode=NumberMode.BOX,
        value_fn=read(face, lambda params: params.min_face_size),
    ),
    FaceCaptureNumberDescription(
        # Above this limit the terminal does not open; it lies within the measurement range.
        key="temperature_limit",
        entity_registry_enabled_default=True,
        translation_key="temperature_limit",
        path=("face", "body_temperature", "limit"),
        device_class=NumberDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        native_min_value=DEFAULT_TEMPERATURE_RANGE[0],
        native_max_value=DEFAULT_TEMPERATURE_RANGE[1],
        native_step=0.1,
        mode=NumberMode.BOX,
        to_device=lambda value: round(value, 1),
        min_fn=read(body_temperature, lambda params: params.range_min),
        max_fn=read(body_temperature, lambda params: params.range_max),
        value_fn=read(body_temperature, lambda params: params.limit),
    ),
    FaceCaptureNumberDescription(
        key="relay_hold_time",
        entity_registry_enabled_default=True,
        translation_key="relay_hold_time",
        path=("gate_control", "gpio_retention_time"),
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        native_min_value=500,
        native_max_value=5000,
        native_step=1,
        mode=NumberMode.BOX,
        value_fn=read(gate_control, lambda params: params.gpio_retention_time),
    ),
    FaceCaptureNumberDescription(
        key="led_brightness",
        translation_key="led_brightness",
        path=("led_control", "led_brightness"),
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=1,
        native_max_value=100,
        native_step=1,
        value_fn=read(app_params, lambda params: params.led_brightness),
    ),
    FaceCaptureNumberDescription(
        key="volume",
        entity_registry_enabled_default=True,
        translation_key="volume",
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        set_fn=write_volume,
        value_fn=volume,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create a number for every numeric setting the terminal reports."""
    async_add_entities(
        FaceCaptureNumber(entry, description) for description in settings_of(entry, NUMBERS)
    )


class FaceCaptureNumber(FaceCaptureSettingEntity[int | float], NumberEntity):
    """A numeric setting of the terminal."""

    entity_description: FaceCaptureNumberDescription

    @property
    def native_value(self) -> float | None:
        """The setting's value."""
        return self.setting

    @property
    def native_min_value(self) -> float:
        """The lowest value the terminal accepts."""
        description = self.entity_description
        low = description.min_fn(self.coordinator.data) if description.min_fn else None
        return super().native_min_value if low is None else low

    @property
    def native_max_value(self) -> float:
        """The highest value the terminal accepts."""
        description = self.entity_description
        high = description.max_fn(self.coordinator.data) if description.max_fn else None
        return super().native_max_value if high is None else high

    async def async_set_native_value(self, value: float) -> None:
        """Write the new value in the type the terminal stores it as."""
        await self.async_write_setting(self.entity_description.to_device(value))
