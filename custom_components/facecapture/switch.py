"""Switches: the terminal's on/off settings (application parameters, section 2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FaceCaptureConfigEntry
from .settings import (
    FaceCaptureSettingDescription,
    FaceCaptureSettingEntity,
    app_params,
    body_temperature,
    face,
    mask,
    read,
    settings_of,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class FaceCaptureSwitchDescription(SwitchEntityDescription, FaceCaptureSettingDescription[bool]):
    """An on/off application parameter."""


SWITCHES: tuple[FaceCaptureSwitchDescription, ...] = (
    FaceCaptureSwitchDescription(
        key="face_matching",
        translation_key="face_matching",
        path=("face", "enable_match"),
        value_fn=read(face, lambda params: params.enable_match),
    ),
    FaceCaptureSwitchDescription(
        key="liveness_detection",
        translation_key="liveness_detection",
        path=("face", "enable_alive"),
        value_fn=read(face, lambda params: params.enable_alive),
    ),
    FaceCaptureSwitchDescription(
        key="mask_detection",
        translation_key="mask_detection",
        path=("face", "mask", "enable"),
        value_fn=read(mask, lambda params: params.enable),
    ),
    FaceCaptureSwitchDescription(
        key="mask_required",
        translation_key="mask_required",
        path=("face", "mask", "must_wear_mask"),
        value_fn=read(mask, lambda params: params.must_wear_mask),
    ),
    FaceCaptureSwitchDescription(
        key="temperature_measurement",
        translation_key="temperature_measurement",
        path=("face", "body_temperature", "enable"),
        value_fn=read(body_temperature, lambda params: params.enable),
    ),
    FaceCaptureSwitchDescription(
        key="qr_code_reading",
        translation_key="qr_code_reading",
        path=("qr_code_control", "enable"),
        value_fn=read(app_params, lambda params: params.qr_code_enabled),
    ),
    FaceCaptureSwitchDescription(
        key="name_privacy",
        translation_key="name_privacy",
        path=("face", "name_privacy"),
        value_fn=read(face, lambda params: params.name_privacy),
    ),
    FaceCaptureSwitchDescription(
        key="duplicate_filter",
        translation_key="duplicate_filter",
        path=("face", "enable_dereplication"),
        value_fn=read(face, lambda params: params.enable_dereplication),
    ),
    FaceCaptureSwitchDescription(
        key="auto_clean_expired",
        translation_key="auto_clean_expired",
        path=("name_list", "auto_clean"),
        value_fn=read(app_params, lambda params: params.auto_clean),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create a switch for every on/off setting the terminal reports."""
    async_add_entities(
        FaceCaptureSwitch(entry, description) for description in settings_of(entry, SWITCHES)
    )


class FaceCaptureSwitch(FaceCaptureSettingEntity[bool], SwitchEntity):
    """An on/off setting of the terminal."""

    entity_description: FaceCaptureSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """Whether the setting is on."""
        return self.setting

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the setting on."""
        await self.async_write_setting(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the setting off."""
        await self.async_write_setting(False)
