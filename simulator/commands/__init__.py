"""The terminal's commands, one module per part of the vendor document.

| module | commands |
| --- | --- |
| `persons.py` | 2.1: `upload person`, `add person(jpg)`, `update person(jpg)`, `delete person(s)`, `request persons` |
| `records.py` | 2.2.2: `request records` |
| `params.py` | 2.3: app and stream params, schedules |
| `device.py` | 2.4-2.9, 2.11, 2.13, 2.15: snapshot, gpio/Wiegand, heartbeat, auth code, date time, reboot, upgrade, version, hardware, AES |
| `screen.py` | 2.10: screensaver, screensaver media, text and image display |
| `audio.py` | 2.12, 2.18: TTS, audio stream, built-in audio, volume |
| `files.py` | 2.14: download and upload file |
| `network.py` | 2.16, 2.17, `get network`: SIP, 4G, traffic statistics |
| `fields.py` | field checks shared by the handlers |
| `registry.py` | `COMMANDS`, `command`, `ProtocolError`, reply codes |

Importing this package imports every command module, so ``COMMANDS`` is complete.
"""

from . import audio, device, files, network, params, persons, records, screen
from .registry import (
    ACTION_KEY,
    CODE_DESC,
    COMMANDS,
    REBOOT,
    RESTART_APPLICATION,
    SIP_CALL_ENDED,
    SIP_CALL_STARTED,
    Handler,
    ProtocolError,
    command,
)

__all__ = [
    "ACTION_KEY",
    "CODE_DESC",
    "COMMANDS",
    "REBOOT",
    "RESTART_APPLICATION",
    "SIP_CALL_ENDED",
    "SIP_CALL_STARTED",
    "Handler",
    "ProtocolError",
    "audio",
    "command",
    "device",
    "files",
    "network",
    "params",
    "persons",
    "records",
    "screen",
]
