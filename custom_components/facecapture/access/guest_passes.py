"""Guest passes: a QR code that lets a visitor in, within a window, a number of times, at chosen terminals.

``GuestPasses`` keeps every pass of the installation with the secret that signs their tokens, in
one private ``Store``; what a pass is, its token's form and its rules are in ``guest_pass_rules.py``.

In online mode the access decision puts the pass a capture carries on top of the face's decision
with ``async_judge_pass``, which asks ``GuestPasses.async_check`` about the QR code: judging counts
nothing, a valid answer names the use the capture would count. Only once the final decision opens
the gate because of the pass (after a script that may still say no) does ``async_count_pass_use``
count it (``GuestPasses.async_count_use``). A use is counted once per capture: the capture key (serial, sequence
number, capture time) is stored with the use, so a retransmitted push, even after a restart, gets
the same answer and counts nothing. Invalid codes from one terminal are rate-limited: a few per
window are judged, the rest turned away unseen, and one line is logged per window, never with the
token.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import hashlib
import hmac
import secrets
from typing import Any, Final

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..api.push import FacePush
from ..const import DOMAIN, LOGGER
from ..listeners import Listeners
from .guest_pass_rules import (
    ID_BYTES,
    TOKEN_PREFIX,
    CaptureKey,
    GuestPass,
    PassCheck,
    PassRejection,
    PassStatus,
    _b32decode,
    _b32encode,
    _utc_seconds,
    capture_key_of,
    is_pass_token,
    parse_token,
)
from .policy import AccessDecision, AccessPolicy

STORAGE_KEY: Final = f"{DOMAIN}.guest_passes"
STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 1
"""Seconds to gather changes before writing; Home Assistant's final write flushes what is left."""

SECRET_BYTES: Final = 32

CAPTURES_REMEMBERED: Final = 64
"""Capture keys kept with each pass's uses: a terminal resends within minutes, not after 64 uses."""
RECENT_CHECKS: Final = 256
"""Answers kept in memory by capture key, so that a resent invalid code is not counted again."""
KEEP_ENDED: Final = timedelta(days=30)
"""How long a pass is still listed after its window ended, before it is dropped."""

INVALID_WINDOW: Final = timedelta(minutes=1)
MAX_INVALID: Final = 5
"""Invalid codes judged per terminal and window; further codes are turned away unseen."""

DATA_GUEST_PASSES: HassKey[GuestPasses] = HassKey(f"{DOMAIN}_guest_passes")


@dataclass(slots=True)
class _InvalidCodes:
    """Invalid codes seen from one terminal in the current window."""

    window_start: float
    judged: int = 0
    unlogged: int = 0


