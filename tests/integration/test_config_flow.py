"""Config flow: every path of user, reauth, reconfigure and options, against the simulator."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.const import (
    CONF_KEEP_CAPTURES_DAYS,
    CONF_KEEP_PERSONS,
    CONF_PUSH_AUTO,
    CONF_PUSH_REMOTE,
    CONF_PUSH_URL,
    CONF_TTS_ENGINE,
    CONF_TTS_LANGUAGE,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator

from .common import SERIAL


@pytest.fixture(autouse=True)
def no_setup() -> object:
    """The flow is tested alone; set-up has tests of its own."""
    with patch("custom_components.facecapture.async_setup_entry", return_value=True) as mock:
        yield mock


async def test_user_flow_creates_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    """Host and port are enough; the serial becomes the unique id and a webhook id is made."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
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
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
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
    assert result["errors"] == {"base": "invalid_auth"}
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


async def test_user_flow_cannot_connect(hass: HomeAssistant, simulator: Simulator) -> None:
    """Nothing answering at the address."""
    port = simulator.port
    await simulator.stop()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1", CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


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
    assert result["errors"] == {"base": "invalid_auth"}
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
    assert result["errors"] == {"base": "cannot_connect"}
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
    }


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
    }
