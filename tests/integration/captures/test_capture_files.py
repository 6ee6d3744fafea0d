"""Captures on disk only when the user opted in, deleted after the days they chose."""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from homeassistant.components import media_source
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.facecapture.api.push import FacePush, parse_push
from custom_components.facecapture.captures.archive import (
    ArchivedCapture,
    CaptureArchive,
    Picture,
    capture_id_for,
)
from custom_components.facecapture.captures.files import (
    CLEANUP_INTERVAL,
    CaptureFiles,
    captures_root,
)
from custom_components.facecapture.const import CONF_KEEP_CAPTURES_DAYS, DOMAIN, EVENT_FACE
from simulator import Simulator
from tests.integration.common import SERIAL, make_jpeg

pytestmark = pytest.mark.usefixtures("no_platforms")


@pytest.fixture(autouse=True)
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A configuration folder of the test's own, to see what is written there."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


async def _push(hass: HomeAssistant, simulator: Simulator, *args: Any, **kwargs: Any) -> Any:
    body = await simulator.capture(*args, **kwargs)
    await simulator.wait_delivered(timeout=5)
    await hass.async_block_till_done(wait_background_tasks=True)
    return body


async def test_nothing_on_disk_by_default(
    hass: HomeAssistant, live_push: MockConfigEntry, simulator: Simulator, config_dir: Path
) -> None:
    """Without the opt-in, pictures stay in memory: not one file is written."""
    before = _files(config_dir)
    await _push(hass, simulator, "recognized", person_id="1001")
    await _push(hass, simulator, "stranger")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert live_push.runtime_data.history.archive.captures()
    assert _files(config_dir) == before
    assert not (config_dir / DOMAIN).exists()


@pytest.mark.parametrize("entry_options", [{CONF_KEEP_CAPTURES_DAYS: 2}])
async def test_kept_when_opted_in(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    config_dir: Path,
    hass_client: ClientSessionGenerator,
) -> None:
    """Opted in: pictures and a description per capture, served again after a reload."""
    events = async_capture_events(hass, EVENT_FACE)
    runtime = init_integration.runtime_data
    body = await simulator.capture("recognized", person_id="1001")
    # Hand the push to the hub directly: nothing listens at the push address in this fixture.
    push = parse_push(body)
    assert isinstance(push, FacePush)
    runtime.captures.async_process(push)
    await hass.async_block_till_done(wait_background_tasks=True)
    root = captures_root(hass, SERIAL)
    assert root.is_relative_to(config_dir)
    day = dt_util.now().date().isoformat()
    capture_id = capture_id_for(body["cap_time"], "")
    assert [path.relative_to(root).as_posix() for path in _files(root)] == [
        f"{day}/{capture_id}.json",
        f"{day}/{capture_id}_closeup.jpg",
        f"{day}/{capture_id}_panorama.jpg",
    ]
    meta = json.loads((root / day / f"{capture_id}.json").read_text())
    assert meta["result"] == "recognized"
    assert meta["name"] == "Alice"

    # After a reload memory is empty: the picture comes from disk.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    user = await hass_client()
    response = await user.get(events[0].data["panorama"])
    assert response.status == 200
    assert await response.read() == (root / day / f"{capture_id}_panorama.jpg").read_bytes()

    assert await async_setup_component(hass, "media_source", {})
    # media_source loads the sources of integrations already set up in a task of its own.
    await hass.async_block_till_done()
    browsed = await media_source.async_browse_media(
        hass, f"media-source://{DOMAIN}/{init_integration.entry_id}/day/{day}"
    )
    assert [child.identifier for child in browsed.children] == [
        f"{init_integration.entry_id}/capture/{capture_id}"
    ]
    terminal = await media_source.async_browse_media(
        hass, f"media-source://{DOMAIN}/{init_integration.entry_id}"
    )
    assert terminal.children[1].identifier.endswith(day)


