"""Fuzz of the webhook through Home Assistant's real HTTP stack: thousands of hostile bodies.

Every body gets a well-formed JSON reply; whenever it still carries `sequence_no` and `cap_time`
the reply echoes them exactly; nothing escapes as an error; an unusable capture fires nothing; a
usable one fires exactly once; every event and every state serialises with Home Assistant's JSON
encoder and no state is longer than 255 characters. Hypothesis runs in a worker thread and posts
through the event loop, so the handler runs exactly as it does for a terminal.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
import itertools
import json
import logging
import math
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_bytes
from hypothesis import HealthCheck, event, given, settings, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.facecapture.const import EVENT_FACE
from tests.integration.captures.test_webhook import URL, push
from tests.integration.common import SERIAL

MAX_BYTES = 32 * 1024
"""The size limit during the fuzz: oversize bodies stay cheap to send."""
EXAMPLES = 2000
ORJSON_LEVELS = 1024
"""The deepest nesting orjson reads; past it the standard library reads the body."""
DEEPEST = 5_000
"""The deepest nesting sent: 10 KB at two bytes a level, so it fits under ``MAX_BYTES`` beside the
push, and well within what the standard library parses (Python 3.13 stops near 10 000 levels).
Bombs that no parser reads are sent at the real limit (``test_push_problems``, "deep-field")."""

FACE_KEYS = ("cmd", "sequence_no", "cap_time")


# --------------------------------------------------------------------------------------------------
# What a terminal (or anything else) might send
# --------------------------------------------------------------------------------------------------

surrogates = st.sampled_from(["\ud800", "\udfff", "a\udc00b", "\ud83d"])
texts = st.one_of(
    st.text(max_size=12),
    surrogates,
    st.builds(lambda text, s: text + s, st.text(max_size=6), surrogates),
    st.integers(256, 4000).map(lambda n: "Ł" * n),
)
numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


hostile = st.one_of(
    scalars,
    st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4)
        ),
        max_leaves=10,
    ),
    st.integers(10, 200).map(nested),
)

GOOD = object()
"""Marks a key field the test fills with a good, fresh value."""

BAD = {
    "sequence_no": st.one_of(
        st.sampled_from(
            [-1, -(2**70), 2**63, "abc", "", " 1", "1.5", "٣", "9" * 25, 1.5, True, None, [1]]
        ),
        hostile,
    ),
    "cap_time": st.one_of(
        st.sampled_from(
            ["", "yesterday", "2024/02/30 10:00:00", "2024/01/01 00:00:00" + " " * 50, None, 7]
        ),
        hostile,
    ),
    "device_sn": st.sampled_from([None, "", " ", 12345, "FFFFFF-000000-111111", [SERIAL]]),
}
# Which of the three key fields are spoiled: none in a third of the cases, so events happen.
SPOILED = st.sampled_from(
    [(), (), (), ("sequence_no",), ("cap_time",), ("device_sn",), ("device_sn",), tuple(BAD)]
)

FIELDS = {
    "top": [
        "is_realtime",
        "match_result",
        "match_failed_reson",
        "timezone",
        "addr_name",
        "version",
    ],
    "match": ["person_name", "person_id", "person_role", "is_encryption", "match_type", "image"],
    "person": ["age", "sex", "temperatur", "face_quality", "wg_card_id", "long_card_id"],
}
TRANSFORMS = ["intact", "intact", "intact", "utf8", "resend", "truncate", "deep", "oversize"]


@dataclass
class Case:
    """One request: a body made hostile, and how it is put on the wire."""

    body: dict[str, Any]
    transform: str
    cut: float
    extra_garbage: bytes
    depth: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    body = push("face-push-recognized-v0.42.json")
    body = {key: body[key] for key in FACE_KEYS} | {
        key: value for key, value in body.items() if key not in FACE_KEYS
    }
    spoiled = draw(SPOILED)
    for key, strategy in BAD.items():
        value = draw(strategy) if key in spoiled else GOOD
        if value is None and draw(st.booleans()):
            del body[key]  # missing rather than null
        else:
            body[key] = value
    for section, keys in FIELDS.items():
        target = body if section == "top" else body[section]
        for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
            target[key] = draw(hostile)
    if draw(st.booleans()):
        body[draw(texts)] = draw(hostile)  # an unknown field
    if draw(st.booleans()):
        body["match"] = draw(hostile)  # the whole object of the wrong type
    return Case(
        body=body,
        transform=draw(st.sampled_from(TRANSFORMS)),
        cut=draw(st.floats(0.0, 1.0, exclude_max=True)),
        extra_garbage=draw(st.binary(max_size=20)),
        # Past what unknown fields keep (8 levels): up to orjson's limit, and past it.
        # With the push's own object, `depth` arrays are one level more.
        depth=draw(st.integers(9, ORJSON_LEVELS - 1) | st.integers(ORJSON_LEVELS, DEEPEST)),
    )


# --------------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------------


def exact(value: Any, depth: int = 0) -> bool:
    """Whether JSON can carry a value back exactly."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return depth < 8 and all(exact(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return depth < 8 and all(exact(item, depth + 1) for item in value.values())
    return True


