"""The options of a terminal: how pushes reach Home Assistant, captures and voice, who decides access.

The first form (``init``) and, when Home Assistant decides access, the policy's form (``access``).
``config_flow.py`` hands it out; saving reloads the entry, which writes the push target again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .const import (
    ALLOW_NOBODY,
    ALLOW_RECOGNIZED,
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
    CONF_HOUSEHOLD,
    CONF_KEEP_CAPTURES_DAYS,
    CONF_KEEP_PERSONS,
    CONF_PUSH_AUTO,
    CONF_PUSH_REMOTE,
    CONF_PUSH_URL,
    CONF_TEXT_DENIED,
    CONF_TEXT_GRANTED,
    DECIDER_HOME_ASSISTANT,
    DECIDER_TERMINAL,
    DEFAULT_ACCESS_ALLOW,
    DEFAULT_ACCESS_DEADLINE,
    DEFAULT_ACCESS_DECIDER,
    DEFAULT_ACCESS_FALLBACK,
    DEFAULT_ACCESS_RELAY,
    DEFAULT_DENY_BLACKLISTED,
    DEFAULT_DENY_FEVER,
    DEFAULT_DENY_NO_MASK,
    DEFAULT_KEEP_CAPTURES_DAYS,
    DEFAULT_KEEP_PERSONS,
    DEFAULT_PUSH_AUTO,
    DEFAULT_PUSH_REMOTE,
    DEFAULT_TEXT_DENIED,
    DEFAULT_TEXT_GRANTED,
    FALLBACK_DENY,
    FALLBACK_WHITELISTED,
    MAX_ACCESS_DEADLINE,
    MAX_KEEP_CAPTURES_DAYS,
    MIN_ACCESS_DEADLINE,
)
from .schema_library import vol
from .voice.speech import speech_options_schema, validate_speech_options

_TEXT = TextSelector(TextSelectorConfig(autocomplete="off"))


def _choice(key: str, options: list[str]) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(options=options, translation_key=key, mode=SelectSelectorMode.DROPDOWN)
    )


_ACCESS_ENTITY_DOMAINS = [
    "schedule",
    "input_boolean",
    "binary_sensor",
    "switch",
    "alarm_control_panel",
    "person",
    "group",
]


ACCESS_OPTIONS = frozenset(
    {
        CONF_ACCESS_ALLOW,
        CONF_DENY_FEVER,
        CONF_DENY_NO_MASK,
        CONF_DENY_BLACKLISTED,
        CONF_ACCESS_ENTITY,
        CONF_ACCESS_RELAY,
        CONF_TEXT_GRANTED,
        CONF_TEXT_DENIED,
        CONF_ACCESS_SCRIPT,
        CONF_ACCESS_DEADLINE,
        CONF_ACCESS_FALLBACK,
    }
)


def _access_schema(options: Mapping[str, Any]) -> vol.Schema:
    """The built-in policy, the script hook, the deadline and the fallback."""
    return vol.Schema(
        {
            vol.Required(
                CONF_ACCESS_ALLOW, default=options.get(CONF_ACCESS_ALLOW, DEFAULT_ACCESS_ALLOW)
            ): _choice(CONF_ACCESS_ALLOW, [ALLOW_WHITELISTED, ALLOW_RECOGNIZED, ALLOW_NOBODY]),
            vol.Required(
                CONF_DENY_FEVER, default=options.get(CONF_DENY_FEVER, DEFAULT_DENY_FEVER)
            ): BooleanSelector(),
            vol.Required(
                CONF_DENY_NO_MASK, default=options.get(CONF_DENY_NO_MASK, DEFAULT_DENY_NO_MASK)
            ): BooleanSelector(),
            vol.Required(
                CONF_DENY_BLACKLISTED,
                default=options.get(CONF_DENY_BLACKLISTED, DEFAULT_DENY_BLACKLISTED),
            ): BooleanSelector(),
            vol.Optional(CONF_ACCESS_ENTITY): EntitySelector(
                EntitySelectorConfig(domain=_ACCESS_ENTITY_DOMAINS)
            ),
            vol.Required(
                CONF_ACCESS_RELAY, default=options.get(CONF_ACCESS_RELAY, DEFAULT_ACCESS_RELAY)
            ): NumberSelector(
                NumberSelectorConfig(min=1, max=8, step=1, mode=NumberSelectorMode.BOX)
            ),
            vol.Optional(
                CONF_TEXT_GRANTED, default=options.get(CONF_TEXT_GRANTED, DEFAULT_TEXT_GRANTED)
            ): _TEXT,
            vol.Optional(
                CONF_TEXT_DENIED, default=options.get(CONF_TEXT_DENIED, DEFAULT_TEXT_DENIED)
            ): _TEXT,
            vol.Optional(CONF_ACCESS_SCRIPT): EntitySelector(EntitySelectorConfig(domain="script")),
            vol.Required(
                CONF_ACCESS_DEADLINE,
                default=options.get(CONF_ACCESS_DEADLINE, DEFAULT_ACCESS_DEADLINE),
            ): NumberSelector(
                NumberSelectorConfig(
                    min=MIN_ACCESS_DEADLINE,
                    max=MAX_ACCESS_DEADLINE,
                    step=0.1,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Required(
                CONF_ACCESS_FALLBACK,
                default=options.get(CONF_ACCESS_FALLBACK, DEFAULT_ACCESS_FALLBACK),
            ): _choice(CONF_ACCESS_FALLBACK, [FALLBACK_DENY, FALLBACK_WHITELISTED]),
        }
    )


class FaceCaptureOptionsFlow(OptionsFlowWithReload):
    """How pushes reach Home Assistant, whether captures are kept on disk, who decides access."""

    _chosen: dict[str, Any]
    """The first form's answers, while the access form is shown."""

    async def async_step_access(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Home Assistant decides: the policy, the script hook, the deadline and the fallback."""
        if user_input is not None:
            user_input[CONF_ACCESS_RELAY] = int(user_input[CONF_ACCESS_RELAY])
            user_input[CONF_ACCESS_DEADLINE] = float(user_input[CONF_ACCESS_DEADLINE])
            for key in (CONF_TEXT_GRANTED, CONF_TEXT_DENIED):
                user_input[key] = str(user_input.get(key) or "").strip()
            return self.async_create_entry(data={**self._chosen, **user_input})
        options = self.config_entry.options
        return self.async_show_form(
            step_id="access",
            data_schema=self.add_suggested_values_to_schema(_access_schema(options), dict(options)),
            # The screen texts' help shows the {name} they take: a brace in strings.json is a
            # placeholder to the frontend, so the literal comes in as one.
            description_placeholders={"name": "{name}"},
        )

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The first form; saving reloads the entry, which writes the push target again."""
        errors: dict[str, str] = {}
        if user_input is not None:
            url = str(user_input.get(CONF_PUSH_URL) or "").strip()
            if url and not url.lower().startswith(("http://", "https://")):
                errors[CONF_PUSH_URL] = "invalid_url"
            validate_speech_options(self.hass, user_input, errors)
            if not errors:
                user_input[CONF_KEEP_CAPTURES_DAYS] = int(
                    user_input.get(CONF_KEEP_CAPTURES_DAYS, DEFAULT_KEEP_CAPTURES_DAYS)
                )
                if url:
                    user_input[CONF_PUSH_URL] = url.rstrip("/")
                else:
                    user_input.pop(CONF_PUSH_URL, None)
                if household := str(user_input.get(CONF_HOUSEHOLD) or "").strip():
                    user_input[CONF_HOUSEHOLD] = household
                else:
                    user_input.pop(CONF_HOUSEHOLD, None)
                if user_input.get(CONF_ACCESS_DECIDER) == DECIDER_HOME_ASSISTANT:
                    self._chosen = user_input
                    return await self.async_step_access()
                # The policy options stay, so that switching back finds them as they were.
                kept = {
                    key: value
                    for key, value in self.config_entry.options.items()
                    if key in ACCESS_OPTIONS
                }
                return self.async_create_entry(data={**kept, **user_input})
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_PUSH_AUTO, default=options.get(CONF_PUSH_AUTO, DEFAULT_PUSH_AUTO)
                ): BooleanSelector(),
                vol.Optional(CONF_PUSH_URL): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.URL)
                ),
                vol.Required(
                    CONF_PUSH_REMOTE, default=options.get(CONF_PUSH_REMOTE, DEFAULT_PUSH_REMOTE)
                ): BooleanSelector(),
                vol.Required(
                    CONF_KEEP_CAPTURES_DAYS,
                    default=options.get(CONF_KEEP_CAPTURES_DAYS, DEFAULT_KEEP_CAPTURES_DAYS),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        max=MAX_KEEP_CAPTURES_DAYS,
                        step=1,
                        unit_of_measurement="d",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(
                    CONF_KEEP_PERSONS,
                    default=options.get(CONF_KEEP_PERSONS, DEFAULT_KEEP_PERSONS),
                ): BooleanSelector(),
                vol.Optional(CONF_HOUSEHOLD): TextSelector(),
                **speech_options_schema(self.hass),
                vol.Required(
                    CONF_ACCESS_DECIDER,
                    default=options.get(CONF_ACCESS_DECIDER, DEFAULT_ACCESS_DECIDER),
                ): _choice(CONF_ACCESS_DECIDER, [DECIDER_TERMINAL, DECIDER_HOME_ASSISTANT]),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or dict(options)),
            errors=errors,
        )
