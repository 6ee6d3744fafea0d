"""Exactly once across reloads and restarts: the persisted memory of seen captures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.facecapture.captures.seen import SAVE_DELAY, SeenCaptures, storage_key
from custom_components.facecapture.const import EVENT_FACE, SEEN_PUSHES
from tests.integration.captures.test_webhook import post, push

CAP_TIME = "2022/08/09 17:06:47.778"


@pytest.fixture
def face_events(hass: HomeAssistant) -> list[Event]:
    """Every facecapture_face event fired."""
    return async_capture_events(hass, EVENT_FACE)


def capture(sequence: int | str, cap_time: str = CAP_TIME) -> dict[str, Any]:
    """A stranger capture of the simulated terminal."""
    return push("real-device-face-push-v0.42.json", sequence_no=sequence, cap_time=cap_time)


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> list[list[Any]]:
    """What the memory wrote to disk."""
    captures: list[list[Any]] = hass_storage[storage_key(entry.entry_id)]["data"]["captures"]
    return captures


async def test_retransmission_after_reload_fires_nothing(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    face_events: list[Event],
) -> None:
    """The ACK was lost, the entry reloaded, the terminal resends: no second event."""
    await post(http_client, capture(1))
    await hass.async_block_till_done()
    assert len(face_events) == 1

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    # Unloading wrote the memory at once, without waiting for the save delay.
    assert stored(hass_storage, init_integration) == [[1, CAP_TIME]]

    _, reply = await post(http_client, capture(1))
    assert reply["code"] == 0
    assert reply["sequence_no"] == 1
    await post(http_client, capture("1"))  # the same capture with its number as text
    await hass.async_block_till_done()
    assert len(face_events) == 1
    assert init_integration.runtime_data.captures.retransmissions == 2

    await post(http_client, capture(2))
    await hass.async_block_till_done()
    assert [event.data["sequence"] for event in face_events] == [1, 2]


async def test_retransmission_after_restart_fires_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    hass_client_no_auth: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    face_events: list[Event],
) -> None:
    """What an earlier run of Home Assistant remembered is loaded before the webhook answers.

    A terminal that rebooted restarts its sequence at 1, but with a later capture time: that
    capture is new and fires.
    """
    hass_storage[storage_key(mock_config_entry.entry_id)] = {
        "version": 1,
        "minor_version": 1,
        "key": storage_key(mock_config_entry.entry_id),
        "data": {"captures": [[1, CAP_TIME], [2, "2022/08/09 17:07:00.000"]]},
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()

    _, reply = await post(client, capture(1))
    assert reply == {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": 1,
        "cap_time": CAP_TIME,
    }
    await hass.async_block_till_done()
    assert face_events == []

    await post(client, capture(1, "2022/08/10 09:00:00.000"))  # after a reboot
    await hass.async_block_till_done()
    assert len(face_events) == 1
    assert mock_config_entry.runtime_data.captures.seen.limit == SEEN_PUSHES


async def test_memory_is_saved_shortly_and_at_shutdown(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Saved within the save delay even while captures keep coming, and at the final write."""
    key = storage_key(init_integration.entry_id)
    await post(http_client, capture(1))
    await hass.async_block_till_done()
    assert key not in hass_storage
    # More captures before the delay is over ride along instead of postponing the save.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY / 2))
    await post(http_client, capture(2))
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY + 0.1))
    await hass.async_block_till_done()
    assert stored(hass_storage, init_integration) == [[1, CAP_TIME], [2, CAP_TIME]]

    await post(http_client, capture(3))
    await hass.async_block_till_done()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert [item[0] for item in stored(hass_storage, init_integration)] == [1, 2, 3]


async def test_eviction_at_the_bound(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    face_events: list[Event],
) -> None:
    """Filled past its bound, the memory forgets the oldest capture first, and keeps its order."""
    for sequence in range(1, SEEN_PUSHES + 2):
        await post(http_client, capture(sequence))
    await hass.async_block_till_done()
    assert len(face_events) == SEEN_PUSHES + 1
    seen = init_integration.runtime_data.captures.seen
    assert len(seen) == SEEN_PUSHES
    assert (1, CAP_TIME) not in seen
    assert (2, CAP_TIME) in seen

    # The newest capture and the oldest remembered one are still known: nothing fires.
    await post(http_client, capture(SEEN_PUSHES + 1))
    await post(http_client, capture(2))
    await hass.async_block_till_done()
    assert len(face_events) == SEEN_PUSHES + 1
    # Capture 1 was forgotten: a resend that late is taken as new (the bound is the trade-off).
    await post(http_client, capture(1))
    await hass.async_block_till_done()
    assert len(face_events) == SEEN_PUSHES + 2

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    written = stored(hass_storage, init_integration)
    assert len(written) == SEEN_PUSHES
    # Oldest first: 2 was seen again (moved to the end), then 1 came back as new and pushed 3 out.
    assert [item[0] for item in written[:2]] == [4, 5]
    assert [item[0] for item in written[-3:]] == [SEEN_PUSHES + 1, 2, 1]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"captures": "nonsense"},
        {"captures": [[1], ["x", "y"], [1, 2], "z", [7, CAP_TIME]]},
        {"captures": [[n, CAP_TIME] for n in range(SEEN_PUSHES + 10)]},
    ],
)
async def test_malformed_or_oversized_memory_is_read_safely(
    hass: HomeAssistant, hass_storage: dict[str, Any], data: dict[str, Any] | None
) -> None:
    """A damaged file never stops set-up: what is malformed is skipped, the newest are kept."""
    if data is not None:
        hass_storage[storage_key("entry")] = {"version": 1, "key": "k", "data": data}
    seen = SeenCaptures(hass, "entry")
    await seen.async_load()
    captures = (data or {}).get("captures")
    if isinstance(captures, list) and len(captures) > SEEN_PUSHES:
        assert len(seen) == SEEN_PUSHES
        assert (9, CAP_TIME) not in seen
        assert (10, CAP_TIME) in seen
    elif isinstance(captures, list):
        assert len(seen) == 1
        assert (7, CAP_TIME) in seen
    else:
        assert len(seen) == 0


async def test_removing_the_entry_forgets_its_captures(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The memory file goes with the entry."""
    await post(http_client, capture(1))
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert storage_key(init_integration.entry_id) in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert storage_key(init_integration.entry_id) not in hass_storage
