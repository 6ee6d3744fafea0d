"""The access script: asked about a capture and the decision so far, its answer put on top.

The options may name a script. It runs as a Home Assistant action with the capture as variables
and ``policy`` (``{"open": bool, "reason": str}``, the decision so far), and may answer through its
response variable ``{"open": bool, "relay": int, "text": str, "speak": str, "reason": str}``; the
policy's rules (``AccessPolicy.apply_script_answer``) put that answer on top of the decision. The
deadline and the fallback are the caller's (``decision.AccessControl``).
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.helpers import entity_registry as er

from ..api.push import FacePush
from .policy import AccessDecision, AccessPolicy


async def async_ask_script(
    hass: HomeAssistant,
    policy: AccessPolicy,
    push: FacePush,
    decision: AccessDecision,
    *,
    variables: dict[str, Any],
) -> AccessDecision:
    """The decision with the answer of the policy's script on top of it."""
    script = policy.script
    assert script is not None
    answer = await hass.services.async_call(
        "script",
        script_service(hass, script),
        {**variables, "policy": {"open": decision.granted, "reason": decision.reason}},
        blocking=True,
        return_response=True,
    )
    return policy.apply_script_answer(push, decision, answer or {})


def script_service(hass: HomeAssistant, entity_id: str) -> str:
    """A script's action is named by its key, which a renamed entity no longer shows."""
    entry = er.async_get(hass).async_get(entity_id)
    if entry is not None and entry.unique_id:
        return entry.unique_id
    return split_entity_id(entity_id)[1]
