"""Typed models of the terminal's replies.

Each model has a ``from_dict`` that reads the device's JSON leniently (documented misspellings,
numbers as int, float or string) and keeps what it does not read in ``extra``, because the device
adds fields without notice. A required field that is missing raises ``MissingFieldError``, which the
client turns into ``FaceCaptureResponseError``: a model is whole or refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import re
from typing import Any, Self

from ._parse import (
    JsonObject,
    MissingFieldError,
    dict_items,
    first_key,
    opt_bool,
    opt_dict,
    opt_float,
    opt_int,
    opt_str,
    req_int,
    req_str,
    str_list,
    unknown_fields,
)
from .images import decode_base64, strip_data_url

_REPLY_KEYS = frozenset({"reply", "cmd", "code", "desc", "device_sn", "version"})
_TIME_PATTERN = re.compile(
    r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?\s*$"
)


def parse_device_time(text: str | None) -> datetime | None:
    """Parse the terminal's local time, ``YYYY/MM/DD HH:MM:SS`` with optional ``.mmm``.

    The result is naive: the terminal's clock carries no zone, and only the caller knows which
    zone it runs in. Unparsable or impossible times give None.
    """
    if not text or not (match := _TIME_PATTERN.match(text)):
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return datetime(  # noqa: DTZ001 - the device clock has no zone; the caller adds one
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro
        )
    except ValueError:
        return None


def format_device_time(value: datetime) -> str:
    """Format a time the way the terminal expects it (its local clock, no zone)."""
    return value.strftime("%Y/%m/%d %H:%M:%S")


def _image(value: Any) -> bytes | None:
    """Decode an optional base64 image; an empty or broken one is absent."""
    text = opt_str(value)
    if not text or not strip_data_url(text).strip():
        return None
    try:
        return decode_base64(text)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Persons and records (sections 2.1 and 2.2.2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A registered person as `request persons` returns it."""

    id: str
    name: str | None = None
    role: int | None = None
    kind: int | None = None
    wg_card_id: int | None = None
    long_card_id: int | None = None
    term_start: str | None = None
    term: str | None = None
    customer_text: str | None = None
    images: tuple[bytes, ...] = ()
    image_count: int | None = None
    """How many registration photos the terminal holds (`image_num`), also when none were asked for."""
    feature_data: tuple[float, ...] = ()
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset(
        {
            "id", "name", "role", "kind", "wg_card_id", "long_card_id", "term_start", "term",
            "customer_text", "reg_images", "image_num", "feature_data", "feature_num",
            "feature_unit_size",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `persons`."""
        images = tuple(
            image
            for item in dict_items(data.get("reg_images"))
            if (image := _image(first_key(item, "image_data", "data"))) is not None
        )
        features = (
            tuple(
                number
                for item in data.get("feature_data") or ()
                if (number := opt_float(item)) is not None
            )
            if isinstance(data.get("feature_data"), list)
            else ()
        )
        return cls(
            id=req_str(data, "id", "person_id"),
            name=opt_str(first_key(data, "name", "person_name")),
            role=opt_int(data.get("role")),
            kind=opt_int(data.get("kind")),
            wg_card_id=opt_int(data.get("wg_card_id")),
            long_card_id=opt_int(data.get("long_card_id")),
            term_start=opt_str(data.get("term_start")),
            term=opt_str(first_key(data, "term", "term ")),
            customer_text=opt_str(data.get("customer_text")),
            images=images,
            image_count=opt_int(data.get("image_num")),
            feature_data=features,
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonPage:
    """One page of `request persons`."""

    total: int
    page_no: int
    persons: tuple[Person, ...]

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request persons`."""
        persons = tuple(Person.from_dict(item) for item in dict_items(data.get("persons")))
        return cls(
            total=req_int(data, "total"),
            page_no=opt_int(data.get("page_no")) or 1,
            persons=persons,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonResult:
    """The reply of a person command: the id it applied to, and a look-alike already registered."""

    id: str | None
    duplicate_id: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {"id", "duplicate_id"}

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of upload/add/update/delete person."""
        return cls(
            id=opt_str(data.get("id")),
            duplicate_id=opt_str(data.get("duplicate_id")) or None,
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One capture in the terminal's history (`request records`)."""

    sequence: int
    time: str | None = None
    captured_at: datetime | None = None
    score: int | None = None
    person_id: str | None = None
    name: str | None = None
    role: int | None = None
    body_temp: float | None = None
    match_type: int | None = None
    match_failed_reason: int | None = None
    upload_state: int | None = None
    customer_id: str | None = None
    face_image: bytes | None = None
    reg_image: bytes | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset(
        {
            "sequence", "time", "score", "id", "name", "role", "body_temp", "match_type",
            "match_failed_reson", "match_failed_reason", "upload_state", "customer_id",
            "face_image", "reg_image",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `records`."""
        match_type = first_key(data, "match_type")
        time = opt_str(data.get("time"))
        return cls(
            sequence=req_int(data, "sequence", "sequence_no"),
            time=time,
            captured_at=parse_device_time(time),
            score=opt_int(data.get("score")),
            person_id=opt_str(data.get("id")) or None,
            name=opt_str(data.get("name")) or None,
            role=opt_int(data.get("role")),
            body_temp=opt_float(first_key(data, "body_temp", "temperatur", "temperature")),
            match_type=opt_int(match_type),
            match_failed_reason=opt_int(
                first_key(data, "match_failed_reson", "match_failed_reason")
            ),
            upload_state=opt_int(data.get("upload_state")),
            customer_id=opt_str(data.get("customer_id")) or None,
            face_image=_image(data.get("face_image")),
            reg_image=_image(data.get("reg_image")),
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordPage:
    """One page of `request records`."""

    total: int
    page_no: int
    records: tuple[Record, ...]

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request records`."""
        return cls(
            total=req_int(data, "total"),
            page_no=opt_int(data.get("page_no")) or 1,
            records=tuple(Record.from_dict(item) for item in dict_items(data.get("records"))),
        )


# ---------------------------------------------------------------------------------------------
# Application parameters (section 2.3.1)


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadInfo:
    """Where the terminal pushes captures (`upload_info`)."""

    method: str | None = None
    server_ip: str | None = None
    server_domain: str | None = None
    server_port: int | None = None
    service_url: str | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read `upload_info`."""
        return cls(
            method=opt_str(data.get("method")),
            server_ip=opt_str(data.get("server_ip")),
            server_domain=opt_str(data.get("server_domain")),
            server_port=opt_int(data.get("server_port")),
            service_url=opt_str(data.get("service_url")),
        )

    @property
    def url(self) -> str | None:
        """The full URL the terminal posts to, as the terminal builds it."""
        if (self.method or "").lower() != "http":
            return None
        host = self.server_ip or self.server_domain
        if not host:
            return None
        scheme = "http"
        for prefix in ("https://", "http://"):
            if host.lower().startswith(prefix):
                scheme, host = prefix[:-3], host[len(prefix) :]
        port = f":{self.server_port}" if self.server_port else ""
        path = self.service_url or "/"
        if not path.startswith("/"):
            path = "/" + path
        return f"{scheme}://{host}{port}{path}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyTemperatureParams:
    """`face.body_temperature`."""

    enable: bool | None = None
    limit: float | None = None
    fahrenheit: bool | None = None
    correction: float | None = None
    range_min: float | None = None
    range_max: float | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read `body_temperature`."""
        return cls(
            enable=opt_bool(data.get("enable")),
            limit=opt_float(data.get("limit")),
            fahrenheit=opt_bool(data.get("fahrenheit_unit")),
            correction=opt_float(data.get("correction_value")),
            range_min=opt_float(data.get("range_min")),
            range_max=opt_float(data.get("range_max")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MaskParams:
    """`face.mask`."""

    enable: bool | None = None
    must_wear_mask: bool | None = None
    no_mask_alarm: bool | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read `mask`."""
        return cls(
            enable=opt_bool(data.get("enable")),
            must_wear_mask=opt_bool(data.get("must_wear_mask")),
            no_mask_alarm=opt_bool(data.get("no_mask_alarm")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FaceParams:
    """`face`: recognition settings."""

    enable_match: bool | None = None
    match_score: int | None = None
    enable_dereplication: bool | None = None
    derep_timeout: int | None = None
    min_face_size: int | None = None
    name_privacy: bool | None = None
    enable_alive: bool | None = None
    pic_form: str | None = None
    body_temperature: BodyTemperatureParams | None = None
    mask: MaskParams | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read `face`; the document spells one key `"derep_timeout "` with a trailing space."""
        temperature = opt_dict(data.get("body_temperature"))
        mask = opt_dict(data.get("mask"))
        return cls(
            enable_match=opt_bool(data.get("enable_match")),
            match_score=opt_int(data.get("match_score")),
            enable_dereplication=opt_bool(data.get("enable_dereplication")),
            derep_timeout=opt_int(first_key(data, "derep_timeout", "derep_timeout ")),
            min_face_size=opt_int(data.get("min_face_size")),
            name_privacy=opt_bool(data.get("name_privacy")),
            enable_alive=opt_bool(data.get("enable_alive")),
            pic_form=opt_str(data.get("pic_form")),
            body_temperature=BodyTemperatureParams.from_dict(temperature)
            if temperature is not None
            else None,
            mask=MaskParams.from_dict(mask) if mask is not None else None,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GateControl:
    """`gate_control`: relay and Wiegand output."""

    output_mode: str | None = None
    gate_mode: int | None = None
    match_mode: int | None = None
    gpio_state: int | None = None
    gpio_retention_time: int | None = None
    wg_protocol: str | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read `gate_control`."""
        return cls(
            output_mode=opt_str(data.get("output_mode")),
            gate_mode=opt_int(data.get("gate_mode")),
            match_mode=opt_int(data.get("match_mode")),
            gpio_state=opt_int(data.get("gpio_state")),
            gpio_retention_time=opt_int(data.get("gpio_retention_time")),
            wg_protocol=opt_str(data.get("wg_protocol")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AppParams:
    """The terminal's application parameters.

    ``raw`` is the whole reply (less the reply envelope) as the terminal sent it, for the
    settings that have no typed field here; the typed fields are the ones Home Assistant uses.
    """

    raw: JsonObject
    device_no: str | None = None
    addr_no: str | None = None
    addr_name: str | None = None
    upload_info: UploadInfo | None = None
    face: FaceParams | None = None
    gate_control: GateControl | None = None
    led_mode: int | None = None
    led_brightness: int | None = None
    lcd_title: str | None = None
    qr_code_enabled: bool | None = None
    auto_clean: bool | None = None
    auth_enabled: bool | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request app params`."""
        raw = unknown_fields(data, _REPLY_KEYS)
        device_info = opt_dict(data.get("device_info")) or {}
        upload = opt_dict(data.get("upload_info"))
        face = opt_dict(data.get("face"))
        gate = opt_dict(data.get("gate_control"))
        led = opt_dict(data.get("led_control")) or {}
        lcd = opt_dict(data.get("lcd_control")) or {}
        qr_code = opt_dict(data.get("qr_code_control")) or {}
        name_list = opt_dict(data.get("name_list")) or {}
        auth = opt_dict(data.get("auth")) or {}
        return cls(
            raw=raw,
            device_no=opt_str(device_info.get("device_no")),
            addr_no=opt_str(device_info.get("addr_no")),
            addr_name=opt_str(device_info.get("addr_name")),
            upload_info=UploadInfo.from_dict(upload) if upload is not None else None,
            face=FaceParams.from_dict(face) if face is not None else None,
            gate_control=GateControl.from_dict(gate) if gate is not None else None,
            led_mode=opt_int(led.get("led_mode")),
            led_brightness=opt_int(led.get("led_brightness")),
            lcd_title=opt_str(lcd.get("lcd_title")),
            qr_code_enabled=opt_bool(qr_code.get("enable")),
            auto_clean=opt_bool(name_list.get("auto_clean")),
            auth_enabled=opt_bool(auth.get("enable")),
        )

    def get(self, *path: str) -> Any:
        """Return a nested value of ``raw`` (``params.get("face", "mask", "enable")``) or None."""
        node: Any = self.raw
        for key in path:
            if not isinstance(node, dict):
                return None
            node = first_key(node, key, f"{key} ")
        return node

    def key_path(self, *path: str) -> tuple[str, ...]:
        """Spell ``path`` as this terminal does, so a write lands on the key it reported.

        The document spells some keys with a trailing space (``"derep_timeout "``); a key the
        terminal reported only in that form is written in that form, any other as given.
        """
        spelled: list[str] = []
        node: Any = self.raw
        for key in path:
            if isinstance(node, dict) and key not in node and f"{key} " in node:
                key = f"{key} "  # noqa: PLW2901 - the terminal's spelling replaces ours
            spelled.append(key)
            node = node.get(key) if isinstance(node, dict) else None
        return tuple(spelled)


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamParams:
    """`request stream params`: imaging and video settings."""

    max_exposure: int | None = None
    max_gain: int | None = None
    contrast: int | None = None
    saturation: int | None = None
    brightness: int | None = None
    bitrate: int | None = None
    raw: JsonObject = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request stream params`."""
        image = opt_dict(data.get("image")) or {}
        video = opt_dict(data.get("video")) or {}
        return cls(
            max_exposure=opt_int(image.get("max_exposure")),
            max_gain=opt_int(image.get("max_gain")),
            contrast=opt_int(image.get("contrast")),
            saturation=opt_int(image.get("saturation")),
            brightness=opt_int(image.get("brightness")),
            bitrate=opt_int(video.get("bitrate")),
            raw=unknown_fields(data, _REPLY_KEYS),
        )


# ---------------------------------------------------------------------------------------------
# Schedules (sections 2.3.7 to 2.3.9)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeSection:
    """A span of a day, start inclusive, end exclusive."""

    start_hour: int
    start_minute: int
    end_hour: int
    end_minute: int
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"start", "end"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `sections`."""
        start = opt_dict(data.get("start")) or {}
        end = opt_dict(data.get("end")) or {}
        return cls(
            start_hour=req_int(start, "hour"),
            start_minute=opt_int(start.get("minute")) or 0,
            end_hour=req_int(end, "hour"),
            end_minute=opt_int(end.get("minute")) or 0,
            extra=unknown_fields(data, cls._KNOWN),
        )

    def to_dict(self) -> JsonObject:
        """Write the protocol form, with what the terminal added to it."""
        return {
            **self.extra,
            "start": {"hour": self.start_hour, "minute": self.start_minute},
            "end": {"hour": self.end_hour, "minute": self.end_minute},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleKind:
    """An access rule: a kind number 1-15, daily or weekly, with time sections per day."""

    kind: int
    name: str = ""
    mode: str = "daily"
    days: tuple[tuple[TimeSection, ...], ...] = ()
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"kind", "name", "mode", "days"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `kinds`."""
        return cls(
            kind=req_int(data, "kind"),
            name=opt_str(data.get("name")) or "",
            mode=opt_str(data.get("mode")) or "daily",
            days=tuple(
                tuple(TimeSection.from_dict(section) for section in dict_items(day.get("sections")))
                for day in dict_items(data.get("days"))
            ),
            extra=unknown_fields(data, cls._KNOWN),
        )

    def to_dict(self) -> JsonObject:
        """Write the protocol form; a rule read and written back keeps what the terminal added."""
        return {
            **self.extra,
            "name": self.name,
            "kind": self.kind,
            "mode": self.mode,
            "days": [{"sections": [section.to_dict() for section in day]} for day in self.days],
        }


def parse_schedule(data: JsonObject) -> tuple[ScheduleKind, ...]:
    """Read the reply of `request schedule params`; a terminal without rules may omit `kinds`."""
    return tuple(ScheduleKind.from_dict(item) for item in dict_items(data.get("kinds")))


# ---------------------------------------------------------------------------------------------
# Device information and control replies


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """A still image from the terminal's camera."""

    image: bytes
    format: str = "jpg"
    time_stamp: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {"image", "image "}
    _KNOWN_IMAGE = frozenset({"image_data", "data", "format", "time_stamp"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `snapshot`; the document spells the key `"image "`.

        Unknown fields of the image object are kept under ``extra["image"]``.
        """
        body = opt_dict(first_key(data, "image", "image ")) or {}
        image = _image(first_key(body, "image_data", "data"))
        if image is None:
            raise MissingFieldError("image.image_data")
        extra = unknown_fields(data, cls._KNOWN)
        if image_extra := unknown_fields(body, cls._KNOWN_IMAGE):
            extra["image"] = image_extra
        return cls(
            image=image,
            format=opt_str(body.get("format")) or "jpg",
            time_stamp=opt_str(body.get("time_stamp")),
            extra=extra,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceTime:
    """The terminal's clock: the text it sent, and that text read as a naive local time."""

    text: str
    value: datetime | None
    timezone: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {"date_time", "timezone"}

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request date time`."""
        text = req_str(data, "date_time")
        return cls(
            text=text,
            value=parse_device_time(text),
            timezone=opt_str(data.get("timezone")),
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """A hardware component: manufacturer and model."""

    manufacturer: str | None = None
    model: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Self | None:
        """Read one of the hardware info objects."""
        if not isinstance(data, dict):
            return None
        return cls(
            manufacturer=opt_str(data.get("manu")) or None, model=opt_str(data.get("model")) or None
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class HardwareInfo:
    """`get hardware info`."""

    device_sn: str | None
    board: Component | None = None
    chip: Component | None = None
    sensor: Component | None = None
    lcd: Component | None = None
    lcd_supported: tuple[str, ...] = ()
    has_4g: bool = False
    raw: JsonObject = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `get hardware info`."""
        four_g = opt_dict(first_key(data, "FourG", "fourg", "4G")) or {}
        lcd = opt_dict(data.get("Lcd")) or {}
        return cls(
            device_sn=opt_str(data.get("device_sn")),
            board=Component.from_dict(data.get("Board")),
            chip=Component.from_dict(data.get("Chip")),
            sensor=Component.from_dict(data.get("Sensor")),
            lcd=Component.from_dict(data.get("Lcd")),
            lcd_supported=tuple(str_list(lcd.get("support"))),
            has_4g=opt_bool(first_key(four_g, "moduler_4g", "module_4g")) is True,
            raw=unknown_fields(data, _REPLY_KEYS),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FirmwareInfo:
    """A firmware description, as `ask_upgrade` and `get version` carry it."""

    system: str | None = None
    app_version: str | None = None
    alg_version: str | None = None
    platform: str | None = None
    sensor: str | None = None
    board: str | None = None
    motor: str | None = None
    lcd: str | None = None
    timestamp: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {
        "system", "appversion", "app_version", "soft_version", "algversion", "alg_version",
        "platform", "sensor", "board", "motor", "lcd", "timestamp",
    }  # fmt: skip

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read a `firmware` object (or a flat reply carrying the same keys)."""
        return cls(
            system=opt_str(data.get("system")),
            app_version=opt_str(first_key(data, "appversion", "app_version", "soft_version")),
            alg_version=opt_str(first_key(data, "algversion", "alg_version")),
            platform=opt_str(data.get("platform")),
            sensor=opt_str(data.get("sensor")),
            board=opt_str(data.get("board")),
            motor=opt_str(data.get("motor")),
            lcd=opt_str(data.get("lcd")),
            timestamp=opt_str(data.get("timestamp")),
            extra=unknown_fields(data, cls._KNOWN),
        )

    def to_dict(self) -> JsonObject:
        """Write the protocol form: the fields it read back as they came, unknown ones left out."""
        pairs = {
            "system": self.system,
            "appversion": self.app_version,
            "algversion": self.alg_version,
            "platform": self.platform,
            "sensor": self.sensor,
            "board": self.board,
            "motor": self.motor,
            "lcd": self.lcd,
            "timestamp": self.timestamp,
        }
        return {**self.extra, **{key: value for key, value in pairs.items() if value is not None}}


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionInfo:
    """`get version` (not in the document; the vendor tool sends it to newer firmware)."""

    protocol_version: str | None
    firmware: FirmwareInfo
    raw: JsonObject = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply; the firmware may be nested or flat, so both are read."""
        nested = opt_dict(data.get("firmware"))
        return cls(
            protocol_version=opt_str(data.get("version")),
            firmware=FirmwareInfo.from_dict(nested if nested is not None else data),
            raw=unknown_fields(data, _REPLY_KEYS),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class UpgradeInfo:
    """The reply of `ask_upgrade`."""

    upgrade_type: str
    url: str | None = None
    md5sum: str | None = None
    firmware: FirmwareInfo | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {"upgrade_type", "upgrade_file", "firmware"}
    _KNOWN_FILE = frozenset({"url", "md5sum"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `ask_upgrade`; unknown `upgrade_file` fields go to ``extra``."""
        upgrade_file = opt_dict(data.get("upgrade_file")) or {}
        firmware = opt_dict(data.get("firmware"))
        extra = unknown_fields(data, cls._KNOWN)
        if file_extra := unknown_fields(upgrade_file, cls._KNOWN_FILE):
            extra["upgrade_file"] = file_extra
        return cls(
            upgrade_type=opt_str(data.get("upgrade_type")) or "none",
            url=opt_str(upgrade_file.get("url")),
            md5sum=opt_str(upgrade_file.get("md5sum")),
            firmware=FirmwareInfo.from_dict(firmware) if firmware is not None else None,
            extra=extra,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreensaverMedia:
    """A screensaver media file on the terminal."""

    sequence: int
    media_name: str
    path: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"sequence", "media_name", "path"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `screensaver_media_list`."""
        return cls(
            sequence=req_int(data, "sequence"),
            media_name=opt_str(data.get("media_name")) or "",
            path=opt_str(data.get("path")),
            extra=unknown_fields(data, cls._KNOWN),
        )

    def to_dict(self) -> JsonObject:
        """Write the request form (sequence and name)."""
        return {"sequence": self.sequence, "media_name": self.media_name}


def parse_media_list(data: JsonObject) -> tuple[ScreensaverMedia, ...]:
    """Read `screensaver_media_list` (absent means none)."""
    return tuple(
        ScreensaverMedia.from_dict(item) for item in dict_items(data.get("screensaver_media_list"))
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioClip:
    """A built-in audio clip."""

    audio_no: int
    audio_name: str
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"audio_no", "audio_name"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `audio_list`."""
        return cls(
            audio_no=req_int(data, "audio_no"),
            audio_name=opt_str(data.get("audio_name")) or "",
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FileChunk:
    """One chunk of `download file`."""

    path: str
    total_size: int
    offset: int
    size: int
    data: bytes
    md5sum: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {"path", "total_size", "offset", "size", "data", "md5sum"}

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `download file`."""
        text = opt_str(data.get("data")) or ""
        try:
            content = decode_base64(text) if text else b""
        except ValueError:
            raise MissingFieldError("data") from None
        size = opt_int(data.get("size"))
        return cls(
            path=opt_str(data.get("path")) or "",
            total_size=req_int(data, "total_size"),
            offset=opt_int(data.get("offset")) or 0,
            size=len(content) if size is None else size,
            data=content,
            md5sum=opt_str(data.get("md5sum")),
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GpsInfo:
    """A GPS fix (strings as the device sends them)."""

    n: str | None = None
    e: str | None = None
    strength: int | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"n", "e", "strength"})

    @classmethod
    def from_dict(cls, data: Any) -> Self | None:
        """Read a `gps` object."""
        if not isinstance(data, dict):
            return None
        return cls(
            n=opt_str(data.get("n")),
            e=opt_str(data.get("e")),
            strength=opt_int(data.get("strength")),
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FourGInfo:
    """`request 4g infor`."""

    module_ready: bool | None = None
    sim_ready: bool | None = None
    iccid: str | None = None
    imsi: str | None = None
    operator: str | None = None
    signal_strength: int | None = None
    gps: GpsInfo | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = _REPLY_KEYS | {
        "module_ready", "sim_ready", "ICCID", "IMSI", "operator", "signal_strength", "gps",
    }  # fmt: skip

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request 4g infor`."""
        return cls(
            module_ready=opt_bool(data.get("module_ready")),
            sim_ready=opt_bool(data.get("sim_ready")),
            iccid=opt_str(data.get("ICCID")) or None,
            imsi=opt_str(data.get("IMSI")) or None,
            operator=opt_str(data.get("operator")) or None,
            signal_strength=opt_int(data.get("signal_strength")),
            gps=GpsInfo.from_dict(data.get("gps")),
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrafficDay:
    """4G data usage of one day."""

    date: str
    bytes_rx: int
    bytes_tx: int
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset({"date", "bytes_rx", "bytes_tx"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `statistics`."""
        return cls(
            date=req_str(data, "date"),
            bytes_rx=opt_int(data.get("bytes_rx")) or 0,
            bytes_tx=opt_int(data.get("bytes_tx")) or 0,
            extra=unknown_fields(data, cls._KNOWN),
        )
