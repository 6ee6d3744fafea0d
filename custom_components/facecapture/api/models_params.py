"""Application, stream and schedule parameters (section 2.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from ._parse import (
    JsonObject,
    dict_items,
    first_key,
    opt_bool,
    opt_dict,
    opt_float,
    opt_int,
    opt_str,
    req_int,
    unknown_fields,
)
from .models_base import REPLY_KEYS


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
        raw = unknown_fields(data, REPLY_KEYS)
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
            raw=unknown_fields(data, REPLY_KEYS),
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
