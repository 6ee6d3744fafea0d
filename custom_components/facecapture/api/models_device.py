"""Device information and control replies: snapshot, clock, hardware, firmware, 4G."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from ._parse import (
    JsonObject,
    MissingFieldError,
    first_key,
    opt_bool,
    opt_dict,
    opt_int,
    opt_str,
    req_str,
    str_list,
    unknown_fields,
)
from .models_base import REPLY_KEYS, optional_image, parse_device_time


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """A still image from the terminal's camera."""

    image: bytes
    format: str = "jpg"
    time_stamp: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = REPLY_KEYS | {"image", "image "}
    _KNOWN_IMAGE = frozenset({"image_data", "data", "format", "time_stamp"})

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `snapshot`; the document spells the key `"image "`.

        Unknown fields of the image object are kept under ``extra["image"]``.
        """
        body = opt_dict(first_key(data, "image", "image ")) or {}
        image = optional_image(first_key(body, "image_data", "data"))
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

    _KNOWN = REPLY_KEYS | {"date_time", "timezone"}

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
            raw=unknown_fields(data, REPLY_KEYS),
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

    _KNOWN = REPLY_KEYS | {
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
            raw=unknown_fields(data, REPLY_KEYS),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class UpgradeInfo:
    """The reply of `ask_upgrade`."""

    upgrade_type: str
    url: str | None = None
    md5sum: str | None = None
    firmware: FirmwareInfo | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = REPLY_KEYS | {"upgrade_type", "upgrade_file", "firmware"}
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


# ---------------------------------------------------------------------------------------------
# The 4G module (section 2.17)


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

    _KNOWN = REPLY_KEYS | {
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
