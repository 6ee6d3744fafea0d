"""Linked people: the subentry flow, ha_person in events, the logbook name, the last-seen sensor."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web
from homeassistant.components.http import HomeAssistantView
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.facecapture.const import EVENT_FACE, SUBENTRY_PERSON_LINK
from custom_components.facecapture.logbook import async_describe_events
from custom_components.facecapture.people.links import linked_person, person_links
from simulator import Simulator
from tests.integration.common import call_action, make_jpeg

# The capture entities start disabled (one logbook row per capture); these tests watch them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

ALICE = "person.alice_smith"
CAROL = "person.carol_jones"
PICTURE = make_jpeg(80, 60, (200, 150, 120))


class _PictureView(HomeAssistantView):
    """Serves a person's picture the way image_upload does: a path of Home Assistant's address."""

    url = "/api/test_people/{name}"
    name = "api:test_people"
    requires_auth = False

    async def get(self, request: web.Request, name: str) -> web.Response:
        if name != "carol.jpg":
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.Response(body=PICTURE, content_type="image/jpeg")


@pytest.fixture
async def people(hass: HomeAssistant) -> None:
    """Home Assistant people: Alice without a picture, Carol with one served by Home Assistant."""
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {"id": "alice", "name": "Alice Smith"},
                {"id": "carol", "name": "Carol Jones", "picture": "/api/test_people/carol.jpg"},
                {"id": "dave", "name": "Dave", "picture": "/api/test_people/missing.jpg"},
            ]
        },
    )
    await hass.async_block_till_done()


async def _settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)


async def _link(hass: HomeAssistant, entry: MockConfigEntry, person_id: str, ha_person: str) -> Any:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PERSON_LINK), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"person_id": person_id, "ha_person": ha_person}
    )


async def test_link_flow_and_what_a_link_does(
    hass: HomeAssistant,
    people: None,
    live_push: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Link Alice; her captures name her Home Assistant person and update her last-seen sensor."""
    await _settle(hass)
    result = await hass.config_entries.subentries.async_init(
        (live_push.entry_id, SUBENTRY_PERSON_LINK), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    person_field = next(key for key in result["data_schema"].schema if str(key) == "person_id")
    options = result["data_schema"].schema[person_field].config["options"]
    assert options == [{"value": "1001", "label": "Alice"}, {"value": "1002", "label": "Bob"}]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"person_id": "1001", "ha_person": ALICE}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alice → Alice Smith"
    await _settle(hass)  # the entry reloads to add the link's sensor
    assert live_push.state is ConfigEntryState.LOADED
    assert linked_person(live_push, "1001") == ALICE
    assert linked_person(live_push, "1002") is None

    sensor = "sensor.alice_smith_last_seen_at_front_gate"
    registered = entity_registry.async_get(sensor)
    assert registered is not None
    assert registered.device_id is None
    assert registered.config_subentry_id == next(iter(live_push.subentries))
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.name == "Alice Smith last seen at Front gate"

    events = async_capture_events(hass, EVENT_FACE)
    for kind, person_id in (("recognized", "1001"), ("recognized", "1002"), ("denied", "1001")):
        await simulator.capture(kind, person_id=person_id)
        await simulator.wait_delivered(timeout=5)
        await _settle(hass)
    face = hass.states.get("event.front_gate_face")
    assert face is not None
    assert face.attributes["ha_person"] == ALICE  # denied, but the face was hers
    await simulator.capture("stranger")
    await simulator.wait_delivered(timeout=5)
    await _settle(hass)
    assert [event.data["ha_person"] for event in events] == [ALICE, None, ALICE, None]
    face = hass.states.get("event.front_gate_face")
    assert face is not None
    assert "ha_person" not in face.attributes  # the last one, a stranger: nothing to show

    state = hass.states.get(sensor)
    assert state is not None
    seen = dt_util.parse_datetime(events[0].data["captured_at"])
    assert seen is not None
    assert state.state == seen.replace(microsecond=0).isoformat()  # a timestamp keeps seconds

    # Linking Alice twice is refused at the field.
    result = await _link(hass, live_push, "1001", CAROL)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"person_id": "already_linked"}


