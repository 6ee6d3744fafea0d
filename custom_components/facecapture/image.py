"""Image entities: the last close-up face and the last panorama, held in memory only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.push import PushImage
from .captures import Capture
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCapturePushEntity

PARALLEL_UPDATES = 0

_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True, kw_only=True)
class FaceCaptureImageDescription(ImageEntityDescription):
    """Which picture of a capture the entity shows."""

    image_fn: Callable[[Capture], PushImage | None]


IMAGES: tuple[FaceCaptureImageDescription, ...] = (
    FaceCaptureImageDescription(
        key="closeup", translation_key="closeup", image_fn=lambda c: c.push.closeup_pic
    ),
    FaceCaptureImageDescription(
        key="panorama", translation_key="panorama", image_fn=lambda c: c.push.overall_pic
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the image entities."""
    async_add_entities(FaceCaptureImage(hass, entry, description) for description in IMAGES)


class FaceCaptureImage(FaceCapturePushEntity, ImageEntity):
    """The picture of the last real-time capture that had one. Never written to disk."""

    entity_description: FaceCaptureImageDescription

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FaceCaptureConfigEntry,
        description: FaceCaptureImageDescription,
    ) -> None:
        """Start empty."""
        FaceCapturePushEntity.__init__(self, entry, description)
        ImageEntity.__init__(self, hass)
        self._picture: PushImage | None = None

    def _async_apply(self, capture: Capture) -> bool:
        picture = self.entity_description.image_fn(capture)
        if picture is None:
            return False
        # Kept as the push's base64: decoded only when someone looks at it.
        self._picture = picture
        self._attr_content_type = _CONTENT_TYPES.get(
            (picture.declared_format or "").lower(), "image/jpeg"
        )
        self._attr_image_last_updated = capture.captured_at
        return True

    async def async_image(self) -> bytes | None:
        """The bytes of the last picture (decoded on the first request, then kept)."""
        if self._picture is None:
            return None
        data = self._picture.data
        if self._picture.declared_format is None and self._picture.format == "png":
            self._attr_content_type = "image/png"
        return data or None