@pytest.mark.parametrize("entry_options", [{CONF_KEEP_CAPTURES_DAYS: 2}])
async def test_old_days_deleted(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry, config_dir: Path
) -> None:
    """Days beyond the limit go at the next clean-up; turning the option off deletes everything."""
    files: CaptureFiles = init_integration.runtime_data.history.files
    today = dt_util.now().date()
    for age in (0, 1, 2, 5):
        folder = files.root / (today - timedelta(days=age)).isoformat()
        folder.mkdir(parents=True)
        (folder / "x.json").write_text("{}")
    (files.root / "not-a-day").mkdir()
    async_fire_time_changed(hass, dt_util.utcnow() + CLEANUP_INTERVAL + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted(path.name for path in files.root.iterdir()) == [
        (today - timedelta(days=1)).isoformat(),
        today.isoformat(),
        "not-a-day",
    ]
    (files.root / today.isoformat() / "y.json").write_text('{"captured_at": "soon", "files": {}}')
    (files.root / today.isoformat() / "z.json").write_text(
        '{"captured_at": "2026-01-01T00:00:00+00:00", "files": []}'
    )
    # Unreadable descriptions are skipped, not fatal.
    assert await files.async_summaries(today) == []
    assert await files.async_load("x") is None

    hass.config_entries.async_update_entry(init_integration, options={CONF_KEEP_CAPTURES_DAYS: 0})
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not files.root.exists()


async def test_deleted_with_the_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry, config_dir: Path
) -> None:
    """Removing the terminal deletes what was kept of it."""
    root = init_integration.runtime_data.history.files.root
    (root / "2026-01-01").mkdir(parents=True)
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not root.exists()


async def test_files_edge_cases(hass: HomeAssistant, config_dir: Path) -> None:
    """A write that fails is logged, odd ids and missing pictures are handled."""
    files = CaptureFiles(hass, SERIAL, 3)
    assert await files.async_days() == []
    assert await files.async_summaries(dt_util.now().date()) == []
    assert await files.async_load("123") is None
    assert await files.async_load("../etc") is None
    archived = ArchivedCapture(
        capture_id="20261128120000000",
        captured_at=dt_util.utcnow(),
        result="stranger",
        name=None,
        pictures={"closeup": Picture.from_bytes(make_jpeg())},
    )
    await hass.async_add_executor_job(files._write, archived)
    day = dt_util.now().date()
    [summary] = await files.async_summaries(day)
    assert summary.kinds == ("closeup",)
    (files.root / day.isoformat() / "20261128120000000_closeup.jpg").unlink()
    loaded = await files.async_load("20261128120000000")
    assert loaded is not None
    assert loaded.pictures == {}
    # A folder in the way of the day folder: the write fails without an exception.
    blocked = CaptureFiles(hass, "blocked", 3)
    blocked.root.parent.mkdir(parents=True, exist_ok=True)
    blocked.root.write_text("not a folder")
    await hass.async_add_executor_job(blocked._write, archived)
    disabled = CaptureFiles(hass, SERIAL, 0)
    assert await disabled.async_load("20261128120000000") is None


def test_archive_bounds() -> None:
    """The archive drops the oldest beyond its count and byte limits, never the newest."""

    def capture(number: int, size: int) -> ArchivedCapture:
        return ArchivedCapture(
            capture_id=str(number),
            captured_at=dt_util.utcnow(),
            result=None,
            name=None,
            pictures={"closeup": Picture(data=b"x" * size, content_type="image/jpeg")},
        )

    archive = CaptureArchive("entry", max_captures=3, max_bytes=100)
    for number in range(5):
        archive.add(capture(number, 10))
    assert [item.capture_id for item in archive.captures()] == ["4", "3", "2"]
    archive.add(capture(3, 40))  # the same capture again replaces it
    assert (len(archive), archive.size) == (3, 60)
    archive.add(capture(9, 95))
    assert [item.capture_id for item in archive.captures()] == ["9"]
    archive.add(capture(10, 500))  # larger than the limit alone: still kept, as the newest
    assert [item.capture_id for item in archive.captures()] == ["10"]
    assert capture_id_for(None, "7") == "seq7"
    assert capture_id_for("", "a/b") == "seqab"
    assert Picture.from_bytes(b"\x89PNG\r\n\x1a\n...").content_type == "image/png"
