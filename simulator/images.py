"""Synthetic pictures (Pillow) and image/audio format checks by magic bytes.

Nothing here resembles a real person: faces are a few ellipses on a coloured background.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
import io
import random
import re
import wave

from PIL import Image, ImageDraw

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_DATA_URL_RE = re.compile(r"^data:[A-Za-z0-9.+/-]+;base64,")


@dataclass(frozen=True, slots=True)
class Box:
    """A face rectangle in pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Capture:
    """The pictures of one capture: panorama, close-up and where the face is in each."""

    panorama: bytes
    panorama_box: Box
    closeup: bytes
    closeup_box: Box


def image_format(data: bytes) -> str | None:
    """Return ``"jpg"`` or ``"png"`` from the magic bytes, None for anything else."""
    if data.startswith(JPEG_MAGIC):
        return "jpg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def is_wav(data: bytes) -> bool:
    """Return True for a RIFF/WAVE file."""
    return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WAVE"


@dataclass(frozen=True, slots=True)
class WavInfo:
    """What a terminal reads from a WAV header before playing it."""

    channels: int
    sample_width: int
    sample_rate: int
    frames: int

    @property
    def duration(self) -> float:
        """Seconds of sound."""
        return self.frames / self.sample_rate


def wav_info(data: bytes) -> WavInfo | None:
    """Read an uncompressed PCM WAV (RIFF/WAVE, `fmt ` then `data`); None if it is not one.

    The `data` chunk must hold every frame the header announces: a truncated file is refused.
    """
    if not is_wav(data):
        return None
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            info = WavInfo(
                channels=wav.getnchannels(),
                sample_width=wav.getsampwidth(),
                sample_rate=wav.getframerate(),
                frames=wav.getnframes(),
            )
            complete = (
                len(wav.readframes(info.frames)) == info.frames * info.channels * info.sample_width
            )
    except (wave.Error, EOFError):
        return None
    return info if complete and info.sample_rate > 0 else None


def strip_data_url(text: str) -> str:
    """Remove an optional ``data:image/jpeg;base64,`` prefix."""
    return _DATA_URL_RE.sub("", text, count=1)


def b64decode_strict(text: str) -> bytes | None:
    """Decode standard base64 (after stripping a data-URL prefix); None if invalid."""
    try:
        return base64.b64decode(strip_data_url(text), validate=True)
    except (binascii.Error, ValueError):
        return None


def b64(data: bytes) -> str:
    """Encode bytes as standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, format="PNG")
    else:
        image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _colour(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _draw_face(draw: ImageDraw.ImageDraw, box: Box, rng: random.Random) -> None:
    x, y, w, h = box.x, box.y, box.width, box.height
    draw.ellipse((x, y, x + w, y + h), fill=_colour(rng, 150, 230), outline=(60, 40, 30))
    eye_w, eye_h = max(w // 8, 2), max(h // 12, 2)
    for cx in (x + w * 3 // 10, x + w * 7 // 10):
        cy = y + h * 4 // 10
        draw.ellipse((cx - eye_w, cy - eye_h, cx + eye_w, cy + eye_h), fill=(255, 255, 255))
        draw.ellipse((cx - eye_w // 2, cy - eye_h // 2, cx + eye_w // 2, cy + eye_h // 2), fill=0)
    draw.line((x + w // 2, y + h * 45 // 100, x + w // 2, y + h * 62 // 100), fill=(90, 60, 50))
    draw.arc((x + w // 4, y + h * 55 // 100, x + w * 3 // 4, y + h * 85 // 100), 20, 160, fill=0)


def capture_images(width: int, height: int, rng: random.Random) -> Capture:
    """Draw a panorama with one face and crop a close-up around it (both JPEG)."""
    width, height = max(int(width), 32), max(int(height), 32)
    image = Image.new("RGB", (width, height), _colour(rng, 20, 120))
    draw = ImageDraw.Draw(image)
    for band in range(0, height, max(height // 8, 1)):
        draw.rectangle((0, band, width, band + height // 16), fill=_colour(rng, 30, 140))
    face_w = max(width // 3, 12)
    face_h = max(face_w * 5 // 4, 12)
    face_x = rng.randint(0, max(width - face_w, 0))
    face_y = rng.randint(0, max(height - face_h, 0))
    box = Box(face_x, face_y, min(face_w, width), min(face_h, height))
    _draw_face(draw, box, rng)
    margin_x, margin_y = box.width // 3, box.height // 3
    left, top = max(box.x - margin_x, 0), max(box.y - margin_y, 0)
    right = min(box.x + box.width + margin_x, width)
    bottom = min(box.y + box.height + margin_y, height)
    closeup = image.crop((left, top, right, bottom))
    return Capture(
        panorama=_encode(image, "jpg"),
        panorama_box=box,
        closeup=_encode(closeup, "jpg"),
        closeup_box=Box(box.x - left, box.y - top, box.width, box.height),
    )


def portrait(size: int, rng: random.Random, fmt: str = "jpg") -> bytes:
    """Draw a square registration portrait (JPEG or PNG)."""
    image = Image.new("RGB", (size, size), _colour(rng, 180, 250))
    _draw_face(ImageDraw.Draw(image), Box(size // 5, size // 8, size * 3 // 5, size * 3 // 4), rng)
    return _encode(image, fmt)


def picture(width: int, height: int, rng: random.Random, fmt: str = "png") -> bytes:
    """Draw a plain picture (screensaver media, snapshots of an empty scene)."""
    image = Image.new("RGB", (width, height), _colour(rng, 0, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=_colour(rng, 0, 255)
    )
    return _encode(image, fmt)
