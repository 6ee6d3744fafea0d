"""Guest passes shown to the simulated terminal: what its pushes carry, judged as the decision does."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.facecapture.access.guest_pass_rules import (
    TOKEN_PREFIX,
    PassCheck,
    PassRejection,
    capture_key_of,
)
from custom_components.facecapture.access.guest_passes import GuestPasses, guest_passes
from custom_components.facecapture.api.push import FacePush, parse_push
from custom_components.facecapture.const import EVENT_FACE
from simulator import Simulator
from tests.integration.common import SERIAL, entity_id_of, make_guest_pass, terminal_device_id

OTHER_TERMINAL = "device-of-the-garage"


async def shown(simulator: Simulator, qr: str, **kwargs: Any) -> FacePush:
    """The push of a capture in which the terminal read ``qr`` (a stranger's face by default)."""
    body = await simulator.capture(kwargs.pop("kind", "stranger"), qr=qr, **kwargs)
    await simulator.wait_delivered(timeout=5)
    message = parse_push(json.loads(json.dumps(body)))
    assert isinstance(message, FacePush)
    return message


def judge(hass: HomeAssistant, push: FacePush) -> PassCheck:
    """Judge the capture's pass and, as a decision that opens the gate for it, count its use."""
    passes = guest_passes(hass)
    result = passes.async_check_push(push, device_id=terminal_device_id(hass), serial=SERIAL)
    assert result is not None
    return passes.async_count_use(
        result,
        capture_key=capture_key_of(push.device_sn or SERIAL, push.sequence_no, push.cap_time),
    )


@pytest.mark.usefixtures("live_push")
async def test_every_answer_for_codes_the_terminal_read(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Valid (twice, the resent push counting once), used up, expired, not yet valid, revoked,
    wrong terminal, forged, unknown; a catch-up capture and a capture without a code are not judged.
    """
    passes: GuestPasses = guest_passes(hass)
    guest = make_guest_pass(hass)
    token = passes.token(guest)

    first = await shown(simulator, token)
    assert (judge(hass, first).valid, judge(hass, first).use) == (True, 1)  # resent: the same
    second = judge(hass, await shown(simulator, token, kind="recognized", person_id="1001"))
    assert (second.valid, second.use, second.uses, second.name) == (True, 2, 2, "Carol")
    assert judge(hass, await shown(simulator, token)).rejection is PassRejection.USED_UP
    assert guest.used == 2

    expired = make_guest_pass(hass, start=timedelta(hours=-3), end=timedelta(hours=-1))
    later = make_guest_pass(hass, start=timedelta(hours=1), end=timedelta(hours=3))
    revoked = make_guest_pass(hass)
    passes.async_revoke(revoked.id)
    elsewhere = make_guest_pass(hass, terminals=(OTHER_TERMINAL,))
    cases = {
        PassRejection.EXPIRED: passes.token(expired),
        PassRejection.NOT_YET_VALID: passes.token(later),
        PassRejection.REVOKED: passes.token(revoked),
    }
    for rejection, text in cases.items():
        assert judge(hass, await shown(simulator, text)).rejection is rejection

    # The rate limit allows five invalid codes a minute: a fresh minute for the rest.
    passes._invalid.clear()
    assert (
        judge(hass, await shown(simulator, passes.token(elsewhere))).rejection
        is PassRejection.WRONG_TERMINAL
    )
    forged = passes.token(make_guest_pass(hass))[:-2] + "AA"
    assert judge(hass, await shown(simulator, forged)).rejection is PassRejection.FORGED
    unknown = TOKEN_PREFIX + "E" * 77
    assert judge(hass, await shown(simulator, unknown)).rejection is PassRejection.UNKNOWN

    fresh = make_guest_pass(hass)
    late = await shown(simulator, passes.token(fresh), realtime=False)
    assert guest_passes(hass).async_check_push(late, device_id="x", serial=SERIAL) is None
    plain = await shown(simulator, "https://example.org/menu")
    assert guest_passes(hass).async_check_push(plain, device_id="x", serial=SERIAL) is None
    assert fresh.used == 0


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_events_and_entities_never_carry_a_token(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """A pass's token is kept out of the bus event and the Face entity; other QR codes stay."""
    events: list[Event] = async_capture_events(hass, EVENT_FACE)
    guest = make_guest_pass(hass)
    token = guest_passes(hass).token(guest)
    face_entity = entity_id_of(entity_registry, "event", "face")
    for text in (token, "table 12"):
        await simulator.capture("stranger", qr=text)
        await simulator.wait_delivered(timeout=5)
        await hass.async_block_till_done(wait_background_tasks=True)
        face = hass.states.get(face_entity)
        assert face is not None
        assert face.attributes.get("qr_code") == (None if text == token else text)
        assert token not in json.dumps(dict(face.attributes))
    assert [event.data["qr_code"] for event in events] == [None, "table 12"]
    assert token not in json.dumps([event.data for event in events])
