"""Guest passes: tokens that cannot be guessed or forged, uses counted once per capture, the rate limit.

Judging a code counts nothing; ``admit`` judges and counts as a decision that opens the gate does.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.facecapture.access.guest_pass_rules import (
    ID_BYTES,
    TAG_BYTES,
    TOKEN_PREFIX,
    GuestPass,
    PassCheck,
    PassRejection,
    PassStatus,
    capture_key_of,
    is_pass_token,
    parse_token,
    pass_view,
)
from custom_components.facecapture.access.guest_passes import (
    CAPTURES_REMEMBERED,
    INVALID_WINDOW,
    KEEP_ENDED,
    MAX_INVALID,
    RECENT_CHECKS,
    SAVE_DELAY,
    STORAGE_KEY,
    GuestPasses,
)

FRONT = "device-front"
GARAGE = "device-garage"
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def key(sequence: int, serial: str = "SERIAL") -> tuple[str, str, str]:
    return capture_key_of(serial, sequence, f"2026/11/28 12:00:{sequence % 60:02d}")


@pytest.fixture
async def passes(hass: HomeAssistant) -> GuestPasses:
    loaded = GuestPasses(hass)
    await loaded.async_load()
    yield loaded
    loaded.async_shutdown()


def make(
    passes: GuestPasses,
    *,
    uses: int | None = 2,
    start: timedelta = timedelta(hours=-1),
    end: timedelta = timedelta(hours=2),
    terminals: tuple[str, ...] = (FRONT,),
    name: str = "Carol",
) -> GuestPass:
    now = dt_util.utcnow()
    return passes.async_create(
        name=name, valid_from=now + start, valid_until=now + end, uses=uses, terminals=terminals
    )


def check(passes: GuestPasses, text: str, sequence: int, device_id: str = FRONT) -> PassCheck:
    result = passes.async_check(text, device_id=device_id, capture_key=key(sequence))
    assert result is not None
    return result


def admit(passes: GuestPasses, text: str, sequence: int, device_id: str = FRONT) -> PassCheck:
    """Judge the code, and count its use as a decision that opens the gate for it does."""
    return passes.async_count_use(
        check(passes, text, sequence, device_id), capture_key=key(sequence)
    )


async def flush(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the delayed save write the store."""
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_token_is_compact_signed_and_unguessable(passes: GuestPasses) -> None:
    """The token is the id (128 random bits) and a full HMAC-SHA256 tag, in QR alphanumerics."""
    first, second = make(passes), make(passes)
    token = passes.token(first)
    assert token.startswith(TOKEN_PREFIX)
    assert set(token) <= QR_ALPHANUMERIC
    assert len(token) <= 90  # a version 4 QR code at medium error correction
    raw = base64.b32decode(token.removeprefix(TOKEN_PREFIX) + "===")
    assert len(raw) == ID_BYTES + TAG_BYTES
    assert parse_token(token) == (first.id, raw[ID_BYTES:])
    assert parse_token(token.lower()) == parse_token(token)  # scanners may change the case
    assert first.id != second.id
    assert passes.token(first) != passes.token(second)
    assert first.id not in token  # the id is in the token only as bytes, never readable text
    assert is_pass_token(f"  {token.lower()}\n")
    assert not is_pass_token("https://example.org/")
    assert not is_pass_token(None)


async def test_valid_use_counted_once_per_capture(hass: HomeAssistant, passes: GuestPasses) -> None:
    """Use 1 of 2, a retransmission of it, use 2 of 2, then used up."""
    guest = make(passes)
    token = passes.token(guest)
    first = admit(passes, token, 1)
    assert first == PassCheck(rejection=None, pass_id=guest.id, name="Carol", use=1, uses=2)
    assert first.valid
    assert first.screen_text == "Welcome, Carol"
    assert check(passes, token, 1) is first  # the terminal resent the push
    assert admit(passes, token, 1) == first  # and its decision opened again: nothing more
    assert guest.used == 1
    second = admit(passes, token, 2)
    assert (second.valid, second.use, second.uses) == (True, 2, 2)
    third = admit(passes, token, 3)
    assert third.rejection is PassRejection.USED_UP
    assert third.screen_text == "Pass already used"
    assert third.pass_id == guest.id
    assert guest.used == 2
    assert guest.status(dt_util.utcnow()) is PassStatus.USED_UP
    assert first.event_data() == {
        "guest_pass": guest.id,
        "guest_name": "Carol",
        "use": 1,
        "uses": 2,
        "guest_pass_rejection": None,
    }
    assert third.event_data()["guest_pass_rejection"] == "used_up"


