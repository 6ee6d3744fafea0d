"""The command table, the reply codes and the error a handler raises.

``COMMANDS`` maps every handled ``cmd`` string to its handler; the ``command`` decorator fills it.
A handler takes the device state and the request body and returns the reply's extra fields, or
raises ``ProtocolError(code, desc)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.state import DeviceState

Handler = Callable[[DeviceState, dict[str, Any]], dict[str, Any]]
COMMANDS: dict[str, Handler] = {}


# A handler may put this key in its result to ask for a power action after the reply is sent.
ACTION_KEY = "_action"
REBOOT = "reboot"
RESTART_APPLICATION = "restart_application"
SIP_CALL_STARTED = "sip_event:1"
SIP_CALL_ENDED = "sip_event:0"


CODE_DESC: dict[int, str] = {
    0: "OK",
    1: "protocol version does not match",
    2: "the device does not contain the service corresponding to the request",
    3: "the request contains illegal fields",
    4: "authentication failed",
    5: "the system is busy",
    6: "insufficient resources",
    7: "system function authorization failed",
    8: "system function is authorized",
    9: "the upgrade package does not match",
    10: "file download failed",
    11: "file integrity verification failed",
    20: "data entry reaches the upper limit",
    21: "record already exists",
    22: "record does not exist",
    23: "failed to write data",
    24: "failed to read data",
    25: "failed to extract feature value",
    26: "portrait quality does not meet registration requirements",
    30: "Wiegand card number does not support fuzzy matching",
    35: "image decoding failed",
    36: "the image is too large",
    37: "normalized image failed",
    38: "face size is too small",
    39: "portrait quality is too poor",
    40: "the number of faces in the image is not 1",
    41: "the face is incomplete in the image",
}


class ProtocolError(Exception):
    """A request the terminal answers with a non-zero code."""

    def __init__(self, code: int, desc: str | None = None) -> None:
        """Remember the reply code and the readable reason."""
        super().__init__(desc or CODE_DESC.get(code, "error"))
        self.code = code
        self.desc = desc or CODE_DESC.get(code, "error")


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more ``cmd`` strings."""

    def register(handler: Handler) -> Handler:
        for name in names:
            COMMANDS[name] = handler
        return handler

    return register
