"""Diagnostics: what the terminal reports and how pushes arrive, without personal data."""

from __future__ import annotations

import dataclasses
from typing import Any

from homeassistant.components import webhook
from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .api import LongPollTransport
from .captures.hub import Capture
from .const import CONF_CONFIG_WEBHOOK_ID, CONF_PUSH_URL, CONF_WEBHOOK_ID, DOMAIN
from .coordinator import FaceCaptureConfigEntry, FaceCaptureData
from .people.household import household_of, members
from .people.links import person_links

# Names, ids, cards, ID card data, images, credentials, webhook ids: never in a diagnostics file.
TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    CONF_CONFIG_WEBHOOK_ID,
    CONF_HOST,
    CONF_PUSH_URL,
    "password",
    "username",
    "user",
    "name",
    "person_id",
    "person_name",
    "id",
    "customer_text",
    "wg_card_id",
    "long_card_id",
    "card_id",
    "card_no",
    "managerCardID",
    "managerCardID_temp",
    "manager_card_id",
    "manager_card_id_temp",
    "customer_id",
    "wg_id_public",
    "qr_code",
    "id_card",
    "image",
    "picture",  # the paths that serve a capture's faces
    "panorama",
    "image ",
    "image_data",
    "closeup_pic",
    "overall_pic",
    "face_image",
    "reg_image",
    "reg_images",
    "norm_images",
    "normal_image",
    "feature_data",
    "video",
    "data",
    "ori_key",
    "new_key",
    "ICCID",
    "IMSI",
    "iccid",
    "imsi",
    "gps",
    "mac",
    "service_url",
    "url",
    "expected",
    "current",
    "terminal_url",
    "server_ip",
    "server_domain",
    "lcd_title",
    "addr_name",
    "serial",
    "device_sn",
    "serial_number",
    "device_id",
    "ha_person",
}


def _capture(capture: Capture | None) -> dict[str, Any] | None:
    """When and how a capture arrived; who it was is in ``last_push`` (redacted)."""
    if capture is None:
        return None
    return {
        "result": str(capture.result),
        "realtime": capture.push.is_realtime,
        "captured_at": capture.captured_at.isoformat(),
        "received_at": capture.received_at.isoformat(),
        "delay_seconds": round((capture.received_at - capture.captured_at).total_seconds(), 1),
        "push_version": capture.push.version,
        "warnings": list(capture.push.warnings),
    }


def _connection(runtime: FaceCaptureData) -> dict[str, Any]:
    """How commands reach the terminal; for a configuration client, how its queue is doing."""
    transport = runtime.client.transport
    if not isinstance(transport, LongPollTransport) or runtime.presence is None:
        return {"mode": "server"}
    return {
        "mode": "config_client",
        "online": runtime.presence.online,
        "last_contact": runtime.presence.last_contact.isoformat(),
        "requests": transport.requests,
        "queued": transport.queued,
        "in_flight": transport.in_flight,
        "hold_seconds": transport.hold,
        "command_timeout_seconds": transport.timeout,
    }


def _issues(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> list[str]:
    """The repair issues open for this terminal, by kind."""
    suffix = f"_{entry.entry_id}"
    return sorted(
        issue_id.removesuffix(suffix)
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.endswith(suffix) and issue.active
    )


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry
) -> dict[str, Any]:
    """Settings, hardware, versions, polled state, push target and the last push, redacted."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    state = coordinator.data
    push_target = runtime.push_target
    captures = runtime.captures
    webhook_path = webhook.async_generate_path(entry.data[CONF_WEBHOOK_ID])
    return async_redact_data(
        {
            "entry": {"config": dict(entry.data), "options": dict(entry.options)},
            "app_params": state.app_params.raw if state.app_params else None,
            "hardware": state.hardware.raw if state.hardware else None,
            "version": dataclasses.asdict(runtime.version) if runtime.version else None,
            "connection": _connection(runtime),
            "coordinator": {
                "last_update_success": coordinator.last_update_success,
                "last_exception": type(coordinator.last_exception).__name__
                if coordinator.last_exception
                else None,
                "update_interval": str(coordinator.update_interval),
                "unsupported_commands": sorted(coordinator.unsupported),
                "clock_offset": state.clock_offset,
                "person_count": state.person_count,
                "volume": state.volume,
                "undelivered": state.undelivered,
                "four_g": dataclasses.asdict(state.four_g) if state.four_g else None,
            },
            "push": {
                "auto": push_target.auto,
                "override": bool(entry.options.get(CONF_PUSH_URL)),
                "url": push_target.url,
                "terminal_url": push_target.terminal_url,
                "matches": push_target.matches,
                # Tells "right webhook, wrong address" from "pushing somewhere else entirely".
                "terminal_url_has_webhook_path": bool(
                    push_target.terminal_url and push_target.terminal_url.endswith(webhook_path)
                ),
                "issues": _issues(hass, entry),
                "pushes": captures.pushes,
                "retransmissions": captures.retransmissions,
                # Requests answered without an event, by kind (see captures/problems.py).
                "problems": dict(sorted(captures.problems.counts.items())),
                "seen_captures": {"remembered": len(captures.seen), "limit": captures.seen.limit},
                "last_message_at": captures.last_message_at.isoformat()
                if captures.last_message_at
                else None,
                "last_capture": _capture(captures.last),
                "last_recognized_at": captures.last_recognized.captured_at.isoformat()
                if captures.last_recognized
                else None,
                "last_push": captures.last_event,
            },
            "access": {
                "home_assistant_decides": runtime.access.home_assistant_decides,
                "terminal_match_mode": runtime.online_mode.terminal_mode,
                "online_mode_kept": runtime.online_mode.matches,
                "decided": runtime.access.decided,
                "repeated": runtime.access.repeated,
                "fallbacks": runtime.access.fallbacks,
            },
            # How the person directory keeps up, never who is in it.
            "person_directory": {
                "persons": len(runtime.directory.persons),
                "complete": runtime.directory.complete,
                "refreshed_at": runtime.directory.refreshed_at.isoformat()
                if runtime.directory.refreshed_at
                else None,
                "refreshes": runtime.directory.refreshes,
                "last_error": runtime.directory.last_error,
                "kept_on_disk": runtime.directory.persisted,
                "linked_people": len(person_links(entry)),
                **_household(hass, entry),
            },
        },
        TO_REDACT,
    )


def _household(hass: HomeAssistant, entry: FaceCaptureConfigEntry) -> dict[str, Any]:
    """For a terminal of a household: how many share it and the last copying into this one."""
    if (household := household_of(hass, entry)) is None:
        return {}
    progress = household.progress.get(entry.entry_id)
    return {
        "household": {
            "terminals": len(members(hass, household.name)),
            "copy": dataclasses.asdict(progress) if progress else None,
        }
    }
