"""The access rules: what a decision is and how the options, a guest pass or a script make one.

``AccessPolicy`` is the built-in policy the options set: it decides from the capture and the
state of the "only while this is on" entity, puts a guest pass's answer and a script's answer on
top, and says what the fallback decides when no answer came in time. ``AccessDecision`` is the
answer for one capture and the ACK extras that carry it to the terminal. Nothing here waits,
remembers or logs: ``decision.AccessControl`` applies these rules to the pushes of one terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Self

from homeassistant.const import STATE_HOME, STATE_ON, STATE_OPEN
from homeassistant.helpers import config_validation as cv

from ..api import DisplayText
from ..api.push import (
    AckOptions,
    FacePush,
    FaceResult,
    FailureReason,
    GateCommand,
    ResultPopup,
)
from ..const import (
    ALLOW_NOBODY,
    ALLOW_WHITELISTED,
    CONF_ACCESS_ALLOW,
    CONF_ACCESS_DEADLINE,
    CONF_ACCESS_DECIDER,
    CONF_ACCESS_ENTITY,
    CONF_ACCESS_FALLBACK,
    CONF_ACCESS_RELAY,
    CONF_ACCESS_SCRIPT,
    CONF_DENY_BLACKLISTED,
    CONF_DENY_FEVER,
    CONF_DENY_NO_MASK,
    CONF_TEXT_DENIED,
    CONF_TEXT_GRANTED,
    DECIDER_HOME_ASSISTANT,
    DEFAULT_ACCESS_ALLOW,
    DEFAULT_ACCESS_DEADLINE,
    DEFAULT_ACCESS_FALLBACK,
    DEFAULT_ACCESS_RELAY,
    DEFAULT_DENY_BLACKLISTED,
    DEFAULT_DENY_FEVER,
    DEFAULT_DENY_NO_MASK,
    DEFAULT_TEXT_DENIED,
    DEFAULT_TEXT_GRANTED,
    FALLBACK_WHITELISTED,
    MAX_ACCESS_DEADLINE,
    MIN_ACCESS_DEADLINE,
)
from ..schema_library import vol
from .guest_pass_rules import PassCheck, PassRejection

ROLE_WHITELIST = 1
ROLE_BLACKLIST = 2
MAX_SPOKEN_BYTES = 64
MAX_RELAY = 8

ALLOWING_STATES = frozenset({STATE_ON, "disarmed", STATE_HOME, STATE_OPEN, "unlocked"})
"""States of the "must be on" entity that let people in: a schedule or switch on, an alarm
panel disarmed, someone home, a cover open, a lock unlocked."""


class Decision(StrEnum):
    """What was decided for a capture."""

    GRANTED = "granted"
    DENIED = "denied"


class DecidedBy(StrEnum):
    """Who decided: the terminal itself, or Home Assistant's policy, script or fallback."""

    TERMINAL = "terminal"
    POLICY = "policy"
    SCRIPT = "script"
    FALLBACK = "fallback"


class DenyReason(StrEnum):
    """Why Home Assistant turned someone away (the terminal's own reasons are FailureReason)."""

    CATCH_UP = "catch_up"
    NOBODY_ALLOWED = "nobody_allowed"
    NOT_RECOGNIZED = "not_recognized"
    NOT_WHITELISTED = "not_whitelisted"
    BLACKLISTED = "blacklisted"
    FEVER = "fever"
    NO_MASK = "no_mask"
    OUTSIDE_SCHEDULE = "outside_schedule"
    SCRIPT = "script"
    TIMEOUT = "timeout"
    ERROR = "error"
    LATE_RETRANSMISSION = "late_retransmission"


GUEST_PASS_REASON_PREFIX = "guest_pass_"  # noqa: S105 - a reason's prefix, not a secret


