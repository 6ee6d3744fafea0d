"""How a failed command reads to the user: every kind of library error, and auth starting reauth."""

from __future__ import annotations

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.api import (
    FaceCaptureAuthError,
    FaceCaptureConnectionError,
    FaceCaptureDeviceError,
    FaceCaptureError,
    FaceCaptureResponseError,
    FaceCaptureValidationError,
)
from custom_components.facecapture.const import DOMAIN
from custom_components.facecapture.helpers import translate_error
from simulator import Simulator


@pytest.mark.parametrize(
    ("err", "error_class", "key"),
    [
        (FaceCaptureValidationError("id too long"), ServiceValidationError, "invalid_value"),
        (FaceCaptureAuthError("401"), HomeAssistantError, "invalid_auth"),
        (FaceCaptureConnectionError("refused"), HomeAssistantError, "cannot_connect"),
        (FaceCaptureDeviceError(21, "exists", "upload person"), ServiceValidationError, "code_21"),
        (FaceCaptureDeviceError(5, "busy", "reboot"), HomeAssistantError, "code_5"),
        (FaceCaptureDeviceError(99, "new", "reboot"), HomeAssistantError, "device_code"),
        (FaceCaptureResponseError("no code"), HomeAssistantError, "device_error"),
    ],
)
def test_translate_error(err: FaceCaptureError, error_class: type, key: str) -> None:
    """Each library error becomes the translated error that says what happened."""
    translated = translate_error(err)
    assert type(translated) is error_class
    assert translated.translation_domain == DOMAIN
    assert translated.translation_key == key


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_auth_error_on_a_command_starts_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The terminal starts refusing the credentials: the command fails and reauth begins."""
    simulator.state.auth.update(enable=True, username="admin", password="changed")
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.front_gate_sync_clock"},
            blocking=True,
        )
    assert hass.states.get("button.front_gate_sync_clock") is not None
    assert raised.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
