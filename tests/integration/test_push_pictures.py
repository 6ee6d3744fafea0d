"""Pictures of a push stay base64 until someone looks at them."""

from __future__ import annotations

import base64
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.components.camera import Camera
from homeassistant.core import HomeAssistant

from custom_components.facecapture.api import push as push_module

from .common import make_jpeg
from .test_webhook import post, push

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGM8ISfHwMDAxMDAwMDAAAANBAEIfXHKZgAAAABJRU5ErkJggg=="
)


def camera(hass: HomeAssistant, entity_id: str) -> Camera:
    entity: Camera = hass.data["camera"].get_entity(entity_id)
    return entity


async def test_pictures_decoded_only_when_shown(
    hass: HomeAssistant, http_client: TestClient
) -> None:
    """Each picture is decoded once at most, whoever asks first (parsing never does: test_push_rules)."""
    jpeg = make_jpeg(400, 300)
    body = push("face-push-recognized-v0.42.json")
    body["overall_pic"] = {"data": base64.b64encode(jpeg).decode(), "format": "jpg"}
    # A PNG close-up without a declared format: the bytes tell the content type.
    body["closeup_pic"] = {"data": base64.b64encode(PNG * 20).decode()}
    pictures = {body["overall_pic"]["data"], body["closeup_pic"]["data"]}
    with patch.object(push_module, "decode_base64", wraps=push_module.decode_base64) as decode:

        def picture_decodes() -> int:
            return sum(call.args[0] in pictures for call in decode.call_args_list)

        _, reply = await post(http_client, body)
        assert reply["code"] == 0
        await hass.async_block_till_done()
        # Whoever asks first (the capture archive keeps its copy) decodes each picture once.
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
    """A long picture text that turns out not to be base64 gives no picture, and no error."""
    body = push("face-push-recognized-v0.42.json")
    body["overall_pic"] = {"data": "*" * 5000, "format": "jpg"}
    _, reply = await post(http_client, body)
    assert reply["code"] == 0
    await hass.async_block_till_done()
    assert await camera(hass, "camera.front_gate_last_panorama").async_camera_image() is None
