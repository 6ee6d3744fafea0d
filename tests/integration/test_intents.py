"""Assist: "unlock the front gate" reaches the relay once the user exposes the lock."""

from __future__ import annotations

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_FRIENDLY_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .common import entity_id_of

ASSISTANT = "conversation"


@pytest.fixture
async def gate(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> tuple[str, str]:
    """Assist's intents set up; the gate lock's entity id and the name a user says."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "intent", {})
    entity_id = entity_id_of(entity_registry, LOCK_DOMAIN, "gate")
    state = hass.states.get(entity_id)
    assert state is not None
    return entity_id, state.attributes[ATTR_FRIENDLY_NAME]


def pulses(simulator: Simulator) -> list[int]:
    """The relay ports the terminal was told to close."""
    return [body["port"] for body in simulator.requests if body.get("cmd") == "gpio control"]


async def test_turn_off_unlocks_the_gate(
    hass: HomeAssistant, simulator: Simulator, gate: tuple[str, str]
) -> None:
    """`HassTurnOff` on the exposed gate lock unlocks it: one pulse of relay 1."""
    entity_id, name = gate
    # The gate lock is named after the terminal: a user says "unlock the front gate".
    assert name == "Front gate"
    async_expose_entity(hass, ASSISTANT, entity_id, True)

    response = await intent.async_handle(
        hass, "test", intent.INTENT_TURN_OFF, {"name": {"value": name}}, assistant=ASSISTANT
    )
    await hass.async_block_till_done()

    assert response.response_type == intent.IntentResponseType.ACTION_DONE
    assert [target.id for target in response.success_results] == [entity_id]
    assert pulses(simulator) == [1]
    assert hass.states.get(entity_id).state == LockState.UNLOCKED


async def test_turn_on_locks_without_a_pulse(
    hass: HomeAssistant, simulator: Simulator, gate: tuple[str, str]
) -> None:
    """`HassTurnOn` locks: the gate is locked already, so the terminal is told nothing."""
    entity_id, name = gate
    async_expose_entity(hass, ASSISTANT, entity_id, True)

    response = await intent.async_handle(
        hass, "test", intent.INTENT_TURN_ON, {"name": {"value": name}}, assistant=ASSISTANT
    )
    await hass.async_block_till_done()

    assert response.response_type == intent.IntentResponseType.ACTION_DONE
    assert pulses(simulator) == []
    assert hass.states.get(entity_id).state == LockState.LOCKED


async def test_unexposed_lock_is_out_of_reach(
    hass: HomeAssistant, simulator: Simulator, gate: tuple[str, str]
) -> None:
    """Locks are not exposed by default: until the user exposes it, Assist cannot unlock it."""
    entity_id, name = gate

    with pytest.raises(intent.MatchFailedError):
        await intent.async_handle(
            hass, "test", intent.INTENT_TURN_OFF, {"name": {"value": name}}, assistant=ASSISTANT
        )

    assert pulses(simulator) == []
    assert hass.states.get(entity_id).state == LockState.LOCKED
