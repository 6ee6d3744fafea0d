"""Image helpers: base64 in both of the device's forms, format detection, the document's limits."""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum
import re

from .errors import FaceCaptureValidationError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Error 36 above this: "the jpg image used to extract features cannot exceed 10M"."""

RECOMMENDED_MAX_BYTES = 500 * 1024
"""The vendor's advice for registration photos: under about 500 KB."""

RECOMMENDED_MAX_PIXELS = 2_000_000
"""The document's "resolution within 200W" (2 megapixels), about 1080p."""

RECOMMENDED_MAX_SIDE = 1920
"""Longest side that keeps a photo within 1080p, as the vendor's comments advise."""

_DATA_URL = re.compile(r"^\s*data:[\w.+/-]*;base64,", re.IGNORECASE)


class ImageFormat(StrEnum):
    """Image formats the terminal accepts, named as the protocol's ``format`` fields name them."""

    JPEG = "jpg"
    PNG = "png"


def detect_image_format(data: bytes) -> ImageFormat | None:
    """Tell JPEG from PNG by magic bytes; anything else is None."""
    if data.startswith(b"\xff\xd8\xff"):
        return ImageFormat.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageFormat.PNG
    return None


def strip_data_url(text: str) -> str:
    """Remove a ``data:image/...;base64,`` prefix, which some firmware adds."""
    match = _DATA_URL.match(text)
    return text[match.end() :] if match else text


def decode_base64(text: str) -> bytes:
    """Decode base64 with or without a ``data:`` prefix, tolerating whitespace and lost padding.

    Raises ValueError when the text is not base64.
    """
    body = strip_data_url(text)
    try:
        # The usual case (no whitespace, padded) without copying a picture's text around.
        return binascii.a2b_base64(body, strict_mode=True)
    except ValueError:
        pass
    body = "".join(body.split())
    body += "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ValueError("not valid base64") from err


def encode_base64(data: bytes) -> str:
    """Encode bytes as plain base64 (no prefix), the form the terminal documents."""
    return base64.b64encode(data).decode("ascii")


def check_image(
    data: bytes, *, allowed: tuple[ImageFormat, ...] = (ImageFormat.JPEG, ImageFormat.PNG)
) -> ImageFormat:
    """Refuse what the terminal would refuse (codes 35 and 36) before sending it."""
    if len(data) > MAX_IMAGE_BYTES:
        raise FaceCaptureValidationError(
            f"The image has {len(data)} bytes; the terminal accepts at most {MAX_IMAGE_BYTES}"
        )
    image_format = detect_image_format(data)
    if image_format is None or image_format not in allowed:
        names = " or ".join(fmt.name for fmt in allowed)
        raise FaceCaptureValidationError(f"The image must be {names}")
    return image_format