def scannable(value: Any) -> bool:
    """Whether a value can be found by the bounded scan of raw bytes (a short scalar)."""
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        return False
    return exact(value) and len(json.dumps(value)) < 200


def same(reply: Any, sent: Any) -> bool:
    """Equal and of the same JSON type (1, 1.0 and true are different answers)."""
    if type(reply) is not type(sent):
        return False
    if isinstance(sent, list):
        return len(reply) == len(sent) and all(map(same, reply, sent))
    if isinstance(sent, dict):
        return reply.keys() == sent.keys() and all(same(reply[k], sent[k]) for k in sent)
    return bool(reply == sent)


def usable(drawn: dict[str, Any], body: dict[str, Any]) -> bool:
    """Whether the body is a capture one can stand behind (the three key fields are good).

    A capture time is good only when the test made it (hostile text is never a full date); a
    sequence number or a serial drawn as hostile values can still be good ones.
    """
    sequence = body.get("sequence_no")
    if type(sequence) is str:
        good_sequence = sequence.isascii() and sequence.isdigit() and int(sequence) < 2**63
    else:
        good_sequence = type(sequence) is int and 0 <= sequence < 2**63
    serial = body.get("device_sn")
    good_serial = isinstance(serial, str) and serial.strip() == SERIAL
    return good_sequence and good_serial and drawn.get("cap_time") is GOOD


# --------------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------------


