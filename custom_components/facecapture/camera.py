"""Camera: still images from the terminal's `snapshot` command (the terminal has no stream here)."""

from __future__ import annotations

from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCaptureCoordinatorEntity
from .helpers import call_terminal

PARALLEL_UPDATES = 1

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}

CAMERA = CameraEntityDescription(key="camera", translation_key="camera")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the camera."""
    async_add_entities([FaceCaptureCamera(entry)])


class FaceCaptureCamera(FaceCaptureCoordinatorEntity, Camera):
    """Asks the terminal for a picture each time one is wanted."""

    def __init__(self, entry: FaceCaptureConfigEntry) -> None:
        """Set up both parents: the coordinator entity and the camera's tokens."""
        super().__init__(entry, CAMERA)
        Camera.__init__(self)

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Take a picture; the terminal says whether it is a JPEG or a PNG."""
        snapshot = await call_terminal(self.entry, self.entry.runtime_data.client.snapshot())
        self.content_type = CONTENT_TYPES.get(snapshot.format.lower(), "image/jpeg")
        return snapshot.image
