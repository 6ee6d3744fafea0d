"""Forward compatibility: every action and device trigger with the device registry of 2026.8+.

From Home Assistant 2026.8 a device belongs to one config entry, ``DeviceEntry.config_entry_id``;
``config_entries`` warns from 2026.10 (the test plugin turns that into an error) and is gone in
2027.10. The tests here hand the integration devices that have ``config_entry_id`` and no
``config_entries`` at all, as 2027.10 will, and run every action and every device trigger against
the simulator, on every version the suite runs on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.facecapture import device_trigger, helpers
from custom_components.facecapture.services import ACTIONS
from simulator import Simulator

from .common import call_action, make_jpeg, terminal_device, terminal_device_id
from .test_device_trigger import ALL_TYPES, _automations, _capture, _fired, _trigger

DEPRECATED = frozenset({"config_entries", "config_entries_subentries", "primary_config_entry"})


class SingleEntryDevice:
    """A device as Home Assistant hands it out once the multi-entry properties are gone."""

    def __init__(self, device: dr.DeviceEntry, reads: list[str]) -> None:
        """Wrap a 2026.2 device; ``reads`` records each read of ``config_entry_id``."""
        self._device = device
        self._reads = reads

    @property
    def config_entry_id(self) -> str:
        """The device's one config entry (2026.2's devices hold it in a set of one)."""
        self._reads.append(self._device.id)
        entry_id = getattr(self._device, "config_entry_id", None)
        if entry_id is None:
            (entry_id,) = self._device.config_entries
        assert isinstance(entry_id, str)
        return entry_id

    def __getattr__(self, name: str) -> Any:
        """Everything else as the real device has it; the deprecated properties do not exist."""
        if name in DEPRECATED:
            raise AttributeError(name)
        return getattr(self._device, name)


class _Registry:
    def __init__(self, registry: dr.DeviceRegistry, reads: list[str]) -> None:
        self._registry = registry
        self._reads = reads

    def async_get(self, device_id: str) -> SingleEntryDevice | None:
        device = self._registry.async_get(device_id)
        return None if device is None else SingleEntryDevice(device, self._reads)


class _DeviceRegistryModule:
    def __init__(self, reads: list[str]) -> None:
        self._reads = reads

    def async_get(self, hass: HomeAssistant) -> _Registry:
        return _Registry(dr.async_get(hass), self._reads)


@pytest.fixture
def single_entry_devices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The integration's device lookups return devices without ``config_entries``."""
    reads: list[str] = []
    monkeypatch.setattr(helpers, "dr", _DeviceRegistryModule(reads))
    return reads


async def test_fake_device_has_no_config_entries(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The stand-in really lacks the deprecated properties (or the tests below prove nothing)."""
    device = SingleEntryDevice(terminal_device(hass), [])
    assert device.config_entry_id == init_integration.entry_id
    for name in DEPRECATED:
        assert not hasattr(device, name)


def test_config_entry_ids_of_each_kind_of_device() -> None:
    """2026.8+ devices give their one entry; 2026.2 devices and composite ones their set."""

    class Old:  # 2026.2: only the set
        config_entries = frozenset({"a", "b"})

    class New:  # 2026.8+
        config_entry_id = "c"
        is_composite_device = False

    assert sorted(helpers.device_config_entry_ids(Old())) == ["a", "b"]  # type: ignore[arg-type]
    assert helpers.device_config_entry_ids(New()) == ("c",)  # type: ignore[arg-type]

    class Orphan:
        config_entry_id = None

    assert helpers.device_config_entry_ids(Orphan()) == ()  # type: ignore[arg-type]

    class Composite:
        config_entry_id = "x"
        is_composite_device = True
        config_entries = frozenset({"x", "y"})

    assert sorted(helpers.device_config_entry_ids(Composite())) == ["x", "y"]  # type: ignore[arg-type]


# One valid call of each action; the photo of display_image is a file the test writes.
ACTION_CALLS: dict[str, dict[str, Any]] = {
    "open_gate": {},
    "wiegand_output": {"card_number": "7"},
    "speak": {"text": "hello"},
    "display_text": {"text": "hello"},
    "display_image": {"photo_file": "PHOTO"},
    "enroll_person": {"id": "1009", "card_number": "5"},
    "update_person": {"id": "1001", "name": "Alicia"},
    "delete_person": {"id": "1002"},
    "delete_persons": {"role": "blacklist", "confirm": True},
    "get_persons": {},
    "get_records": {},
    "sync_time": {},
    "send_command": {"command": {"cmd": "request date time"}},
}


def test_every_action_is_covered() -> None:
    """A new action joins the list above, so it is run without ``config_entries`` too."""
    assert set(ACTION_CALLS) == {action.name for action in ACTIONS}


@pytest.mark.parametrize("action", sorted(ACTION_CALLS))
async def test_action_without_config_entries(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    single_entry_devices: list[str],
    tmp_path: Path,
    action: str,
) -> None:
    """Each action finds its terminal through ``config_entry_id`` and reaches it."""
    (tmp_path / "photo.jpg").write_bytes(make_jpeg())
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    data = {
        key: str(tmp_path / "photo.jpg") if value == "PHOTO" else value
        for key, value in ACTION_CALLS[action].items()
    }
    response = next(a.response for a in ACTIONS if a.name == action).value != "none"
    sent = len(simulator.requests)
    await call_action(hass, action, data, response=response)
    assert len(simulator.requests) > sent
    assert single_entry_devices == [terminal_device_id(hass)]


async def test_device_triggers_without_config_entries(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    single_entry_devices: list[str],
    service_calls: list[ServiceCall],
) -> None:
    """Triggers are listed for the loaded terminal (its checks read) and fire on real pushes."""
    device_id = terminal_device_id(hass)
    simulator.state.app_params["face"]["mask"]["enable"] = False
    await live_push.runtime_data.coordinator.async_refresh()
    listed = await device_trigger.async_get_triggers(hass, device_id)
    # The terminal's entry was found: its switched-off mask check hides "no mask".
    assert [trigger["type"] for trigger in listed] == [
        "recognized",
        "stranger",
        "denied",
        "detected",
        "fever",
    ]
    assert single_entry_devices == [device_id]

    await _automations(hass, *(_trigger(device_id, trigger_type) for trigger_type in ALL_TYPES))
    await _capture(hass, simulator, "recognized", person_id="1001", temperature=38.4, mask=True)
    assert sorted(_fired(service_calls)) == ["fever", "recognized"]
    service_calls.clear()
    await _capture(hass, simulator, "stranger", temperature=36.6, mask=True)
    assert _fired(service_calls) == ["stranger"]
    service_calls.clear()
    await _capture(hass, simulator, "denied", person_id="1002", reason=-4, mask=True)
    assert _fired(service_calls) == ["denied"]
