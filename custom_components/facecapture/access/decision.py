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

``AccessControl._async_decide`` takes the steps in order, each in the module that owns it: the
rules (the policy, the decision and its ACK extras, the fallback) in ``policy.py``, the guest pass
judged and its use counted in ``guest_passes.py``, the script asked in ``script.py``; this module
keeps them within the deadline, records and remembers what it decided.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
import contextlib
import time
from typing import Any

from homeassistant.core import HomeAssistant

from ..api.push import FacePush
from ..const import DECISIONS_REMEMBERED, LOGGER
from ..log_throttle import WarningThrottle
from .guest_passes import async_count_pass_use, async_judge_pass
from .policy import (
    AccessDecision,
    AccessPolicy,
    DecidedBy,
    Decision,
    DenyReason,
    terminal_decision,
)
from .script import async_ask_script

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
            # Nothing to wait for: decided now, without a task or a timer (the decision does not
            # wait on anything, so it runs to its end here).
            decision = await self._async_decide(policy, push)
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

    async def _async_decide(self, policy: AccessPolicy, push: FacePush) -> AccessDecision:
        """One capture's decision, step by step: recorded, and never raising.

        The policy decides from the face; a guest pass the capture carries goes on top; the script,
        if there is one and the capture happens now, answers on top of that; once the decision is
        final, the pass that opened the gate counts its use. All of it within the deadline: on a
        timeout or any error, the fallback decides.
        """
        started = time.monotonic()
        script = policy.script if push.is_realtime else None
        try:
            async with _deadline(policy, script):
                decision = self._policy_and_pass(policy, push)
                if script is not None:
                    decision = await async_ask_script(
                        self.hass, policy, push, decision, variables=self._variables(push)
                    )
                # Counted in the same step as the answer arrived: a timeout cancels before it.
                counted = async_count_pass_use(self.hass, push, decision, serial=self.serial)
                if counted is None:
                    # The pass was used up by another capture, or revoked, while the script
                    # decided: it opens nothing, the policy decides again as the pass now stands.
                    counted = self._policy_and_pass(policy, push)
                decision = counted
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

    def _policy_and_pass(self, policy: AccessPolicy, push: FacePush) -> AccessDecision:
        """The policy's decision on the face, with the guest pass the capture carries on top."""
        entity_state = None
        if policy.entity_id and (state := self.hass.states.get(policy.entity_id)):
            entity_state = state.state
        fever_limit = self._fever_limit()
        decision = policy.decide(push, fever_limit=fever_limit, entity_state=entity_state)
        return async_judge_pass(
            self.hass,
            policy,
            push,
            decision,
            fever_limit=fever_limit,
            entity_state=entity_state,
            device_id=self._device_id() or "",
            serial=self.serial,
        )

    def _variables(self, push: FacePush) -> dict[str, Any]:
        """What the script is told about the capture."""
        return {**self._describe(push), "terminal": self.title}

    def _remember(self, key: CaptureKey, decision: asyncio.Future[AccessDecision]) -> None:
        self._decisions[key] = decision
        if len(self._decisions) > DECISIONS_REMEMBERED:
            self._decisions.popitem(last=False)

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


def _deadline(
    policy: AccessPolicy, script: str | None
) -> contextlib.AbstractAsyncContextManager[object]:
    """The deadline of a decision that waits for a script; none for one that waits for nothing."""
    if script is None:
        return contextlib.nullcontext()
    return asyncio.timeout(policy.deadline - SAFETY_MARGIN)