async def test_webhook_fuzz(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Thousands of bodies: always a reply, the exact echo, no error, events only when usable."""
    caplog.set_level(logging.INFO)
    events: list[Event] = async_capture_events(hass, EVENT_FACE)
    entity_ids = [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    ]
    problems = init_integration.runtime_data.captures.problems
    fresh = itertools.count(1)
    reached: Counter[str] = Counter()
    loop = asyncio.get_running_loop()

    def run[T](coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    async def exchange(raw: bytes) -> tuple[dict[str, Any], list[Event]]:
        before = len(events)
        response = await http_client.post(
            URL, data=raw, headers={"Content-Type": "application/json"}
        )
        payload = await response.read()
        assert response.status == 200
        assert response.content_type == "application/json"
        assert response.headers["Content-Length"] == str(len(payload))
        await hass.async_block_till_done()
        reply = json.loads(payload)  # well-formed JSON, always
        assert isinstance(reply, dict)
        assert reply["reply"] == "ACK"
        return reply, events[before:]

    async def check_states() -> None:
        for entity_id in entity_ids:
            if (state := hass.states.get(entity_id)) is not None:
                assert len(state.state) <= 255
                json_bytes(state.as_dict())

    def finish(body: dict[str, Any]) -> dict[str, Any]:
        """Fill the good key fields with fresh values: every usable capture is a new one."""
        number = next(fresh)
        fills: dict[str, Callable[[], Any]] = {
            "sequence_no": lambda: number if number % 2 else str(number),
            "cap_time": lambda: f"2025/01/01 00:{number // 60 % 60:02d}:{number % 60:02d}.000",
            "device_sn": lambda: SERIAL,
        }
        return {key: fills[key]() if value is GOOD else value for key, value in body.items()}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases())
    def check(case: Case) -> None:
        body = finish(case.body)
        expect_event = usable(case.body, body)
        sent_echo = (
            (body["sequence_no"], body["cap_time"])
            if "sequence_no" in body and "cap_time" in body
            else None
        )
        head = json.dumps({key: body[key] for key in FACE_KEYS if key in body})[:-1]
        raw = json.dumps(body).encode()  # NaN, Infinity and \ud800 escapes, as found on the wire
        head_bytes = len(head.encode())
        transform = case.transform
        scan_only = transform in ("truncate", "oversize")
        if transform == "utf8":
            text = json.dumps(body, ensure_ascii=False)
            try:
                raw = text.encode()
            except UnicodeEncodeError:  # lone surrogates: the body is no UTF-8 any more
                raw = text.encode("utf-8", "surrogatepass")
                scan_only, expect_event = True, False
        elif transform == "truncate":
            # Cut after the key fields and the comma that follows them.
            raw = raw[: head_bytes + 1 + int(case.cut * (len(raw) - head_bytes - 1))]
            expect_event = False
        elif transform == "deep":
            # An unknown field nested `depth` arrays deep: parsed, and cut to what is kept.
            raw = raw[:-1] + b',"deep":' + b"[" * case.depth + b"]" * case.depth + b"}"
        elif transform == "oversize":
            raw = raw[:-1] + b',"padding":"' + b"x" * MAX_BYTES + b'"}'
            expect_event = False
        if len(raw) > MAX_BYTES:  # long hostile text can make any body too large
            scan_only, expect_event = True, False
        event(f"transform {transform}, {'usable' if expect_event else 'unusable'}")
        # Whether the JSON parser reads the deep nesting (not only the scan for the echo).
        parsed_deep = transform == "deep" and len(raw) <= MAX_BYTES
        refused_before = (problems.counts["not_json"], problems.counts["internal_error"])

        reply, fired = run(exchange(raw))
        # No event for what cannot be stood behind; exactly one for a new usable capture.
        assert len(fired) == (1 if expect_event else 0), (
            transform,
            reply,
            dict(init_integration.runtime_data.captures.problems.counts),
            init_integration.runtime_data.captures.retransmissions,
            [r.getMessage()[:300] for r in caplog.records if r.levelno >= logging.ERROR],
        )
        for new in fired:
            json_bytes(new.as_dict())
            assert new.data["serial"] == SERIAL
        run(check_states())

        # The echo: exact whenever it is possible, never a wrong one.
        possible = sent_echo is not None and all(map(exact, sent_echo))
        if scan_only:
            possible = possible and all(map(scannable, sent_echo or ()))
        if "sequence_no" in reply:
            assert sent_echo is not None
            assert same(reply["sequence_no"], sent_echo[0])
            assert same(reply["cap_time"], sent_echo[1])
            assert reply["code"] == 0
            reached["echo"] += 1
        else:
            assert not possible, (transform, sent_echo, reply)
            assert reply["code"] in (3, 6)
            reached["no echo"] += 1

        if transform == "resend":
            again, fired_again = run(exchange(raw))
            assert again == reply
            assert fired_again == []
        if fired:
            reached["event"] += 1
        if parsed_deep:
            # Read whole, by orjson or past its limit by the standard library: never refused.
            refused = (problems.counts["not_json"], problems.counts["internal_error"])
            assert refused == refused_before, case.depth
            reached["deep"] += 1
            if case.depth + 1 > ORJSON_LEVELS:  # with the push's own object
                reached["deeper than orjson reads"] += 1
            if fired:
                reached["deep event"] += 1

    with (
        patch("custom_components.facecapture.captures.webhook.MAX_PUSH_BYTES", MAX_BYTES),
        patch("custom_components.facecapture.captures.webhook.MAX_DRAIN_BYTES", 4 * MAX_BYTES),
    ):
        await loop.run_in_executor(None, check)

    # The fuzz reached what it claims: every kind of problem, events, echoes and refusals.
    counts = init_integration.runtime_data.captures.problems.counts
    for kind in (
        "too_large",
        "not_json",
        "not_a_push",
        "bad_sequence_no",
        "no_device_sn",
        "foreign_device_sn",
        "bad_cap_time",
    ):
        assert counts[kind] > 0, (kind, counts, reached)
    assert init_integration.runtime_data.captures.retransmissions > 0
    assert reached["event"] > EXAMPLES // 20, reached
    assert reached["echo"] > EXAMPLES // 4, reached
    assert reached["no echo"] > EXAMPLES // 20, reached
    # Deep nesting reached the parser, on both of its paths, and usable deep pushes fired.
    assert reached["deep"] > EXAMPLES // 40, reached
    assert reached["deeper than orjson reads"] > EXAMPLES // 100, reached
    assert reached["deep event"] > 0, reached
    # ORJSON_LEVELS is orjson's limit: the standard library's path above is really reached.
    orjson.loads(b"[" * ORJSON_LEVELS + b"]" * ORJSON_LEVELS)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(b"[" * (ORJSON_LEVELS + 1) + b"]" * (ORJSON_LEVELS + 1))
    # Nothing escaped: no error and no traceback in the log, from any logger.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
