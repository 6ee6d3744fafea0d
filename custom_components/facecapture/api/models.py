"""Typed models of the terminal's replies, one module per group of commands.

Each model has a ``from_dict`` that reads the device's JSON leniently (documented misspellings,
numbers as int, float or string) and keeps what it does not read in ``extra``, because the device
adds fields without notice. A required field that is missing raises ``MissingFieldError``, which the
client turns into ``FaceCaptureResponseError``: a model is whole or refused.

- ``models_base``: the reply envelope, the terminal's clock, base64 images;
- ``models_persons``: persons and the capture history (2.1, 2.2.2);
- ``models_params``: application, stream and schedule parameters (2.3);
- ``models_device``: snapshot, clock, hardware, firmware, upgrade, 4G;
- ``models_files``: screensaver media, audio clips, file chunks.
"""

from .models_base import format_device_time, parse_device_time
from .models_device import (
    Component,
    DeviceTime,
    FirmwareInfo,
    FourGInfo,
    GpsInfo,
    HardwareInfo,
    Snapshot,
    TrafficDay,
    UpgradeInfo,
    VersionInfo,
)
from .models_files import AudioClip, FileChunk, ScreensaverMedia, parse_media_list
from .models_params import (
    AppParams,
    BodyTemperatureParams,
    FaceParams,
    GateControl,
    MaskParams,
    ScheduleKind,
    StreamParams,
    TimeSection,
    UploadInfo,
    parse_schedule,
)
from .models_persons import Person, PersonPage, PersonResult, Record, RecordPage

__all__ = [
    "AppParams",
    "AudioClip",
    "BodyTemperatureParams",
    "Component",
    "DeviceTime",
    "FaceParams",
    "FileChunk",
    "FirmwareInfo",
    "FourGInfo",
    "GateControl",
    "GpsInfo",
    "HardwareInfo",
    "MaskParams",
    "Person",
    "PersonPage",
    "PersonResult",
    "Record",
    "RecordPage",
    "ScheduleKind",
    "ScreensaverMedia",
    "Snapshot",
    "StreamParams",
    "TimeSection",
    "TrafficDay",
    "UpgradeInfo",
    "UploadInfo",
    "VersionInfo",
    "format_device_time",
    "parse_device_time",
    "parse_media_list",
    "parse_schedule",
]
