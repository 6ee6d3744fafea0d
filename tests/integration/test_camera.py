"""Camera: each still image is a fresh `snapshot` from the terminal."""

from __future__ import annotations

import base64
from collections.abc import Generator
import io
from typing import Any
from unittest.mock import patch

from homeassistant.components.camera import DOMAIN as CAMERA_DOMAIN, async_get_image
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.facecapture.const import DOMAIN
from simulator import COMMANDS, Simulator

from .common import entity_id_of, setup_platform


@pytest.fixture(autouse=True)
def fixed_access_token() -> Generator[None]:
    """Cameras sign their picture URLs with a random token; make it stable for snapshots."""
    with patch("homeassistant.components.camera._RND.getrandbits", return_value=0xFACE):
        yield


@pytest.fixture
def camera_id(init_integration: MockConfigEntry, entity_registry: er.EntityRegistry) -> str:
    """The terminal's camera."""
    return entity_id_of(entity_registry, CAMERA_DOMAIN, "camera")


def snapshots_taken(simulator: Simulator) -> int:
    """How many `snapshot` commands the terminal answered."""
    return sum(1 for body in simulator.requests if body.get("cmd") == "snapshot")


async def test_snapshot(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    internal_url: str,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The camera entity."""
    await setup_platform(hass, mock_config_entry, Platform.CAMERA)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_image_is_the_terminals_snapshot(
    hass: HomeAssistant, simulator: Simulator, camera_id: str
) -> None:
    """The image is the JPEG the terminal took, asked for once per image."""
    before = snapshots_taken(simulator)

    image = await async_get_image(hass, camera_id)

    assert image.content_type == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")
    with Image.open(io.BytesIO(image.content)) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (640, 480)
    assert snapshots_taken(simulator) == before + 1

    await async_get_image(hass, camera_id)
    assert snapshots_taken(simulator) == before + 2


async def test_png_snapshot(
    hass: HomeAssistant,
    simulator: Simulator,
    camera_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A terminal that answers a PNG is served as a PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 20, 30)).save(buffer, format="PNG")
    png = buffer.getvalue()

    def snapshot_png(state: Any, req: dict[str, Any]) -> dict[str, Any]:
        return {"image ": {"format": "png", "image_data": base64.b64encode(png).decode()}}

    monkeypatch.setitem(COMMANDS, "snapshot", snapshot_png)

    image = await async_get_image(hass, camera_id)

    assert image.content_type == "image/png"
    assert image.content == png


async def test_picture_refused(hass: HomeAssistant, simulator: Simulator, camera_id: str) -> None:
    """A terminal error is a translated error."""
    simulator.fail_next("snapshot", 5)

    with pytest.raises(HomeAssistantError) as err:
        await async_get_image(hass, camera_id)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "code_5"
