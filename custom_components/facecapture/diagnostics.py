"""Diagnostics: what the terminal reports and how pushes arrive, without personal data."""

from __future__ import annotations

import dataclasses
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_PUSH_URL, CONF_WEBHOOK_ID
from .coordinator import FaceCaptureConfigEntry

# Names, ids, cards, ID card data, images, credentials, webhook ids: never in a diagnostics file.
TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    CONF_HOST,
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
    "wg_id_public",
    "qr_code",
    "id_card",
    "image",
    "image_data",
    "data",
    "ori_key",
    "new_key",
    "ICCID",
    "IMSI",
    "iccid",
    "imsi",
    "gps",
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
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry
) -> dict[str, Any]:
    """Settings, hardware, versions, polled state, push target and the last push, redacted."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    state = coordinator.data
    push_target = runtime.push_target
    captures = runtime.captures
    return async_redact_data(
        {
            "entry": {"config": dict(entry.data), "options": dict(entry.options)},
            "app_params": state.app_params.raw if state.app_params else None,
            "hardware": state.hardware.raw if state.hardware else None,
            "version": dataclasses.asdict(runtime.version) if runtime.version else None,
            "coordinator": {
                "last_update_success": coordinator.last_update_success,
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
                "pushes": captures.pushes,
                "retransmissions": captures.retransmissions,
                "last_message_at": captures.last_message_at.isoformat()
                if captures.last_message_at
                else None,
                "last_push": captures.last_event,
            },
        },
        TO_REDACT,
    )
