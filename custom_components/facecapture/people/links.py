"""Home Assistant's people and the terminal's persons: links (one config subentry each), enrolment.

A subentry per link (rather than a list in the options) because each link is a thing of its own
in Home Assistant 2026: it is added, changed and deleted on its own from the terminal's page, and
it owns its "last seen" sensor, which goes away with it. A link makes a capture of that person
carry ``ha_person`` (the ``person`` entity) and the logbook speak of them by their Home Assistant
name. Linking is the user's choice, so the ids it keeps on disk are there because they asked.

Enrolling from a ``person`` entity takes their name, their picture (fetched through Home
Assistant, wherever it is kept) and their entity id, and links the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import ATTR_ENTITY_PICTURE
from homeassistant.core import HomeAssistant, callback, split_entity_id
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from ..const import CONF_HA_PERSON, CONF_PERSON_ID, SUBENTRY_PERSON_LINK
from ..coordinator import FaceCaptureConfigEntry
from ..helpers import validation_error
from ..schema_library import vol
from .photos import async_download


def person_links(entry: FaceCaptureConfigEntry) -> dict[str, ConfigSubentry]:
    """Terminal person id -> the subentry linking them to a Home Assistant person."""
    return {
        subentry.data[CONF_PERSON_ID]: subentry
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_PERSON_LINK
    }


def linked_person(entry: FaceCaptureConfigEntry, person_id: str) -> str | None:
    """The ``person`` entity linked to a terminal person id, if any."""
    for subentry in entry.subentries.values():
        if (
            subentry.subentry_type == SUBENTRY_PERSON_LINK
            and subentry.data[CONF_PERSON_ID] == person_id
        ):
            ha_person: str = subentry.data[CONF_HA_PERSON]
            return ha_person
    return None


def person_name(hass: HomeAssistant, entity_id: str) -> str:
    """A Home Assistant person's name as shown, else their entity id's object id."""
    if (state := hass.states.get(entity_id)) is not None and state.name:
        return state.name
    return split_entity_id(entity_id)[1]


@dataclass(frozen=True, kw_only=True)
class PersonSource:
    """What enrolment takes from a Home Assistant person."""

    name: str
    picture: bytes


async def async_person_source(hass: HomeAssistant, entity_id: str) -> PersonSource:
    """Read a ``person`` entity's name and picture; its picture is required (it is the face)."""
    if (state := hass.states.get(entity_id)) is None:
        raise validation_error("person_not_found", entity_id=entity_id)
    picture = state.attributes.get(ATTR_ENTITY_PICTURE)
    if not isinstance(picture, str) or not picture:
        raise validation_error("person_without_picture", entity_id=entity_id)
    if not picture.startswith(("http://", "https://")):
        # A picture uploaded in Home Assistant is served by it, at a path of its own address.
        try:
            picture = get_url(hass, allow_external=False) + picture
        except NoURLAvailableError as err:
            raise validation_error("person_without_picture", entity_id=entity_id) from err
    return PersonSource(name=state.name, picture=await async_download(hass, entity_id, picture))


def _title(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, person_id: str, ha_person: str
) -> str:
    known = entry.runtime_data.directory.get(person_id)
    return f"{known.name if known and known.name else person_id} → {person_name(hass, ha_person)}"


@callback
def async_link(
    hass: HomeAssistant, entry: FaceCaptureConfigEntry, person_id: str, ha_person: str
) -> None:
    """Link (or re-link) a terminal person to a Home Assistant person, as the flow would."""
    title = _title(hass, entry, person_id, ha_person)
    data = {CONF_PERSON_ID: person_id, CONF_HA_PERSON: ha_person}
    if (existing := person_links(entry).get(person_id)) is not None:
        hass.config_entries.async_update_subentry(entry, existing, data=data, title=title)
        return
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data=MappingProxyType(data),
            subentry_type=SUBENTRY_PERSON_LINK,
            title=title,
            unique_id=person_id,
        ),
    )


def _ha_person_selector() -> EntitySelector:
    return EntitySelector(EntitySelectorConfig(domain="person"))


class PersonLinkFlow(ConfigSubentryFlow):
    """Link one of the terminal's persons, picked by name, to a Home Assistant person."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Pick the terminal person and the Home Assistant person."""
        entry: FaceCaptureConfigEntry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        directory = entry.runtime_data.directory
        if not directory.persons:
            return self.async_abort(reason="no_persons")
        errors: dict[str, str] = {}
        if user_input is not None:
            person_id = user_input[CONF_PERSON_ID]
            if person_id in person_links(entry):
                errors[CONF_PERSON_ID] = "already_linked"
            else:
                return self.async_create_entry(
                    title=_title(self.hass, entry, person_id, user_input[CONF_HA_PERSON]),
                    data={CONF_PERSON_ID: person_id, CONF_HA_PERSON: user_input[CONF_HA_PERSON]},
                    unique_id=person_id,
                )
        options = [
            SelectOptionDict(value=person_id, label=label)
            for person_id, label in directory.choices().items()
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_PERSON_ID): SelectSelector(
                    SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
                ),
                vol.Required(CONF_HA_PERSON): _ha_person_selector(),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Link the same terminal person to another Home Assistant person."""
        entry: FaceCaptureConfigEntry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        person_id: str = subentry.data[CONF_PERSON_ID]
        if user_input is not None:
            ha_person = user_input[CONF_HA_PERSON]
            title = (
                _title(self.hass, entry, person_id, ha_person)
                if entry.state is ConfigEntryState.LOADED
                else f"{person_id} → {person_name(self.hass, ha_person)}"
            )
            return self.async_update_and_abort(
                entry, subentry, title=title, data_updates={CONF_HA_PERSON: ha_person}
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_HA_PERSON): _ha_person_selector()}),
                subentry.data,
            ),
            description_placeholders={"person": subentry.title},
        )
