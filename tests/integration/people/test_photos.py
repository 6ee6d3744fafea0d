"""Where a photo comes from (media, entities, files, the last capture) and how it is made to fit."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
import io
from pathlib import Path
from typing import Any
from unittest.mock import patch

from aiohttp import web
from aiohttp.test_utils import TestServer
from homeassistant.components.camera import Camera
from homeassistant.components.media_source import PlayMedia
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)

from custom_components.facecapture.api.images import (
    RECOMMENDED_MAX_BYTES,
    RECOMMENDED_MAX_PIXELS,
    RECOMMENDED_MAX_SIDE,
)
from custom_components.facecapture.people.photos import fit_photo
from simulator import Simulator
from tests.integration.common import call_action, make_jpeg


def _encode(picture: Image.Image, image_format: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _noise(width: int, height: int) -> Image.Image:
    """A picture that does not compress well, like a photo."""
    return (
        Image.effect_noise((width // 10, height // 10), 60).convert("RGB").resize((width, height))
    )


async def _enroll(hass: HomeAssistant, **photo: Any) -> None:
    await call_action(hass, "enroll_person", {"id": "1003", **photo})


def _sent_photo(simulator: Simulator) -> bytes:
    body = next(r for r in reversed(simulator.requests) if r.get("cmd") == "upload person")
    return base64.b64decode(body["reg_image"])


# ---------------------------------------------------------------------------------------------
# Fitting


def test_small_photos_kept_as_they_are() -> None:
    """A JPEG or PNG within the advice is sent byte for byte."""
    jpeg = make_jpeg(640, 480)
    png = _encode(Image.new("RGB", (300, 400), (1, 2, 3)), "PNG")
    assert fit_photo(jpeg) == jpeg
    assert fit_photo(png) == png


def test_large_photo_scaled_within_advice() -> None:
    """A 12-megapixel photo becomes a JPEG within 1080p, 2 megapixels and 500 KB, same shape."""
    original = _encode(_noise(4000, 3000), "JPEG", quality=95)
    assert len(original) > RECOMMENDED_MAX_BYTES
    fitted = fit_photo(original)
    assert len(fitted) <= RECOMMENDED_MAX_BYTES
    with Image.open(io.BytesIO(fitted)) as picture:
        assert picture.format == "JPEG"
        width, height = picture.size
    assert max(width, height) <= RECOMMENDED_MAX_SIDE
    assert width * height <= RECOMMENDED_MAX_PIXELS
    assert width / height == pytest.approx(4 / 3, rel=0.01)


def test_too_many_pixels_scaled() -> None:
    """1920 x 1200 is within 1080p's width but above 2 megapixels: scaled down."""
    fitted = fit_photo(make_jpeg(1920, 1200))
    with Image.open(io.BytesIO(fitted)) as picture:
        width, height = picture.size
    assert width * height <= RECOMMENDED_MAX_PIXELS
    assert width < 1920


def test_heavy_photo_compressed_until_it_fits() -> None:
    """A 1080p photo that is still too heavy at the first quality is made smaller again."""
    original = _encode(Image.effect_noise((1600, 1200), 120).convert("RGB"), "PNG")
    assert len(original) > RECOMMENDED_MAX_BYTES
    fitted = fit_photo(original)
    assert len(fitted) <= RECOMMENDED_MAX_BYTES
    assert fitted.startswith(b"\xff\xd8\xff")


