"""Downloads of a bounded size with Home Assistant's shared session (an action's photo or audio).

A URL an action points at may serve anything: a body larger than the caller takes is refused by
its announced length or as it streams in, so a huge or endless body never fills memory. The
callers turn the errors into their own translated messages; the URL is never logged, it may
carry a signature.
"""

from __future__ import annotations

import asyncio
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

CHUNK_BYTES: Final = 64 * 1024


class DownloadTooLargeError(Exception):
    """The body is larger than the caller takes."""


async def async_fetch_bounded(
    hass: HomeAssistant, url: str, *, max_bytes: int, timeout: float
) -> bytes:
    """The body at ``url``, of at most ``max_bytes``, read within ``timeout`` seconds.

    Raises ``DownloadTooLargeError``, or ``TimeoutError`` and ``aiohttp.ClientError`` (also for
    an HTTP error status) as the session raises them.
    """
    session = async_get_clientsession(hass)
    data = bytearray()
    async with asyncio.timeout(timeout), session.get(url) as response:
        response.raise_for_status()
        if (response.content_length or 0) > max_bytes:
            raise DownloadTooLargeError
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            data += chunk
            if len(data) > max_bytes:
                raise DownloadTooLargeError
    return bytes(data)
