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

CONF_CONNECTION: Final = "connection"
"""How Home Assistant and the terminal talk: one of the two below (absent: the terminal is a server)."""
CONNECTION_SERVER: Final = "server"
CONNECTION_CONFIG_CLIENT: Final = "config_client"
CONF_CONFIG_WEBHOOK_ID: Final = "config_webhook_id"
"""The webhook a configuration client fetches its commands from (separate from the push one)."""
CONF_CONFIG_REMOTE: Final = "config_remote"
"""Whether the configuration-client webhook takes requests from outside the local network."""

OFFLINE_AFTER: Final = timedelta(seconds=45)
"""A configuration client asks at least every 15 s: three missed heartbeats and it is offline."""
# Who decides access (document 2.3 match_mode): the terminal itself, or Home Assistant in the ACK.
CONF_ACCESS_DECIDER: Final = "access_decider"
DECIDER_TERMINAL: Final = "terminal"
DECIDER_HOME_ASSISTANT: Final = "home_assistant"
DEFAULT_ACCESS_DECIDER: Final = DECIDER_TERMINAL

# The built-in policy and the script hook (options; used only when Home Assistant decides).
CONF_ACCESS_ALLOW: Final = "access_allow"
ALLOW_WHITELISTED: Final = "whitelisted"
ALLOW_RECOGNIZED: Final = "recognized"
ALLOW_NOBODY: Final = "nobody"
CONF_DENY_FEVER: Final = "deny_fever"
CONF_DENY_NO_MASK: Final = "deny_no_mask"
CONF_DENY_BLACKLISTED: Final = "deny_blacklisted"
CONF_ACCESS_ENTITY: Final = "access_entity"
CONF_ACCESS_RELAY: Final = "access_relay"
CONF_TEXT_GRANTED: Final = "text_granted"
CONF_TEXT_DENIED: Final = "text_denied"
CONF_ACCESS_SCRIPT: Final = "access_script"
CONF_ACCESS_DEADLINE: Final = "access_deadline"
CONF_ACCESS_FALLBACK: Final = "access_fallback"
FALLBACK_DENY: Final = "deny"
FALLBACK_WHITELISTED: Final = "whitelisted"

DEFAULT_ACCESS_ALLOW: Final = ALLOW_WHITELISTED
DEFAULT_DENY_FEVER: Final = True
DEFAULT_DENY_NO_MASK: Final = False
DEFAULT_DENY_BLACKLISTED: Final = True
DEFAULT_ACCESS_RELAY: Final = 1
DEFAULT_TEXT_GRANTED: Final = "Welcome, {name}"
DEFAULT_TEXT_DENIED: Final = "Access denied"
DEFAULT_ACCESS_DEADLINE: Final = 1.0
MIN_ACCESS_DEADLINE: Final = 0.2
MAX_ACCESS_DEADLINE: Final = 3.0
DEFAULT_ACCESS_FALLBACK: Final = FALLBACK_DENY

DATA_PREVIOUS_MATCH_MODE: Final = "previous_match_mode"
"""Entry data: the terminal's match mode before Home Assistant took the decision over."""

MATCH_MODE_ONLINE: Final = 2
MATCH_MODE_AUTOMATIC: Final = 1

DECISIONS_REMEMBERED: Final = 512
"""How many decided captures are remembered, so that a retransmission gets the same answer."""

ISSUE_MATCH_MODE_CHANGED: Final = "match_mode_changed"

CONF_KEEP_CAPTURES_DAYS: Final = "keep_captures_days"
"""Days the captures' pictures stay on disk; 0 (the default) keeps nothing on disk."""
DEFAULT_KEEP_CAPTURES_DAYS: Final = 0
MAX_KEEP_CAPTURES_DAYS: Final = 365

SUBENTRY_PERSON_LINK: Final = "person_link"
"""A config subentry linking one terminal person to a Home Assistant person."""
CONF_PERSON_ID: Final = "person_id"
CONF_HA_PERSON: Final = "ha_person"

CONF_HOUSEHOLD: Final = "household"
"""Option: the name of the household the terminal belongs to (empty: none); see people/household.py."""
DATA_HOUSEHOLD_FILLED: Final = "household_filled"
"""Entry data: the household (its key) the terminal was filled for, so that it is filled once."""
ISSUE_HOUSEHOLD_DRIFT: Final = "household_drift"
ISSUE_HOUSEHOLD_FULL: Final = "household_full"
ISSUE_HOUSEHOLD_COPY_FAILED: Final = "household_copy_failed"