class GuestPasses:
    """Every guest pass of the installation, with its secret, stored together."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start empty; ``async_load`` reads the stored passes and secret (or makes a secret)."""
        self.hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY, private=True)
        self._secret = b""
        self._passes: dict[str, GuestPass] = {}
        self._recent: OrderedDict[CaptureKey, PassCheck] = OrderedDict()
        self._invalid: dict[str, _InvalidCodes] = {}
        self._listeners: Listeners[[]] = Listeners()
        self._cancel_timer: CALLBACK_TYPE | None = None

    # -- life cycle ------------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Read the stored passes; make and store the secret on first use."""
        stored = await self._store.async_load() or {}
        secret = stored.get("secret")
        secret_bytes = _b32decode(secret) if isinstance(secret, str) else None
        if secret_bytes is not None and len(secret_bytes) == SECRET_BYTES:
            self._secret = secret_bytes
            passes = (GuestPass.from_dict(data) for data in stored.get("passes") or ())
            self._passes = {guest.id: guest for guest in passes if guest is not None}
        else:
            # No secret yet (or an unreadable file): passes signed with another secret are void.
            self._secret = secrets.token_bytes(SECRET_BYTES)
            self._passes = {}
            await self._store.async_save(self._data())
        self._prune(dt_util.utcnow())
        self._schedule()

    @callback
    def async_shutdown(self) -> None:
        """Stop the timer that updates the counts at window boundaries."""
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None

    def _data(self) -> dict[str, Any]:
        return {
            "secret": _b32encode(self._secret),
            "passes": [guest.as_dict() for guest in self._passes.values()],
        }

    def _save(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _prune(self, now: datetime) -> None:
        """Drop passes that opened nothing for ``KEEP_ENDED``."""
        for guest in list(self._passes.values()):
            if now - guest.valid_until > KEEP_ENDED:
                del self._passes[guest.id]

    # -- listeners and the boundary timer ----------------------------------------------------------

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the number of active passes may have changed."""
        return self._listeners.add(listener)

    def _changed(self) -> None:
        self._schedule()
        self._listeners.notify()

    def _schedule(self) -> None:
        """Wake up at the next start or end of a window: a pass becomes active or ends then."""
        self.async_shutdown()
        now = dt_util.utcnow()
        upcoming = [
            moment
            for guest in self._passes.values()
            if not guest.revoked
            for moment in (guest.valid_from, guest.valid_until)
            if moment > now
        ]
        if upcoming:
            self._cancel_timer = async_track_point_in_utc_time(
                self.hass, self._boundary, min(upcoming)
            )

    @callback
    def _boundary(self, now: datetime) -> None:
        self._cancel_timer = None
        self._prune(now)
        self._changed()

    # -- the passes -----------------------------------------------------------------------------

    @property
    def passes(self) -> list[GuestPass]:
        """Every pass still listed, oldest first."""
        return list(self._passes.values())

    def get(self, pass_id: str) -> GuestPass | None:
        """The pass with this id."""
        return self._passes.get(pass_id)

    @callback
    def async_create(
        self,
        *,
        name: str,
        valid_from: datetime,
        valid_until: datetime,
        uses: int | None,
        terminals: Iterable[str] = (),
    ) -> GuestPass:
        """Make a new pass (the caller checked the window) and store it."""
        now = dt_util.utcnow()
        guest = GuestPass(
            id=_b32encode(secrets.token_bytes(ID_BYTES)).lower(),
            name=name,
            valid_from=_utc_seconds(valid_from),
            valid_until=_utc_seconds(valid_until),
            uses=uses,
            terminals=tuple(dict.fromkeys(terminals)),
            created_at=_utc_seconds(now),
        )
        self._passes[guest.id] = guest
        self._prune(now)
        self._save()
        self._changed()
        return guest

    @callback
    def async_revoke(self, pass_id: str) -> GuestPass | None:
        """Revoke a pass for good; None if there is no such pass."""
        if (guest := self._passes.get(pass_id)) is None:
            return None
        if not guest.revoked:
            guest.revoked = True
            self._save()
            self._changed()
        return guest

    def token(self, guest: GuestPass) -> str:
        """The text of the pass's QR code: its id and its tag."""
        raw = base64.b32decode(guest.id.upper() + "=" * (-len(guest.id) % 8))
        return TOKEN_PREFIX + _b32encode(raw + self._tag(guest))

    def _tag(self, guest: GuestPass) -> bytes:
        return hmac.new(self._secret, guest.signed_message(), hashlib.sha256).digest()

    def active_count(self, device_id: str, now: datetime | None = None) -> int:
        """How many passes open this terminal now."""
        now = now or dt_util.utcnow()
        return sum(
            1
            for guest in self._passes.values()
            if guest.allows(device_id) and guest.status(now) is PassStatus.ACTIVE
        )

    # -- the access decision ----------------------------------------------------------------------

    @callback
    def async_check(
        self,
        qr_data: str | None,
        *,
        device_id: str,
        capture_key: CaptureKey,
        now: datetime | None = None,
    ) -> PassCheck | None:
        """Judge the QR code of a capture at a terminal; None when it is no guest pass at all.

        Judging counts nothing: a valid answer names the use the capture would count, and
        ``async_count_use`` counts it once the gate opens. Asking again about the same capture
        (a retransmitted push) gives the same answer; one whose use was counted, also after a
        restart, names that use.
        """
        if qr_data is None or not is_pass_token(qr_data):
            return None
        if (known := self._recent.get(capture_key)) is not None:
            return known
        now = now or dt_util.utcnow()
        result = self._check(qr_data, device_id, capture_key, now)
        if result.rejection is not None:
            self._invalid_code(device_id, result.rejection, now)
        self._remember(capture_key, result)
        return result

    @callback
    def async_count_use(self, check: PassCheck, *, capture_key: CaptureKey) -> PassCheck:
        """Count the use of a valid pass that opened the gate for a capture; once per capture key.

        Answers the use counted. The capture that already counted (a retransmitted push, also
        after a restart) gets its use again and counts nothing. A pass revoked or used up by
        another capture since it was judged (while a script decided) counts nothing and answers
        why it opens nothing now. An invalid answer is given back as it is.
        """
        if not check.valid:
            return check
        guest = self._passes.get(check.pass_id or "")
        if guest is None:
            counted = PassCheck(rejection=PassRejection.UNKNOWN)
        elif (use := guest.captures.get(capture_key)) is not None:
            counted = replace(check, use=use)
        elif guest.revoked:
            counted = replace(check, rejection=PassRejection.REVOKED, use=None)
        elif guest.uses is not None and guest.used >= guest.uses:
            counted = replace(check, rejection=PassRejection.USED_UP, use=None)
        else:
            guest.used += 1
            guest.captures[capture_key] = guest.used
            if len(guest.captures) > CAPTURES_REMEMBERED:
                guest.captures.popitem(last=False)
            self._save()
            if guest.uses is not None and guest.used >= guest.uses:
                self._changed()
            counted = replace(check, use=guest.used, uses=guest.uses)
        self._remember(capture_key, counted)
        return counted

    def _remember(self, capture_key: CaptureKey, result: PassCheck) -> None:
        self._recent[capture_key] = result
        self._recent.move_to_end(capture_key)
        if len(self._recent) > RECENT_CHECKS:
            self._recent.popitem(last=False)

    @callback
    def async_check_push(
        self, push: FacePush, *, device_id: str, serial: str, now: datetime | None = None
    ) -> PassCheck | None:
        """Judge the QR code a real-time capture carries; None without one, or for a catch-up.

        A capture delivered late (``is_realtime`` 0) opens nothing, so it is not judged and counts
        no use. ``serial`` stands in when the push does not name its terminal.
        """
        if not push.is_realtime or push.qr_code is None:
            return None
        return self.async_check(
            push.qr_code.qr_data,
            device_id=device_id,
            capture_key=capture_key_of(push.device_sn or serial, push.sequence_no, push.cap_time),
            now=now,
        )

    def _check(
        self, qr_data: str, device_id: str, capture_key: CaptureKey, now: datetime
    ) -> PassCheck:
        parsed = parse_token(qr_data)
        guest = self._passes.get(parsed[0]) if parsed is not None else None
        authentic = (
            parsed is not None
            and guest is not None
            and hmac.compare_digest(parsed[1], self._tag(guest))
        )

        def answer(rejection: PassRejection | None, use: int | None = None) -> PassCheck:
            assert guest is not None
            return PassCheck(
                rejection=rejection, pass_id=guest.id, name=guest.name, use=use, uses=guest.uses
            )

        if authentic and guest is not None and (use := guest.captures.get(capture_key)):
            return answer(None, use)  # counted before (a restart): the same answer again
        if self._rate_limited(device_id, now):
            return PassCheck(rejection=PassRejection.RATE_LIMITED)
        if guest is None:
            return PassCheck(rejection=PassRejection.UNKNOWN)
        if not authentic:
            return PassCheck(rejection=PassRejection.FORGED)
        if guest.revoked:
            return answer(PassRejection.REVOKED)
        if not guest.allows(device_id):
            return answer(PassRejection.WRONG_TERMINAL)
        status = guest.status(now)
        if status is not PassStatus.ACTIVE:
            return answer(PassRejection(str(status)))
        return answer(None, guest.used + 1)  # the use it counts if the gate opens

    def _rate_limited(self, device_id: str, now: datetime) -> bool:
        codes = self._invalid.get(device_id)
        if codes is None or now.timestamp() - codes.window_start >= INVALID_WINDOW.total_seconds():
            return False
        return codes.judged >= MAX_INVALID

    def _invalid_code(self, device_id: str, rejection: PassRejection, now: datetime) -> None:
        """Count an invalid code; log the first of each window (never the token)."""
        moment = now.timestamp()
        codes = self._invalid.get(device_id)
        if codes is not None and moment - codes.window_start < INVALID_WINDOW.total_seconds():
            if rejection is not PassRejection.RATE_LIMITED:
                codes.judged += 1
            codes.unlogged += 1
            return
        earlier = codes.unlogged if codes is not None else 0
        self._invalid[device_id] = _InvalidCodes(window_start=moment, judged=1)
        LOGGER.warning(
            "%s was shown an invalid guest pass (%s)%s; further invalid codes there in the next "
            "%d s are not logged, and after %d of them codes are turned away unread",
            self._terminal_name(device_id),
            rejection,
            f" and {earlier} more before" if earlier else "",
            int(INVALID_WINDOW.total_seconds()),
            MAX_INVALID,
        )

    def _terminal_name(self, device_id: str) -> str:
        device = dr.async_get(self.hass).async_get(device_id)
        if device is None:
            return "A terminal"
        return device.name_by_user or device.name or "A terminal"


async def async_setup_guest_passes(hass: HomeAssistant) -> GuestPasses:
    """Load the passes once for the installation and keep them in ``hass.data``."""
    passes = GuestPasses(hass)
    await passes.async_load()
    hass.data[DATA_GUEST_PASSES] = passes

    @callback
    def _stop(event: Event) -> None:
        passes.async_shutdown()

    # The boundary timer is the installation's, not an entry's: it stops with Home Assistant.
    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop)
    return passes


