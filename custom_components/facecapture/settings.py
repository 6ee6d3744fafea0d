"""The terminal's settings as configuration entities: what they share.

A setting is either one field of the application parameters (section 2.3.1/2.3.2 of the
protocol document), named by its key path, or a value with a command of its own (the volume,
the screensaver mode), written by ``set_fn``. Writing a field sends only that field (the
terminal merges what it is given), then refreshes the polled state, so every entity shows what
the terminal really holds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.const import EntityCategory
from homeassistant.helpers.entity import EntityDescription

from .api import AppParams, FaceCaptureClient
from .api.models import BodyTemperatureParams, FaceParams, GateControl, MaskParams
from .coordinator import FaceCaptureConfigEntry, TerminalState
from .entity import FaceCaptureCoordinatorEntity
from .helpers import async_write_app_params, call_terminal, nested


@dataclass(frozen=True, kw_only=True)
class FaceCaptureSettingDescription[V](EntityDescription):
    """A setting: how to read it from the polled state, and how to write it.

    Exactly one of ``path`` (an application parameter's key path, as the document spells it)
    and ``set_fn`` (a command of its own) says how to write.
    """

    value_fn: Callable[[TerminalState], V | None]
    path: tuple[str, ...] | None = None
    set_fn: Callable[[FaceCaptureClient, V], Awaitable[None]] | None = None
    entity_category: EntityCategory | None = EntityCategory.CONFIG
    # A calmer device page (and device-trigger list): a setting is created disabled unless a
    # household changes it now and then; its description then says so. The rest is one click
    # away under the device's entities.
    entity_registry_enabled_default: bool = False

    def has_fn(self, state: TerminalState) -> bool:
        """Whether the terminal has this setting: it reports a value for it.

        A field missing from the application parameters (older firmware) or a command the
        terminal does not support gives None, and no entity is created for it.
        """
        return self.value_fn(state) is not None


def read[S, T](
    section: Callable[[TerminalState], S | None], get: Callable[[S], T | None]
) -> Callable[[TerminalState], T | None]:
    """A ``value_fn`` reading one field of a section; None when the terminal lacks the section."""

    def value(state: TerminalState) -> T | None:
        part = section(state)
        return None if part is None else get(part)

    return value


def app_params(state: TerminalState) -> AppParams | None:
    """The application parameters, when the terminal reports them."""
    return state.app_params


def face(state: TerminalState) -> FaceParams | None:
    """`face`: recognition settings."""
    return state.app_params.face if state.app_params else None


def mask(state: TerminalState) -> MaskParams | None:
    """`face.mask`."""
    face_params = face(state)
    return face_params.mask if face_params else None


def body_temperature(state: TerminalState) -> BodyTemperatureParams | None:
    """`face.body_temperature`."""
    face_params = face(state)
    return face_params.body_temperature if face_params else None


def gate_control(state: TerminalState) -> GateControl | None:
    """`gate_control`: relay and Wiegand output."""
    return state.app_params.gate_control if state.app_params else None


def volume(state: TerminalState) -> int | None:
    """The speaker volume in percent (2.18), None when the terminal has no volume command."""
    return state.volume


async def write_volume(client: FaceCaptureClient, percent: float) -> None:
    """Set the speaker volume (2.18): the volume number and the media player both write here."""
    await client.set_volume(round(percent))


class FaceCaptureSettingEntity[V](FaceCaptureCoordinatorEntity):
    """A configuration entity showing and writing one setting of the terminal."""

    entity_description: FaceCaptureSettingDescription[V]

    @property
    def setting(self) -> V | None:
        """The setting's value in the last poll."""
        return self.entity_description.value_fn(self.coordinator.data)

    async def async_write_setting(self, value: V) -> None:
        """Send the new value (terminal errors become translated errors), then refresh."""
        description = self.entity_description
        if description.path is not None:
            params = self.coordinator.data.app_params
            path = params.key_path(*description.path) if params else description.path
            await async_write_app_params(self.entry, nested(path, value))
            return
        if description.set_fn is None:
            raise NotImplementedError(description.key)
        await call_terminal(self.entry, description.set_fn(self.entry.runtime_data.client, value))
        await self.coordinator.async_request_refresh()


def settings_of[D: FaceCaptureSettingDescription[Any]](
    entry: FaceCaptureConfigEntry, descriptions: tuple[D, ...]
) -> list[D]:
    """The descriptions of the settings this terminal reports."""
    state = entry.runtime_data.coordinator.data
    return [description for description in descriptions if description.has_fn(state)]
