"""Constants of the facecapture integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "facecapture"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "Huaan"

CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_PUSH_AUTO: Final = "push_auto"
CONF_PUSH_URL: Final = "push_url"
CONF_PUSH_REMOTE: Final = "push_remote"
CONF_TTS_ENGINE: Final = "tts_engine"
"""A TTS engine entity the terminal speaks through; absent: the terminal's own (Chinese) TTS."""
CONF_TTS_LANGUAGE: Final = "tts_language"
CONF_KEEP_PERSONS: Final = "keep_persons"
"""Opt-in: keep the person directory (ids, names) on disk so that a restart need not read it again."""

DEFAULT_PUSH_AUTO: Final = True
DEFAULT_PUSH_REMOTE: Final = False
DEFAULT_KEEP_PERSONS: Final = False
UPDATE_INTERVAL: Final = timedelta(seconds=60)
"""How often clock, settings, person count and 4G signal are polled: captures are pushed, so the
poll only keeps slow-changing state fresh and checks that the push target still points here."""

EVENT_FACE: Final = "facecapture_face"
"""Bus event fired for every capture the terminal pushes (catch-up pushes included)."""

DEFAULT_FEVER_LIMIT: Final = 37.3
"""Used for the fever sensor only when the terminal reports no limit of its own."""

PUSH_SILENCE: Final = timedelta(minutes=15)
"""How long the terminal may hold undelivered captures with no push arriving before we say so."""

MAX_PUSH_BYTES: Final = 16 * 1024 * 1024
"""Biggest push read: two 1080p JPEGs and a video clip fit; anything larger is not a push."""

SEEN_PUSHES: Final = 512
"""How many (serial, sequence, capture time) keys are remembered to spot retransmissions."""

ISSUE_PUSH_TARGET_CHANGED: Final = "push_target_changed"
ISSUE_PUSH_NOT_ARRIVING: Final = "push_not_arriving"
ISSUE_NO_URL: Final = "no_push_url"

CONF_KEEP_CAPTURES_DAYS: Final = "keep_captures_days"
"""Days the captures' pictures stay on disk; 0 (the default) keeps nothing on disk."""
DEFAULT_KEEP_CAPTURES_DAYS: Final = 0
MAX_KEEP_CAPTURES_DAYS: Final = 365

SUBENTRY_PERSON_LINK: Final = "person_link"
"""A config subentry linking one terminal person to a Home Assistant person."""
CONF_PERSON_ID: Final = "person_id"
CONF_HA_PERSON: Final = "ha_person"