def test_transparent_png_on_white() -> None:
    """A large transparent PNG becomes a JPEG on a white background."""
    picture = Image.new("RGBA", (2400, 2400), (0, 0, 0, 0))
    picture.paste((200, 0, 0, 255), (800, 800, 1600, 1600))
    fitted = fit_photo(_encode(picture, "PNG"))
    with Image.open(io.BytesIO(fitted)) as result:
        assert result.format == "JPEG"
        corner = result.convert("RGB").getpixel((5, 5))
        centre = result.convert("RGB").getpixel((result.width // 2, result.height // 2))
    assert all(channel > 245 for channel in corner)  # type: ignore[union-attr]
    assert centre[0] > 180  # type: ignore[index]
    assert centre[1] < 40  # type: ignore[index]


def test_other_format_becomes_jpeg() -> None:
    """A format the terminal cannot decode (WebP, palette GIF) is converted to JPEG."""
    for image_format, mode in (("WEBP", "RGB"), ("GIF", "P")):
        original = _encode(Image.new(mode, (120, 90)), image_format)
        fitted = fit_photo(original)
        assert fitted.startswith(b"\xff\xd8\xff"), image_format


def test_phone_photo_turned_upright() -> None:
    """A large photo stored sideways with an EXIF orientation is sent upright."""
    picture = _noise(3000, 2000)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show
    fitted = fit_photo(_encode(picture, "JPEG", quality=95, exif=exif))
    with Image.open(io.BytesIO(fitted)) as result:
        assert result.height > result.width


def test_not_an_image() -> None:
    """Bytes Pillow cannot read are refused with a clear message."""
    with pytest.raises(ServiceValidationError) as err:
        fit_photo(b"%PDF-1.4 not a picture")
    assert err.value.translation_key == "photo_unreadable"


# ---------------------------------------------------------------------------------------------
# Files


async def test_file_missing(
    hass: HomeAssistant, init_integration: MockConfigEntry, tmp_path: Path
) -> None:
    """A file in an allowed folder that does not exist is named in the error."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    with pytest.raises(ServiceValidationError) as err:
        await _enroll(hass, photo_file=str(tmp_path / "gone.jpg"))
    assert err.value.translation_key == "photo_file_unreadable"
    assert err.value.translation_placeholders["path"] == str(tmp_path / "gone.jpg")


async def test_file_not_allowed(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Path
) -> None:
    """A file outside the allowed folders is never read."""
    (tmp_path / "face.jpg").write_bytes(make_jpeg())
    sent = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _enroll(hass, photo_file=str(tmp_path / "face.jpg"))
    assert err.value.translation_key == "photo_file_not_allowed"
    assert len(simulator.requests) == sent


async def test_file_not_an_image(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Path
) -> None:
    """A file that is no picture is refused before it reaches the terminal."""
    (tmp_path / "notes.txt").write_text("hello")
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    with pytest.raises(ServiceValidationError) as err:
        await _enroll(hass, photo_file=str(tmp_path / "notes.txt"))
    assert err.value.translation_key == "photo_unreadable"
    assert "1003" not in simulator.state.persons


# ---------------------------------------------------------------------------------------------
# Media sources


@pytest.fixture
async def media_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A local media folder, "My media", with Home Assistant's real media source on it."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.media_dirs = {"local": str(folder)}
    assert await async_setup_component(hass, "media_source", {})
    return folder


async def test_media_source_local_file(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, media_dir: Path
) -> None:
    """A picture from My media is read from its file and sent."""
    picture = make_jpeg(320, 240)
    (media_dir / "carol.jpg").write_bytes(picture)
    await _enroll(
        hass,
        photo={
            "media_content_id": "media-source://media_source/local/carol.jpg",
            "media_content_type": "image/jpeg",
        },
    )
    assert _sent_photo(simulator) == picture
    assert simulator.state.persons["1003"]["image"] is not None


async def test_media_source_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, media_dir: Path
) -> None:
    """A missing file, an unknown source and something that is no media id."""
    for media_id in (
        "media-source://media_source/local/missing.jpg",
        "media-source://nowhere/face.jpg",
        "http://example.com/face.jpg",
    ):
        with pytest.raises(ServiceValidationError) as err:
            await _enroll(hass, photo={"media_content_id": media_id, "media_content_type": "image"})
        assert err.value.translation_key == "photo_media_failed", media_id
        assert err.value.translation_placeholders["media"] == media_id


@pytest.fixture
async def picture_server() -> AsyncIterator[TestServer]:
    """A web server on 127.0.0.1 with a picture at /face.jpg and nothing anywhere else."""

    async def face(request: web.Request) -> web.Response:
        return web.Response(body=make_jpeg(100, 100, (10, 20, 30)), content_type="image/jpeg")

    app = web.Application()
    app.router.add_get("/face.jpg", face)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_media_source_web_address(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    media_dir: Path,
    picture_server: TestServer,
) -> None:
    """A web address from a media source is downloaded; a 404, a huge file or a bare path are not."""
    media = {"media_content_id": "media-source://radio/face", "media_content_type": "image/jpeg"}
    with patch(
        "homeassistant.components.media_source.async_resolve_media",
        return_value=PlayMedia(str(picture_server.make_url("/face.jpg")), "image/jpeg"),
    ):
        await _enroll(hass, photo=media)
    assert _sent_photo(simulator) == make_jpeg(100, 100, (10, 20, 30))

    with (
        patch(
            "homeassistant.components.media_source.async_resolve_media",
            return_value=PlayMedia(str(picture_server.make_url("/gone.jpg")), "image/jpeg"),
        ),
        pytest.raises(ServiceValidationError) as err,
    ):
        await _enroll(hass, photo=media)
    assert err.value.translation_key == "photo_media_failed"

    with (
        patch(
            "homeassistant.components.media_source.async_resolve_media",
            return_value=PlayMedia(str(picture_server.make_url("/face.jpg")), "image/jpeg"),
        ),
        patch("custom_components.facecapture.people.photos.MAX_DOWNLOAD_BYTES", 100),
        pytest.raises(ServiceValidationError) as err,
    ):
        await _enroll(hass, photo=media)
    assert err.value.translation_key == "photo_media_failed"
    assert err.value.translation_placeholders["error"] == "larger than 100 bytes"

    with (
        patch(
            "homeassistant.components.media_source.async_resolve_media",
            return_value=PlayMedia("/api/somewhere/face.jpg", "image/jpeg"),
        ),
        pytest.raises(ServiceValidationError) as err,
    ):
        await _enroll(hass, photo=media)
    assert err.value.translation_key == "photo_media_unsupported"


# ---------------------------------------------------------------------------------------------
# Entities and the last capture


class _Lobby(Camera):
    """A camera that always shows the same picture."""

    _attr_name = "Lobby"

    def __init__(self, picture: bytes) -> None:
        super().__init__()
        self.picture = picture

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        return self.picture


async def test_camera_entity(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, internal_url: str, simulator: Simulator
) -> None:
    """A camera's current picture, as an entity or as a camera media item."""
    picture = make_jpeg(200, 150, (0, 128, 0))
    setup_test_component_platform(hass, "camera", [_Lobby(picture)])
    assert await async_setup_component(hass, "camera", {"camera": {"platform": "test"}})
    assert await async_setup_component(hass, "media_source", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    await _enroll(hass, photo_entity="camera.lobby")
    assert _sent_photo(simulator) == picture

    await _enroll(
        hass,
        photo={
            "media_content_id": "media-source://camera/camera.lobby",
            "media_content_type": "image",
        },
    )
    assert _sent_photo(simulator) == picture


async def test_last_capture_and_camera_entity(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator
) -> None:
    """After a real push: the last close-up, directly, as the camera entity and as its media item."""
    with pytest.raises(ServiceValidationError) as err:
        await _enroll(hass, last_capture=True)
    assert err.value.translation_key == "photo_no_capture"
    assert err.value.translation_placeholders == {"name": "Front gate"}

    with pytest.raises(ServiceValidationError) as err:
        await _enroll(hass, photo_entity="camera.front_gate_nothing_here")
    assert err.value.translation_key == "photo_entity_failed"

    body = await simulator.capture(kind="recognized", person_id="1001")
    await simulator.wait_delivered()
    await hass.async_block_till_done(wait_background_tasks=True)
    closeup = base64.b64decode(body["closeup_pic"]["data"])

    await _enroll(hass, last_capture=True)
    assert _sent_photo(simulator) == closeup

    camera_entity = "camera.front_gate_last_face"
    await call_action(hass, "display_image", {"photo_entity": camera_entity})
    assert base64.b64decode(simulator.requests[-1]["image_data"]) == closeup

    assert await async_setup_component(hass, "media_source", {})
    await _enroll(
        hass,
        photo={
            "media_content_id": f"media-source://camera/{camera_entity}",
            "media_content_type": "image",
        },
    )
    assert _sent_photo(simulator) == closeup
