"""Config flow: every path of user, reauth, reconfigure and options, against the simulator."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.api import (
    FaceCaptureAuthError,
    FaceCaptureConnectionError,
    FaceCaptureConnectionRefusedError,
    FaceCaptureDeviceError,
    FaceCaptureHostNotFoundError,
    FaceCaptureResponseError,
)
from custom_components.facecapture.config_flow import _check_placeholder
from custom_components.facecapture.const import (
    CONF_ACCESS_DECIDER,
    CONF_HOUSEHOLD,
    CONF_KEEP_CAPTURES_DAYS,
    CONF_KEEP_PERSONS,
    CONF_PUSH_AUTO,
    CONF_PUSH_REMOTE,
    CONF_PUSH_URL,
    CONF_TTS_ENGINE,
    CONF_TTS_LANGUAGE,
    CONF_WEBHOOK_ID,
    DECIDER_TERMINAL,
    DOMAIN,
)
from simulator import Simulator

from .common import SERIAL


@pytest.fixture(autouse=True)
def no_setup() -> object:
    """The flow is tested alone; set-up has tests of its own."""
    with patch("custom_components.facecapture.async_setup_entry", return_value=True) as mock:
        yield mock


async def start_server_flow(hass: HomeAssistant) -> ConfigFlowResult:
    """Start adding a terminal and answer the menu: Home Assistant connects to it."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["server", "config_client"]
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "server"}
    )


async def test_user_flow_creates_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    """Host and port are enough; the serial becomes the unique id and a webhook id is made."""
    result = await start_server_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "server"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Front gate"
    assert result["result"].unique_id == SERIAL
    data = result["data"]
    assert data[CONF_HOST] == "127.0.0.1"
    assert data[CONF_PORT] == simulator.port
    assert len(data[CONF_WEBHOOK_ID]) == 64


async def test_title_falls_back_to_serial(hass: HomeAssistant, simulator: Simulator) -> None:
    """A terminal without a site name is named after its serial number."""
    simulator.state.app_params["device_info"]["addr_name"] = ""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_USER},
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port},
    )
    assert result["title"] == "Face terminal 9186EE"


@pytest.mark.parametrize("simulator_options", [{"auth": ("admin", "s3cret")}])
async def test_user_flow_invalid_auth_then_success(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Newer firmware with HTTP auth: wrong credentials say so, right ones create the entry."""
    result = await start_server_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: "nope",
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: "s3cret",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == "s3cret"


async def test_user_flow_nothing_listening(hass: HomeAssistant, simulator: Simulator) -> None:
    """Nothing listening at the address and port: said at the port, with the curl check."""
    port = simulator.port
    await simulator.stop()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PORT: "connection_refused"}
    assert result["description_placeholders"] == {
        "curl_check": f"""curl -d '{{"cmd":"get hardware info"}}' http://127.0.0.1:{port}/"""
    }


@pytest.mark.parametrize(
    ("error", "field", "key"),
    [
        (FaceCaptureHostNotFoundError("dns"), CONF_HOST, "host_not_found"),
        (FaceCaptureConnectionRefusedError("refused"), CONF_PORT, "connection_refused"),
        (FaceCaptureConnectionError("timed out"), CONF_HOST, "no_answer"),
        (FaceCaptureResponseError("not JSON"), CONF_PORT, "not_a_terminal"),
        (FaceCaptureAuthError("401"), CONF_PASSWORD, "invalid_auth"),
        (FaceCaptureDeviceError(5, "busy"), "base", "cannot_connect"),
    ],
)
async def test_user_flow_tells_causes_apart(
    hass: HomeAssistant, error: Exception, field: str, key: str
) -> None:
    """Each cause is its own message, next to the field it concerns."""
    with patch("custom_components.facecapture.config_flow.identify", side_effect=error):
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_USER},
            data={CONF_HOST: "terminal.lan", CONF_PORT: 8000},
        )
    assert result["errors"] == {field: key}
    assert "terminal.lan:8000" in result["description_placeholders"]["curl_check"]


async def test_user_flow_something_else_answers(
    hass: HomeAssistant, aiohttp_server: Any, socket_enabled: None
) -> None:
    """A web server that is not a terminal (an HTML page) is told apart from an outage."""
    app = web.Application()
    app.router.add_post("/", lambda request: web.Response(text="<html>router</html>"))
    server = await aiohttp_server(app, host="127.0.0.1")
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_USER},
        data={CONF_HOST: "127.0.0.1", CONF_PORT: server.port},
    )
    assert result["errors"] == {CONF_PORT: "not_a_terminal"}


def test_check_placeholder_brackets_ipv6() -> None:
    """An IPv6 address is bracketed in the URL; no address yet reads TERMINAL on port 8000."""
    assert _check_placeholder({CONF_HOST: "fe80::1", CONF_PORT: 80})["curl_check"].endswith(
        "http://[fe80::1]:80/"
    )
    assert _check_placeholder(None)["curl_check"].endswith("http://TERMINAL:8000/")


