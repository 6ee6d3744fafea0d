"""Captures kept on disk, only when the user opted in, and only for as many days as they chose.

Faces are biometric data: with the option at 0 days (the default) nothing is written, and whatever
an earlier opt-in left is deleted. Otherwise each capture's pictures and a small description (time,
result, name) go to ``<config>/facecapture/captures/<serial>/<YYYY-MM-DD>/``; days older than the
limit are deleted at start and every few hours. All file work runs in the executor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
import json
from pathlib import Path
import re
import shutil
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from .archive import PICTURE_KINDS, ArchivedCapture, CaptureSummary, Picture

CLEANUP_INTERVAL: Final = timedelta(hours=6)
_SAFE = re.compile(r"[^0-9A-Za-z_-]")
_EXTENSIONS: Final = {"image/png": "png", "image/jpeg": "jpg"}


def captures_root(hass: HomeAssistant, serial: str) -> Path:
    """Where one terminal's captures go when the user keeps them."""
    return Path(hass.config.path(DOMAIN, "captures", _SAFE.sub("_", serial)))


@dataclass(frozen=True, slots=True)
class _Stored:
    folder: Path
    meta: dict[str, Any]


class CaptureFiles:
    """One terminal's captures on disk, kept ``retention_days`` days (0: nothing on disk)."""

    def __init__(self, hass: HomeAssistant, serial: str, retention_days: int) -> None:
        """Bind to a terminal; nothing is read or written yet."""
        self.hass = hass
        self.root = captures_root(hass, serial)
        self.retention_days = retention_days

    @property
    def enabled(self) -> bool:
        """Whether the user opted in to keeping captures on disk."""
        return self.retention_days > 0

    @callback
    def async_save(self, archived: ArchivedCapture) -> None:
        """Write a capture in the background (only called when enabled)."""
        self.hass.async_add_executor_job(self._write, archived)

    def _write(self, archived: ArchivedCapture) -> None:
        folder = self.root / dt_util.as_local(archived.captured_at).date().isoformat()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            files: dict[str, str] = {}
            for kind, picture in archived.pictures.items():
                data = picture.data  # decoded once; its content type comes with it
                name = (
                    f"{archived.capture_id}_{kind}.{_EXTENSIONS.get(picture.content_type, 'jpg')}"
                )
                (folder / name).write_bytes(data)
                files[kind] = name
            meta = {
                "captured_at": archived.captured_at.isoformat(),
                "result": archived.result,
                "name": archived.name,
                "files": files,
            }
            (folder / f"{archived.capture_id}.json").write_text(json.dumps(meta), encoding="utf-8")
        except OSError as err:
            LOGGER.warning("Could not keep a capture in %s: %s", folder, err)

    async def async_days(self) -> list[date]:
        """The days that have captures on disk, newest first."""
        return await self.hass.async_add_executor_job(self._days)

    def _days(self) -> list[date]:
        if not self.root.is_dir():
            return []
        days = []
        for folder in self.root.iterdir():
            try:
                days.append(date.fromisoformat(folder.name))
            except ValueError:
                continue
        return sorted(days, reverse=True)

    async def async_summaries(self, day: date) -> list[CaptureSummary]:
        """The captures of one day on disk."""
        return await self.hass.async_add_executor_job(self._summaries, day)

    def _summaries(self, day: date) -> list[CaptureSummary]:
        folder = self.root / day.isoformat()
        if not folder.is_dir():
            return []
        summaries = []
        for meta_file in folder.glob("*.json"):
            if (stored := _read_meta(meta_file)) is None:
                continue
            meta = stored.meta
            summaries.append(
                CaptureSummary(
                    capture_id=meta_file.stem,
                    captured_at=meta["captured_at"],
                    result=meta.get("result"),
                    name=meta.get("name"),
                    kinds=tuple(kind for kind in PICTURE_KINDS if kind in meta["files"]),
                )
            )
        return summaries

    async def async_load(self, capture_id: str) -> ArchivedCapture | None:
        """One capture with its pictures, if it is on disk."""
        if not self.enabled:
            return None
        return await self.hass.async_add_executor_job(self._load, capture_id)

    def _load(self, capture_id: str) -> ArchivedCapture | None:
        if _SAFE.search(capture_id) or not self.root.is_dir():
            return None
        for meta_file in self.root.glob(f"*/{capture_id}.json"):
            if (stored := _read_meta(meta_file)) is None:
                continue
            meta = stored.meta
            pictures = {}
            for kind, name in meta["files"].items():
                try:
                    pictures[kind] = Picture.from_bytes((stored.folder / name).read_bytes())
                except OSError:
                    continue
            return ArchivedCapture(
                capture_id=capture_id,
                captured_at=meta["captured_at"],
                result=meta.get("result"),
                name=meta.get("name"),
                pictures=pictures,
            )
        return None

    async def async_cleanup(self, now: datetime | None = None) -> None:
        """Delete the days past the limit; everything when the user does not keep captures."""
        await self.hass.async_add_executor_job(self._cleanup, now or dt_util.now())

    def _cleanup(self, now: datetime) -> None:
        if not self.root.exists():
            return
        if not self.enabled:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        oldest = dt_util.as_local(now).date() - timedelta(days=self.retention_days - 1)
        for day in self._days():
            if day < oldest:
                shutil.rmtree(self.root / day.isoformat(), ignore_errors=True)


def _read_meta(path: Path) -> _Stored | None:
    """A capture's description, or None when it is unreadable or not ours."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        captured_at = dt_util.parse_datetime(meta["captured_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if captured_at is None or not isinstance(meta.get("files"), dict):
        return None
    meta["captured_at"] = captured_at
    return _Stored(path.parent, meta)
