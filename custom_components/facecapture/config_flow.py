"""Config flow: add a terminal by address or as a configuration client, re-authenticate, reconfigure.

The options are in ``options_flow.py``.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import (
    DEFAULT_PORT,
    FaceCaptureAuthError,
    FaceCaptureClient,
    FaceCaptureConnectionError,
    FaceCaptureConnectionRefusedError,
    FaceCaptureError,
    FaceCaptureHostNotFoundError,
    FaceCaptureResponseError,
)
from .const import (
    CONF_CONNECTION,
    CONF_WEBHOOK_ID,
    CONNECTION_CONFIG_CLIENT,
    CONNECTION_SERVER,
    DOMAIN,
    LOGGER,
    SUBENTRY_PERSON_LINK,
)
from .coordinator import FaceCaptureConfigEntry
from .link.config_client_flow import ConfigClientSteps
from .link.identify import CannotIdentifyError, identify_client
from .options_flow import FaceCaptureOptionsFlow
from .people.links import PersonLinkFlow
from .schema_library import vol

_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
_TEXT = TextSelector(TextSelectorConfig(autocomplete="off"))
_USERNAME = TextSelector(TextSelectorConfig(autocomplete="username"))
_PASSWORD = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)


def _credentials_schema() -> dict[vol.Marker, Any]:
    return {vol.Optional(CONF_USERNAME): _USERNAME, vol.Optional(CONF_PASSWORD): _PASSWORD}


def _connection_schema() -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST): _TEXT,
            vol.Required(CONF_PORT, default=DEFAULT_PORT): _PORT,
            **_credentials_schema(),
        }
    )


"""Entities that can say "now people may enter": on, disarmed, home (access.ALLOWING_STATES)."""


_CONNECTION_FIELDS = (CONF_HOST, CONF_PORT, CONF_USERNAME, CONF_PASSWORD)
_CREDENTIAL_FIELDS = (CONF_USERNAME, CONF_PASSWORD)


def _check_placeholder(data: Mapping[str, Any] | None) -> dict[str, str]:
    """The README's reachability check for the address typed, as a placeholder for the texts.

    (A placeholder because its JSON braces cannot be written in a translation.)
    """
    data = data or {}
    host = str(data.get(CONF_HOST) or "").strip() or "TERMINAL"
    port = data.get(CONF_PORT) or DEFAULT_PORT
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return {"curl_check": f"""curl -d '{{"cmd":"get hardware info"}}' http://{host}:{port}/"""}


async def identify(flow: ConfigFlow, data: Mapping[str, Any]) -> tuple[str, str]:
    """Talk to the terminal; return its serial number and a title for the entry."""
    client = FaceCaptureClient(
        data[CONF_HOST],
        int(data.get(CONF_PORT, DEFAULT_PORT)),
        session=async_get_clientsession(flow.hass),
        username=data.get(CONF_USERNAME) or None,
        password=data.get(CONF_PASSWORD) or None,
    )
    return await identify_client(client)


class FaceCaptureConfigFlow(ConfigClientSteps, domain=DOMAIN):
    """Add a terminal by address, or one that connects to Home Assistant; the serial is the unique id."""

    VERSION = 1
    MINOR_VERSION = 2  # 1.2: no polling interval option (migrated in __init__.py)

    async def _async_validate(
        self, data: Mapping[str, Any], errors: dict[str, str], *, fields: Container[str] = ()
    ) -> tuple[str, str] | None:
        """Identify the terminal; on failure put the cause next to the field it concerns.

        ``fields`` are the form's fields: a cause whose field the form does not show (the
        address, in the re-authentication form) goes to the form as a whole.
        """

        def error(field: str, key: str) -> None:
            errors[field if field in fields else "base"] = key

        try:
            return await identify(self, data)
        except FaceCaptureAuthError:
            error(CONF_PASSWORD, "invalid_auth")
        except FaceCaptureHostNotFoundError:
            error(CONF_HOST, "host_not_found")
        except FaceCaptureConnectionRefusedError:
            error(CONF_PORT, "connection_refused")
        except FaceCaptureConnectionError:
            error(CONF_HOST, "no_answer")
        except FaceCaptureResponseError:
            error(CONF_PORT, "not_a_terminal")
        except CannotIdentifyError:
            errors["base"] = "no_serial"
        except FaceCaptureError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001 - the user must see a message, not a stuck form
            LOGGER.exception("Unexpected error talking to %s", data.get(CONF_HOST))
            errors["base"] = "unknown"
        return None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask how the terminal is connected (an address given directly is the first way)."""
        if user_input is not None:
            return await self.async_step_server(user_input)
        return self.async_show_menu(
            step_id="user", menu_options=[CONNECTION_SERVER, CONNECTION_CONFIG_CLIENT]
        )

    async def async_step_server(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the terminal's address and, for newer firmware, its credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input[CONF_PORT] = int(user_input.get(CONF_PORT, DEFAULT_PORT))
            if found := await self._async_validate(user_input, errors, fields=_CONNECTION_FIELDS):
                serial, title = found
                await self.async_set_unique_id(serial, raise_on_progress=False)
                self._abort_if_unique_id_configured(
                    updates={CONF_HOST: user_input[CONF_HOST], CONF_PORT: user_input[CONF_PORT]}
                )
                return self.async_create_entry(
                    title=title,
                    data={**user_input, CONF_WEBHOOK_ID: webhook.async_generate_id()},
                )
        return self.async_show_form(
            step_id="server",
            data_schema=self.add_suggested_values_to_schema(_connection_schema(), user_input),
            errors=errors,
            description_placeholders=_check_placeholder(user_input),
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The terminal refused the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new credentials and check them against the same terminal."""
        errors: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if entry.data.get(CONF_CONNECTION) == CONNECTION_CONFIG_CLIENT:
            return self.async_abort(reason="no_credentials")
        if user_input is not None:
            data = {
                **entry.data,
                CONF_USERNAME: user_input.get(CONF_USERNAME, ""),
                CONF_PASSWORD: user_input.get(CONF_PASSWORD, ""),
            }
            if found := await self._async_validate(data, errors, fields=_CREDENTIAL_FIELDS):
                await self.async_set_unique_id(found[0])
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(_credentials_schema()), {CONF_USERNAME: entry.data.get(CONF_USERNAME)}
            ),
            description_placeholders={
                "host": entry.data[CONF_HOST],
                "title": entry.title,
                **_check_placeholder(entry.data),
            },
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address or credentials of the same terminal."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if entry.data.get(CONF_CONNECTION) == CONNECTION_CONFIG_CLIENT:
            return await self.async_step_reconfigure_client()
        if user_input is not None:
            user_input[CONF_PORT] = int(user_input.get(CONF_PORT, DEFAULT_PORT))
            data = {CONF_USERNAME: "", CONF_PASSWORD: "", **user_input}
            if found := await self._async_validate(data, errors, fields=_CONNECTION_FIELDS):
                await self.async_set_unique_id(found[0])
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(entry, data_updates=data)
        suggested = user_input or {
            key: entry.data.get(key) for key in (CONF_HOST, CONF_PORT, CONF_USERNAME)
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(_connection_schema(), suggested),
            errors=errors,
            description_placeholders=_check_placeholder(suggested),
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: FaceCaptureConfigEntry) -> FaceCaptureOptionsFlow:
        """The push options."""
        return FaceCaptureOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: FaceCaptureConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Links from the terminal's persons to Home Assistant people."""
        return {SUBENTRY_PERSON_LINK: PersonLinkFlow}
