"""An upgrade: what the integration left in ``.storage`` before it moved into wings loads unchanged.

tests/fixtures/upgrade/ holds the stores a real ``hass`` left with the code of before the move
(scripts/make_upgrade_fixture.py; its README says how it was made): the terminal's entry with an
option and a person link, its entities (two enabled by the user, one renamed, one given a name),
the restored states, and the integration's own stores (the seen captures after one face, a guest
pass, the kept persons). This test starts the current code in a real ``hass`` on that config
dir, changing only what must point elsewhere now (the simulated terminal's port), and checks that
the entry loads, every entity keeps its entity id, unique id and the user's changes, and that the
stored data still acts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from harness_config import DOMAIN, EVENT_FACE
from harness_processes import free_port
from harness_stack import FaceCaptureStack
import pytest

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upgrade"
MADE: dict[str, Any] = json.loads((FIXTURE / "made.json").read_text(encoding="utf-8"))
REGISTRY_FIELDS = (
    "id",
    "entity_id",
    "unique_id",
    "platform",
    "device_id",
    "config_subentry_id",
    "disabled_by",
    "hidden_by",
    "name",
    "translation_key",
    "entity_category",
)
"""What the websocket's registry list and the stored registry both show of an entity."""
STORED_FIELDS = (*REGISTRY_FIELDS, "original_name", "has_entity_name", "options")
"""What the stored registry also holds: compared once Home Assistant stopped and wrote it."""
QUIET = 3.0
"""Seconds a resent capture is given to fire an event it must not fire."""


def _stored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURE / "storage" / name).read_text(encoding="utf-8"))
    return data


def _entry() -> dict[str, Any]:
    entries = _stored("core.config_entries")["data"]["entries"]
    return next(entry for entry in entries if entry["domain"] == DOMAIN)


