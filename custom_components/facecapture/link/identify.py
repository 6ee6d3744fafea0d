"""Who a terminal is: its serial number (the entry's unique id) and a title for the entry."""

from __future__ import annotations

import contextlib

from ..api import Command, FaceCaptureClient, FaceCaptureError, FaceCaptureUnsupportedError


class CannotIdentifyError(FaceCaptureError):
    """The terminal answered but named no serial number."""


async def identify_client(client: FaceCaptureClient) -> tuple[str, str]:
    """Ask the terminal (over either transport); return its serial number and a title."""
    serial: str | None = None
    with contextlib.suppress(FaceCaptureUnsupportedError):
        serial = (await client.get_hardware_info()).device_sn
    # Every reply names the device (section 1.4); the app params also carry the site's name.
    reply = await client.request(Command.REQUEST_APP_PARAMS)
    serial = serial or (str(reply["device_sn"]) if reply.get("device_sn") else None)
    if not serial:
        raise CannotIdentifyError
    device_info = reply.get("device_info")
    name = str(device_info.get("addr_name") or "").strip() if isinstance(device_info, dict) else ""
    return serial, name or f"Face terminal {serial[-6:]}"
