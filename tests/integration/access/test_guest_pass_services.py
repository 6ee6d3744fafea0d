"""Guest pass actions, the QR code view and the per-terminal sensor, against the simulated terminal."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import io
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import entity_registry as er, selector
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.facecapture.access.guest_pass_rules import TOKEN_PREFIX, capture_key_of
from custom_components.facecapture.access.guest_pass_sensor import (
    ACTIVE_GUEST_PASSES,
    GuestPassCountSensor,
)
from custom_components.facecapture.access.guest_pass_services import GUEST_PASS_ACTIONS
from custom_components.facecapture.access.guest_pass_views import QR_SCALE, qr_png
from custom_components.facecapture.access.guest_passes import guest_passes
from custom_components.facecapture.const import DOMAIN
from tests.integration.common import entity_id_of, terminal_device_id

COMPONENT = Path(__file__).resolve().parents[3] / "custom_components" / DOMAIN


def test_actions_are_described() -> None:
    """services.yaml lists each guest pass action with the fields its schema takes and valid
    selectors and defaults."""
    described = load_yaml_dict(str(COMPONENT / "services.yaml"))
    for name, (_handler, schema, _response) in GUEST_PASS_ACTIONS.items():
        fields = (described[name] or {}).get("fields", {})
        assert set(fields) == {str(key) for key in schema.schema}, name
        for key, field in fields.items():
            selector.validate_selector(field["selector"])
            if "default" in field:
                validator = schema.schema[next(k for k in schema.schema if str(k) == key)]
                vol.Schema({vol.Optional(key): validator})({key: field["default"]})
    assert described["create_guest_pass"]["fields"]["terminals"]["selector"] == {
        "device": {"integration": DOMAIN, "multiple": True}
    }


@pytest.fixture(autouse=True)
def _loaded(request: pytest.FixtureRequest) -> None:
    """Every test but the one reading services.yaml runs against the set-up terminal."""
    if request.function.__name__ != "test_actions_are_described":
        request.getfixturevalue("init_integration")


async def create(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    now = dt_util.now()
    fields = {"name": "Carol", "valid_until": (now + timedelta(hours=2)).isoformat(), **data}
    response: dict[str, Any] = await hass.services.async_call(
        DOMAIN, "create_guest_pass", fields, blocking=True, return_response=True
    )
    return response


def active_passes(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> str:
    state = hass.states.get(entity_id_of(entity_registry, "sensor", "active_guest_passes"))
    assert state is not None
    return state.state


async def test_create_answers_id_and_qr_paths(hass: HomeAssistant) -> None:
    """The answer names the pass, its window and uses, and where its QR code is; no token."""
    device_id = terminal_device_id(hass)
    response = await create(hass, uses=2, terminals=[device_id])
    guest = guest_passes(hass).get(response["id"])
    assert guest is not None
    assert response["name"] == "Carol"
    assert response["uses"] == 2
    assert response["used"] == 0
    assert response["status"] == "active"
    assert response["terminals"] == [device_id]
    assert response["qr_url"] == f"/api/facecapture/guest_pass/{guest.id}/qr.png"
    assert response["qr_signed_url"].startswith(f"{response['qr_url']}?authSig=")
    assert guest_passes(hass).token(guest) not in str(response)
    assert dt_util.parse_datetime(response["valid_until"]) == guest.valid_until


async def test_create_with_defaults_unlimited_and_entry_id(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Default start now, one use, every terminal; unlimited uses; a terminal by its entry id."""
    once = await create(hass)
    assert once["uses"] == 1
    assert once["terminals"] == []
    start = dt_util.parse_datetime(once["valid_from"])
    assert start is not None
    assert abs((start - dt_util.utcnow()).total_seconds()) < 5
    unlimited = await create(
        hass, unlimited=True, uses=5, terminals=init_integration.entry_id, name="  Dave "
    )
    assert unlimited["uses"] is None
    assert unlimited["name"] == "Dave"
    assert unlimited["terminals"] == [terminal_device_id(hass)]
    naive = await create(hass, valid_from="2026-01-01 10:00:00", valid_until="2099-01-01 10:00:00")
    guest = guest_passes(hass).get(naive["id"])
    assert guest is not None
    assert guest.valid_from == dt_util.as_utc(
        dt_util.parse_datetime("2026-01-01 10:00:00").replace(  # type: ignore[union-attr]
            tzinfo=dt_util.get_default_time_zone()
        )
    )


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        (
            {"valid_from": "2099-01-01T12:00:00+00:00", "valid_until": "2099-01-01T11:00:00+00:00"},
            "guest_pass_window",
        ),
        ({"valid_until": "2001-01-01T11:00:00+00:00"}, "guest_pass_ended"),
        ({"terminals": ["no-such-device"]}, "device_not_found"),
    ],
)
async def test_create_refuses(hass: HomeAssistant, fields: dict[str, Any], key: str) -> None:
    """A window that ends before it starts or is over, or an unknown terminal, is refused."""
    with pytest.raises(ServiceValidationError) as err:
        await create(hass, **fields)
    assert err.value.translation_key == key
    assert guest_passes(hass).passes == []


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("create_guest_pass", {"name": "Eve", "valid_until": "2099-01-01T00:00:00+00:00"}),
        ("list_guest_passes", {}),
        ("revoke_guest_pass", {"id": "abc"}),
    ],
)
async def test_actions_are_for_administrators(
    hass: HomeAssistant, hass_read_only_user: User, action: str, data: dict[str, Any]
) -> None:
    """A user who is not an administrator can neither create, list nor revoke passes."""
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            action,
            data,
            blocking=True,
            return_response=action != "revoke_guest_pass",
            context=Context(user_id=hass_read_only_user.id),
        )
    assert guest_passes(hass).passes == []


