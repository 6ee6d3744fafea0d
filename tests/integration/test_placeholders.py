"""Every text of strings.json renders as the frontend renders it: no placeholder left unsupplied.

The frontend reads a text as an ICU message (formatjs): each ``{word}`` in it is a placeholder, and
one that the form (or the issue, the error) does not supply is shown as a raw
``[formatjs Error: MISSING_VALUE]`` instead of the text. Here every form of every flow is shown
for real, and each of its texts is checked against the placeholders the form supplies; the
exceptions and issues are checked against what the code passes where it raises or creates them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowHandler, FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture.const import (
    CONF_ACCESS_DECIDER,
    CONF_HOUSEHOLD,
    DECIDER_HOME_ASSISTANT,
    DOMAIN,
    ISSUE_HOUSEHOLD_DRIFT,
    SUBENTRY_PERSON_LINK,
)
from simulator import Simulator

COMPONENT = Path(__file__).resolve().parents[2] / "custom_components" / DOMAIN
STRINGS: dict[str, Any] = json.loads((COMPONENT / "strings.json").read_text(encoding="utf-8"))

# ICU quoting as formatjs reads it: an apostrophe quotes only when a brace follows it ('{word}' is
# literal text); any other apostrophe (the terminal's screen) is just an apostrophe.
_QUOTED = re.compile(r"'[{}][^']*'")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

type Shown = dict[tuple[str, str], set[str]]
"""(flow kind, step id) -> the placeholders each showing of that form supplied."""


def placeholders(text: str) -> set[str]:
    """The placeholders the frontend would look up in ``text``."""
    return set(_PLACEHOLDER.findall(_QUOTED.sub("", text)))


def test_placeholders_are_read_as_the_frontend_reads_them() -> None:
    assert placeholders("Hello {name}, {count} new") == {"name", "count"}
    assert placeholders("Type '{name}' to show the name") == set()
    assert placeholders("The terminal's screen shows {name}, the person's name") == {"name"}
    assert placeholders("`curl -d '{{...}}'` and {curl_check}") == {"curl_check"}


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}" if path else key)
    elif isinstance(node, str):
        yield path, node


def _step_texts(kind: str, step_id: str) -> dict[str, str]:
    """Title, description and field help of one form (errors are checked against all forms)."""
    section = {"config": STRINGS["config"], "options": STRINGS["options"]}.get(kind)
    if section is None:  # a subentry's or a repair's
        section = (
            STRINGS["config_subentries"][kind.removeprefix("subentry:")]
            if kind.startswith("subentry:")
            else STRINGS["issues"][kind.removeprefix("repair:")]["fix_flow"]
        )
    step = section["step"][step_id]
    return {
        path: text
        for path, text in _texts(step)
        if not path.startswith("data.")  # field labels get no placeholders in the frontend
    }


@pytest.fixture
def shown() -> Iterator[Shown]:
    """Every form shown while the test runs, with the placeholders it supplied."""
    forms: Shown = {}

    def recording(original: Any) -> Any:
        def record(self: FlowHandler, **kwargs: Any) -> Any:
            result = original(self, **kwargs)
            flow_kind, step_id = _kind(self), result["step_id"]
            supplied = set(kwargs.get("description_placeholders") or {})
            forms.setdefault((flow_kind, step_id), set()).update(supplied)
            texts = _step_texts(flow_kind, step_id)
            for error in (kwargs.get("errors") or {}).values():
                texts[f"error.{error}"] = _error_text(flow_kind, error)
            for path, text in texts.items():
                missing = placeholders(text) - supplied
                assert not missing, f"{flow_kind} step {step_id} {path}: {missing} unsupplied"
            return result

        return record

    with (
        patch.object(FlowHandler, "async_show_form", recording(FlowHandler.async_show_form)),
        patch.object(FlowHandler, "async_show_menu", recording(FlowHandler.async_show_menu)),
    ):
        yield forms


def _error_text(kind: str, error: str) -> str:
    section = STRINGS["options"] if kind == "options" else STRINGS["config"]
    text: str = section["error"][error]
    return text


def _kind(flow: FlowHandler) -> str:
    name = type(flow).__name__
    if "Options" in name:
        return "options"
    if "Repair" in name:
        issue_id: str = flow.issue_id  # type: ignore[attr-defined]
        return "repair:" + next(
            key
            for key in STRINGS["issues"]
            if "fix_flow" in STRINGS["issues"][key] and issue_id.startswith(key)
        )
    if "PersonLink" in name:
        return f"subentry:{SUBENTRY_PERSON_LINK}"
    return "config"


def _all_steps() -> set[tuple[str, str]]:
    steps = {("config", step) for step in STRINGS["config"]["step"]}
    steps |= {("options", step) for step in STRINGS["options"]["step"]}
    steps |= {
        (f"subentry:{key}", step)
        for key, subentry in STRINGS["config_subentries"].items()
        for step in subentry["step"]
    }
    steps |= {
        (f"repair:{key}", step)
        for key, issue in STRINGS["issues"].items()
        for step in issue.get("fix_flow", {}).get("step", {})
    }
    return steps


@pytest.fixture
async def repairs(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, "repairs", {})


async def _show_config_forms(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    server = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "server"}
    )
    # The form again with an error: errors render with the form's placeholders.
    await hass.config_entries.flow.async_configure(
        server["flow_id"], {"host": "127.0.0.1", "port": 1}
    )
    hass.config_entries.flow.async_abort(server["flow_id"])
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    client = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "config_client"}
    )
    assert client["step_id"] == "config_client"
    hass.config_entries.flow.async_abort(client["flow_id"])


@pytest.mark.parametrize("entry_options", [{CONF_HOUSEHOLD: "Home"}])
async def test_every_form_supplies_its_placeholders(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    config_client_entry: MockConfigEntry,
    ha_server: TestClient,
    shown: Shown,
    repairs: None,
) -> None:
    """Each form of each flow shown for real; every text of it has what it needs."""
    await _show_config_forms(hass, simulator)

    entry = init_integration
    result = await entry.start_reauth_flow(hass)
    hass.config_entries.flow.async_abort(result["flow_id"])
    result = await entry.start_reconfigure_flow(hass)
    hass.config_entries.flow.async_abort(result["flow_id"])
    config_client_entry.add_to_hass(hass)
    result = await config_client_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure_client"
    hass.config_entries.flow.async_abort(result["flow_id"])

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_ACCESS_DECIDER: DECIDER_HOME_ASSISTANT}
    )
    assert result["step_id"] == "access"
    hass.config_entries.options.async_abort(result["flow_id"])

    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PERSON_LINK), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"person_id": "1001", "ha_person": "person.alice"}
    )
    (subentry_id,) = entry.subentries
    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    assert result["step_id"] == "reconfigure"
    hass.config_entries.subentries.async_abort(result["flow_id"])

    await hass.async_block_till_done()  # the link reloads the entry
    assert entry.state is ConfigEntryState.LOADED
    manager = repairs_flow_manager(hass)
    assert manager is not None
    for key in (key for key, issue in STRINGS["issues"].items() if "fix_flow" in issue):
        issue_id = f"{key}_{entry.entry_id}" if key != ISSUE_HOUSEHOLD_DRIFT else f"{key}_home"
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=key,
            translation_placeholders=_issue_placeholders(key),
            data={"household": "Home", "entry_id": entry.entry_id},
        )
        result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
        if result["type"] is FlowResultType.FORM:
            manager.async_abort(result["flow_id"])

    missing = _all_steps() - set(shown)
    assert not missing, f"forms this test never showed (add them): {sorted(missing)}"


# --- what the code passes where it raises and where it creates issues ---------------------------


def _calls_with_translations() -> list[tuple[str, str, set[str] | None]]:
    """(where, translation_key, placeholder keys or None when not written out) of every call."""
    found: list[tuple[str, str, set[str] | None]] = []
    for path in sorted(COMPONENT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            key = keywords.get("translation_key")
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            given = keywords.get("translation_placeholders")
            keys: set[str] | None = set()
            if isinstance(given, ast.Dict):
                keys = {k.value for k in given.keys if isinstance(k, ast.Constant)}
                if None in given.keys:  # **spread
                    keys = None
            elif isinstance(given, ast.Call) and getattr(given.func, "id", "") == "dict":
                keys = {k.arg for k in given.keywords if k.arg}
            elif given is not None:
                keys = None
            found.append((f"{path.name}:{node.lineno}", key.value, keys))
    return found


def _section_text(section: str, key: str) -> dict[str, str]:
    node = STRINGS.get(section, {}).get(key)
    return dict(_texts(node)) if node is not None else {}


def test_exceptions_and_issues_get_what_their_texts_name() -> None:
    """Where the code raises or creates with a written-out set of placeholders, it is enough."""
    checked = 0
    for where, key, keys in _calls_with_translations():
        texts = _section_text("exceptions", key) or _section_text("issues", key)
        if keys is None or not texts:
            continue
        for path, text in texts.items():
            missing = placeholders(text) - keys
            assert not missing, f"{where} ({key}.{path}) leaves {missing} unsupplied"
        checked += 1
    assert checked >= 12


def _issue_placeholders(key: str) -> dict[str, str]:
    """Placeholders for a fixable issue as the code creates it (values made up).

    Where the code builds them at run time, those its texts name: the confirm form is then checked
    to need nothing the issue does not have.
    """
    for _where, found_key, keys in _calls_with_translations():
        if found_key == key and keys:
            return dict.fromkeys(keys, "x")
    return {word: "x" for _, text in _texts(STRINGS["issues"][key]) for word in placeholders(text)}
