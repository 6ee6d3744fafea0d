"""Make the upgrade fixture (tests/fixtures/upgrade/): what an earlier version left in ``.storage``.

    cd OLD_CHECKOUT && .venvs/release/bin/python NEW_CHECKOUT/scripts/make_upgrade_fixture.py \\
        --harness OLD_CHECKOUT/scripts --out NEW_CHECKOUT/tests/fixtures/upgrade

runs the harness of ``OLD_CHECKOUT`` (its integration, in a real ``hass``, with the simulator
holding three demo persons) and does what a user of that version would have done: adds the
terminal, enables the face event and the last-person sensor (they start disabled), renames that
sensor (a new entity id and name) and the lock (a name), lets one face come in, creates a guest
pass, keeps the terminal's persons (an option: their own store) and links a terminal person to a
Home Assistant person. After Home Assistant stopped (its
stores flushed), the ``.storage`` files of the entry, the registries, the restored states and the
integration's own stores are copied to ``OUT/storage/``, and ``OUT/made.json`` says what was done
(the push to resend, the pass, the link). tests/e2e/test_upgrade.py loads them with the current
code. Only the harness API both versions share is used.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
from pathlib import Path
import shutil
import sys
import tempfile
from typing import Any

STORES = (
    "core.config_entries",
    "core.device_registry",
    "core.entity_registry",
    "core.restore_state",
)
"""Home Assistant's stores the entry lives in; the integration's are every ``facecapture.*``."""

RENAMED_ID = "sensor.front_door_visitor"
RENAMED_NAME = "Front door visitor"
LOCK_NAME = "Garden gate"
PASS_NAME = "Carol"
LINKED_PERSON = "demo-2"
HA_PERSON = "person.bob"


async def make(harness: Path, out: Path) -> dict[str, Any]:
    """Run the old integration, act as its user, stop it; copy its stores to ``out``."""
    sys.path.insert(0, str(harness))
    from harness_config import EVENT_FACE  # noqa: PLC0415 - the old checkout's harness
    from harness_stack import FaceCaptureStack  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="facecapture-upgrade-"))
    stack = FaceCaptureStack(work / "config", persons=3, startup_timeout=90)
    async with stack:
        client, sim = stack.client, stack.simulator
        entry_id = stack.entry["entry_id"]
        event_id = stack.entity_id("event", "face")
        last_person = stack.entity_id("sensor", "last_person")
        lock_id = stack.entity_id("lock", "gate")
        await stack.enable_entities(event_id, last_person)
        async with client.websocket() as ws:
            await ws.command(
                {
                    "type": "config/entity_registry/update",
                    "entity_id": last_person,
                    "new_entity_id": RENAMED_ID,
                    "name": RENAMED_NAME,
                }
            )
            await ws.command(
                {"type": "config/entity_registry/update", "entity_id": lock_id, "name": LOCK_NAME}
            )
            await ws.subscribe_events(EVENT_FACE)
            # Without pictures: the push the test resends is then the push the terminal sent.
            push = await sim.capture(
                kind="recognized", person_id="demo-1", closeup=False, overall=False
            )
            event = await ws.wait_for_event(
                lambda e: e["data"].get("sequence") == int(push["sequence_no"]),
                timeout=30,
                what="the face event",
                explain=stack.logs,
            )
        await client.wait_for_state(
            RENAMED_ID,
            lambda s: s["state"] == event["data"]["name"],
            timeout=30,
            what=f"{RENAMED_ID} to name the person",
        )
        until = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3650)
        created = await client.request(
            "POST",
            "/api/services/facecapture/create_guest_pass?return_response",
            {"name": PASS_NAME, "valid_until": until.isoformat(), "uses": 5},
        )
        guest_pass = created["service_response"]
        qr_sha256 = await qr_digest(client, guest_pass["qr_url"])
        await _keep_persons(client, entry_id)
        link = await _link_person(client, entry_id)
        # The link reloads the entry, which adds the linked person's last-seen sensor: waited
        # for, so that the registry Home Assistant writes when it stops holds it.
        for _ in range(60):
            async with client.websocket() as ws:
                registry = await ws.command({"type": "config/entity_registry/list"})
            if any(e.get("config_subentry_id") for e in registry):
                break
            await asyncio.sleep(0.5)
        else:
            raise RuntimeError("the linked person's sensor did not appear")
        made = {
            "entry_id": entry_id,
            "sim_port": stack.sim_port,
            "ha_port": stack.ha_port,
            "push": push,
            "event": {key: event["data"].get(key) for key in ("name", "person_id", "sequence")},
            "renamed": {"entity_id": RENAMED_ID, "name": RENAMED_NAME, "was": last_person},
            "enabled": [event_id, RENAMED_ID],
            "lock": {"entity_id": lock_id, "name": LOCK_NAME},
            "guest_pass": {
                "id": guest_pass["id"],
                "name": PASS_NAME,
                "uses": 5,
                "qr_url": guest_pass["qr_url"],
                "qr_sha256": qr_sha256,
            },
            "options": {"keep_persons": True},
            "person_link": link,
        }
    storage = work / "config" / ".storage"
    target = out / "storage"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    names = [*STORES, *sorted(path.name for path in storage.glob("facecapture.*"))]
    for name in names:
        shutil.copy2(storage / name, target / name)
    made["stores"] = names
    (out / "made.json").write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work)
    return made


async def qr_digest(client: Any, path: str) -> str:
    """The SHA-256 of a pass's QR code picture (the token it shows, signed by the stored secret)."""
    async with client.session.get(
        f"{client.base_url}{path}", headers={"Authorization": f"Bearer {client.token}"}
    ) as response:
        response.raise_for_status()
        return hashlib.sha256(await response.read()).hexdigest()


async def _keep_persons(client: Any, entry_id: str) -> None:
    """Options: keep the terminal's persons in Home Assistant (their own store); the entry reloads."""
    flow = await client.request(
        "POST", "/api/config/config_entries/options/flow", {"handler": entry_id}
    )
    result = await client.request(
        "POST", f"/api/config/config_entries/options/flow/{flow['flow_id']}", {"keep_persons": True}
    )
    if result.get("type") != "create_entry":
        raise RuntimeError(f"the options were not saved: {result}")


async def _link_person(client: Any, entry_id: str) -> dict[str, str]:
    """Link a terminal person to a Home Assistant person (a subentry), once they are read."""
    for _ in range(60):
        flow = await client.request(
            "POST",
            "/api/config/config_entries/subentries/flow",
            {"handler": [entry_id, "person_link"], "show_advanced_options": False},
        )
        if flow.get("type") == "form":
            break
        await asyncio.sleep(0.5)  # the directory is read in the background
    else:
        raise RuntimeError(f"the person link flow did not open: {flow}")
    result = await client.request(
        "POST",
        f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
        {"person_id": LINKED_PERSON, "ha_person": HA_PERSON},
    )
    if result.get("type") != "create_entry":
        raise RuntimeError(f"the person link was not made: {result}")
    return {"person_id": LINKED_PERSON, "ha_person": HA_PERSON}


def main() -> None:
    """Parse the arguments and make the fixture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--harness", type=Path, required=True, help="the old checkout's scripts/")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    made = asyncio.run(make(args.harness.resolve(), args.out.resolve()))
    print(json.dumps(made, indent=2))


if __name__ == "__main__":
    main()