def guest_pass_reason(rejection: PassRejection) -> str:
    """The decision's reason for a guest pass turned away: ``guest_pass_expired`` and so on."""
    return f"{GUEST_PASS_REASON_PREFIX}{rejection}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessDecision:
    """The answer for one capture: open or not, which relay, what the screen shows and says."""

    decision: Decision
    decided_by: DecidedBy
    reason: str | None = None
    relay: int = DEFAULT_ACCESS_RELAY
    text: str | None = None
    speak: str | None = None
    guest_pass: PassCheck | None = None
    """What the guest pass the capture carried was judged, if it carried one."""

    @property
    def granted(self) -> bool:
        """Whether the gate opens."""
        return self.decision is Decision.GRANTED

    def ack_options(self, push: FacePush) -> AckOptions:
        """The ACK's extras: the gate when granted, screen text, speech, the result pop-up.

        The pop-up (``data``) is for newer firmware; older firmware ignores it. A terminal decision adds nothing: the terminal already did what it does.
        """
        if self.decided_by is DecidedBy.TERMINAL:
            return {}
        match = push.match
        # The terminal's own records name the person; ciphertext would name nobody.
        readable = match is not None and not match.is_encryption
        person_id = push.person_id if readable else None
        options: AckOptions = {
            "popup": ResultPopup(
                match_success=self.granted,
                person_name=push.person_name if readable else None,
                person_id=person_id,
                remarks=self.text,
            )
        }
        if self.granted:
            options["gate"] = GateCommand(device_no=self.relay, person_id=person_id)
        if self.text:
            options["text"] = DisplayText(text=self.text)
        if self.speak and (spoken := cut_utf8(self.speak, MAX_SPOKEN_BYTES)).strip():
            options["tts"] = spoken
        return options


def cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def terminal_decision(push: FacePush) -> AccessDecision:
    """What the terminal decided by itself (its own mode): it opens for a recognised person."""
    granted = push.result is FaceResult.RECOGNIZED
    return AccessDecision(
        decision=Decision.GRANTED if granted else Decision.DENIED,
        decided_by=DecidedBy.TERMINAL,
        reason=None if granted else _terminal_reason(push),
    )


def _terminal_reason(push: FacePush) -> str | None:
    if push.result in (FaceResult.STRANGER, FaceResult.DETECTED):
        return DenyReason.NOT_RECOGNIZED
    reason = push.failure_reason
    return str(reason) if reason else None


def render_text(template: str, name: str | None) -> str | None:
    """The screen text with ``{name}`` filled in; without a name, the separator goes too."""
    if not template:
        return None
    if "{name}" not in template:
        return template
    if name:
        return template.replace("{name}", name)
    return template.replace("{name}", "").strip(",;:- ") or None


