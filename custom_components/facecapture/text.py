"""Texts: the terminal's text settings, its screen title and its location name (section 2.3)."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FaceCaptureConfigEntry
from .helpers import validation_error
from .settings import (
    FaceCaptureSettingDescription,
    FaceCaptureSettingEntity,
    app_params,
    read,
    settings_of,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class FaceCaptureTextDescription(TextEntityDescription, FaceCaptureSettingDescription[str]):
    """A text setting; ``max_bytes`` is the terminal's limit in UTF-8 bytes, when documented."""

    max_bytes: int | None = None


TEXTS: tuple[FaceCaptureTextDescription, ...] = (
    FaceCaptureTextDescription(
        key="lcd_title",
        translation_key="lcd_title",
        path=("lcd_control", "lcd_title"),
        value_fn=read(app_params, lambda params: params.lcd_title),
    ),
    FaceCaptureTextDescription(
        # "The length is less than 96": the terminal counts UTF-8 bytes.
        key="location_name",
        translation_key="location_name",
        path=("device_info", "addr_name"),
        native_max=95,
        max_bytes=95,
        value_fn=read(app_params, lambda params: params.addr_name),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create a text for every text setting the terminal reports."""
    async_add_entities(
        FaceCaptureText(entry, description) for description in settings_of(entry, TEXTS)
    )


class FaceCaptureText(FaceCaptureSettingEntity[str], TextEntity):
    """A text setting of the terminal."""

    entity_description: FaceCaptureTextDescription

    @property
    def native_value(self) -> str | None:
        """The text the terminal holds."""
        return self.setting

    async def async_set_value(self, value: str) -> None:
        """Write the new text, refusing one longer than the terminal takes."""
        max_bytes = self.entity_description.max_bytes
        if max_bytes is not None and len(value.encode()) > max_bytes:
            raise validation_error("text_too_long", max_bytes=str(max_bytes))
        await self.async_write_setting(value)