async def test_logbook_uses_the_linked_name(hass: HomeAssistant, people: None) -> None:
    """The logbook names a linked person as Home Assistant does, else as the terminal does."""
    described: dict[str, Callable[[Event], dict[str, str]]] = {}

    def register(domain: str, event_type: str, describe: Callable[[Event], dict[str, str]]) -> None:
        described[event_type] = describe

    async_describe_events(hass, register)
    describe = described[EVENT_FACE]
    base = {"result": "recognized", "name": "Alice", "person_id": "1001", "realtime": True}
    assert describe(Event(EVENT_FACE, {**base, "ha_person": ALICE}))["message"] == (
        "recognized Alice Smith"
    )
    assert describe(Event(EVENT_FACE, {**base, "ha_person": None}))["message"] == (
        "recognized Alice"
    )
    assert describe(Event(EVENT_FACE, {**base, "ha_person": "person.gone"}))["message"] == (
        "recognized gone"
    )


async def test_reconfigure_and_remove(
    hass: HomeAssistant,
    people: None,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A link can point at someone else; deleting it removes its sensor."""
    await _settle(hass)
    result = await _link(hass, init_integration, "1002", ALICE)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await _settle(hass)
    subentry_id = next(iter(init_integration.subentries))

    result = await init_integration.start_subentry_reconfigure_flow(hass, subentry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"ha_person": CAROL}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await _settle(hass)
    assert linked_person(init_integration, "1002") == CAROL
    assert init_integration.subentries[subentry_id].title == "Bob → Carol Jones"
    # The entity keeps its id (the user may have used it); its name follows the new person.
    state = hass.states.get("sensor.alice_smith_last_seen_at_front_gate")
    assert state is not None
    assert state.name == "Carol Jones last seen at Front gate"

    assert hass.config_entries.async_remove_subentry(init_integration, subentry_id)
    await _settle(hass)
    assert person_links(init_integration) == {}
    assert entity_registry.async_get("sensor.alice_smith_last_seen_at_front_gate") is None


async def test_reconfigure_while_not_loaded(
    hass: HomeAssistant, people: None, init_integration: MockConfigEntry
) -> None:
    """With the terminal unloaded, the title falls back to the person id."""
    await _settle(hass)
    await _link(hass, init_integration, "1001", ALICE)
    await _settle(hass)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    subentry_id = next(iter(init_integration.subentries))
    result = await init_integration.start_subentry_reconfigure_flow(hass, subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"ha_person": CAROL}
    )
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.subentries[subentry_id].title == "1001 → Carol Jones"


async def test_flow_aborts(
    hass: HomeAssistant, people: None, init_integration: MockConfigEntry
) -> None:
    """Nothing to pick before the list is read; nothing at all while the terminal is unloaded."""
    await _settle(hass)
    init_integration.runtime_data.directory.persons.clear()
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_PERSON_LINK), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_persons"
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_PERSON_LINK), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


async def test_enroll_from_a_person(
    hass: HomeAssistant,
    people: None,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Carol's picture (fetched through Home Assistant), name and entity id; then she is linked."""
    hass.http.register_view(_PictureView())
    client = await hass_client_no_auth()
    await async_process_ha_core_config(
        hass, {"internal_url": f"http://127.0.0.1:{client.server.port}"}
    )
    await _settle(hass)
    reply = await call_action(hass, "enroll_person", {"id": "1003", "person": CAROL}, response=True)
    assert reply == {"id": "1003", "duplicate_id": None}
    stored = simulator.state.persons["1003"]
    assert (stored["name"], stored["customer_text"]) == ("Carol Jones", CAROL)
    assert stored["image_format"] == "jpg"
    await _settle(hass)
    assert linked_person(init_integration, "1003") == CAROL
    subentry: ConfigSubentry = person_links(init_integration)["1003"]
    assert subentry.title == "Carol Jones → Carol Jones"

    # Given fields win over the person's; enrolling again re-links rather than adding a link.
    await call_action(hass, "enroll_person", {"id": "1003", "person": CAROL, "name": "Caz"})
    assert simulator.state.persons["1003"]["name"] == "Caz"
    assert len(person_links(init_integration)) == 1


@pytest.mark.parametrize(
    ("person", "error"),
    [
        ("person.nobody", "person_not_found"),
        (ALICE, "person_without_picture"),
        ("person.dave", "photo_media_failed"),
    ],
)
async def test_enroll_from_a_person_refused(
    hass: HomeAssistant,
    people: None,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    person: str,
    error: str,
) -> None:
    """No such person, no picture, or a picture that cannot be fetched: a clear error."""
    hass.http.register_view(_PictureView())
    client = await hass_client_no_auth()
    await async_process_ha_core_config(
        hass, {"internal_url": f"http://127.0.0.1:{client.server.port}"}
    )
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "enroll_person", {"id": "1004", "person": person})
    assert err.value.translation_key == error
