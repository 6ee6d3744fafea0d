"""Cameras: the terminal's live still (`snapshot`), and the last pushed face and panorama.

The last face and panorama are still-image cameras rather than image entities: an image
entity's state is the time of its picture, so each capture would add a logbook row of its own
under the capture's sentence. A camera's state ("idle") stays when its picture changes.

The last face also says whose face it is (name, result, time of the capture) as attributes: a
dashboard shows them beside the picture, and, the state staying "idle", they add no logbook row.
They are not recorded (the recorder keeps no names). Until a capture arrives (after a start or a
reload: the pictures are in memory only) they show a plain placeholder, not a broken picture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import struct
import zlib

from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.push import FaceResult, PushImage
from .captures.archive import CLOSEUP, PANORAMA, Picture
from .captures.hub import Capture
from .const import DOMAIN, LOGGER
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCaptureCoordinatorEntity, FaceCapturePushEntity
from .helpers import call_terminal

PARALLEL_UPDATES = 1

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}

CAMERA = CameraEntityDescription(key="camera", translation_key="camera")


@dataclass(frozen=True, kw_only=True)
class FaceCapturePictureDescription(CameraEntityDescription):
    """Which picture of a capture the camera shows."""

    picture_fn: Callable[[Capture], PushImage | None]
    says_who: bool = False
    """Whose face it is, as attributes (the close-up)."""


WHO_ATTRIBUTES = frozenset({"name", "result", "captured_at"})


def _placeholder_png(width: int = 320, height: int = 240) -> bytes:
    """A plain light grey PNG: what the picture cameras show before their first capture."""
    row = b"\x00" + b"\xe0\xe0\xe0" * width  # filter byte, then RGB pixels

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PLACEHOLDER = _placeholder_png()

PICTURES: tuple[FaceCapturePictureDescription, ...] = (
    FaceCapturePictureDescription(
        key=CLOSEUP,
        translation_key=CLOSEUP,
        picture_fn=lambda c: c.push.closeup_pic,
        says_who=True,
    ),
    FaceCapturePictureDescription(
        key=PANORAMA, translation_key=PANORAMA, picture_fn=lambda c: c.push.overall_pic
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the cameras; remove the image entities the pictures used to be."""
    _async_remove_image_entities(hass, entry)
    async_add_entities(
        [
            FaceCaptureCamera(entry),
            *(FaceCapturePictureCamera(entry, description) for description in PICTURES),
        ]
    )


@callback
def _async_remove_image_entities(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> None:
    """Versions before the cameras showed the pictures as image entities: leave no orphans.

    The unique ids stay (serial and key), in the camera domain; an entity cannot change domain,
    so the old entries go and the cameras are new entities.
    """
    registry = er.async_get(hass)
    for description in PICTURES:
        unique_id = f"{entry.runtime_data.serial}_{description.key}"
        if entity_id := registry.async_get_entity_id(Platform.IMAGE, DOMAIN, unique_id):
            registry.async_remove(entity_id)
            LOGGER.debug("Removed %s: the picture is now a camera", entity_id)


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


class FaceCapturePictureCamera(FaceCapturePushEntity, Camera):
    """The picture of the last real-time capture that had one. Held in memory, never on disk.

    It is kept as the push's base64 (shared with the capture archive) and decoded when first
    shown; a capture only swaps the picture, so the state, and the logbook, stay quiet.
    """

    entity_description: FaceCapturePictureDescription
    _unrecorded_attributes = WHO_ATTRIBUTES

    def __init__(
        self, entry: FaceCaptureConfigEntry, description: FaceCapturePictureDescription
    ) -> None:
        """Start without a picture."""
        FaceCapturePushEntity.__init__(self, entry, description)
        Camera.__init__(self)
        self._picture: Picture | None = None

    def _async_apply(self, capture: Capture) -> bool:
        image = self.entity_description.picture_fn(capture)
        if image is None or not image.encoded:
            return False
        self._picture = Picture.from_push(image, keep_decoded=True)
        if not self.entity_description.says_who:
            # Nothing a state shows has changed: the frontend fetches the new picture itself.
            return False
        push = capture.push
        self._attr_extra_state_attributes = {
            "name": push.person_name or push.person_id
            if capture.result is not FaceResult.STRANGER
            else None,
            "result": str(capture.result),
            "captured_at": capture.captured_at.isoformat(),
        }
        return True

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """The last picture's bytes; the placeholder before the first one or if it was not base64."""
        if self._picture is None or not (data := self._picture.data):
            self.content_type = "image/png"
            return PLACEHOLDER
        self.content_type = self._picture.content_type
        return data
