"""The request handler: ``dispatch`` answers one request body like the terminal does.

It looks the ``cmd`` up in ``COMMANDS`` (filled by the modules of ``simulator/commands/``, one per
part of the document), checks the required fields, runs the handler and wraps its result into the
full reply (``reply``/``cmd``/``code``/``device_sn``/``desc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .commands import (
    ACTION_KEY,
    CODE_DESC,
    COMMANDS,
    REBOOT,
    RESTART_APPLICATION,
    ProtocolError,
)
from .required_fields import missing_field
from .state import DeviceState

# Tests and scripts import the command vocabulary from here too.
__all__ = [
    "CODE_DESC",
    "COMMANDS",
    "REBOOT",
    "RESTART_APPLICATION",
    "Outcome",
    "ProtocolError",
    "dispatch",
    "make_reply",
]


@dataclass(slots=True)
class Outcome:
    """A full reply, plus a power action (reboot/restart) to run once it is sent."""

    reply: dict[str, Any]
    action: str | None = None


def make_reply(
    state: DeviceState, cmd: str, code: int = 0, desc: str | None = None
) -> dict[str, Any]:
    """Return the common reply envelope."""
    return {
        "reply": "ACK",
        "cmd": cmd,
        "code": code,
        "device_sn": state.serial,
        "desc": desc or CODE_DESC.get(code, "error"),
    }


def dispatch(state: DeviceState, body: object) -> Outcome:
    """Answer one request body (already JSON-decoded) like the terminal does."""
    if not isinstance(body, dict) or not isinstance(body.get("cmd"), str):
        return Outcome(make_reply(state, "", 3, "request is not a JSON object with a string cmd"))
    cmd: str = body["cmd"]
    queue = state.forced.get(cmd)
    if queue:
        code, desc = queue.popleft()
        if not queue:
            del state.forced[cmd]
        return Outcome(make_reply(state, cmd, code, desc))
    handler = COMMANDS.get(cmd)
    if handler is None or cmd in state.unsupported:
        return Outcome(make_reply(state, cmd, 2, f"unknown command {cmd!r}"))
    missing = missing_field(cmd, body)
    if missing is not None:
        return Outcome(make_reply(state, cmd, 3, f"{missing} is required"))
    try:
        extras = handler(state, body)
    except ProtocolError as err:
        return Outcome(make_reply(state, cmd, err.code, err.desc))
    action = extras.pop(ACTION_KEY, None)
    reply = make_reply(state, cmd)
    reply.update(extras)
    return Outcome(reply, action)