def guest_passes(hass: HomeAssistant) -> GuestPasses:
    """The installation's guest passes (loaded in ``async_setup``)."""
    return hass.data[DATA_GUEST_PASSES]


@callback
def async_judge_pass(
    hass: HomeAssistant,
    policy: AccessPolicy,
    push: FacePush,
    decision: AccessDecision,
    *,
    fever_limit: float,
    entity_state: str | None,
    device_id: str,
    serial: str,
) -> AccessDecision:
    """The face's decision with the guest pass the capture carries on top: judged, not counted.

    While no pass may open (the policy's ``guest_refusal``), a pass is not judged at all, so no use
    is counted for a gate that stays shut. The use is counted once the decision is final
    (``async_count_pass_use``).
    """
    if push.qr_code is None:
        return decision
    if (
        not decision.granted
        and push.is_realtime
        and is_pass_token(push.qr_code.qr_data)
        and (
            refusal := policy.guest_refusal(
                push, fever_limit=fever_limit, entity_state=entity_state
            )
        )
    ):
        return policy.refuse(push, refusal)
    check = guest_passes(hass).async_check_push(push, device_id=device_id, serial=serial)
    return decision if check is None else policy.apply_guest_pass(decision, check)


@callback
def async_count_pass_use(
    hass: HomeAssistant, push: FacePush, decision: AccessDecision, *, serial: str
) -> AccessDecision | None:
    """The final decision, with the use of the pass that opened the gate counted.

    Only a decision that opens with a valid pass on it (the policy's, or a script's ``open: true``
    that kept it) counts a use, once per capture: a retransmission, also after a restart, counts
    nothing more. A refusal leaves the pass as it was, and its event names no use. None when the
    pass was used up by another capture, or revoked, while the script decided: it opens nothing,
    and the caller decides again with the pass as it now stands.
    """
    check = decision.guest_pass
    if check is None or not check.valid:
        return decision
    if not decision.granted:
        return replace(decision, guest_pass=replace(check, use=None))
    counted = guest_passes(hass).async_count_use(
        check,
        capture_key=capture_key_of(push.device_sn or serial, push.sequence_no, push.cap_time),
    )
    if counted.valid:
        return replace(decision, guest_pass=counted)
    return None
