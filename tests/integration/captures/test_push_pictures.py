"""Pictures of a push stay base64 until someone looks at them."""

from __future__ import annotations

import base64
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.components.camera import Camera
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.facecapture.api import push_models
from custom_components.facecapture.api.push_json import MediaText
from custom_components.facecapture.api.push_models import PushImage
from custom_components.facecapture.camera import PLACEHOLDER
from custom_components.facecapture.captures.archive import ArchivedCapture, Picture
from custom_components.facecapture.const import EVENT_FACE
from tests.integration.captures.test_webhook import post, push
from tests.integration.common import make_jpeg

_PICTURE = base64.b64encode(make_jpeg()).decode()

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGM8ISfHwMDAxMDAwMDAAAANBAEIfXHKZgAAAABJRU5ErkJggg=="
)


def camera(hass: HomeAssistant, entity_id: str) -> Camera:
    entity: Camera = hass.data["camera"].get_entity(entity_id)
    return entity


async def test_pictures_decoded_only_when_shown(
    hass: HomeAssistant, http_client: TestClient
) -> None:
    """A camera decodes its picture once, however often it is shown; parsing never decodes it."""
    jpeg = make_jpeg(400, 300)
    body = push("face-push-recognized-v0.42.json")
    body["overall_pic"] = {"data": base64.b64encode(jpeg).decode(), "format": "jpg"}
    # A PNG close-up without a declared format: the bytes tell the content type.
    body["closeup_pic"] = {"data": base64.b64encode(PNG * 20).decode()}
    pictures = {body["overall_pic"]["data"], body["closeup_pic"]["data"]}
    with patch.object(
        push_models, "_decode_or_empty", wraps=push_models._decode_or_empty
    ) as decode:

        def text(encoded: str | MediaText) -> str:
            return bytes(encoded.as_bytes()).decode() if isinstance(encoded, MediaText) else encoded

        def picture_decodes() -> int:
            return sum(text(call.args[0]) in pictures for call in decode.call_args_list)

        _, reply = await post(http_client, body)
        assert reply["code"] == 0
        await hass.async_block_till_done()
        # The camera keeps what it decoded: each picture is decoded once, however often shown.
        panorama = camera(hass, "camera.front_gate_last_panorama")
        closeup = camera(hass, "camera.front_gate_last_face")
        assert await panorama.async_camera_image() == jpeg
        assert await panorama.async_camera_image() == jpeg
        assert panorama.content_type == "image/jpeg"
        assert await closeup.async_camera_image() == PNG * 20
        assert closeup.content_type == "image/png"
        assert picture_decodes() == 2


async def test_picture_that_is_no_base64_shows_nothing(
    hass: HomeAssistant, http_client: TestClient
) -> None:
    """A long picture text that turns out not to be base64 gives no picture (the placeholder)."""
    body = push("face-push-recognized-v0.42.json")
    body["overall_pic"] = {"data": "*" * 5000, "format": "jpg"}
    _, reply = await post(http_client, body)
    assert reply["code"] == 0
    await hass.async_block_till_done()
    panorama = camera(hass, "camera.front_gate_last_panorama")
    assert await panorama.async_camera_image() == PLACEHOLDER
    assert panorama.content_type == "image/png"


async def test_capture_without_a_picture_keeps_the_last_one(
    hass: HomeAssistant, http_client: TestClient
) -> None:
    """A capture that sends no panorama leaves the last panorama shown, and no state is written."""
    events = async_capture_events(hass, EVENT_FACE)
    jpeg = make_jpeg(400, 300)
    body = push("face-push-recognized-v0.42.json")
    body["overall_pic"] = {"data": base64.b64encode(jpeg).decode(), "format": "jpg"}
    _, reply = await post(http_client, body)
    assert reply["code"] == 0
    await hass.async_block_till_done()
    state = hass.states.get("camera.front_gate_last_panorama")

    later = push("face-push-recognized-v0.42.json", sequence_no="1043")
    later["cap_time"] = "2024/03/05 09:00:00.000"
    later["overall_pic_flag"] = False
    del later["overall_pic"]
    _, reply = await post(http_client, later)
    assert reply["code"] == 0
    await hass.async_block_till_done()

    assert len(events) == 2
    assert "panorama" not in events[1].data
    assert await camera(hass, "camera.front_gate_last_panorama").async_camera_image() == jpeg
    assert hass.states.get("camera.front_gate_last_panorama") is state


def test_archived_pictures_count_the_body_they_came_in_once() -> None:
    """No copy is made: both pictures keep their body, counted once; a view keeps no bytes."""
    body = b"xx" + _PICTURE.encode() + b"yy" + _PICTURE.encode() + b"zz" * 1000
    second = 4 + len(_PICTURE)
    closeup = PushImage(encoded=MediaText(memoryview(body)[2 : 2 + len(_PICTURE)]))
    panorama = PushImage(encoded=MediaText(memoryview(body)[second : second + len(_PICTURE)]))
    archived = ArchivedCapture(
        capture_id="1",
        captured_at=dt_util.utcnow(),
        result=None,
        name=None,
        pictures={"closeup": Picture.from_push(closeup), "panorama": Picture.from_push(panorama)},
    )
    assert archived.size == len(body)
    picture = archived.pictures["closeup"]
    with patch.object(
        push_models, "_decode_or_empty", wraps=push_models._decode_or_empty
    ) as decode:
        assert picture.data == base64.b64decode(_PICTURE)
        assert picture.content_type == "image/jpeg"  # learnt with the bytes, not decoded again
    assert decode.call_count == 1
    assert picture._data is None  # decoded for the view, kept nowhere
    assert archived.size == len(body)
    kept = Picture.from_push(panorama, keep_decoded=True)  # a camera's last picture
    assert kept.data is kept.data == base64.b64decode(_PICTURE)
    alone = Picture.from_push(PushImage(encoded=_PICTURE))  # text of its own: its length
    assert alone.size == len(_PICTURE)
