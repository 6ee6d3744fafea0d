"""A sensor per terminal of a household: how far copying persons into it got.

100 % when nothing was left to copy; while a terminal is filled it counts up. Its attributes
are counts only: how many persons were to be copied into this terminal, copied, and not copied.
Its state is written when the percentage changes or the copying starts or ends, not at every
copy: a fill of 1,000 persons writes about a hundred states, not a thousand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant import const as ha_const
from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import callback

from ..coordinator import FaceCaptureConfigEntry
from ..entity import FaceCaptureEntity
from .household import Household, SyncProgress

# A percentage is UnitOfRatio.PERCENTAGE from 2026.7 on, the PERCENTAGE constant before.
_RATIO = getattr(ha_const, "UnitOfRatio", None)
PERCENT: str = _RATIO.PERCENTAGE if _RATIO is not None else ha_const.PERCENTAGE

PERSON_SYNC = SensorEntityDescription(
    key="person_sync",
    translation_key="person_sync",
    native_unit_of_measurement=PERCENT,
    entity_category=EntityCategory.DIAGNOSTIC,
)


class PersonSyncSensor(FaceCaptureEntity, SensorEntity):
    """Percent of the copies into this terminal that are through."""

    _attr_should_poll = False

    def __init__(self, entry: FaceCaptureConfigEntry, household: Household) -> None:
        """Show the copies into ``entry``'s terminal within ``household``."""
        super().__init__(entry, PERSON_SYNC)
        self._household = household
        self._shown: tuple[int, int, bool, bool] | None = None

    async def async_added_to_hass(self) -> None:
        """Follow the household's copying."""
        await super().async_added_to_hass()
        self.async_on_remove(self._household.async_add_listener(self._progressed))
        self._shown = self._shown_key()

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the listener is not keyed on the entity id."""
        super().async_entity_id_changed(old_entity_id)

    @callback
    def _progressed(self) -> None:
        # Every copy into any terminal of the household calls this: write only when this
        # terminal's percentage, whether its copying runs or whether some copy failed changes.
        shown = self._shown_key()
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()

    def _shown_key(self) -> tuple[int, int, bool, bool] | None:
        if (progress := self._progress) is None:
            return None
        return (progress.total, progress.percent, progress.running, progress.failed > 0)

    @property
    def _progress(self) -> SyncProgress | None:
        return self._household.progress.get(self.entry.entry_id)

    @property
    def native_value(self) -> int | None:
        """Percent done of the last (or running) synchronisation."""
        progress = self._progress
        return progress.percent if progress is not None else None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """How many persons were to be copied here, were copied, and were not."""
        if (progress := self._progress) is None:
            return None
        return {"total": progress.total, "copied": progress.done, "failed": progress.failed}
