"""How a command reaches the terminal: the transports the client's typed methods run over.

A transport takes one request body and returns the terminal's reply object, or raises the
library's errors. Two exist:

- ``HttpTransport`` (here): the terminal is a server (document 1.1.1); each command is a JSON POST
  to ``/`` with a ``Content-Length`` (the terminal refuses chunked bodies), optional HTTP Basic
  credentials (newer firmware) and a timeout.
- ``LongPollTransport`` (``long_poll.py``): the terminal is a configuration client (document
  1.1.3) and fetches each command in the reply to its heartbeat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import errno
import json
import socket
from typing import Any, Protocol

import aiohttp

from ._parse import JsonObject
from .const import DEFAULT_PORT, DEFAULT_TIMEOUT
from .errors import (
    FaceCaptureAuthError,
    FaceCaptureConnectionError,
    FaceCaptureConnectionRefusedError,
    FaceCaptureHostNotFoundError,
    FaceCaptureResponseError,
)

_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}


class CommandTransport(Protocol):
    """Carries one request body to the terminal and brings its reply back."""

    timeout: float
    """Seconds a command may take when the caller gives no timeout of its own."""

    async def send(self, body: Mapping[str, Any], *, timeout: float | None = None) -> JsonObject:
        """Deliver ``body``; return the reply object.

        Raises:
            FaceCaptureConnectionError: the terminal could not be reached or did not answer in time.
            FaceCaptureAuthError: the terminal refused the credentials.
            FaceCaptureResponseError: the reply is not a JSON object.

        """

    async def close(self) -> None:
        """Release what the transport holds; later sends fail with a connection error."""


def _connection_error(err: BaseException, message: str) -> FaceCaptureConnectionError:
    """The connection error that says why: host not found, nothing listening, or else."""
    cause = err.os_error if isinstance(err, aiohttp.ClientConnectorError) else err
    if isinstance(err, aiohttp.ClientConnectorDNSError) or isinstance(cause, socket.gaierror):
        return FaceCaptureHostNotFoundError(message)
    if isinstance(cause, ConnectionRefusedError) or (
        isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
    ):
        return FaceCaptureConnectionRefusedError(message)
    return FaceCaptureConnectionError(message)


class HttpTransport:
    """POSTs each command to a terminal acting as server (port 8000 by default)."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        session: aiohttp.ClientSession | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the address; the session is injected (Home Assistant's) or created on first use."""
        self.host = host
        self.port = port
        self.timeout = timeout
        self._session = session
        self._own_session = session is None
        self._auth = aiohttp.BasicAuth(username, password or "") if username else None
        bracketed = f"[{host}]" if ":" in host and not host.startswith("[") else host
        self.url = f"http://{bracketed}:{port}/"

    async def close(self) -> None:
        """Close the session if the transport created it; an injected session is left alone."""
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, body: Mapping[str, Any], *, timeout: float | None = None) -> JsonObject:
        """POST ``body`` and return the reply object without judging its code."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        command = str(body.get("cmd", ""))
        limit = timeout or self.timeout
        try:
            async with asyncio.timeout(limit):
                response = await self._session.post(
                    self.url, data=payload, headers=_HEADERS, auth=self._auth, chunked=None
                )
                async with response:
                    raw = await response.read()
                    status = response.status
        except TimeoutError as err:
            raise FaceCaptureConnectionError(
                f"Timed out after {limit:g} s waiting for '{command}' at {self.host}"
            ) from err
        except (aiohttp.ClientError, socket.gaierror, OSError) as err:
            raise _connection_error(err, f"Cannot reach {self.host}:{self.port}: {err}") from err
        if status == 401:
            raise FaceCaptureAuthError(f"{self.host} refused the credentials (HTTP 401)")
        if status >= 500:
            raise FaceCaptureConnectionError(f"{self.host} answered HTTP {status} to '{command}'")
        if status >= 300:
            raise FaceCaptureResponseError(f"{self.host} answered HTTP {status} to '{command}'")
        try:
            reply = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as err:
            raise FaceCaptureResponseError(f"The reply to '{command}' is not JSON") from err
        return reply_object(reply, command)


def reply_object(reply: Any, command: str) -> JsonObject:
    """The reply if it is a JSON object; a response error otherwise (both transports)."""
    if not isinstance(reply, dict):
        raise FaceCaptureResponseError(f"The reply to '{command}' is not a JSON object")
    return reply
