"""Commands on the application, stream and schedule parameters (section 2.3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from ._parse import JsonObject, reply_model
from .client_base import ClientBase, check_range
from .const import (
    MAX_SCHEDULE_KINDS,
    MAX_SERVICE_URL_LENGTH,
    Command,
)
from .errors import FaceCaptureValidationError
from .models import (
    AppParams,
    ScheduleKind,
    StreamParams,
    parse_schedule,
)

_SCHEDULE_DAYS = {"daily": 1, "weekly": 7}


def upload_info_for_url(url: str) -> JsonObject:
    """Build the `upload_info` that makes the terminal push captures to ``url``.

    The terminal joins host, ``server_port`` and ``service_url`` itself. An IP address goes in
    ``server_ip``, a host name in ``server_domain`` (the document keeps them apart, and an empty
    ``server_ip`` lets the domain count); an https URL keeps its scheme on the host, which is how
    the document marks https.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FaceCaptureValidationError(f"Not an http(s) URL: {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    if len(path) > MAX_SERVICE_URL_LENGTH:
        raise FaceCaptureValidationError(
            f"The path is {len(path)} characters; the terminal stores at most {MAX_SERVICE_URL_LENGTH}"
        )
    host = parts.hostname if parts.scheme == "http" else f"https://{parts.hostname}"
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        server_ip, server_domain = "", host
    else:
        server_ip, server_domain = host, ""
    return {
        "method": "http",
        "server_ip": server_ip,
        "server_domain": server_domain,
        "server_port": parts.port or (443 if parts.scheme == "https" else 80),
        "service_url": path,
    }


class ParamsCommands(ClientBase):
    """Application, stream and schedule parameters (2.3)."""

    # -----------------------------------------------------------------------------------------
    # 2.3 Application, stream and schedule parameters

    async def get_app_params(self) -> AppParams:
        """The application parameters (2.3.1)."""
        reply = await self.request(Command.REQUEST_APP_PARAMS)
        return AppParams.from_dict(reply)

    async def update_app_params(self, changes: Mapping[str, Any]) -> None:
        """Change some application parameters; the terminal keeps what is not given (2.3.2)."""
        if not changes:
            raise FaceCaptureValidationError("No application parameters to change")
        await self.request(Command.UPDATE_APP_PARAMS, changes)

    async def set_upload_target(self, url: str) -> None:
        """Make the terminal push captures to ``url`` over http (``upload_info``)."""
        await self.update_app_params({"upload_info": upload_info_for_url(url)})

    async def reset_app_params(self) -> None:
        """Restore the application parameters' defaults (2.3.3)."""
        await self.request(Command.RESET_APP_PARAMS)

    async def get_stream_params(self) -> StreamParams:
        """Imaging and video parameters (2.3.4)."""
        return StreamParams.from_dict(await self.request(Command.REQUEST_STREAM_PARAMS))

    async def update_stream_params(
        self, *, image: Mapping[str, int] | None = None, bitrate: int | None = None
    ) -> None:
        """Change imaging (max_exposure, max_gain, contrast, saturation, brightness) or bitrate (2.3.5)."""
        fields: JsonObject = {}
        if image:
            fields["image"] = dict(image)
        if bitrate is not None:
            fields["video"] = {"bitrate": check_range("The bitrate", bitrate, 1024, 4096)}
        if not fields:
            raise FaceCaptureValidationError("No stream parameters to change")
        await self.request(Command.UPDATE_STREAM_PARAMS, fields)

    async def reset_stream_params(self) -> None:
        """Restore the stream parameters' defaults (2.3.6)."""
        await self.request(Command.RESET_STREAM_PARAMS)

    async def get_schedules(self) -> tuple[ScheduleKind, ...]:
        """The access rules (2.3.7)."""
        reply = await self.request(Command.REQUEST_SCHEDULE_PARAMS)
        return reply_model(Command.REQUEST_SCHEDULE_PARAMS, parse_schedule, reply)

    async def update_schedules(self, kinds: Sequence[ScheduleKind]) -> None:
        """Replace the access rules, at most 15 (2.3.8)."""
        await self.request(
            Command.UPDATE_SCHEDULE_PARAMS, {"kinds": self._kinds(kinds, allow_empty=True)}
        )

    async def add_schedule_kinds(self, kinds: Sequence[ScheduleKind]) -> None:
        """Append access rules (2.3.9)."""
        await self.request(
            Command.ADD_SCHEDULE_KIND, {"kinds": self._kinds(kinds, allow_empty=False)}
        )

    @staticmethod
    def _kinds(kinds: Sequence[ScheduleKind], *, allow_empty: bool) -> list[JsonObject]:
        if len(kinds) > MAX_SCHEDULE_KINDS or (not kinds and not allow_empty):
            raise FaceCaptureValidationError(f"Give 1 to {MAX_SCHEDULE_KINDS} rules")
        for kind in kinds:
            check_range("The rule number", kind.kind, 1, MAX_SCHEDULE_KINDS)
            # 2.3.8: a daily rule has one day, a weekly one a day for each weekday
            days = _SCHEDULE_DAYS.get(kind.mode)
            if days is None:
                raise FaceCaptureValidationError("A rule's mode is daily or weekly")
            if len(kind.days) != days:
                raise FaceCaptureValidationError(f"A {kind.mode} rule has {days} day(s)")
            for section in (section for day in kind.days for section in day):
                start = (
                    check_range("The start hour", section.start_hour, 0, 23),
                    check_range("The start minute", section.start_minute, 0, 59),
                )
                end = (
                    check_range("The end hour", section.end_hour, 0, 23),
                    check_range("The end minute", section.end_minute, 0, 59),
                )
                if start >= end:  # the start is inclusive, the end exclusive
                    raise FaceCaptureValidationError("A time section must start before it ends")
        return [kind.to_dict() for kind in kinds]
