"""The asynchronous client: one typed method per command of the Face Capture Http API.

Each request goes over a transport (``transport.py``): an HTTP POST to the terminal, or the reply
to its heartbeat when it is a configuration client (``long_poll.py``). Replies are checked for
their ``code``; a non-zero code raises the exception of that code (see ``errors``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime
import hashlib
import ipaddress
from typing import Any, Self
from urllib.parse import urlsplit

import aiohttp

from ._parse import JsonObject, opt_bool, opt_int, opt_str, reply_model
from .commands import DisplayText, PersonData, check_bytes
from .const import (
    COMMAND_VERSIONS,
    DEFAULT_PORT,
    DEFAULT_REQUEST_VERSION,
    DEFAULT_TIMEOUT,
    MAX_AUDIO_BYTES,
    MAX_DOWNLOAD_CHUNK,
    MAX_ID_BYTES,
    MAX_PAGE_SIZE,
    MAX_SCHEDULE_KINDS,
    MAX_SERVICE_URL_LENGTH,
    MAX_SHORT_NAME_BYTES,
    MAX_UPLOAD_CHUNK,
    Command,
    ControlMode,
    DeleteScope,
    PersonUpdateFlag,
    Role,
    ScreensaverMode,
    TextEncoding,
    UploadMode,
)
from .errors import FaceCaptureResponseError, FaceCaptureValidationError, error_for_code
from .images import ImageFormat, check_image, encode_base64
from .models import (
    AppParams,
    AudioClip,
    DeviceTime,
    FileChunk,
    FirmwareInfo,
    FourGInfo,
    HardwareInfo,
    Person,
    PersonPage,
    PersonResult,
    Record,
    RecordPage,
    ScheduleKind,
    ScreensaverMedia,
    Snapshot,
    StreamParams,
    TrafficDay,
    UpgradeInfo,
    VersionInfo,
    format_device_time,
    parse_media_list,
    parse_schedule,
)
from .network import NetworkInfo
from .transport import CommandTransport, HttpTransport

# The envelope of every request (1.3): the client writes these, a command's fields never do.
_ENVELOPE_KEYS = frozenset({"cmd", "version"})
_SCHEDULE_DAYS = {"daily": 1, "weekly": 7}
_MAX_SHORT_CARD = 2**32 - 1


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


def _range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise FaceCaptureValidationError(f"{name} must be between {low} and {high}")
    return value


def _unix(value: datetime | int) -> int:
    return value if isinstance(value, int) else int(value.timestamp())


async def _walk_pages[T](
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


class FaceCaptureClient:
    """Talks to one terminal: over HTTP when it is a server, or over a long-poll transport.

    ``FaceCaptureClient(host, port, ...)`` POSTs to a terminal acting as server (port 8000 by
    default). ``FaceCaptureClient(transport=LongPollTransport(...))`` hands the same commands to a
    terminal acting as configuration client, in the replies to its heartbeats. The typed methods,
    their signatures and their errors are the same either way.
    """

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

    # -----------------------------------------------------------------------------------------
    # 2.1 Persons

    async def request_persons(
        self,
        *,
        role: Role | int = Role.ALL,
        page_no: int = 1,
        page_size: int = MAX_PAGE_SIZE,
        with_images: bool = False,
        with_features: bool = False,
        fuzzy: bool = False,
        person_id: str | None = None,
        person_name: str | None = None,
        wg_card_no: int | None = None,
        long_card_no: int | None = None,
        term_start_between: tuple[datetime, datetime] | None = None,
        term_between: tuple[datetime, datetime] | None = None,
    ) -> PersonPage:
        """One page of registered persons, optionally filtered (2.1.1)."""
        condition: JsonObject = {}
        if person_id is not None:
            condition["person_id"] = person_id
        if person_name is not None:
            condition["person_name"] = person_name
        if wg_card_no is not None:
            condition["wg_card_no"] = wg_card_no
        if long_card_no is not None:
            condition["long_card_no"] = long_card_no
        if term_start_between is not None:
            condition["term_start_start"] = format_device_time(term_start_between[0])
            condition["term_start_end"] = format_device_time(term_start_between[1])
        if term_between is not None:
            condition["term_start"] = format_device_time(term_between[0])
            # sic: the document spells the key of the validity end with a trailing space (2.1.1.1)
            condition["term "] = format_device_time(term_between[1])
        fields: JsonObject = {
            "role": int(role),
            "page_no": page_no,
            "page_size": _range("The page size", page_size, 1, MAX_PAGE_SIZE),
            "feature_flag": int(with_features),
            "image_flag": int(with_images),
            "query_mode": int(fuzzy),
        }
        if condition:
            fields["condition"] = condition
        reply = await self.request(Command.REQUEST_PERSONS, fields)
        return reply_model(Command.REQUEST_PERSONS, PersonPage.from_dict, reply)

    async def iter_persons(
        self, *, page_size: int = MAX_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[Person]:
        """Every person matching ``filters`` (the keywords of ``request_persons``), page by page."""

        async def fetch(page_no: int) -> tuple[Sequence[Person], int]:
            page = await self.request_persons(page_no=page_no, page_size=page_size, **filters)
            return page.persons, page.total

        async for person in _walk_pages(fetch):
            yield person

    async def count_persons(self) -> int:
        """The number of registered persons (one page of one person gives the total)."""
        return (await self.request_persons(page_size=1)).total

    async def upload_person(
        self, person: PersonData, *, mode: UploadMode = UploadMode.AUTO
    ) -> PersonResult:
        """Add or modify a person from an original JPEG/PNG photo (2.1.2, firmware from 2020-08)."""
        fields = person.fields()
        if (image := person.image_base64()) is not None:
            fields["reg_image"] = image
        fields["upload_mode"] = int(mode)
        reply = await self.request(Command.UPLOAD_PERSON, fields)
        return PersonResult.from_dict(reply)

    async def add_person(
        self,
        person: PersonData,
        *,
        cover: bool = False,
        norm_image: bytes | None = None,
        norm_size: tuple[int, int] = (150, 150),
    ) -> PersonResult:
        """Add a person from a template image and/or an SDK-normalised image (2.1.3).

        Every field the document requires is sent, with empty image lists where there is no
        picture; names are at most 15 bytes here.
        """
        fields = person.record_fields()
        fields.update(cover=cover, feature_unit_size=0, feature_num=0, feature_data=[])
        fields.update(self._reg_images(person.image))
        fields.update(self._norm_images(norm_image, norm_size))
        reply = await self.request(Command.ADD_PERSON, fields)
        return PersonResult.from_dict(reply)

    async def add_person_jpg(self, person: PersonData, *, cover: bool = False) -> PersonResult:
        """Add a person from an original JPEG (2.1.6); PNG is not accepted by this command."""
        if person.image is None:
            raise FaceCaptureValidationError("add person jpg needs a JPEG photo")
        fields = person.record_fields()
        fields["cover"] = cover
        fields.update(self._reg_images(person.image, jpeg_only=True))
        reply = await self.request(Command.ADD_PERSON_JPG, fields)
        return PersonResult.from_dict(reply)

    async def update_person(
        self,
        person: PersonData,
        *,
        flags: PersonUpdateFlag | None = None,
        norm_image: bytes | None = None,
        norm_size: tuple[int, int] = (150, 150),
    ) -> PersonResult:
        """Modify a person (2.1.4); ``flags`` limits which fields change.

        Without ``flags`` the fields set on ``person`` (and the images given) are the ones
        changed: the terminal rewrites every field of a request without `update_flags`.
        """
        images = PersonUpdateFlag(0)
        if person.image is not None:
            images |= PersonUpdateFlag.REG_IMAGES
        if norm_image is not None:
            images |= PersonUpdateFlag.NORM_IMAGE
        flags = self._update_flags(person, flags, images)
        fields = person.fields(name_limit=MAX_SHORT_NAME_BYTES)
        fields.update(update_flags=int(flags), feature_unit_size=0, feature_num=0, feature_data=[])
        if flags & PersonUpdateFlag.REG_IMAGES:
            fields.update(self._reg_images(person.image, required=True))
        if flags & PersonUpdateFlag.NORM_IMAGE:
            if norm_image is None:
                raise FaceCaptureValidationError("update_flags selects the normalised image")
            fields.update(self._norm_images(norm_image, norm_size))
        reply = await self.request(Command.UPDATE_PERSON, fields)
        return PersonResult.from_dict(reply)

    async def update_person_jpg(
        self, person: PersonData, *, flags: PersonUpdateFlag | None = None
    ) -> PersonResult:
        """Modify a person from an original JPEG (2.1.7); either image bit takes the photo."""
        images = PersonUpdateFlag.REG_IMAGES if person.image is not None else PersonUpdateFlag(0)
        flags = self._update_flags(person, flags, images)
        fields = person.fields(name_limit=MAX_SHORT_NAME_BYTES)
        fields["update_flags"] = int(flags)
        if flags & (PersonUpdateFlag.REG_IMAGES | PersonUpdateFlag.NORM_IMAGE):
            fields.update(self._reg_images(person.image, jpeg_only=True, required=True))
        reply = await self.request(Command.UPDATE_PERSON_JPG, fields)
        return PersonResult.from_dict(reply)

    @staticmethod
    def _update_flags(
        person: PersonData, flags: PersonUpdateFlag | None, images: PersonUpdateFlag
    ) -> PersonUpdateFlag:
        """The flags to send: the given ones checked, or those of the fields set."""
        if flags is None:
            flags = person.field_flags() | images
            if not flags:
                raise FaceCaptureValidationError("Nothing to change: set at least one field")
        person.check_flagged(flags)
        return flags

    async def delete_person(self, person_id: str) -> PersonResult:
        """Delete one person by id (2.1.5)."""
        if not person_id:
            raise FaceCaptureValidationError("The person id must not be empty")
        reply = await self.request(
            Command.DELETE_PERSONS, {"flag": int(DeleteScope.BY_ID), "id": person_id}
        )
        return PersonResult.from_dict(reply)

    async def delete_persons(self, scope: DeleteScope) -> None:
        """Delete every person of a role, or everyone (2.1.5)."""
        if scope is DeleteScope.BY_ID:
            raise FaceCaptureValidationError("Use delete_person to delete by id")
        await self.request(Command.DELETE_PERSONS, {"flag": int(scope), "id": ""})

    @staticmethod
    def _reg_images(
        image: bytes | None, *, jpeg_only: bool = False, required: bool = False
    ) -> JsonObject:
        """`image_num` and `reg_images`: one template image, or none (an empty list)."""
        if image is None:
            if required:
                raise FaceCaptureValidationError("update_flags selects the photo, which is not set")
            return {"image_num": 0, "reg_images": []}
        allowed = (ImageFormat.JPEG,) if jpeg_only else (ImageFormat.JPEG, ImageFormat.PNG)
        image_format = check_image(image, allowed=allowed)
        return {
            "image_num": 1,
            "reg_images": [{"format": str(image_format), "image_data": encode_base64(image)}],
        }

    @staticmethod
    def _norm_images(image: bytes | None, size: tuple[int, int]) -> JsonObject:
        """`norm_image_num` and `norm_images`: one SDK-normalised image, or none."""
        if image is None:
            return {"norm_image_num": 0, "norm_images": []}
        width, height = size
        return {
            "norm_image_num": 1,
            "norm_images": [{"width": width, "height": height, "image_data": encode_base64(image)}],
        }

    # -----------------------------------------------------------------------------------------
    # 2.2.2 Capture history

    async def request_records(
        self,
        *,
        page_no: int = 1,
        page_size: int = MAX_PAGE_SIZE,
        with_face_image: bool = False,
        with_reg_image: bool = False,
        time_between: tuple[datetime | int, datetime | int] | None = None,
        score_between: tuple[int, int] | None = None,
        uploaded: bool | None = None,
        fuzzy: bool = False,
        person_id: str | None = None,
        name: str | None = None,
    ) -> RecordPage:
        """One page of the capture history, optionally filtered (2.2.2)."""
        fields: JsonObject = {
            "page_no": page_no,
            "page_size": _range("The page size", page_size, 1, MAX_PAGE_SIZE),
            "face_image_flag": int(with_face_image),
            "reg_image_flag": int(with_reg_image),
        }
        if time_between is not None:
            fields["time_start"], fields["time_end"] = (
                _unix(time_between[0]),
                _unix(time_between[1]),
            )
        if score_between is not None:
            fields["score_start"], fields["score_end"] = score_between
        if uploaded is not None:
            fields["upload_state"] = int(uploaded)
        if person_id is not None:
            fields["id"] = person_id
        if name is not None:
            fields["name"] = name
        if person_id is not None or name is not None:
            fields["fuzzy_flag"] = int(fuzzy)
        reply = await self.request(Command.REQUEST_RECORDS, fields)
        return reply_model(Command.REQUEST_RECORDS, RecordPage.from_dict, reply)

    async def iter_records(
        self, *, page_size: int = MAX_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[Record]:
        """Every record matching ``filters`` (the keywords of ``request_records``), page by page."""

        async def fetch(page_no: int) -> tuple[Sequence[Record], int]:
            page = await self.request_records(page_no=page_no, page_size=page_size, **filters)
            return page.records, page.total

        async for record in _walk_pages(fetch):
            yield record

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
            fields["video"] = {"bitrate": _range("The bitrate", bitrate, 1024, 4096)}
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
            _range("The rule number", kind.kind, 1, MAX_SCHEDULE_KINDS)
            # 2.3.8: a daily rule has one day, a weekly one a day for each weekday
            days = _SCHEDULE_DAYS.get(kind.mode)
            if days is None:
                raise FaceCaptureValidationError("A rule's mode is daily or weekly")
            if len(kind.days) != days:
                raise FaceCaptureValidationError(f"A {kind.mode} rule has {days} day(s)")
            for section in (section for day in kind.days for section in day):
                start = (
                    _range("The start hour", section.start_hour, 0, 23),
                    _range("The start minute", section.start_minute, 0, 59),
                )
                end = (
                    _range("The end hour", section.end_hour, 0, 23),
                    _range("The end minute", section.end_minute, 0, 59),
                )
                if start >= end:  # the start is inclusive, the end exclusive
                    raise FaceCaptureValidationError("A time section must start before it ends")
        return [kind.to_dict() for kind in kinds]

    # -----------------------------------------------------------------------------------------
    # 2.4 to 2.7 Snapshot, gate and Wiegand output, heartbeat

    async def snapshot(self) -> Snapshot:
        """A still image from the camera (2.4)."""
        reply = await self.request(Command.SNAPSHOT)
        return reply_model(Command.SNAPSHOT, Snapshot.from_dict, reply)

    async def gpio_control(
        self,
        port: int = 1,
        *,
        mode: ControlMode = ControlMode.FORCE,
        person_id: str | None = None,
        voice: str | None = None,
    ) -> None:
        """Pulse a relay; the terminal releases it after its hold time (2.5).

        ``voice`` (a built-in clip name) uses the newer `gpio control Extend` command.
        """
        fields: JsonObject = {"port": port, "ctrl_type": "on", "ctrl_mode": str(mode)}
        if person_id is not None:
            check_bytes("The person id", person_id, MAX_ID_BYTES)
            fields["person_id"] = person_id
        if voice is not None:
            fields["voicePlay"] = voice
            await self.request(Command.GPIO_CONTROL_EXTEND, fields)
            return
        await self.request(Command.GPIO_CONTROL, fields)

    async def wiegand_control(
        self,
        card_no: int,
        *,
        long_card: bool = False,
        mode: ControlMode = ControlMode.FORCE,
        person_id: str | None = None,
    ) -> None:
        """Send a card number on the Wiegand output (2.6); long cards are for wg36/44/66."""
        if card_no < 0:
            raise FaceCaptureValidationError("The card number must not be negative")
        if not long_card and card_no > _MAX_SHORT_CARD:
            raise FaceCaptureValidationError("A short card number has 32 bits; use long_card")
        if person_id is not None:
            check_bytes("The person id", person_id, MAX_ID_BYTES)
        fields: JsonObject = {
            "wiegand_card_no": 0 if long_card else card_no,
            "long_card_id": card_no if long_card else 0,
            "ctrl_mode": str(mode),
        }
        if person_id is not None:
            fields["person_id"] = person_id
        await self.request(Command.WIEGAND_CONTROL, fields)

    async def heart_beat(self) -> None:
        """Send a heartbeat; a cheap way to see that the terminal answers (2.7)."""
        await self.request(
            Command.HEART_BEAT,
            {"ip": "", "device_sn": "", "device_no": "", "addr_no": "", "addr_name": ""},
        )

    # -----------------------------------------------------------------------------------------
    # 2.8 Customer authentication code

    async def get_customer_auth_code(self) -> str:
        """The user-defined authentication code, base64 (2.8.1)."""
        reply = await self.request(Command.REQUEST_CUSTOMER_AUTH_CODE)
        return opt_str(reply.get("customer_auth_code")) or ""

    async def set_customer_auth_code(self, code: str) -> None:
        """Write the user-defined authentication code, base64 (2.8.2; documented as unsupported)."""
        await self.request(Command.UPDATE_CUSTOMER_AUTH_CODE, {"customer_auth_code": code})

    # -----------------------------------------------------------------------------------------
    # 2.9 System

    async def get_date_time(self) -> DeviceTime:
        """The terminal's clock (2.9.1)."""
        reply = await self.request(Command.REQUEST_DATE_TIME)
        return reply_model(Command.REQUEST_DATE_TIME, DeviceTime.from_dict, reply)

    async def set_date_time(self, value: datetime, *, timezone: str | None = None) -> None:
        """Set the terminal's clock to a local time (2.9.2); newer firmware also takes a zone."""
        fields: JsonObject = {"date_time": format_device_time(value)}
        if timezone is not None:
            fields["timezone"] = timezone
        await self.request(Command.UPDATE_DATE_TIME, fields)

    async def reboot(self) -> None:
        """Reboot the terminal; it is offline for a while afterwards (2.9.3)."""
        await self.request(Command.REBOOT)

    async def restart_application(self) -> None:
        """Restart the capture application (2.9.4)."""
        await self.request(Command.RESTART_APPLICATION)

    # -----------------------------------------------------------------------------------------
    # 2.10 Screen

    async def get_screensaver_mode(self) -> ScreensaverMode | str:
        """The screensaver mode (2.10.1); an unknown mode is returned as the device's text."""
        reply = await self.request(Command.REQUEST_LCD_SCREENSAVER)
        mode = opt_str(reply.get("screensaver_mode"))
        if mode is None:
            raise FaceCaptureResponseError("The reply to 'request lcd screensaver' has no mode")
        try:
            return ScreensaverMode(mode)
        except ValueError:
            return mode

    async def set_screensaver_mode(self, mode: ScreensaverMode) -> None:
        """Set the screensaver mode (2.10.2)."""
        await self.request(Command.UPDATE_LCD_SCREENSAVER, {"screensaver_mode": str(mode)})

    async def get_screensaver_media(self) -> tuple[ScreensaverMedia, ...]:
        """The screensaver media files (2.10.3)."""
        reply = await self.request(Command.REQUEST_LCD_MEDIA)
        return reply_model(Command.REQUEST_LCD_MEDIA, parse_media_list, reply)

    async def update_screensaver_media(
        self, media: Sequence[ScreensaverMedia]
    ) -> tuple[ScreensaverMedia, ...]:
        """Register uploaded files as screensaver media, at most 10 (2.10.4)."""
        reply = await self.request(
            Command.UPDATE_LCD_MEDIA, {"screensaver_media_list": self._media(media)}
        )
        return reply_model(Command.UPDATE_LCD_MEDIA, parse_media_list, reply)

    async def delete_screensaver_media(
        self, media: Sequence[ScreensaverMedia]
    ) -> tuple[ScreensaverMedia, ...]:
        """Delete screensaver media, at most 10 (2.10.5)."""
        reply = await self.request(
            Command.DELETE_LCD_MEDIA, {"screensaver_media_list": self._media(media)}
        )
        return reply_model(Command.DELETE_LCD_MEDIA, parse_media_list, reply)

    @staticmethod
    def _media(media: Sequence[ScreensaverMedia]) -> list[JsonObject]:
        if not 1 <= len(media) <= 10:
            raise FaceCaptureValidationError("Give 1 to 10 media files")
        return [item.to_dict() for item in media]

    async def display_text(
        self,
        texts: DisplayText | Sequence[DisplayText],
        *,
        encoding: TextEncoding = TextEncoding.UTF8,
    ) -> None:
        """Show text on the screen (2.10.6)."""
        items = [texts] if isinstance(texts, DisplayText) else list(texts)
        if not items:
            raise FaceCaptureValidationError("No text to display")
        await self.request(
            Command.TEXT_DISPLAY,
            {"coding_type": str(encoding), "text_list": [item.to_dict() for item in items]},
        )

    async def display_image(
        self, image: bytes, *, x: int = 0, y: int = 0, alive_time: int = 5000
    ) -> None:
        """Show a JPEG or PNG on the screen for ``alive_time`` ms, 0 for ever (2.10.7)."""
        image_format = check_image(image)
        await self.request(
            Command.IMAGE_DISPLAY,
            {
                "position": {"x": x, "y": y},
                "alive_time": alive_time,
                "format": str(image_format),
                "image_data": encode_base64(image),
            },
        )

    # -----------------------------------------------------------------------------------------
    # 2.11 Upgrade

    async def ask_upgrade(
        self,
        firmware: FirmwareInfo,
        *,
        device_sn: str = "",
        device_no: str = "",
        last_upgrade_code: int = 0,
    ) -> UpgradeInfo:
        """Ask whether an upgrade exists for ``firmware`` (2.11; normally the device asks a server)."""
        reply = await self.request(
            Command.ASK_UPGRADE,
            {
                "device_sn": device_sn,
                "device_no": device_no,
                "last_upgrade_code": last_upgrade_code,
                "firmware": firmware.to_dict(),
            },
        )
        return UpgradeInfo.from_dict(reply)

    # -----------------------------------------------------------------------------------------
    # 2.12 Audio

    async def tts_play(self, text: str) -> None:
        """Speak text with the terminal's TTS (2.12.1; the document says Chinese only)."""
        if not text.strip():
            raise FaceCaptureValidationError("The text to speak must not be empty")
        await self.request(Command.TTS_PLAY, {"text": text})

    async def play_audio_stream(self, wav: bytes) -> None:
        """Play a WAV sent with the request (2.12.2)."""
        if not (wav.startswith(b"RIFF") and wav[8:12] == b"WAVE"):
            raise FaceCaptureValidationError("The terminal plays WAV audio only")
        if len(wav) > MAX_AUDIO_BYTES:
            raise FaceCaptureValidationError(
                f"The audio is {len(wav)} bytes; the terminal takes at most {MAX_AUDIO_BYTES}"
            )
        await self.request(
            Command.PLAY_AUDIO_STREAM, {"audio": {"format": "wav", "data": encode_base64(wav)}}
        )

    async def browse_audio_list(self) -> tuple[AudioClip, ...]:
        """The built-in audio clips (2.12.3)."""
        reply = await self.request(Command.BROWSE_AUDIO_LIST)
        return reply_model(
            Command.BROWSE_AUDIO_LIST,
            lambda data: tuple(
                AudioClip.from_dict(item)
                for item in data.get("audio_list") or ()
                if isinstance(item, dict)
            ),
            reply,
        )

    async def play_audio(self, audio_no: int, audio_name: str) -> None:
        """Play a built-in clip (2.12.4)."""
        await self.request(Command.PLAY_AUDIO, {"audio_no": audio_no, "audio_name": audio_name})

    # -----------------------------------------------------------------------------------------
    # 2.13 Hardware

    async def get_hardware_info(self) -> HardwareInfo:
        """Board, chip, sensor, screen and whether a 4G module is fitted (2.13.1)."""
        return HardwareInfo.from_dict(await self.request(Command.GET_HARDWARE_INFO))

    async def set_hardware_info(
        self, *, lcd_model: str | None = None, has_4g: bool | None = None
    ) -> None:
        """Declare the screen model or the 4G module (2.13.2)."""
        fields: JsonObject = {}
        if lcd_model is not None:
            fields["Lcd"] = {"manu": "", "model": lcd_model}
        if has_4g is not None:
            fields["FourG"] = {"moduler_4g": "YES" if has_4g else "NO"}
        if not fields:
            raise FaceCaptureValidationError("No hardware information to set")
        await self.request(Command.SET_HARDWARE_INFO, fields)

    # -----------------------------------------------------------------------------------------
    # 2.14 Files

    async def download_file_chunk(
        self, path: str, *, offset: int = 0, size: int = MAX_DOWNLOAD_CHUNK
    ) -> FileChunk:
        """One chunk of a file on the terminal, at most 10240 bytes (2.14.1)."""
        reply = await self.request(
            Command.DOWNLOAD_FILE,
            {
                "path": path,
                "offset": offset,
                "size": _range("The chunk size", size, 1, MAX_DOWNLOAD_CHUNK),
            },
        )
        chunk = reply_model(Command.DOWNLOAD_FILE, FileChunk.from_dict, reply)
        if chunk.md5sum and hashlib.md5(chunk.data).hexdigest() != chunk.md5sum.lower():  # noqa: S324 - the protocol's checksum
            raise FaceCaptureResponseError(f"The chunk of {path} at {offset} failed its md5 check")
        return chunk

    async def download_file(self, path: str, *, chunk_size: int = MAX_DOWNLOAD_CHUNK) -> bytes:
        """A whole file from the terminal, chunk by chunk, each checked against its md5."""
        data = bytearray()
        while True:
            chunk = await self.download_file_chunk(path, offset=len(data), size=chunk_size)
            if chunk.offset != len(data):
                raise FaceCaptureResponseError(
                    f"The terminal sent {path} from offset {chunk.offset}, not {len(data)}"
                )
            data += chunk.data
            if len(data) >= chunk.total_size:
                return bytes(data[: chunk.total_size])
            if not chunk.data:
                raise FaceCaptureResponseError(
                    f"The terminal stopped sending {path} at {len(data)} bytes"
                )

    async def upload_file_chunk(
        self, path: str, *, total_size: int, offset: int, data: bytes
    ) -> None:
        """Send one chunk of a file, at most 200 kB, with its md5 (2.14.2)."""
        _range("The chunk size", len(data), 1, MAX_UPLOAD_CHUNK)
        await self.request(
            Command.UPLOAD_FILE,
            {
                "path": path,
                "total_size": total_size,
                "offset": offset,
                "size": len(data),
                "data": encode_base64(data),
                "md5sum": hashlib.md5(data).hexdigest(),  # noqa: S324 - the protocol's checksum
            },
        )

    async def upload_file(
        self, path: str, data: bytes, *, chunk_size: int = MAX_UPLOAD_CHUNK
    ) -> None:
        """Send a whole file to the terminal in checked chunks."""
        if not data:
            raise FaceCaptureValidationError("The file is empty")
        _range("The chunk size", chunk_size, 1, MAX_UPLOAD_CHUNK)
        for offset in range(0, len(data), chunk_size):
            await self.upload_file_chunk(
                path, total_size=len(data), offset=offset, data=data[offset : offset + chunk_size]
            )

    # -----------------------------------------------------------------------------------------
    # 2.15 Encryption of names and ids in pushes

    async def set_aes(
        self, original_key: bytes, *, enable: bool | None = None, new_key: bytes | None = None
    ) -> None:
        """Turn AES encryption of names/ids on or off, or change its key (2.15.1)."""
        for name, key in (("original key", original_key), ("new key", new_key)):
            if key is not None and len(key) > 16:
                raise FaceCaptureValidationError(f"The {name} must be at most 16 bytes")
        fields: JsonObject = {"ori_key": encode_base64(original_key)}
        if enable is not None:
            fields["enable"] = enable
        if new_key is not None:
            fields["new_key"] = encode_base64(new_key)
        await self.request(Command.UPDATE_AES, fields)

    async def get_aes(self) -> bool:
        """Whether names and ids in pushes are encrypted (2.15.2)."""
        reply = await self.request(Command.REQUEST_AES)
        return opt_bool(reply.get("enable")) is True

    # -----------------------------------------------------------------------------------------
    # 2.16 SIP

    async def sip_register(
        self, domain: str, port: int, username: str, password: str | None = None
    ) -> None:
        """Register the terminal with a SIP server (2.16.1)."""
        fields: JsonObject = {"domain": domain, "port": port, "username": username}
        if password is not None:
            fields["password"] = password
        await self.request(Command.SIP_REGISTER, fields)

    async def sip_call(self, url: str) -> None:
        """Call a SIP account, ``sip:user@domain:port`` (2.16.2)."""
        if not url.startswith("sip:") or "@" not in url:
            raise FaceCaptureValidationError("A SIP address looks like sip:user@domain:port")
        await self.request(Command.SIP_CALL, {"url": url})

    async def sip_hangup(self) -> None:
        """End the current SIP call (2.16.3)."""
        await self.request(Command.SIP_HANGUP)

    # -----------------------------------------------------------------------------------------
    # 2.17 4G, 2.18 volume, and `get version`

    async def get_4g_info(self) -> FourGInfo:
        """The 4G module, SIM, operator and signal (2.17.1)."""
        return FourGInfo.from_dict(await self.request(Command.REQUEST_4G_INFO))

    async def traffic_statistics(
        self, month: int, day: str | None = None
    ) -> tuple[TrafficDay, ...]:
        """4G data usage of a month, or of days such as "1-9", "1-" or "1" (2.17.2)."""
        fields: JsonObject = {"month": _range("The month", month, 1, 12)}
        if day is not None:
            fields["day"] = day
        reply = await self.request(Command.TRAFFIC_STATISTICS, fields)
        return reply_model(
            Command.TRAFFIC_STATISTICS,
            lambda data: tuple(
                TrafficDay.from_dict(item)
                for item in data.get("statistics") or ()
                if isinstance(item, dict)
            ),
            reply,
        )

    async def get_volume(self) -> int:
        """The speaker volume, 0-100 (2.18.2)."""
        reply = await self.request(Command.CAMERA_VOLUME, {"method": "GET"})
        volume = opt_int(reply.get("volume"))
        if volume is None:
            raise FaceCaptureResponseError("The reply to 'camera volume' has no volume")
        return volume

    async def set_volume(self, volume: int) -> None:
        """Set the speaker volume, 0-100 (2.18.1)."""
        await self.request(
            Command.CAMERA_VOLUME, {"method": "SET", "volume": _range("The volume", volume, 0, 100)}
        )

    async def get_version(self) -> VersionInfo:
        """Protocol and firmware versions (newer firmware; the document does not list it)."""
        return VersionInfo.from_dict(await self.request(Command.GET_VERSION))

    async def get_network(self) -> NetworkInfo:
        """Network settings with the MAC address (newer firmware; the document does not list it).

        Older firmware answers code 2 (``FaceCaptureUnsupportedError``).
        """
        return NetworkInfo.from_dict(await self.request(Command.GET_NETWORK))
