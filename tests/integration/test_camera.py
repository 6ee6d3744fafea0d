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

from .common import SERIAL, entity_id_of, setup_platform


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


async def test_image_entities_of_older_versions_removed(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The pictures were image entities before they were cameras: set-up leaves no orphans."""
    mock_config_entry.add_to_hass(hass)
    old = [
        entity_registry.async_get_or_create(
            "image", DOMAIN, f"{SERIAL}_{key}", config_entry=mock_config_entry
        ).entity_id
        for key in ("closeup", "panorama")
    ]
    # Not ours to remove: another integration's image with the same unique id.
    other = entity_registry.async_get_or_create("image", "doorbird", f"{SERIAL}_closeup").entity_id

    with patch("custom_components.facecapture.PLATFORMS", [Platform.CAMERA]):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()

    assert [entity_registry.async_get(entity_id) for entity_id in old] == [None, None]
    assert entity_registry.async_get(other) is not None
    for key in ("closeup", "panorama"):
        assert entity_registry.async_get_entity_id("camera", DOMAIN, f"{SERIAL}_{key}")
    assert hass.states.get("camera.front_gate_last_face").state == "idle"
    assert hass.states.get("camera.front_gate_last_panorama").state == "idle"
