"""The "Face Capture" media source and the picture views: browse, resolve, fetch, refuse."""

from __future__ import annotations

import base64
from datetime import timedelta
import io
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components import media_source
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import Unresolvable
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.facecapture.api import Record
from custom_components.facecapture.captures.archive import THUMBNAIL_SIDE, ThumbnailCache
from custom_components.facecapture.captures.history import (
    archived_from_record,
    capture_time,
    record_result,
)
from custom_components.facecapture.const import DOMAIN, EVENT_FACE
from simulator import Simulator

from .common import make_jpeg

ROOT = f"media-source://{DOMAIN}"
PUSHES = Path(__file__).parents[1] / "fixtures" / "pushes"

pytestmark = pytest.mark.usefixtures("no_platforms")


@pytest.fixture(autouse=True)
async def media(hass: HomeAssistant) -> None:
    """Home Assistant's media source component."""
    assert await async_setup_component(hass, "media_source", {})


async def _browse(hass: HomeAssistant, identifier: str = "") -> Any:
    return await media_source.async_browse_media(
        hass, f"{ROOT}/{identifier}" if identifier else ROOT
    )


async def _push(hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any) -> Any:
    body = await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)
    return body


def _today() -> str:
    return dt_util.now().date().isoformat()


def _sent(body: dict[str, Any], key: str) -> bytes:
    """The picture the simulator pushed (its push body carries it in base64)."""
    return base64.b64decode(body[key]["data"])