async def test_list_and_revoke(hass: HomeAssistant) -> None:
    """Listing shows each pass's status; revoking one shows it revoked; an unknown id is refused."""
    first = await create(hass)
    second = await create(hass, name="Dave")
    await hass.services.async_call(DOMAIN, "revoke_guest_pass", {"id": first["id"]}, blocking=True)
    listed = await hass.services.async_call(
        DOMAIN, "list_guest_passes", {}, blocking=True, return_response=True
    )
    assert listed is not None
    by_id = {guest["id"]: guest for guest in listed["guest_passes"]}
    assert by_id[first["id"]]["status"] == "revoked"
    assert by_id[second["id"]]["status"] == "active"
    assert by_id[second["id"]]["qr_url"] == second["qr_url"]
    passes = guest_passes(hass)
    for guest in passes.passes:
        assert passes.token(guest) not in str(listed)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "revoke_guest_pass", {"id": "nope"}, blocking=True)
    assert err.value.translation_key == "guest_pass_not_found"


async def test_qr_code_view(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Logged-in users and signed paths get the PNG of the token; others get 401; unknown 404."""
    response = await create(hass)
    guest = guest_passes(hass).get(response["id"])
    assert guest is not None
    token = guest_passes(hass).token(guest)

    client = await hass_client()
    reply = await client.get(response["qr_url"])
    assert reply.status == HTTPStatus.OK
    assert reply.content_type == "image/png"
    assert reply.headers["Cache-Control"] == "private, no-store"
    png = await reply.read()
    assert png == qr_png(token)
    image = Image.open(io.BytesIO(png))
    assert image.width == image.height == (33 + 8) * QR_SCALE  # version 4 and its quiet zone

    anonymous = await hass_client_no_auth()
    assert (await anonymous.get(response["qr_url"])).status == HTTPStatus.UNAUTHORIZED
    signed = await anonymous.get(response["qr_signed_url"])
    assert signed.status == HTTPStatus.OK
    assert await signed.read() == png
    missing = await client.get("/api/facecapture/guest_pass/nope/qr.png")
    assert missing.status == HTTPStatus.NOT_FOUND


async def test_active_passes_sensor(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, freezer: FrozenDateTimeFactory
) -> None:
    """The count follows passes for this terminal created, starting, revoked and ending."""
    assert active_passes(hass, entity_registry) == "0"
    now = dt_util.now()
    here = await create(hass, terminals=[terminal_device_id(hass)])
    await hass.async_block_till_done()
    assert active_passes(hass, entity_registry) == "1"
    await create(
        hass,
        valid_from=(now + timedelta(minutes=30)).isoformat(),
        valid_until=(now + timedelta(minutes=40)).isoformat(),
    )
    await hass.async_block_till_done()
    assert active_passes(hass, entity_registry) == "1"  # not yet valid
    freezer.tick(timedelta(minutes=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert active_passes(hass, entity_registry) == "2"
    await hass.services.async_call(DOMAIN, "revoke_guest_pass", {"id": here["id"]}, blocking=True)
    await hass.async_block_till_done()
    assert active_passes(hass, entity_registry) == "1"
    freezer.tick(timedelta(minutes=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert active_passes(hass, entity_registry) == "0"


async def test_sensor_without_its_device_shows_nothing(init_integration: MockConfigEntry) -> None:
    """Before it knows its terminal's device (not added yet) the sensor has no value."""
    sensor = GuestPassCountSensor(init_integration, ACTIVE_GUEST_PASSES)
    assert sensor.native_value is None
    # It opts in to in-place entity id changes (it overrides async_added_to_hass).
    assert "async_entity_id_changed" in vars(GuestPassCountSensor)
    sensor.async_entity_id_changed("sensor.old")


async def test_invalid_code_logged_with_the_terminal_name(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The one warning per window names the terminal as its device is named."""
    text = TOKEN_PREFIX + "D" * 77
    result = guest_passes(hass).async_check(
        text, device_id=terminal_device_id(hass), capture_key=capture_key_of("S", 1, "t")
    )
    assert result is not None
    assert "Front gate was shown an invalid guest pass (unknown)" in caplog.text
    assert text not in caplog.text