def _registry(stored: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return sorted(
        (
            {field: entity.get(field) for field in fields}
            for entity in stored["data"]["entities"]
            if entity["config_entry_id"] == MADE["entry_id"]
        ),
        key=lambda entity: str(entity["entity_id"]),
    )


@pytest.fixture
def stack_options(tmp_path: Path) -> dict[str, Any]:
    """The fixture's stores in a new config dir, the entry pointed at a simulator on a free port.

    The simulator holds the same three demo persons the fixture's terminal held.
    """
    sim_port = free_port()
    storage = tmp_path / "config" / ".storage"
    storage.mkdir(parents=True)
    for name in MADE["stores"]:
        text = (FIXTURE / "storage" / name).read_text(encoding="utf-8")
        if name == "core.config_entries":
            stored = json.loads(text)
            for entry in stored["data"]["entries"]:
                if entry["domain"] == DOMAIN:
                    entry["data"]["port"] = sim_port  # the only change: where the terminal is
            text = json.dumps(stored, indent=2)
        (storage / name).write_text(text, encoding="utf-8")
    return {"sim_port": sim_port, "persons": 3, "fresh": False, "add_terminal": False}


async def test_an_entry_made_before_the_move_loads_unchanged(stack: FaceCaptureStack) -> None:
    client = stack.client
    entry = stack.entry
    assert entry["entry_id"] == MADE["entry_id"]
    assert entry["state"] == "loaded", stack.logs()
    assert entry["title"] == _entry()["title"]

    # Every entity as it was: the same registry entries, none added, none lost.
    after = [{field: e.get(field) for field in REGISTRY_FIELDS} for e in stack.entities]
    assert after == _registry(_stored("core.entity_registry"), REGISTRY_FIELDS)
    by_id = {e["entity_id"]: e for e in stack.entities}
    renamed = MADE["renamed"]
    assert by_id[renamed["entity_id"]]["name"] == renamed["name"]
    assert renamed["was"] not in by_id
    assert by_id[MADE["lock"]["entity_id"]]["name"] == MADE["lock"]["name"]
    for entity_id in MADE["enabled"]:
        assert by_id[entity_id]["disabled_by"] is None, entity_id

    # Each enabled entity is the integration's again, not a leftover restored from the registry.
    states = {state["entity_id"]: state for state in await client.states()}
    enabled = [e["entity_id"] for e in stack.entities if e["disabled_by"] is None]
    assert enabled
    for entity_id in enabled:
        assert entity_id in states, entity_id
        assert not states[entity_id]["attributes"].get("restored"), states[entity_id]
    # Who came in last, restored across the upgrade under the user's name for it.
    assert states[renamed["entity_id"]]["state"] == MADE["event"]["name"]

    async with client.websocket() as ws:
        subentries = await ws.command(
            {"type": "config_entries/subentries/list", "entry_id": entry["entry_id"]}
        )
    link = MADE["person_link"]
    assert [(s["subentry_type"], s["unique_id"]) for s in subentries] == [
        ("person_link", link["person_id"])
    ]

    await _the_capture_already_fired_fires_nothing(stack)
    await _the_guest_pass_is_still_there(stack)

    # Stopped (every store written): the integration's stores are the ones it had, under the same
    # keys, and hold what they held.
    await stack.close()
    storage = stack.config_dir / ".storage"
    assert sorted(path.name for path in storage.glob(f"{DOMAIN}.*")) == sorted(
        name for name in MADE["stores"] if name.startswith(f"{DOMAIN}.")
    )
    registry = json.loads((storage / "core.entity_registry").read_text(encoding="utf-8"))
    assert _registry(registry, STORED_FIELDS) == _registry(
        _stored("core.entity_registry"), STORED_FIELDS
    )
    persons_store = f"{DOMAIN}.persons.{MADE['entry_id']}"
    persons = json.loads((storage / persons_store).read_text(encoding="utf-8"))["data"]["persons"]
    before = _stored(persons_store)["data"]["persons"]
    assert persons == before
    passes = json.loads((storage / f"{DOMAIN}.guest_passes").read_text(encoding="utf-8"))["data"]
    assert passes["secret"] == _stored(f"{DOMAIN}.guest_passes")["data"]["secret"]


async def _the_capture_already_fired_fires_nothing(stack: FaceCaptureStack) -> None:
    """The push of the fixture's face, sent again as a terminal resends it: answered, no event.

    The same push under another capture time is a capture never seen: that one fires, so the
    silence is the memory's and not a webhook that fires nothing.
    """
    client = stack.client
    push = MADE["push"]
    url = f"{stack.base_url}/api/webhook/{_entry()['data']['webhook_id']}"
    unseen = {**push, "sequence_no": 999, "cap_time": push["cap_time"][:-3] + "999"}
    assert stack.session is not None
    async with client.websocket() as ws:
        await ws.subscribe_events(EVENT_FACE)
        async with stack.session.post(url, json=push) as response:
            assert response.status == 200, await response.text()
            ack = await response.json(content_type=None)
        assert ack.get("reply") == "ACK", ack
        assert await ws.next_event(timeout=QUIET) is None, stack.logs()

        async with stack.session.post(url, json=unseen) as response:
            assert response.status == 200, await response.text()
        event = await ws.wait_for_event(
            lambda e: e["data"].get("sequence") == 999,
            timeout=30,
            what="the face event of a capture not seen before",
            explain=stack.logs,
        )
    assert event["data"]["person_id"] == MADE["event"]["person_id"]


async def _the_guest_pass_is_still_there(stack: FaceCaptureStack) -> None:
    """Listed as it was, and its QR code shows the same token (the stored secret signs it)."""
    answer = await stack.client.request(
        "POST", f"/api/services/{DOMAIN}/list_guest_passes?return_response", {}
    )
    made = MADE["guest_pass"]
    listed = {p["id"]: p for p in answer["service_response"]["guest_passes"]}
    assert set(listed) == {made["id"]}
    assert listed[made["id"]]["name"] == made["name"]
    assert listed[made["id"]]["uses"] == made["uses"]
    assert listed[made["id"]]["used"] == 0
    assert stack.session is not None
    async with stack.session.get(
        f"{stack.base_url}{made['qr_url']}",
        headers={"Authorization": f"Bearer {stack.client.token}"},
    ) as response:
        assert response.status == 200
        picture = await response.read()
    assert hashlib.sha256(picture).hexdigest() == made["qr_sha256"]


def test_the_fixture_holds_what_made_json_says() -> None:
    """The stores hold the face seen, the pass and the link the test looks for."""
    assert _entry()["entry_id"] == MADE["entry_id"]
    assert _stored(f"{DOMAIN}.seen_captures.{MADE['entry_id']}")["data"]["captures"] == [
        [int(MADE["push"]["sequence_no"]), MADE["push"]["cap_time"]]
    ]
    passes = _stored(f"{DOMAIN}.guest_passes")["data"]["passes"]
    assert [guest["id"] for guest in passes] == [MADE["guest_pass"]["id"]]
    links = [s["unique_id"] for s in _entry()["subentries"] if s["subentry_type"] == "person_link"]
    assert links == [MADE["person_link"]["person_id"]]
    assert _entry()["options"]["keep_persons"] is MADE["options"]["keep_persons"] is True