async def test_pushed_captures_browse_by_day(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """Pushes held in memory: terminal, its day, its captures newest first, each with two pictures."""
    events = async_capture_events(hass, EVENT_FACE)
    alice = await _push(hass, simulator, "recognized", person_id="1001")
    await _push(hass, simulator, "stranger")
    entry_id = live_push.entry_id

    root = await _browse(hass)
    assert root.title == "Face Capture"
    assert [(child.identifier, child.title) for child in root.children] == [
        (entry_id, "Front gate")
    ]

    terminal = await _browse(hass, entry_id)
    assert terminal.children[0].title == "Registered persons"
    days = terminal.children[1:]
    assert [child.identifier for child in days] == [f"{entry_id}/day/{_today()}"]
    assert days[0].title.endswith("(2)")

    day = await _browse(hass, f"{entry_id}/day/{_today()}")
    titles = [child.title.split(" ", 1)[1] for child in day.children]
    assert titles == ["Stranger", "Alice"]
    assert all(child.can_expand and child.thumbnail for child in day.children)

    # The capture's id is the digits of its capture time; the bus event points at its picture.
    capture_id = "".join(char for char in alice["cap_time"] if char.isdigit())
    capture = await _browse(hass, f"{entry_id}/capture/{capture_id}")
    assert [child.title for child in capture.children] == ["Close-up", "Panorama"]
    closeup_path = f"/api/facecapture/capture/{entry_id}/{capture_id}/closeup.jpg"
    resolved = await media_source.async_resolve_media(
        hass, f"{ROOT}/{entry_id}/capture/{capture_id}/closeup", None
    )
    assert (resolved.url, resolved.mime_type) == (closeup_path, "image/jpeg")
    assert events[0].data["picture"] == closeup_path
    assert events[0].data["panorama"] == closeup_path.replace("closeup", "panorama")
    # Without a kind, a capture resolves to its first picture.
    resolved = await media_source.async_resolve_media(
        hass, f"{ROOT}/{entry_id}/capture/{capture_id}", None
    )
    assert resolved.url == closeup_path


async def test_picture_path_needs_authentication(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The event's path serves that exact capture to a user or a signed URL, never to anyone."""
    events = async_capture_events(hass, EVENT_FACE)
    stranger = await _push(hass, simulator, "stranger")
    await _push(hass, simulator, "recognized", person_id="1001")
    path = events[0].data["picture"]

    anonymous = await hass_client_no_auth()
    response = await anonymous.get(path)
    assert response.status == 401

    user = await hass_client()
    response = await user.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    # The stranger's face, not that of Alice who came after.
    assert await response.read() == _sent(stranger, "closeup_pic")

    signed = async_sign_path(hass, path, timedelta(minutes=5))
    response = await anonymous.get(signed)
    assert response.status == 200
    assert await response.read() == _sent(stranger, "closeup_pic")

    response = await user.get(events[0].data["panorama"])
    assert await response.read() == _sent(stranger, "overall_pic")


async def test_thumbnails_are_small(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Thumbnails of a capture are small JPEGs; unknown pictures are 404."""
    events = async_capture_events(hass, EVENT_FACE)
    await _push(hass, simulator, "stranger", image_size=(960, 1280))
    closeup = events[0].data["picture"]
    user = await hass_client()
    for kind in ("thumbnail", "closeup_thumbnail", "panorama_thumbnail"):
        for _ in range(2):  # the second time from the cache
            response = await user.get(closeup.replace("closeup.jpg", f"{kind}.jpg"))
            assert response.status == 200, kind
            with Image.open(io.BytesIO(await response.read())) as picture:
                assert picture.format == "JPEG"
                assert max(picture.size) <= THUMBNAIL_SIDE
    entry_id = live_push.entry_id
    for bad in (
        closeup.replace("closeup.jpg", "video.jpg"),
        closeup.replace("closeup.jpg", "closeup_large.jpg"),
        closeup.replace(entry_id, "not-an-entry"),
        f"/api/facecapture/capture/{entry_id}/19990101000000000/closeup.jpg",
        f"/api/facecapture/capture/{entry_id}/not-a-time/closeup.jpg",
    ):
        assert (await user.get(bad)).status == 404, bad


async def test_capture_without_pictures(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """A capture with no picture is not listed and its event carries no path."""
    events = async_capture_events(hass, EVENT_FACE)
    await _push(hass, simulator, "detected", closeup=False, overall=False)
    await _push(hass, simulator, "stranger", overall=False)
    assert "picture" not in events[0].data
    assert "panorama" not in events[1].data
    day = await _browse(hass, f"{live_push.entry_id}/day/{_today()}")
    # The record of the first has no close-up either: nothing to show. The second is one image.
    assert len(day.children) == 1
    only = day.children[0]
    assert not only.can_expand
    assert only.identifier.endswith("/closeup")
    user = await hass_client()
    response = await user.get(events[1].data["picture"].replace("closeup", "panorama"))
    assert response.status == 404


async def test_records_from_the_terminal(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Captures that never reached Home Assistant come from the terminal's records."""
    # Nothing listens at Home Assistant's address here: the captures stay on the terminal.
    await simulator.capture("recognized", person_id="1002")
    await simulator.capture("denied", person_id="1001")
    entry_id = init_integration.entry_id
    terminal = await _browse(hass, entry_id)
    assert terminal.children[1].title.endswith("(2)")
    day = await _browse(hass, f"{entry_id}/day/{_today()}")
    assert [child.title.split(" ", 1)[1] for child in day.children] == ["Alice, denied", "Bob"]
    assert all(child.identifier.endswith("/closeup") for child in day.children)
    resolved = await media_source.async_resolve_media(
        hass, f"{ROOT}/{day.children[1].identifier}", None
    )
    user = await hass_client()
    response = await user.get(resolved.url)
    assert response.status == 200
    record = simulator.state.records[0]
    assert await response.read() == base64.b64decode(record["_face_image"])

    # One never browsed is looked up on the terminal by its capture time.
    body = await simulator.capture("stranger")
    capture_id = "".join(char for char in body["cap_time"] if char.isdigit())
    response = await user.get(f"/api/facecapture/capture/{entry_id}/{capture_id}/closeup.jpg")
    assert response.status == 200
    assert await response.read() == base64.b64decode(simulator.state.records[-1]["_face_image"])
    # The terminal failing to answer is a missing picture, not an error page.
    body = await simulator.capture("stranger")
    capture_id = "".join(char for char in body["cap_time"] if char.isdigit())
    simulator.fail_next("request records", 4, "busy")
    response = await user.get(f"/api/facecapture/capture/{entry_id}/{capture_id}/closeup.jpg")
    assert response.status == 404


async def test_registered_persons(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The persons folder lists who is registered; their photos come from the terminal."""
    photo = make_jpeg(600, 800)
    simulator.state.persons["1002"].update(
        image=base64.b64encode(photo).decode(), image_format="jpg"
    )
    simulator.add_person("a/b c", "Zed")
    entry_id = init_integration.entry_id
    persons = await _browse(hass, f"{entry_id}/persons")
    assert [(child.title, child.identifier) for child in persons.children] == [
        ("Alice", f"{entry_id}/person/1001"),
        ("Bob", f"{entry_id}/person/1002"),
        ("Zed", f"{entry_id}/person/a%2Fb%20c"),
    ]
    bob = persons.children[1]
    resolved = await media_source.async_resolve_media(hass, f"{ROOT}/{bob.identifier}", None)
    assert resolved.url == f"/api/facecapture/person/{entry_id}/1002/photo.jpg"

    user = await hass_client()
    response = await user.get(resolved.url)
    assert response.status == 200
    assert await response.read() == photo
    response = await user.get(bob.thumbnail)
    with Image.open(io.BytesIO(await response.read())) as picture:
        assert max(picture.size) <= THUMBNAIL_SIDE
    # Alice and Zed have no photo: nothing to show, no broken thumbnail.
    assert [child.thumbnail is None for child in persons.children] == [True, False, True]
    assert [child.can_play for child in persons.children] == [False, True, False]
    url = f"/api/facecapture/person/{entry_id}/1001/thumbnail.jpg"
    assert (await user.get(url)).status == 404
    assert (await user.get(resolved.url.replace("photo", "face"))).status == 404
    assert (await (await hass_client_no_auth()).get(resolved.url)).status == 401

    simulator.fail_next("request persons", 4, "busy")
    assert (await user.get(resolved.url)).status == 502


async def test_unreadable_picture_has_no_thumbnail(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """A photo Pillow cannot read gets 415 for its thumbnail, not an error."""
    simulator.state.persons["1001"].update(
        image=base64.b64encode(b"\xff\xd8\xff not really a jpeg").decode(), image_format="jpg"
    )
    user = await hass_client()
    url = f"/api/facecapture/person/{init_integration.entry_id}/1001/thumbnail.jpg"
    assert (await user.get(url)).status == 415


async def test_bad_identifiers(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Unknown terminals, folders and captures are refused with a message."""
    entry_id = init_integration.entry_id
    for identifier in (
        "no-such-entry",
        f"{entry_id}/day/yesterday",
        f"{entry_id}/elsewhere",
        f"{entry_id}/capture/20200101000000000",
    ):
        with pytest.raises(BrowseError):
            await _browse(hass, identifier)
    for identifier in (
        f"{entry_id}",
        f"{entry_id}/capture/20200101000000000",
        "no-such-entry/capture/20200101000000000",
        f"{entry_id}/day/{_today()}",
    ):
        with pytest.raises(Unresolvable):
            await media_source.async_resolve_media(hass, f"{ROOT}/{identifier}", None)
    simulator.fail_next("request persons", 4, "busy")
    with pytest.raises(BrowseError, match="did not answer"):
        await _browse(hass, f"{entry_id}/persons")


async def test_unreachable_terminal_still_shows_memory(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """With the terminal gone, the days of the captures held in memory are still listed."""
    await _push(hass, simulator, "stranger")
    await simulator.stop()
    terminal = await _browse(hass, live_push.entry_id)
    assert [child.identifier for child in terminal.children[1:]] == [
        f"{live_push.entry_id}/day/{_today()}"
    ]
    day = await _browse(hass, f"{live_push.entry_id}/day/{_today()}")
    assert len(day.children) == 1


async def test_resolve_through_the_websocket_signs(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """What the frontend gets from resolve_media is a signed path that loads without a token."""
    events = async_capture_events(hass, EVENT_FACE)
    await _push(hass, simulator, "stranger")
    capture_id = events[0].data["picture"].split("/")[-2]
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "media_source/resolve_media",
            "media_content_id": f"{ROOT}/{live_push.entry_id}/capture/{capture_id}/closeup",
        }
    )
    reply = await client.receive_json()
    assert reply["success"], reply
    url = reply["result"]["url"]
    assert "authSig=" in url
    response = await (await hass_client_no_auth()).get(url)
    assert response.status == 200


async def test_terminal_answers_partly(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A day whose records fail lists nothing from the terminal; limits cap long listings."""
    entry_id = init_integration.entry_id
    await simulator.capture("stranger")
    await simulator.capture("stranger")
    simulator.fail_next("request records", 4, "busy")
    day = await _browse(hass, f"{entry_id}/day/{_today()}")
    assert day.children == []
    with patch("custom_components.facecapture.captures.history.MAX_RECORDS_PER_DAY", 1):
        day = await _browse(hass, f"{entry_id}/day/{_today()}")
    assert len(day.children) == 2  # a page is taken whole
    with pytest.raises(Unresolvable, match="no panorama"):
        await media_source.async_resolve_media(
            hass, f"{ROOT}/{day.children[0].identifier[: -len('closeup')]}panorama", None
        )
    with patch("custom_components.facecapture.captures.history.MAX_PERSONS", 1):
        persons = await _browse(hass, f"{entry_id}/persons")
    assert len(persons.children) == 1


def test_history_helpers() -> None:
    """Records without a readable time are skipped; capture ids that are no time give none."""
    assert archived_from_record(Record(sequence=1, time="yesterday")) is None
    assert capture_time("20261340250000000") is None
    assert capture_time("2026") is None
    assert record_result(Record(sequence=1, score=-1)) == "stranger"
    cache = ThumbnailCache(max_items=2)
    for key in ("a", "b", "c"):
        cache.put(key, key.encode())
    assert (cache.get("a"), cache.get("c")) == (None, b"c")


async def test_pushed_pictures_are_decoded_only_when_shown(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """Keeping a capture costs no decoding; its size is counted the same before and after."""
    events = async_capture_events(hass, EVENT_FACE)
    stranger = await _push(hass, simulator, "stranger")
    archive = live_push.runtime_data.history.archive
    (archived,) = archive.captures()
    closeup = archived.pictures["closeup"]
    assert closeup._data is None  # still the pushed base64 text
    held = archive.size
    assert held == archived.size > 0

    response = await (await hass_client()).get(events[0].data["picture"])
    assert response.status == 200
    assert await response.read() == _sent(stranger, "closeup_pic")
    assert closeup._data is None  # decoded for the view, kept nowhere
    assert archived.size == held  # the count the archive drops by stays exact
    assert archived.pictures["panorama"]._data is None  # never asked for


async def test_pushed_picture_that_is_not_base64(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A picture whose text turns out not to be base64 is 404 when asked for, not an empty 200."""
    events = async_capture_events(hass, EVENT_FACE)
    body = json.loads((PUSHES / "face-push-recognized-v0.42.json").read_text())
    body.update(device_sn=live_push.unique_id, sequence_no=77, cap_time="2026/11/28 08:00:00")
    body["closeup_pic"]["data"] = "not base64 at all! " * 1000  # long: checked only when shown
    client = await hass_client()
    response = await client.post(f"/api/webhook/{live_push.data['webhook_id']}", json=body)
    assert (await response.json())["sequence_no"] == 77
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (await client.get(events[0].data["picture"])).status == 404
    assert (await client.get(events[0].data["panorama"])).status == 200
