"""Selects: the terminal's settings with a fixed set of values (sections 2.3 and 2.10)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ScreensaverMode
from .coordinator import FaceCaptureConfigEntry
from .settings import (
    FaceCaptureSettingDescription,
    FaceCaptureSettingEntity,
    app_params,
    face,
    gate_control,
    read,
    settings_of,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class FaceCaptureSelectDescription(SelectEntityDescription, FaceCaptureSettingDescription[Any]):
    """A setting with fixed values; ``choices`` maps each option (translated) to the device value."""

    choices: Mapping[str, Any]


SELECTS: tuple[FaceCaptureSelectDescription, ...] = (
    FaceCaptureSelectDescription(
        key="led_mode",
        translation_key="led_mode",
        path=("led_control", "led_mode"),
        choices={"always_on": 1, "auto": 2, "always_off": 3},
        value_fn=read(app_params, lambda params: params.led_mode),
    ),
    FaceCaptureSelectDescription(
        key="screensaver_mode",
        translation_key="screensaver_mode",
        choices={str(mode): mode for mode in ScreensaverMode},
        set_fn=lambda client, mode: client.set_screensaver_mode(mode),
        value_fn=lambda state: state.screensaver_mode,
    ),
    FaceCaptureSelectDescription(
        key="image_output",
        translation_key="image_output",
        path=("face", "pic_form"),
        choices={"overall": "overall", "closeup": "closeup", "both": "both", "none": "none"},
        value_fn=read(face, lambda params: params.pic_form),
    ),
    FaceCaptureSelectDescription(
        key="match_mode",
        translation_key="match_mode",
        path=("gate_control", "match_mode"),
        choices={"auto": 1, "online": 2, "offline": 3},
        value_fn=read(gate_control, lambda params: params.match_mode),
    ),
    FaceCaptureSelectDescription(
        key="gate_output",
        translation_key="gate_output",
        path=("gate_control", "output_mode"),
        choices={"gpio": "gpio", "wiegand": "wiegand"},
        value_fn=read(gate_control, lambda params: params.output_mode),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create a select for every fixed-choice setting the terminal reports."""
    async_add_entities(
        FaceCaptureSelect(entry, description) for description in settings_of(entry, SELECTS)
    )


class FaceCaptureSelect(FaceCaptureSettingEntity[Any], SelectEntity):
    """A fixed-choice setting of the terminal."""

    entity_description: FaceCaptureSelectDescription

    def __init__(
        self, entry: FaceCaptureConfigEntry, description: FaceCaptureSelectDescription
    ) -> None:
        """List the options."""
        super().__init__(entry, description)
        self._attr_options = list(description.choices)

    @property
    def current_option(self) -> str | None:
        """The option of the device's value; None for a value the document does not list."""
        value = self.setting
        return next(
            (
                option
                for option, choice in self.entity_description.choices.items()
                if choice == value
            ),
            None,
        )

    async def async_select_option(self, option: str) -> None:
        """Write the device value of the option."""
        await self.async_write_setting(self.entity_description.choices[option])
