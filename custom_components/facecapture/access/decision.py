"""Where Home Assistant decides access: built-in policy, script hook, deadline, fallback, memory.

In online mode (``match_mode`` 2, document 2.3) the terminal pushes each capture and opens the
gate only when the ACK carries ``gateway_ctrl`` (document 2.2.1.2). The webhook asks
``AccessControl.async_decide`` for every face push and builds the ACK from the answer:

- the built-in policy (options) decides first, from the capture and Home Assistant's state;
- an optional script runs with the capture as variables and may answer
  ``{"open": bool, "relay": int, "text": str, "speak": str, "reason": str}`` on top of it;
- everything happens within the deadline; on a timeout or any error a fallback decides, so the
  ACK still leaves in time, and one warning is logged (at most one per ``WARNING_INTERVAL``);
- decisions are remembered by capture, so that a retransmission (the terminal did not get the
  first ACK and so did not open) gets the same ACK without running the policy or the script
  again; a catch-up capture (``is_realtime`` 0) never opens anything;
- a capture carrying a guest pass's QR code (``guest_passes.py``) opens for a valid pass; an
  invalid pass turns away whoever the face policy would not have let in anyway. The pass is
  judged with the policy, but its use is counted only once the decision is final and opens the
  gate with it (a script answering ``open: false``, or a fallback that refuses, counts nothing),
  once per capture. A pass stands in for who the guest is, not for whether anyone may come in
  now: while nobody may enter, the "only while this is on" entity is off, or the holder has a
  fever, no mask or a blacklisted face, no pass opens and none is used.

The rules themselves (the policy, the decision and its ACK extras) are in ``policy.py``;
this module applies them within the deadline and remembers what it decided.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
import time
from typing import Any

from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.helpers import entity_registry as er

from ..api.push import FacePush
from ..const import DECISIONS_REMEMBERED, LOGGER
from ..log_throttle import WarningThrottle
from .guest_pass_rules import capture_key_of, is_pass_token
from .guest_passes import guest_passes
from .policy import (
    AccessDecision,
    AccessPolicy,
    DecidedBy,
    Decision,
    DenyReason,
    terminal_decision,
)

SAFETY_MARGIN = 0.05
"""Seconds kept back from the deadline for the fallback and for writing the ACK."""

WARNING_INTERVAL = 600.0
"""At most one warning about failed decisions per this many seconds and terminal."""

type CaptureKey = tuple[str, str, str]


class AccessControl:
    """Decides the captures of one terminal, and remembers what it decided."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        title: str,
        serial: str,
        policy: AccessPolicy | None,
        fever_limit: Callable[[], float],
        describe: Callable[[FacePush], dict[str, Any]],
        device_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        """``policy`` None leaves the decision to the terminal; ``describe`` gives script variables.

        ``device_id`` names the terminal in the device registry, for the terminals a pass opens.
        """
        self.hass = hass
        self._device_id = device_id
        self.title = title
        self.serial = serial
        self.policy = policy
        self._fever_limit = fever_limit
        self._describe = describe
        self._decisions: OrderedDict[CaptureKey, asyncio.Future[AccessDecision]] = OrderedDict()
        self._warnings = WarningThrottle(WARNING_INTERVAL)
        self.decided = 0
        self.repeated = 0
        self.fallbacks = 0
        self.last: AccessDecision | None = None

    @property
    def home_assistant_decides(self) -> bool:
        """Whether the ACK carries the decision (online mode)."""
        return self.policy is not None

    def _key(self, push: FacePush) -> CaptureKey:
        return (push.device_sn or self.serial, str(push.sequence_no), push.cap_time)

    async def async_decide(self, push: FacePush, *, new: bool = True) -> AccessDecision:
        """The decision for a push: made once per capture, within the deadline, never raising.

        ``new`` is False for a capture the webhook has seen before: if its decision is no longer
        remembered (Home Assistant restarted since), it is too late to let anyone in.
        """
        if (policy := self.policy) is None:
            return terminal_decision(push)
        key = self._key(push)
        if (known := self._decisions.get(key)) is not None:
            self._decisions.move_to_end(key)
            self.repeated += 1
            return known.result() if known.done() else await asyncio.shield(known)
        if not new:
            self.repeated += 1
            return AccessDecision(
                decision=Decision.DENIED,
                decided_by=DecidedBy.POLICY,
                reason=DenyReason.LATE_RETRANSMISSION,
            )
        if policy.script is None or not push.is_realtime:
            # Nothing to wait for: decided now, without a task or a timer.
            decision = self._decide_now(policy, push)
            done: asyncio.Future[AccessDecision] = self.hass.loop.create_future()
            done.set_result(decision)
            self._remember(key, done)
            return decision
        task = self.hass.async_create_task(
            self._async_decide(policy, push), f"facecapture decide {push.sequence_no}"
        )
        self._remember(key, task)
        # Shielded: a terminal that hangs up does not cancel the decision its resend will need.
        return await asyncio.shield(task)

    def _remember(self, key: CaptureKey, decision: asyncio.Future[AccessDecision]) -> None:
        self._decisions[key] = decision
        if len(self._decisions) > DECISIONS_REMEMBERED:
            self._decisions.popitem(last=False)

    def _policy_decision(self, policy: AccessPolicy, push: FacePush) -> AccessDecision:
        entity_state = None
        if policy.entity_id and (state := self.hass.states.get(policy.entity_id)):
            entity_state = state.state
        fever_limit = self._fever_limit()
        decision = policy.decide(push, fever_limit=fever_limit, entity_state=entity_state)
        if push.qr_code is None:
            return decision
        if (
            not decision.granted
            and push.is_realtime
            and is_pass_token(push.qr_code.qr_data)
            and (
                refusal := policy.guest_refusal(
                    push, fever_limit=fever_limit, entity_state=entity_state
                )
            )
        ):
            # No pass opens now: it is not judged, so no use is counted for a gate that stays shut.
            return policy.refuse(push, refusal)
        # Judged, not counted: the use is counted once the decision is final (_count_pass_use).
        check = guest_passes(self.hass).async_check_push(
            push, device_id=self._device_id() or "", serial=self.serial
        )
        return decision if check is None else policy.apply_guest_pass(decision, check)

    def _count_pass_use(
        self, policy: AccessPolicy, push: FacePush, decision: AccessDecision
    ) -> AccessDecision:
        """The final decision, with the use of the pass that opened the gate counted.

        Only a decision that opens with a valid pass on it (the policy's, or a script's
        ``open: true`` that kept it) counts a use, once per capture: a retransmission, also after a
        restart, counts nothing more. A refusal leaves the pass as it was, and its event names no
        use. A pass used up by another capture, or revoked, while the script decided opens
        nothing: the policy decides again with the pass as it now stands.
        """
        check = decision.guest_pass
        if check is None or not check.valid:
            return decision
        if not decision.granted:
            return replace(decision, guest_pass=replace(check, use=None))
        counted = guest_passes(self.hass).async_count_use(
            check,
            capture_key=capture_key_of(
                push.device_sn or self.serial, push.sequence_no, push.cap_time
            ),
        )
        if counted.valid:
            return replace(decision, guest_pass=counted)
        return self._policy_decision(policy, push)

    def _decide_now(self, policy: AccessPolicy, push: FacePush) -> AccessDecision:
        try:
            decision = self._count_pass_use(policy, push, self._policy_decision(policy, push))
        except Exception as err:  # noqa: BLE001 - whatever fails, the ACK must go out
            decision = self._fallback(
                policy, push, DenyReason.ERROR, "%s: %s", type(err).__name__, err
            )
        self._record(push, decision, time.monotonic())
        return decision

    def _record(self, push: FacePush, decision: AccessDecision, started: float) -> None:
        self.decided += 1
        self.last = decision
        LOGGER.debug(
            "%s: capture %s %s by %s in %.1f ms",
            self.title,
            push.sequence_no,
            decision.decision,
            decision.decided_by,
            (time.monotonic() - started) * 1000,
        )

    async def _async_decide(self, policy: AccessPolicy, push: FacePush) -> AccessDecision:
        """The policy, then the script, within the deadline; the fallback on any failure."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(policy.deadline - SAFETY_MARGIN):
                answer = await self._async_run(policy, push)
                # Counted in the same step as the answer arrived: a timeout cancels before it.
                decision = self._count_pass_use(policy, push, answer)
        except TimeoutError:
            decision = self._fallback(
                policy, push, DenyReason.TIMEOUT, "no decision within %.1f s", policy.deadline
            )
        except Exception as err:  # noqa: BLE001 - whatever fails, the ACK must go out in time
            decision = self._fallback(
                policy, push, DenyReason.ERROR, "%s: %s", type(err).__name__, err
            )
        self._record(push, decision, started)
        return decision

    async def _async_run(self, policy: AccessPolicy, push: FacePush) -> AccessDecision:
        script = policy.script
        assert script is not None
        decision = self._policy_decision(policy, push)
        variables = {
            **self._describe(push),
            "terminal": self.title,
            "policy": {"open": decision.granted, "reason": decision.reason},
        }
        answer = await self.hass.services.async_call(
            "script",
            self._script_service(script),
            variables,
            blocking=True,
            return_response=True,
        )
        return policy.apply_script_answer(push, decision, answer or {})

    def _script_service(self, entity_id: str) -> str:
        """A script's action is named by its key, which a renamed entity no longer shows."""
        entry = er.async_get(self.hass).async_get(entity_id)
        if entry is not None and entry.unique_id:
            return entry.unique_id
        return split_entity_id(entity_id)[1]

    def _fallback(
        self, policy: AccessPolicy, push: FacePush, reason: DenyReason, message: str, *args: Any
    ) -> AccessDecision:
        self.fallbacks += 1
        if self._warnings.due():
            LOGGER.warning(
                "%s: access decided by the fallback (" + message + "); more failures in the "
                "next %d minutes are logged at debug level",
                self.title,
                *args,
                WARNING_INTERVAL // 60,
            )
        else:
            LOGGER.debug("%s: access decided by the fallback (" + message + ")", self.title, *args)
        return policy.fallback_decision(push, reason)
