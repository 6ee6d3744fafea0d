"""Where a call to the terminal turns its errors into messages a user can act on.

Actions and entities both send commands; both go through ``call_terminal`` so that every
failure reads the same way: the terminal's error code in words, translated, and an auth error
starts re-authentication.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr

from .api import (
    DEVICE_ERRORS,
    FaceCaptureAuthError,
    FaceCaptureConnectionError,
    FaceCaptureDeviceError,
    FaceCaptureError,
    FaceCaptureOfflineError,
    FaceCaptureValidationError,
)
from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import FaceCaptureConfigEntry
    from .entity import FaceCaptureEntity

_UNSET: Final = object()

# Codes that mean "what you asked for is wrong" (the photo, the id, a value), not "it broke".
USER_INPUT_CODES = frozenset({3, 20, 21, 22, 25, 26, 30, 35, 36, 37, 38, 39, 40, 41})


def device_config_entry_ids(device: dr.AnyDeviceEntry) -> tuple[str, ...]:
    """The config entries owning a device, read the way the running Home Assistant wants.

    From 2026.8 a device belongs to one config entry, ``config_entry_id``; reading
    ``config_entries`` warns for custom integrations from 2026.10 and stops working in 2027.10.
    2026.2 has only ``config_entries``. A device id from before the 2026.8 split may resolve to a
    composite device, which alone still spans several entries (and says so). ``dr.AnyDeviceEntry``
    (a device or a child device) is not in 2026.2: the annotation is never evaluated at run time.
    """
    entry_id = getattr(device, "config_entry_id", _UNSET)
    if entry_id is _UNSET or getattr(device, "is_composite_device", False):
        return tuple(device.config_entries)
    return (entry_id,) if isinstance(entry_id, str) else ()


def device_entries(hass: HomeAssistant, device_id: str) -> list[FaceCaptureConfigEntry]:
    """The config entries of this integration behind a device, loaded or not."""
    entries: list[FaceCaptureConfigEntry] = []
    if (device := dr.async_get(hass).async_get(device_id)) is None:
        return entries
    for entry_id in device_config_entry_ids(device):
        entry: FaceCaptureConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if entry is not None and entry.domain == DOMAIN:
            entries.append(entry)
    return entries


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """A translated error for a request that is wrong before it reaches the terminal."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def translate_error(err: FaceCaptureError) -> HomeAssistantError:
    """The Home Assistant error that tells a user what the terminal answered."""
    if isinstance(err, FaceCaptureValidationError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_value",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, FaceCaptureAuthError):
        return HomeAssistantError(translation_domain=DOMAIN, translation_key="invalid_auth")
    if isinstance(err, FaceCaptureOfflineError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="terminal_offline",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, FaceCaptureConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, FaceCaptureDeviceError):
        placeholders = {"code": str(err.code), "command": err.command or "", "desc": err.desc or ""}
        key = f"code_{err.code}" if err.code in DEVICE_ERRORS else "device_code"
        error_class = ServiceValidationError if err.code in USER_INPUT_CODES else HomeAssistantError
        return error_class(
            translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="device_error",
        translation_placeholders={"error": str(err)},
    )


async def call_terminal[T](entry: FaceCaptureConfigEntry, call: Awaitable[T]) -> T:
    """Await a client call; on failure raise the translated error (and start reauth if it was auth)."""
    try:
        return await call
    except FaceCaptureError as err:
        if isinstance(err, FaceCaptureAuthError):
            entry.async_start_reauth(entry.runtime_data.coordinator.hass)
        raise translate_error(err) from err


def nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``("face", "mask", "enable"), True`` -> ``{"face": {"mask": {"enable": True}}}``."""
    patch: dict[str, Any] = {path[-1]: value}
    for key in reversed(path[:-1]):
        patch = {key: patch}
    return patch


async def async_write_app_params(entry: FaceCaptureConfigEntry, changes: Mapping[str, Any]) -> None:
    """Write some application parameters (the terminal merges them), then refresh the state."""
    await call_terminal(entry, entry.runtime_data.client.update_app_params(changes))
    await entry.runtime_data.coordinator.async_request_refresh()


def terminal_command[EntityT: FaceCaptureEntity, **P](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Run an entity's command through ``call_terminal``'s error handling."""

    async def wrapper(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        await call_terminal(self.entry, func(self, *args, **kwargs))

    wrapper.__doc__ = func.__doc__
    return wrapper
