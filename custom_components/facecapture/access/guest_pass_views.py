"""The QR code of a guest pass, as a PNG for people and for notifications.

``/api/facecapture/guest_pass/{pass id}/qr.png`` needs Home Assistant's authentication: a logged-in
user's token, or a path signed with ``async_sign_path`` (what ``create_guest_pass`` returns for a
notification's image). The image carries the pass's token, so it is never cached by proxies.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import io
from typing import Final

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
import segno

from .guest_passes import DATA_GUEST_PASSES

QR_URL: Final = "/api/facecapture/guest_pass/{pass_id}/qr.png"
SIGNED_LIFETIME: Final = timedelta(days=1)
"""How long a signed QR path works: long enough for a notification to be delivered and opened."""
QR_SCALE: Final = 10
"""Pixels per module: a version 4 code becomes a 410-pixel square, easy to show on a phone."""


def qr_path(pass_id: str) -> str:
    """The authenticated path of a pass's QR code."""
    return QR_URL.format(pass_id=pass_id)


@callback
def async_signed_qr_path(hass: HomeAssistant, pass_id: str) -> str:
    """The QR code's path signed for ``SIGNED_LIFETIME``, usable without a login (notifications)."""
    return async_sign_path(hass, qr_path(pass_id), SIGNED_LIFETIME)


def qr_png(text: str) -> bytes:
    """A PNG of a QR code holding ``text`` (medium error correction, the standard quiet zone)."""
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=QR_SCALE, border=4)
    return buffer.getvalue()


class GuestPassQrView(HomeAssistantView):
    """A guest pass's QR code as a PNG."""

    url = QR_URL
    name = "api:facecapture:guest_pass_qr"
    requires_auth = True

    async def get(self, request: web.Request, pass_id: str) -> web.Response:
        """The PNG, or 404 for a pass that does not exist (any more)."""
        hass = request.app[KEY_HASS]
        passes = hass.data.get(DATA_GUEST_PASSES)
        if passes is None or (guest := passes.get(pass_id)) is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        png = await hass.async_add_executor_job(qr_png, passes.token(guest))
        return web.Response(
            body=png, content_type="image/png", headers={"Cache-Control": "private, no-store"}
        )