async def test_judging_counts_nothing(
    hass: HomeAssistant,
    passes: GuestPasses,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A judged pass names the use it would count; only counting it uses it (and saves)."""
    guest = make(passes, uses=1)
    token = passes.token(guest)
    judged = check(passes, token, 1)
    assert (judged.valid, judged.use, judged.uses) == (True, 1, 1)
    assert check(passes, token, 2).use == 1  # another capture: still the first use
    await flush(hass, freezer)
    assert guest.used == 0
    assert guest.captures == {}
    assert hass_storage[STORAGE_KEY]["data"]["passes"][0]["used"] == 0
    assert guest.status(dt_util.utcnow()) is PassStatus.ACTIVE

    counted = passes.async_count_use(check(passes, token, 2), capture_key=key(2))
    assert (counted.valid, counted.use) == (True, 1)
    assert check(passes, token, 2) is counted  # asked again: the use it counted
    await flush(hass, freezer)
    assert hass_storage[STORAGE_KEY]["data"]["passes"][0]["used"] == 1


async def test_a_pass_spent_after_it_was_judged_counts_nothing(passes: GuestPasses) -> None:
    """Two captures judged at once (scripts deciding): the first to open counts, the second is
    told the pass is used up; revoked or gone meanwhile, nothing is counted either."""
    guest = make(passes, uses=1)
    token = passes.token(guest)
    first, second = check(passes, token, 1), check(passes, token, 2)
    assert first.use == second.use == 1
    assert passes.async_count_use(first, capture_key=key(1)).use == 1
    spent = passes.async_count_use(second, capture_key=key(2))
    assert (spent.rejection, spent.use, spent.pass_id) == (PassRejection.USED_UP, None, guest.id)
    assert check(passes, token, 2) is spent
    assert guest.used == 1

    revoked = make(passes)
    judged = check(passes, passes.token(revoked), 3)
    passes.async_revoke(revoked.id)
    assert passes.async_count_use(judged, capture_key=key(3)).rejection is PassRejection.REVOKED
    assert revoked.used == 0

    gone = check(passes, passes.token(make(passes)), 4)
    passes._passes.clear()
    assert passes.async_count_use(gone, capture_key=key(4)) == PassCheck(
        rejection=PassRejection.UNKNOWN
    )
    refused = check(passes, TOKEN_PREFIX + "D" * 77, 5)
    assert passes.async_count_use(refused, capture_key=key(5)) is refused


async def test_unlimited_and_every_terminal(passes: GuestPasses) -> None:
    """A pass without a use limit and without terminals opens every terminal any number of times."""
    guest = make(passes, uses=None, terminals=())
    token = passes.token(guest)
    for sequence in range(1, 8):
        result = admit(passes, token, sequence, GARAGE if sequence % 2 else FRONT)
        assert (result.valid, result.use, result.uses) == (True, sequence, None)


@pytest.mark.parametrize(
    ("start", "end", "rejection"),
    [
        (timedelta(hours=-3), timedelta(hours=-1), PassRejection.EXPIRED),
        (timedelta(hours=1), timedelta(hours=3), PassRejection.NOT_YET_VALID),
    ],
)
async def test_outside_the_window(
    passes: GuestPasses, start: timedelta, end: timedelta, rejection: PassRejection
) -> None:
    """Before its start and after its end a pass opens nothing and counts no use."""
    guest = make(passes, start=start, end=end)
    result = check(passes, passes.token(guest), 1)
    assert result.rejection is rejection
    assert (result.pass_id, result.name, result.use) == (guest.id, "Carol", None)
    assert guest.used == 0


async def test_window_is_judged_at_the_given_time(passes: GuestPasses) -> None:
    """``now`` is the moment judged: one second before the end is in, the end itself is out."""
    guest = make(passes, uses=None)
    token = passes.token(guest)
    inside = passes.async_check(
        token,
        device_id=FRONT,
        capture_key=key(1),
        now=guest.valid_until - timedelta(seconds=1),
    )
    at_end = passes.async_check(token, device_id=FRONT, capture_key=key(2), now=guest.valid_until)
    assert inside is not None
    assert inside.valid
    assert at_end is not None
    assert at_end.rejection is PassRejection.EXPIRED


async def test_revoked_wrong_terminal_forged_unknown(passes: GuestPasses) -> None:
    """Each reason a code is turned away, and nothing counted for any of them."""
    guest = make(passes)
    token = passes.token(guest)
    assert check(passes, token, 1, GARAGE).rejection is PassRejection.WRONG_TERMINAL
    raw = bytearray(base64.b32decode(token.removeprefix(TOKEN_PREFIX) + "==="))
    raw[-1] ^= 0x01
    forged = TOKEN_PREFIX + base64.b32encode(bytes(raw)).decode().rstrip("=")
    result = check(passes, forged, 2)
    assert result.rejection is PassRejection.FORGED
    assert result.pass_id is None  # a forger learns nothing about the pass
    assert check(passes, TOKEN_PREFIX + "A" * 77, 3).rejection is PassRejection.UNKNOWN
    assert check(passes, TOKEN_PREFIX + "not base32!", 4).rejection is PassRejection.UNKNOWN
    assert passes.async_revoke(guest.id) is guest
    assert passes.async_revoke(guest.id) is guest  # revoking twice changes nothing
    assert check(passes, token, 5).rejection is PassRejection.REVOKED
    assert passes.async_revoke("no-such-pass") is None
    assert guest.used == 0
    assert guest.status(dt_util.utcnow()) is PassStatus.REVOKED


async def test_other_qr_codes_are_not_passes(passes: GuestPasses) -> None:
    """A QR code that is no guest pass is left to the rest of the decision."""
    assert passes.async_check("admin", device_id=FRONT, capture_key=key(1)) is None
    assert passes.async_check(None, device_id=FRONT, capture_key=key(1)) is None


async def test_a_token_from_another_installation_is_forged(
    hass: HomeAssistant, passes: GuestPasses, hass_storage: dict[str, Any]
) -> None:
    """The same pass signed with another secret does not verify."""
    guest = make(passes)
    other = GuestPasses(hass)
    other._secret = b"\x00" * 32
    other._passes = {guest.id: guest}
    assert check(passes, other.token(guest), 1).rejection is PassRejection.FORGED


async def test_uses_and_secret_survive_a_restart(
    hass: HomeAssistant,
    passes: GuestPasses,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a restart the secret, the passes and the counted captures are read back."""
    guest = make(passes)
    token = passes.token(guest)
    assert admit(passes, token, 1).use == 1
    await flush(hass, freezer)
    stored = hass_storage[STORAGE_KEY]
    assert stored["data"]["passes"][0]["used"] == 1
    assert stored["data"]["passes"][0]["captures"] == [[*key(1), 1]]

    restarted = GuestPasses(hass)
    await restarted.async_load()
    assert restarted.token(restarted.passes[0]) == token
    # The push resent after the restart: the same use, nothing counted.
    again = check(restarted, token, 1)
    assert (again.valid, again.use) == (True, 1)
    assert admit(restarted, token, 1).use == 1
    assert restarted.passes[0].used == 1
    assert admit(restarted, token, 2).use == 2
    assert check(restarted, token, 3).rejection is PassRejection.USED_UP
    restarted.async_shutdown()


async def test_stored_file_is_private_and_unreadable_data_is_skipped(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Broken rows are skipped; a missing or broken secret voids every stored pass."""
    passes = GuestPasses(hass)
    assert passes._store._private
    good = {
        "id": "mfrggzdfmztwq2lknnwg23tpoa",
        "name": "Dave",
        "valid_from": "2026-11-28T10:00:00+00:00",
        "valid_until": "2099-11-28T10:00:00+00:00",
        "uses": None,
        "terminals": [],
        "used": 3,
        "revoked": False,
        "captures": [["S", "1", "t", 1], ["broken"], "row"],
    }
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "key": STORAGE_KEY,
        "data": {
            "secret": base64.b32encode(b"k" * 32).decode(),
            "passes": [
                good,
                {**good, "id": 5},
                {**good, "valid_from": "yesterday"},
                {**good, "valid_until": "2099-11-28T10:00:00"},  # no zone
                {**good, "uses": 0},
                {**good, "terminals": [1]},
                "not a pass",
            ],
        },
    }
    await passes.async_load()
    assert [guest.name for guest in passes.passes] == ["Dave"]
    restored = passes.passes[0]
    assert restored.uses is None
    assert restored.used == 3
    assert list(restored.captures) == [("S", "1", "t")]
    assert restored.created_at == restored.valid_from
    passes.async_shutdown()

    hass_storage[STORAGE_KEY]["data"]["secret"] = "short"
    voided = GuestPasses(hass)
    await voided.async_load()
    assert voided.passes == []
    assert len(voided._secret) == 32
    voided.async_shutdown()


async def test_passes_long_ended_are_dropped(passes: GuestPasses) -> None:
    """A pass is listed for a while after its end, then dropped."""
    old = make(passes, start=-KEEP_ENDED * 2, end=-KEEP_ENDED - timedelta(hours=1))
    recent = make(passes, start=timedelta(days=-2), end=timedelta(days=-1))
    assert passes.get(old.id) is None
    assert passes.get(recent.id) is recent
    assert pass_view(recent, dt_util.utcnow())["status"] == "expired"


async def test_active_count_and_the_boundary_timer(
    hass: HomeAssistant, passes: GuestPasses, freezer: FrozenDateTimeFactory
) -> None:
    """Listeners hear of new, revoked and used-up passes and of windows starting and ending."""
    calls: list[int] = []
    remove = passes.async_add_listener(lambda: calls.append(passes.active_count(FRONT)))
    later = make(passes, start=timedelta(minutes=10), end=timedelta(minutes=20), uses=1)
    everywhere = make(passes, terminals=(), uses=None)
    make(passes, terminals=(GARAGE,))
    assert passes.active_count(FRONT) == 1
    assert passes.active_count(GARAGE) == 2
    assert calls == [0, 1, 1]

    freezer.tick(timedelta(minutes=10, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert calls[-1] == 2  # the later pass started
    assert check(passes, passes.token(later), 1).valid
    assert (later.used, len(calls)) == (0, 4)  # judging counts nothing, changes nothing
    assert admit(passes, passes.token(later), 1).valid
    assert calls[-1] == 1  # and was used up
    passes.async_revoke(everywhere.id)
    assert calls[-1] == 0
    remove()
    passes.async_revoke(later.id)
    assert calls[-1] == 0
    assert len(calls) == 6  # three created, one started, one used up, one revoked


async def test_capture_keys_kept_per_pass_are_bounded(passes: GuestPasses) -> None:
    """An unlimited pass used every day keeps only its recent capture keys."""
    guest = make(passes, uses=None)
    token = passes.token(guest)
    for sequence in range(max(CAPTURES_REMEMBERED, RECENT_CHECKS) + 10):
        capture = key(sequence, serial=f"S{sequence}")
        judged = passes.async_check(token, device_id=FRONT, capture_key=capture)
        assert judged is not None
        assert passes.async_count_use(judged, capture_key=capture).use == sequence + 1
    assert len(guest.captures) == CAPTURES_REMEMBERED
    assert len(passes._recent) == RECENT_CHECKS


async def test_invalid_codes_are_rate_limited_and_logged_once(
    passes: GuestPasses, caplog: pytest.LogCaptureFixture, freezer: FrozenDateTimeFactory
) -> None:
    """A few invalid codes per window are judged; then even a valid pass waits; one log line."""
    valid = make(passes, uses=None, terminals=())
    token = passes.token(valid)
    wrong = make(passes, terminals=(GARAGE,))
    wrong_token = passes.token(wrong)
    caplog.set_level(logging.DEBUG, logger="custom_components.facecapture")
    for sequence in range(MAX_INVALID):
        assert check(passes, wrong_token, sequence).rejection is PassRejection.WRONG_TERMINAL
    assert check(passes, token, 100).rejection is PassRejection.RATE_LIMITED
    assert check(passes, token, 100).rejection is PassRejection.RATE_LIMITED  # resent: same
    assert check(passes, token, 101).screen_text == "Too many attempts, wait a minute"
    assert admit(passes, token, 102, GARAGE).valid  # another terminal is not held back
    assert valid.used == 1
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "wrong_terminal" in warnings[0].getMessage()

    freezer.tick(INVALID_WINDOW + timedelta(seconds=1))
    assert check(passes, token, 103).valid
    assert check(passes, TOKEN_PREFIX + "B" * 77, 104).rejection is PassRejection.UNKNOWN
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 2
    assert f"and {MAX_INVALID + 1} more before" in warnings[1].getMessage()
    assert "A terminal" in warnings[1].getMessage()  # no such device in the registry
    for text in (token, wrong_token, token.removeprefix(TOKEN_PREFIX)[:20]):
        assert text not in caplog.text
    assert base64.b32encode(passes._secret).decode().rstrip("=") not in caplog.text


async def test_resent_retransmission_after_restart_beats_the_rate_limit(
    hass: HomeAssistant, passes: GuestPasses, freezer: FrozenDateTimeFactory
) -> None:
    """A capture counted before a restart keeps its answer even while the terminal is held back."""
    guest = make(passes)
    token = passes.token(guest)
    assert admit(passes, token, 1).valid
    await flush(hass, freezer)
    restarted = GuestPasses(hass)
    await restarted.async_load()
    for sequence in range(10, 10 + MAX_INVALID):
        check(restarted, TOKEN_PREFIX + "C" * 77, sequence)
    assert check(restarted, token, 1).use == 1
    assert check(restarted, token, 2).rejection is PassRejection.RATE_LIMITED
    restarted.async_shutdown()


def test_naive_store_times_are_refused() -> None:
    """A stored time without a zone is not a pass's time."""
    assert GuestPass.from_dict({"valid_from": "2026-11-28T10:00:00"}) is None
    assert GuestPass.from_dict([]) is None


def test_signed_message_covers_id_window_and_terminals() -> None:
    """Changing any signed field changes what the tag covers; the terminals' order does not."""
    start = datetime(2026, 11, 28, 10, tzinfo=dt_util.UTC)
    base = GuestPass(
        id="abc",
        name="Carol",
        valid_from=start,
        valid_until=start + timedelta(hours=1),
        uses=1,
        terminals=("b", "a"),
        created_at=start,
    )
    message = base.signed_message()
    variants = [
        GuestPass(**{**base.__dict__, "id": "abd"}),
        GuestPass(**{**base.__dict__, "valid_from": start - timedelta(seconds=1)}),
        GuestPass(**{**base.__dict__, "valid_until": start + timedelta(hours=2)}),
        GuestPass(**{**base.__dict__, "terminals": ("a",)}),
    ]
    assert all(variant.signed_message() != message for variant in variants)
    assert GuestPass(**{**base.__dict__, "terminals": ("a", "b")}).signed_message() == message
    assert GuestPass(**{**base.__dict__, "name": "Eve"}).signed_message() == message