async def test_user_flow_unknown_error(hass: HomeAssistant, simulator: Simulator) -> None:
    """An unexpected exception is shown as unknown, not a stuck form."""
    with patch(
        "custom_components.facecapture.config_flow.identify", side_effect=RuntimeError("boom")
    ):
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_USER},
            data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port},
        )
    assert result["errors"] == {"base": "unknown"}


@pytest.mark.parametrize("simulator_options", [{"unsupported": frozenset({"get hardware info"})}])
async def test_user_flow_serial_from_reply_when_no_hardware_info(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Older firmware without hardware info still names itself in every reply."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_USER},
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL


async def test_user_flow_no_serial(hass: HomeAssistant, simulator: Simulator) -> None:
    """Something that answers but names no serial is not taken for a terminal."""
    original = simulator.state.serial
    simulator.state.serial = ""
    try:
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_USER},
            data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port},
        )
    finally:
        simulator.state.serial = original
    assert result["errors"] == {"base": "no_serial"}


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The same terminal twice is refused, and its stored address follows the new one."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_HOST: "localhost"}
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_USER},
        data={CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert mock_config_entry.data[CONF_HOST] == "127.0.0.1"


@pytest.mark.parametrize("simulator_options", [{"auth": ("admin", "s3cret")}])
async def test_reauth(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """New credentials are checked and stored; a wrong password is said so first."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "s3cret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data[CONF_PASSWORD] == "s3cret"
    assert mock_config_entry.data[CONF_WEBHOOK_ID] is not None


async def test_reconfigure(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A new address of the same terminal is stored; the webhook id is kept."""
    mock_config_entry.add_to_hass(hass)
    webhook_id = mock_config_entry.data[CONF_WEBHOOK_ID]
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_PORT: 1}
    )
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: 1}
    )
    assert result["errors"] == {CONF_PORT: "connection_refused"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_PORT] == simulator.port
    assert mock_config_entry.data[CONF_WEBHOOK_ID] == webhook_id


async def test_reconfigure_other_terminal_refused(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An address that belongs to another terminal is refused."""
    mock_config_entry.add_to_hass(hass)
    other = Simulator("0A0B0C-0D0E0F-101112")
    await other.start()
    try:
        result = await mock_config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: other.port}
        )
    finally:
        await other.stop()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


async def test_options(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    """Options: a bad URL is refused, a good one is stored without its trailing slash."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    # Home Assistant chooses how often to poll: no interval among the options.
    assert set(result["data_schema"].schema) == {
        CONF_PUSH_AUTO,
        CONF_PUSH_URL,
        CONF_PUSH_REMOTE,
        CONF_KEEP_CAPTURES_DAYS,
        CONF_TTS_ENGINE,
        CONF_TTS_LANGUAGE,
        CONF_KEEP_PERSONS,
        CONF_HOUSEHOLD,
        CONF_ACCESS_DECIDER,
    }
    options = {CONF_PUSH_AUTO: True, CONF_PUSH_REMOTE: False, CONF_KEEP_CAPTURES_DAYS: 7}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**options, CONF_PUSH_URL: "192.168.1.10:8123"}
    )
    assert result["errors"] == {CONF_PUSH_URL: "invalid_url"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**options, CONF_PUSH_URL: "http://192.168.1.10:8123/"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        **options,
        CONF_PUSH_URL: "http://192.168.1.10:8123",
        CONF_KEEP_PERSONS: False,
        CONF_ACCESS_DECIDER: DECIDER_TERMINAL,
    }


async def test_options_household(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    """The household name is stored trimmed; an empty one stores none."""
    mock_config_entry.add_to_hass(hass)
    options = {CONF_PUSH_AUTO: True, CONF_PUSH_REMOTE: False}
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**options, CONF_HOUSEHOLD: "  Home "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[CONF_HOUSEHOLD] == "Home"
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**options, CONF_HOUSEHOLD: "   "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_HOUSEHOLD not in mock_config_entry.options


async def test_options_without_override(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Leaving the override empty stores no override."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_AUTO: False, CONF_PUSH_REMOTE: True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        CONF_PUSH_AUTO: False,
        CONF_PUSH_REMOTE: True,
        CONF_KEEP_CAPTURES_DAYS: 0,  # the default: nothing on disk
        CONF_KEEP_PERSONS: False,
        CONF_ACCESS_DECIDER: DECIDER_TERMINAL,
    }


async def test_reauth_address_trouble_goes_to_the_form(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The sign-in form shows no address: a terminal that went away is said for the whole form."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["description_placeholders"]["curl_check"].endswith(
        f"http://127.0.0.1:{simulator.port}/"
    )
    await simulator.stop()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "s3cret"}
    )
    assert result["errors"] == {"base": "connection_refused"}
