"""Pushes that cannot be used: counted, logged quietly, and a repair issue when they keep coming.

Every request to the webhook gets an answer, whatever it holds. What could not be used is counted
per kind (diagnostics shows the counts), logged as one warning per kind per terminal per hour and at
debug level in between, and never with the body's content: a push may hold a face and a name. A
terminal that keeps sending face pushes without a usable sequence number, serial or capture time
gets a repair issue saying what is wrong; it goes away when good captures come back.
"""

from __future__ import annotations

from collections import Counter, deque
from enum import StrEnum
import time
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..api.push import PushProblem
from ..const import DOMAIN, LOGGER
from ..log_throttle import WarningThrottle

WARN_INTERVAL: Final = 3600.0
"""Seconds between two warnings of the same kind for one terminal."""
ISSUE_THRESHOLD: Final = 5
"""Unusable face pushes of one kind within ``ISSUE_WINDOW`` that raise a repair issue."""
ISSUE_WINDOW: Final = 3600.0
"""Seconds over which unusable face pushes are counted for the repair issue."""


class Unreadable(StrEnum):
    """Requests the webhook answered without understanding them."""

    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"
    NOT_A_PUSH = "not_a_push"
    BROKEN_REQUEST = "broken_request"
    INTERNAL_ERROR = "internal_error"


type ProblemKind = Unreadable | PushProblem

_MESSAGES: Final[dict[str, str]] = {
    Unreadable.TOO_LARGE: "a push over the size limit was answered without being parsed",
    Unreadable.NOT_JSON: "a request that is not a JSON object in UTF-8 was answered",
    Unreadable.NOT_A_PUSH: "a JSON object that is no message the terminal sends was answered",
    Unreadable.BROKEN_REQUEST: "a request whose body could not be read was dropped",
    Unreadable.INTERNAL_ERROR: "answering a request failed; a generic reply was sent",
    PushProblem.BAD_SEQUENCE_NO: (
        "a face push whose sequence_no is not a non-negative integer was acknowledged "
        "without firing an event"
    ),
    PushProblem.NO_DEVICE_SN: (
        "a face push without a device_sn was acknowledged without firing an event"
    ),
    PushProblem.FOREIGN_DEVICE_SN: (
        "a face push from another terminal (its device_sn is not this one's) was acknowledged "
        "without firing an event"
    ),
    PushProblem.BAD_CAP_TIME: (
        "a face push whose cap_time is not a terminal time was acknowledged without firing an event"
    ),
}

# Problems of the terminal's own firmware: a good capture from it means they are over.
_OWN_PROBLEMS: Final = frozenset(
    {PushProblem.BAD_SEQUENCE_NO, PushProblem.NO_DEVICE_SN, PushProblem.BAD_CAP_TIME}
)


def issue_id(kind: PushProblem, entry_id: str) -> str:
    """The repair issue of one kind of unusable push for one entry."""
    return f"unusable_pushes_{kind}_{entry_id}"


class PushProblems:
    """What one terminal's webhook could not use: counts, quiet warnings, repair issues."""

    def __init__(self, hass: HomeAssistant, *, entry_id: str, title: str) -> None:
        """Start with nothing counted."""
        self.hass = hass
        self.entry_id = entry_id
        self.title = title
        self.counts: Counter[str] = Counter()
        self._warnings = WarningThrottle(WARN_INTERVAL)
        self._recent: dict[PushProblem, deque[float]] = {}
        self._open: set[PushProblem] = set()

    @callback
    def async_report(self, kind: ProblemKind, detail: str | None = None) -> None:
        """Count one problem and log it: a warning at most once an hour per kind, else debug.

        ``detail`` is what the code knows about it (an error type), never the body's content.
        """
        self.counts[kind] += 1
        now = time.monotonic()
        message = _MESSAGES[kind] if detail is None else f"{_MESSAGES[kind]} ({detail})"
        if self._warnings.due(kind, now):
            LOGGER.warning(
                "%s: %s; the same is logged at debug level for the next hour", self.title, message
            )
        else:
            LOGGER.debug("%s: %s", self.title, message)
        if isinstance(kind, PushProblem):
            self._async_track(kind, now)

    @callback
    def _async_track(self, kind: PushProblem, now: float) -> None:
        """Raise the repair issue when a kind keeps coming."""
        recent = self._recent.setdefault(kind, deque())
        recent.append(now)
        while recent and now - recent[0] > ISSUE_WINDOW:
            recent.popleft()
        if len(recent) >= ISSUE_THRESHOLD and kind not in self._open:
            self._open.add(kind)
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id(kind, self.entry_id),
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=f"unusable_pushes_{kind}",
                translation_placeholders={"title": self.title, "count": str(len(recent))},
                data={"entry_id": self.entry_id},
            )

    @callback
    def async_good(self) -> None:
        """A usable capture arrived: close the issues it proves over."""
        if not self._open:
            return
        now = time.monotonic()
        for kind in list(self._open):
            recent = self._recent[kind]
            # Another terminal pushing here is not cured by this one's good captures.
            if kind not in _OWN_PROBLEMS and recent and now - recent[-1] <= ISSUE_WINDOW:
                continue
            recent.clear()
            self._open.discard(kind)
            ir.async_delete_issue(self.hass, DOMAIN, issue_id(kind, self.entry_id))

    @callback
    def async_clear(self) -> None:
        """Remove this entry's issues (on unload)."""
        for kind in self._open:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id(kind, self.entry_id))
        self._open.clear()
