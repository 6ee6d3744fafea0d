"""Snapshots that read the same on every Home Assistant version the suite runs on.

Home Assistant's own snapshot format, with what differs between 2026.2 and 2026.10 for reasons
that are not ours left out or read alike: an entity's ``aliases`` (2026.10 keeps a marker for the
entity's own name in it), and the names of state attributes and capabilities (2026.10 gives them
as members of enums like ``EntityStateAttribute``, equal to the plain names but printed apart).
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import State
from homeassistant.helpers import entity_registry as er
from homeassistant.util.read_only_dict import ReadOnlyDict
from pytest_homeassistant_custom_component.syrupy import (
    HomeAssistantSnapshotExtension,
    HomeAssistantSnapshotSerializer,
)
from syrupy.extensions.amber import AmberDataSerializer

VERSION_DEPENDENT_ENTRY_FIELDS = ("aliases",)


def _plain_keys(mapping: dict[str, Any]) -> dict[str, Any]:
    """The same mapping with every name a plain ``str`` (a StrEnum member's is its value)."""
    return {str(key): value for key, value in mapping.items()}


class SnapshotSerializer(HomeAssistantSnapshotSerializer):
    """Home Assistant's serializer, with the differences between versions taken out."""

    @classmethod
    def _serialize(cls, data: Any, **kwargs: Any) -> str:
        if isinstance(data, er.RegistryEntry):
            entry = cls._serializable_entity_registry_entry(data)
            for field in VERSION_DEPENDENT_ENTRY_FIELDS:
                entry.pop(field, None)  # type: ignore[union-attr]
            if entry["capabilities"]:  # type: ignore[index]
                entry["capabilities"] = _plain_keys(entry["capabilities"])  # type: ignore[index]
            data = entry
        elif isinstance(data, State):
            state = cls._serializable_state(data)
            attributes = state["attributes"]  # type: ignore[index]
            state["attributes"] = ReadOnlyDict(
                {str(key): value for key, value in attributes.items()}
            )  # type: ignore[index]
            data = state
        return super()._serialize(data, **kwargs)


class SnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's snapshot files (snapshots/*.ambr), written by ``SnapshotSerializer``."""

    serializer_class: type[AmberDataSerializer] = SnapshotSerializer
