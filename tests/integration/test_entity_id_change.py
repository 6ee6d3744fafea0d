"""Entity id changes: the opt-in to Home Assistant 2026.11's in-place change, and 2026.2's re-add."""

from __future__ import annotations

import importlib
import inspect

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.entity import FaceCaptureEntity
from simulator import Simulator

LIFECYCLE_HOOKS = (
    "async_prepare_to_add_to_hass",
    "async_added_to_hass",
    "async_will_remove_from_hass",
)


def _entity_classes() -> list[type[FaceCaptureEntity]]:
    """Every entity class of every platform module the integration has."""
    classes: list[type[FaceCaptureEntity]] = []
    for platform in Platform:
        try:
            module = importlib.import_module(f"custom_components.facecapture.{platform.value}")
        except ModuleNotFoundError:
            continue
        classes.extend(
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, FaceCaptureEntity) and cls.__module__ == module.__name__
        )
    return classes


def test_every_entity_opts_in_to_in_place_changes() -> None:
    """Home Assistant 2026.11 changes an entity id in place only for classes that opt in.

    A class in the entity's ancestry (other than ``Entity``) that overrides an add or remove
    hook counts as opted in only if it, or a subclass of it in that ancestry, implements
    ``async_entity_id_changed``; otherwise the entity is still removed and added again.
    """
    classes = _entity_classes()
    assert {cls.__name__ for cls in classes} >= {
        "FaceCaptureBinarySensor",
        "FaceCaptureLock",
        "FaceCapturePushSensor",
        "FaceCaptureSensor",
        "FaceCapturePictureCamera",
    }
    for cls in classes:
        mro = cls.__mro__
        for index, hooked in enumerate(mro):
            if hooked is Entity or not any(hook in vars(hooked) for hook in LIFECYCLE_HOOKS):
                continue
            assert any("async_entity_id_changed" in vars(sub) for sub in mro[: index + 1]), (
                f"{cls.__name__}: {hooked.__name__} overrides an add/remove hook without the opt-in"
            )


async def _rename(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, old: str, new: str
) -> None:
    entity_registry.async_update_entity(old, new_entity_id=new)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_renamed_push_entity_keeps_working(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """After a rename the entity still follows captures and the terminal's reachability."""
    await _rename(
        hass, entity_registry, "sensor.front_gate_last_recognized_person", "sensor.at_the_door"
    )
    assert hass.states.get("sensor.front_gate_last_recognized_person") is None
    await simulator.capture(kind="recognized", person_id="1002")
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.at_the_door").state == "Bob"
    await simulator.server.go_offline()
    await live_push.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.at_the_door").state == "unavailable"
    await simulator.server.go_online()


@pytest.mark.parametrize("platform", [Platform.LOCK])
async def test_renamed_lock_keeps_working(
    hass: HomeAssistant,
    platform_entry: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """A renamed gate still opens."""
    await _rename(hass, entity_registry, "lock.front_gate", "lock.garden_gate")
    sent = len(simulator.requests)
    await hass.services.async_call(
        "lock", "unlock", {"entity_id": "lock.garden_gate"}, blocking=True
    )
    assert [r["cmd"] for r in simulator.requests[sent:]] == ["gpio control"]


async def test_hook_reaches_the_base_class_where_it_exists(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On 2026.2 the hook is safe to call; where ``Entity`` has it (2026.11) it is reached."""
    entities = [
        entity
        for platform in hass.data["entity_components"].values()
        for entity in platform.entities
        if isinstance(entity, FaceCaptureEntity)
    ]
    assert len({type(entity) for entity in entities}) >= 10
    for entity in entities:
        entity.async_entity_id_changed("sensor.old")  # no base hook on 2026.2: nothing raises

    reached: list[tuple[str, str]] = []

    def base_hook(self: Entity, old_entity_id: str) -> None:
        reached.append((self.entity_id, old_entity_id))

    monkeypatch.setattr(Entity, "async_entity_id_changed", base_hook, raising=False)
    for entity in entities:
        entity.async_entity_id_changed("sensor.old")
    assert reached == [(entity.entity_id, "sensor.old") for entity in entities]