@dataclass(frozen=True, kw_only=True)
class AccessPolicy:
    """The built-in policy, the script hook and the deadline, as the options set them."""

    allow: str = DEFAULT_ACCESS_ALLOW
    deny_fever: bool = DEFAULT_DENY_FEVER
    deny_no_mask: bool = DEFAULT_DENY_NO_MASK
    deny_blacklisted: bool = DEFAULT_DENY_BLACKLISTED
    entity_id: str | None = None
    relay: int = DEFAULT_ACCESS_RELAY
    text_granted: str = DEFAULT_TEXT_GRANTED
    text_denied: str = DEFAULT_TEXT_DENIED
    script: str | None = None
    deadline: float = DEFAULT_ACCESS_DEADLINE
    fallback: str = DEFAULT_ACCESS_FALLBACK

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self | None:
        """The policy when Home Assistant decides access; None when the terminal does."""
        if options.get(CONF_ACCESS_DECIDER) != DECIDER_HOME_ASSISTANT:
            return None
        deadline = float(options.get(CONF_ACCESS_DEADLINE, DEFAULT_ACCESS_DEADLINE))
        return cls(
            allow=str(options.get(CONF_ACCESS_ALLOW, DEFAULT_ACCESS_ALLOW)),
            deny_fever=bool(options.get(CONF_DENY_FEVER, DEFAULT_DENY_FEVER)),
            deny_no_mask=bool(options.get(CONF_DENY_NO_MASK, DEFAULT_DENY_NO_MASK)),
            deny_blacklisted=bool(options.get(CONF_DENY_BLACKLISTED, DEFAULT_DENY_BLACKLISTED)),
            entity_id=options.get(CONF_ACCESS_ENTITY) or None,
            relay=int(options.get(CONF_ACCESS_RELAY, DEFAULT_ACCESS_RELAY)),
            text_granted=str(options.get(CONF_TEXT_GRANTED, DEFAULT_TEXT_GRANTED)),
            text_denied=str(options.get(CONF_TEXT_DENIED, DEFAULT_TEXT_DENIED)),
            script=options.get(CONF_ACCESS_SCRIPT) or None,
            deadline=min(max(deadline, MIN_ACCESS_DEADLINE), MAX_ACCESS_DEADLINE),
            fallback=str(options.get(CONF_ACCESS_FALLBACK, DEFAULT_ACCESS_FALLBACK)),
        )

    def _answer(self, push: FacePush, decided_by: DecidedBy, reason: str | None) -> AccessDecision:
        granted = reason is None
        name = _readable_name(push)
        return AccessDecision(
            decision=Decision.GRANTED if granted else Decision.DENIED,
            decided_by=decided_by,
            reason=reason,
            relay=self.relay,
            text=render_text(self.text_granted if granted else self.text_denied, name),
        )

    def decide(
        self, push: FacePush, *, fever_limit: float, entity_state: str | None
    ) -> AccessDecision:
        """The built-in policy's decision; ``entity_state`` is the "must be on" entity's state."""
        if not push.is_realtime:
            # Delivered after an outage: whoever it was is long gone. Nothing opens, nothing shows.
            return AccessDecision(
                decision=Decision.DENIED, decided_by=DecidedBy.POLICY, reason=DenyReason.CATCH_UP
            )
        return self._answer(push, DecidedBy.POLICY, self._refusal(push, fever_limit, entity_state))

    def apply_guest_pass(self, decision: AccessDecision, check: PassCheck) -> AccessDecision:
        """A guest pass on top of the face's decision.

        A valid pass opens and greets the guest; an invalid one turns away, unless the face alone
        lets the person in.
        """
        if check.valid:
            return AccessDecision(
                decision=Decision.GRANTED,
                decided_by=DecidedBy.POLICY,
                relay=self.relay,
                text=check.screen_text,
                guest_pass=check,
            )
        if decision.granted:
            return replace(decision, guest_pass=check)
        assert check.rejection is not None
        return replace(
            decision,
            reason=guest_pass_reason(check.rejection),
            text=check.screen_text,
            guest_pass=check,
        )

    def _refusal(self, push: FacePush, fever_limit: float, entity_state: str | None) -> str | None:
        """Why the policy turns this capture away, or None to let the person in."""
        if self.allow == ALLOW_NOBODY:
            return DenyReason.NOBODY_ALLOWED
        if push.result not in (FaceResult.RECOGNIZED, FaceResult.DENIED):
            return DenyReason.NOT_RECOGNIZED
        role = push.match.person_role if push.match else None
        if self.deny_blacklisted and role == ROLE_BLACKLIST:
            return DenyReason.BLACKLISTED
        if self.allow == ALLOW_WHITELISTED and role != ROLE_WHITELIST:
            return DenyReason.NOT_WHITELISTED
        if health := self._health_refusal(push, fever_limit):
            return health
        # The terminal's own objections (expired, outside its schedule...) still count; fever and
        # mask are this policy's to judge, by the options above.
        reason = push.failure_reason
        if reason is not None and reason not in (
            FailureReason.TEMPERATURE_TOO_HIGH,
            FailureReason.NO_MASK,
        ):
            return str(reason)
        if self._closed(entity_state):
            return DenyReason.OUTSIDE_SCHEDULE
        return None

    def guest_refusal(
        self, push: FacePush, *, fever_limit: float, entity_state: str | None
    ) -> str | None:
        """Why a guest pass cannot open now, whatever pass it is; None when a pass may open.

        A pass stands in for who the guest is (recognised, whitelisted, authorised by the
        terminal), not for whether anyone may come in now: nobody allowed, the "only while this is
        on" entity not letting people in, fever, no mask, or a face the terminal knows as
        blacklisted still turn the holder away.
        """
        if self.allow == ALLOW_NOBODY:
            return DenyReason.NOBODY_ALLOWED
        role = push.match.person_role if push.match else None
        if self.deny_blacklisted and role == ROLE_BLACKLIST:
            return DenyReason.BLACKLISTED
        if health := self._health_refusal(push, fever_limit):
            return health
        if self._closed(entity_state):
            return DenyReason.OUTSIDE_SCHEDULE
        return None

    def _health_refusal(self, push: FacePush, fever_limit: float) -> DenyReason | None:
        person = push.person
        temperature = person.temperature if person else None
        if self.deny_fever and temperature is not None and temperature >= fever_limit:
            return DenyReason.FEVER
        if self.deny_no_mask and person is not None and person.has_mask is False:
            return DenyReason.NO_MASK
        return None

    def _closed(self, entity_state: str | None) -> bool:
        """Whether the "only while this is on" entity lets nobody in now."""
        return bool(self.entity_id) and entity_state not in ALLOWING_STATES

    def refuse(self, push: FacePush, reason: str) -> AccessDecision:
        """The policy's refusal, with the screen text for it."""
        return self._answer(push, DecidedBy.POLICY, reason)

    def fallback_decision(self, push: FacePush, reason: DenyReason) -> AccessDecision:
        """When no decision came in time: turn away, or let recognised whitelisted persons in."""
        role = push.match.person_role if push.match else None
        lets_in = (
            self.fallback == FALLBACK_WHITELISTED
            and push.is_realtime
            and push.result is FaceResult.RECOGNIZED
            and role == ROLE_WHITELIST
        )
        return self._answer(push, DecidedBy.FALLBACK, None if lets_in else reason)

    def apply_script_answer(
        self, push: FacePush, decision: AccessDecision, answer: Mapping[str, Any]
    ) -> AccessDecision:
        """The script's answer on top of the policy's decision; what it leaves out stays."""
        answer = SCRIPT_ANSWER_SCHEMA(dict(answer))
        if "open" in answer:
            granted = bool(answer["open"])
            reason = None if granted else str(answer.get("reason") or DenyReason.SCRIPT)
            decision = replace(
                self._answer(push, DecidedBy.SCRIPT, reason), guest_pass=decision.guest_pass
            )
        elif answer.get("reason") and not decision.granted:
            decision = replace(decision, reason=str(answer["reason"]))
        if "relay" in answer:
            decision = replace(decision, relay=answer["relay"])
        if "text" in answer:
            decision = replace(decision, text=answer["text"] or None)
        if "speak" in answer:
            decision = replace(decision, speak=answer["speak"] or None)
        return decision


SCRIPT_ANSWER_SCHEMA = vol.Schema(
    {
        vol.Optional("open"): cv.boolean,
        vol.Optional("relay"): vol.All(vol.Coerce(int), vol.Range(min=1, max=MAX_RELAY)),
        vol.Optional("text"): vol.Any(None, cv.string),
        vol.Optional("speak"): vol.Any(None, cv.string),
        vol.Optional("reason"): vol.Any(None, cv.string),
    },
    extra=vol.ALLOW_EXTRA,
)
"""What a script may answer through its response variable; other keys are ignored."""


def _readable_name(push: FacePush) -> str | None:
    match = push.match
    if match is None or match.is_encryption:
        return None
    return match.person_name or None
