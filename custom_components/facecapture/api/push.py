"""What the terminal pushes to us, and what we answer: one import for all of it.

The terminal POSTs JSON to a server we run (document 1.1.2 and 1.1.3): face captures (2.2.1), heartbeats
(2.7), SIP events (2.16.4) and, in configuration-client mode, the results of the commands we handed it.
The work is split by job:

- `push_json`: bytes to JSON, fast (the pictures are found with `memchr`, not parsed);
- `push_parse`: JSON to one typed message, under the rules that make every value safe to hand on;
- `push_models`: the typed messages (`FacePush`, `Heartbeat`, ...); pictures stay base64 until read;
- `ack`: the replies (`build_ack`, `ack_for`, `dumps_ack`, ...);
- `echo`: what an ACK needs, found in a body that cannot be parsed.
"""

from __future__ import annotations

from .ack import (
    AckOptions,
    GateCommand,
    ResultPopup,
    ack_for,
    build_ack,
    build_command,
    build_heartbeat_reply,
    dumps_ack,
)
from .commands import DisplayText
from .models import GpsInfo
from .push_json import load_body
from .push_models import (
    CommandResult,
    FacePush,
    FaceResult,
    FailureReason,
    Heartbeat,
    IdCard,
    PersonAttributes,
    PushImage,
    PushMatch,
    PushMessage,
    PushProblem,
    PushVideo,
    QrCode,
    SipEvent,
    SipEventType,
    UnknownMessage,
)
from .push_parse import parse_message, parse_push

__all__ = [
    "AckOptions",
    "CommandResult",
    "DisplayText",
    "FacePush",
    "FaceResult",
    "FailureReason",
    "GateCommand",
    "GpsInfo",
    "Heartbeat",
    "IdCard",
    "PersonAttributes",
    "PushImage",
    "PushMatch",
    "PushMessage",
    "PushProblem",
    "PushVideo",
    "QrCode",
    "ResultPopup",
    "SipEvent",
    "SipEventType",
    "UnknownMessage",
    "ack_for",
    "build_ack",
    "build_command",
    "build_heartbeat_reply",
    "dumps_ack",
    "load_body",
    "parse_message",
    "parse_push",
]
