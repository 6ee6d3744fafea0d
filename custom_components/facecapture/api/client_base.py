"""The client's core: the transport, the request envelope and the check of the reply code."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Self

import aiohttp

from ._parse import JsonObject, opt_int, opt_str
from .const import (
    COMMAND_VERSIONS,
    DEFAULT_PORT,
    DEFAULT_REQUEST_VERSION,
    DEFAULT_TIMEOUT,
)
from .errors import FaceCaptureResponseError, FaceCaptureValidationError, error_for_code
from .transport import CommandTransport, HttpTransport

# The envelope of every request (1.3): the client writes these, a command's fields never do.
_ENVELOPE_KEYS = frozenset({"cmd", "version"})


def check_range(name: str, value: int, low: int, high: int) -> int:
    """``value`` when it lies within ``low`` and ``high``; a validation error otherwise."""
    if not low <= value <= high:
        raise FaceCaptureValidationError(f"{name} must be between {low} and {high}")
    return value


def unix_seconds(value: datetime | int) -> int:
    """A time as the Unix seconds `request records` takes (2.2.2)."""
    return value if isinstance(value, int) else int(value.timestamp())


async def walk_pages[T](
    fetch_page: Callable[[int], Awaitable[tuple[Sequence[T], int]]],
) -> AsyncIterator[T]:
    """Every item of a paged listing, from page 1 until the reported total has been seen.

    An empty page ends it too: the total may shrink while we page (someone deleted a person).
    """
    page_no = 1
    seen = 0
    while True:
        items, total = await fetch_page(page_no)
        for item in items:
            yield item
        seen += len(items)
        if not items or seen >= total:
            return
        page_no += 1


class ClientBase:
    """The transport and the command envelope every command group builds on."""

    def __init__(
        self,
        host: str | None = None,
        port: int = DEFAULT_PORT,
        *,
        session: aiohttp.ClientSession | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: CommandTransport | None = None,
    ) -> None:
        """Build the HTTP transport for ``host``, or use the ``transport`` given."""
        if transport is None:
            if not host:
                raise FaceCaptureValidationError("Give the terminal's host or a transport")
            transport = HttpTransport(
                host, port, session=session, username=username, password=password, timeout=timeout
            )
        self.transport = transport

    @property
    def timeout(self) -> float:
        """Seconds a command may take unless the call gives its own timeout."""
        return self.transport.timeout

    async def __aenter__(self) -> Self:
        """Use the client as an async context manager."""
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Close the transport's session if the client created it."""
        await self.close()

    async def close(self) -> None:
        """Close the transport (an injected HTTP session is left alone)."""
        await self.transport.close()

    # -----------------------------------------------------------------------------------------
    # Transport

    async def send_raw(
        self, body: Mapping[str, Any], *, timeout: float | None = None
    ) -> JsonObject:
        """Send any JSON object and return the terminal's reply without judging its code.

        For advanced use (the vendor's undocumented commands); typed methods check the code.
        """
        return await self.transport.send(body, timeout=timeout)

    async def request(
        self,
        command: str,
        fields: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        version: str | None = None,
    ) -> JsonObject:
        """Send a command with the version its section documents; raise on a non-zero code.

        ``version`` overrides the documented version (for the vendor's undocumented commands).
        """
        if fields and not _ENVELOPE_KEYS.isdisjoint(fields):
            raise FaceCaptureValidationError(
                f"The fields of '{command}' must not set {', '.join(sorted(_ENVELOPE_KEYS & set(fields)))}"
            )
        body: JsonObject = {
            "version": version or COMMAND_VERSIONS.get(command, DEFAULT_REQUEST_VERSION),
            "cmd": command,
        }
        if fields:
            body.update(fields)
        reply = await self.send_raw(body, timeout=timeout)
        code = opt_int(reply.get("code"))
        if code is None:
            raise FaceCaptureResponseError(f"The reply to '{command}' has no reply code")
        if code != 0:
            raise error_for_code(code, opt_str(reply.get("desc")), command)
        return reply
