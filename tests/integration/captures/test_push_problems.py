"""What the webhook does with what it cannot use: always an answer, no event, counted, told once."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from unittest.mock import AsyncMock, MagicMock, patch

from aiohttp.test_utils import TestClient
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.json import json_bytes
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.facecapture.api.push import PushProblem
from custom_components.facecapture.captures.problems import ISSUE_THRESHOLD, issue_id
from custom_components.facecapture.captures.webhook import PushReceiver
from custom_components.facecapture.const import DOMAIN, EVENT_FACE
from simulator import Simulator
from simulator.pusher import PushFaults
from tests.integration.captures.test_webhook import EVENT_ENTITY, LAST_PERSON, URL, post, push
from tests.integration.common import SERIAL
from tests.integration.conftest import WEBHOOK_ID
from tests.simulator.sim_helpers import wait_for

# The capture entities start disabled (one logbook row per capture); these tests watch them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

MARKER = "Zoë-Secret-Name"
ACK = {"reply": "ACK", "cmd": "face", "code": 0}
UNREADABLE = {"reply": "ACK", "cmd": "face", "code": 3, "desc": "unreadable push"}


@pytest.fixture
def face_events(hass: HomeAssistant) -> list[Event]:
    """Every facecapture_face event fired."""
    return async_capture_events(hass, EVENT_FACE)


def ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The integration's log records."""
    return [r for r in caplog.records if r.name.startswith("custom_components.facecapture")]


def named(**changes: Any) -> dict[str, Any]:
    """A recognised push whose person carries a name that must never be logged."""
    body = push("face-push-recognized-v0.42.json", **changes)
    body["match"]["person_name"] = MARKER
    return body


async def post_raw(client: TestClient, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Post bytes as they are; the reply must be JSON with a Content-Length."""
    return await post(client, raw)


# --------------------------------------------------------------------------------------------------
# Always a reply, with the echo whenever the body still has it
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"[" * 100_000, UNREADABLE),
        (b"{" * 100_000, UNREADABLE),
        (
            b'{"cmd":"face","sequence_no":7,"cap_time":"2024/01/01 00:00:00","x":'
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}",
            {**ACK, "sequence_no": 7, "cap_time": "2024/01/01 00:00:00"},
        ),
        # Not UTF-8, but the values are still there.
        (
            b'{"cmd":"face","sequence_no":"0042","cap_time":"2024/01/01 00:00:00","n":"\xff\xfe"}',
            {**ACK, "sequence_no": "0042", "cap_time": "2024/01/01 00:00:00"},
        ),
        # Cut off in the middle: the values came first.
        (
            b'{"cmd":"face","sequence_no":12,"cap_time":"2024/01/01 00:00:00.5","overall_pic":{"da',
            {**ACK, "sequence_no": 12, "cap_time": "2024/01/01 00:00:00.5"},
        ),
        # NaN and a lone surrogate: the standard library reads what orjson refuses.
        (
            b'{"cmd":"face","sequence_no":3,"cap_time":"2024/01/01 00:00:00\\ud800","x":NaN}',
            {**ACK, "sequence_no": 3, "cap_time": "2024/01/01 00:00:00\ud800"},
        ),
        # A sequence number beyond 64 bits is echoed as the integer it is, not as a float.
        (
            b'{"cmd":"face","sequence_no":18446744073709551616,"cap_time":"t"}',
            {**ACK, "sequence_no": 18446744073709551616, "cap_time": "t"},
        ),
        # A sequence_no that is no number or string: echoed all the same.
        (
            b'{"cmd":"face","sequence_no":{"a":[1]},"cap_time":"t"}',
            {**ACK, "sequence_no": {"a": [1]}, "cap_time": "t"},
        ),
        # A cap_time that is not a string: echoed all the same.
        (
            b'{"cmd":"face","sequence_no":1,"cap_time":20240101}',
            {**ACK, "sequence_no": 1, "cap_time": 20240101},
        ),
        # Nothing can echo NaN exactly: no ACK rather than a wrong one.
        (b'{"cmd":"face","sequence_no":NaN,"cap_time":"t"}', UNREADABLE),
        (b'{"cmd":"face","sequence_no":1e999,"cap_time":"t"}', UNREADABLE),
        # Not a face push at all, but it carries both values: ACKed all the same.
        (
            b'{"reply":"ACK","sequence_no":1,"cap_time":"t"}',
            {**ACK, "sequence_no": 1, "cap_time": "t"},
        ),
    ],
    ids=[
        "brackets",
        "braces",
        "deep-field",
        "not-utf8",
        "truncated",
        "nan-surrogate",
        "huge-int",
        "object-sequence",
        "int-cap-time",
        "nan-sequence",
        "infinite-sequence",
        "no-cmd-reply",
    ],
)
async def test_every_body_gets_json_and_the_echo_where_possible(
    hass: HomeAssistant,
    http_client: TestClient,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
    raw: bytes,
    expected: dict[str, Any],
) -> None:
    """Deep, broken, cut-off or odd bodies: a JSON reply, the exact echo, no event, no traceback."""
    status, reply = await post_raw(http_client, raw)
    assert status == 200
    assert reply == expected
    for key in ("sequence_no", "cap_time"):
        if key in expected:
            assert type(reply[key]) is type(expected[key])
    await hass.async_block_till_done()
    assert face_events == []
    assert all(record.exc_info is None for record in caplog.records)
    assert all(record.levelno < logging.ERROR for record in caplog.records)


async def test_oversize_body_echo_found_at_its_end(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """cap_time after a huge picture is found in the last part of the body."""
    raw = (
        b'{"cmd":"face","sequence_no":"77","overall_pic":{"data":"'
        + b"A" * 300_000
        + b'"},"cap_time":"2024/05/06 07:08:09.100"}'
    )
    with (
        patch("custom_components.facecapture.captures.webhook.MAX_PUSH_BYTES", 100_000),
        patch("custom_components.facecapture.captures.webhook.MAX_DRAIN_BYTES", 400_000),
    ):
        _, reply = await post_raw(http_client, raw)
        assert reply == {**ACK, "sequence_no": "77", "cap_time": "2024/05/06 07:08:09.100"}
        # Past the drain limit the end is never read: answered without the echo.
        with patch("custom_components.facecapture.captures.webhook.MAX_DRAIN_BYTES", 200_000):
            _, reply = await post_raw(http_client, raw)
        assert reply == {"reply": "ACK", "cmd": "face", "code": 6, "desc": "too large"}
    await hass.async_block_till_done()
    assert face_events == []


@pytest.mark.parametrize(
    "error", [RecursionError("deep"), RuntimeError(MARKER), KeyError(MARKER)], ids=type
)
async def test_no_exception_escapes(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
) -> None:
    """Whatever goes wrong inside, the terminal gets its ACK and the log gets one line, no data."""
    body = named(sequence_no=5, cap_time="2024/01/01 00:00:00")
    with patch(
        "custom_components.facecapture.captures.webhook.parse_message", side_effect=error
    ) as parse:
        status, reply = await post(http_client, body)
        assert status == 200
        assert reply == {**ACK, "sequence_no": 5, "cap_time": "2024/01/01 00:00:00"}
        _, reply = await post(http_client, b"not json")
        assert reply == UNREADABLE
    assert parse.call_count == 1
    assert [r.levelno for r in ours(caplog)] == [logging.WARNING, logging.WARNING]
    assert type(error).__name__ in ours(caplog)[0].getMessage()
    assert MARKER not in caplog.text
    assert init_integration.runtime_data.captures.problems.counts["internal_error"] == 1


async def test_even_a_failing_salvage_gives_json(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The last resort: when even counting fails, a fixed JSON reply still goes out."""
    receiver = PushReceiver(hass, init_integration)
    request = MagicMock()
    request.content.readany = AsyncMock(side_effect=RuntimeError("read"))
    with patch.object(
        init_integration.runtime_data.captures.problems,
        "async_report",
        side_effect=RuntimeError("report"),
    ):
        response = await receiver.async_handle(hass, WEBHOOK_ID, request)
    assert json.loads(response.body) == UNREADABLE


async def test_aborted_upload_through_the_real_webhook(
    hass: HomeAssistant,
    live_push: MockConfigEntry,
    simulator: Simulator,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The terminal hangs up half-way through a capture's body, over Home Assistant's real HTTP
    server: nothing is parsed, answered, counted, fired or logged as an error; the same capture,
    sent whole next, fires exactly once.
    """
    ended: list[str] = []
    answer = PushReceiver._async_answer

    async def watched(receiver: PushReceiver, request: Any, body: Any) -> Any:
        """The real handler, noting how each request that reached it ended."""
        try:
            response = await answer(receiver, request, body)
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise
        ended.append("answered")
        return response

    problems = live_push.runtime_data.captures.problems
    aborting = PushFaults(abort_body=1.0)  # every delivery is cut off half-way
    with patch.object(PushReceiver, "_async_answer", watched):
        simulator.pusher.faults = aborting
        body = await simulator.capture("recognized", person_id="1001")
        await wait_for(lambda: len(ended) >= 2)
        await hass.async_block_till_done()
        assert face_events == []
        simulator.pusher.faults = PushFaults()  # the link heals: the terminal resends the capture
        await simulator.wait_delivered(timeout=5)
        await hass.async_block_till_done(wait_background_tasks=True)

    # The server (Home Assistant's, like aiohttp's test server, cancels a handler whose client
    # went away) cancelled each aborted upload while its body was still being read.
    assert ended == ["cancelled"] * aborting.counts["abort_body"] + ["answered"]
    assert not problems.counts  # no half body was ever judged
    assert [ack["sequence_no"] for ack in simulator.acks] == [body["sequence_no"]]
    assert len(face_events) == 1
    assert face_events[0].data["sequence"] == body["sequence_no"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_unreadable_upload_is_answered(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A body the server cannot read (declared deflate, but no deflate) gets an answer and a line."""
    response = await http_client.post(
        URL,
        data=b"this is no deflate stream",
        headers={"Content-Type": "application/json", "Content-Encoding": "deflate"},
    )
    assert response.status == 200
    assert json.loads(await response.read()) == UNREADABLE
    await hass.async_block_till_done()
    assert init_integration.runtime_data.captures.problems.counts == {"broken_request": 1}
    assert face_events == []
    # aiohttp logs its own decoding error; the integration only its one warning, naming the error.
    assert [(r.levelno, r.exc_info) for r in ours(caplog)] == [(logging.WARNING, None)]
    assert "RequestPayloadError" in ours(caplog)[0].getMessage()


# --------------------------------------------------------------------------------------------------
# Events you can stand behind
# --------------------------------------------------------------------------------------------------

UNUSABLE = [
    ({"sequence_no": -1}, PushProblem.BAD_SEQUENCE_NO),
    ({"sequence_no": "12a"}, PushProblem.BAD_SEQUENCE_NO),
    ({"sequence_no": 2**63}, PushProblem.BAD_SEQUENCE_NO),
    ({"sequence_no": 1.5}, PushProblem.BAD_SEQUENCE_NO),
    ({"sequence_no": True}, PushProblem.BAD_SEQUENCE_NO),
    ({"device_sn": None}, PushProblem.NO_DEVICE_SN),
    ({"device_sn": ""}, PushProblem.NO_DEVICE_SN),
    ({"device_sn": 12345}, PushProblem.NO_DEVICE_SN),
    ({"device_sn": "0123E4-FB5BFC-000000"}, PushProblem.FOREIGN_DEVICE_SN),
    ({"cap_time": "yesterday"}, PushProblem.BAD_CAP_TIME),
    ({"cap_time": "2024/02/30 10:00:00"}, PushProblem.BAD_CAP_TIME),
    ({"cap_time": "0001/01/01 00:00:00", "timezone": "UTC+8"}, PushProblem.BAD_CAP_TIME),
    ({"cap_time": 20240101}, PushProblem.BAD_CAP_TIME),
]


@pytest.mark.parametrize(("changes", "problem"), UNUSABLE)
async def test_unusable_push_is_acked_but_fires_nothing(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    face_events: list[Event],
    changes: dict[str, Any],
    problem: PushProblem,
) -> None:
    """ACKed so the terminal moves on; no event, no entity change; counted by kind."""
    body = named(**changes)
    if body["device_sn"] is None:
        del body["device_sn"]
    status, reply = await post(http_client, body)
    assert status == 200
    assert reply == {**ACK, "sequence_no": body["sequence_no"], "cap_time": body["cap_time"]}
    await hass.async_block_till_done()
    assert face_events == []
    assert hass.states.get(EVENT_ENTITY).state == STATE_UNKNOWN
    assert hass.states.get(LAST_PERSON).state == STATE_UNKNOWN
    assert init_integration.runtime_data.captures.problems.counts == {problem: 1}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"sequence_no": -1}, PushProblem.BAD_SEQUENCE_NO),
        ({"device_sn": ""}, PushProblem.NO_DEVICE_SN),
        ({"cap_time": "never"}, PushProblem.BAD_CAP_TIME),
    ],
)
async def test_repair_issue_while_a_terminal_keeps_sending_them(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    face_events: list[Event],
    caplog: pytest.LogCaptureFixture,
    changes: dict[str, Any],
    problem: PushProblem,
) -> None:
    """N unusable pushes raise a translated issue saying what is wrong; a good capture clears it."""
    issue = issue_id(problem, init_integration.entry_id)
    for number in range(ISSUE_THRESHOLD):
        assert issue_registry.async_get_issue(DOMAIN, issue) is None
        await post(http_client, named(**{"sequence_no": number, **changes}))
    raised = issue_registry.async_get_issue(DOMAIN, issue)
    assert raised is not None
    assert raised.translation_key == f"unusable_pushes_{problem}"
    assert raised.translation_placeholders == {"title": "Front gate", "count": str(ISSUE_THRESHOLD)}
    # One warning for the kind, debug after it; the name never appears.
    levels = [r.levelno for r in ours(caplog)]
    assert levels == [logging.WARNING] + [logging.DEBUG] * (ISSUE_THRESHOLD - 1)
    assert MARKER not in caplog.text

    await post(http_client, named(sequence_no=900, cap_time="2024/03/05 08:15:02.120"))
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue) is None
    assert len(face_events) == 1


async def test_foreign_terminal_issue_stays_while_it_pushes(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Good captures of this terminal do not cure another one pushing here; time without it does."""
    issue = issue_id(PushProblem.FOREIGN_DEVICE_SN, init_integration.entry_id)
    for number in range(ISSUE_THRESHOLD):
        await post(http_client, named(sequence_no=number, device_sn="FFFFFF-000000-111111"))
    assert issue_registry.async_get_issue(DOMAIN, issue) is not None
    await post(http_client, named(sequence_no=100))
    assert issue_registry.async_get_issue(DOMAIN, issue) is not None
    with patch(
        "custom_components.facecapture.captures.problems.time.monotonic", return_value=10**9
    ):
        await post(http_client, named(sequence_no=101))
    assert issue_registry.async_get_issue(DOMAIN, issue) is None
    await hass.async_block_till_done()


async def test_issues_go_with_the_entry(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Unloading the entry removes its unusable-push issues."""
    issue = issue_id(PushProblem.BAD_SEQUENCE_NO, init_integration.entry_id)
    for _ in range(ISSUE_THRESHOLD):
        await post(http_client, named(sequence_no="x"))
    assert issue_registry.async_get_issue(DOMAIN, issue) is not None
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, issue) is None


async def test_warning_again_after_an_hour(
    hass: HomeAssistant,
    http_client: TestClient,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """At most one warning per kind per hour; each kind has its own hour."""
    clock = "custom_components.facecapture.captures.problems.time.monotonic"
    with patch(clock, return_value=1000.0):
        await post(http_client, b"garbage")
        await post(http_client, b"garbage")
        await post(http_client, named(sequence_no=-5))
    with patch(clock, return_value=1000.0 + 3600):
        await post(http_client, b"garbage")
    levels = [(r.levelno, "JSON" in r.getMessage()) for r in ours(caplog)]
    assert levels == [
        (logging.WARNING, True),
        (logging.DEBUG, True),
        (logging.WARNING, False),
        (logging.WARNING, True),
    ]


# --------------------------------------------------------------------------------------------------
# Everything serialisable, within Home Assistant's limits
# --------------------------------------------------------------------------------------------------


async def test_hostile_values_never_break_an_event_or_a_state(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """Huge integers, NaN, lone surrogates and long text: the event and the states still serialise."""
    body = push("face-push-recognized-v0.42.json", sequence_no=4242)
    body["match"]["person_name"] = "\ud800" + "N" * 5000
    body["match"]["person_id"] = "7" * 400
    body["match"]["person_role"] = 10**30
    body["match_result"] = 10**25
    body["person"].update(
        age=-(10**20),
        face_quality=2**64,
        wg_card_id=2**70,
        long_card_id=2**64,
        sex="\udfff" * 3000,
        temperatur=float("nan"),
    )
    body["qr_code"] = {"qr_type": "x", "qr_data": "Q" * 100_000}
    body["new_field"] = {"deep": [[[[[[[[[[[1]]]]]]]]]]], "big": 10**40, "bad": float("inf")}
    raw = json.dumps(body).encode()  # NaN, Infinity and \\ud800 escapes, as a terminal might
    _, reply = await post(http_client, raw)
    assert reply == {**ACK, "sequence_no": 4242, "cap_time": body["cap_time"]}
    await hass.async_block_till_done()

    assert len(face_events) == 1
    data = face_events[0].data
    json_bytes(data)
    assert data["name"] == "\ufffd" + "N" * 254
    assert data["person_id"] == "7" * 255
    # Out of range: dropped, so the event says "unknown" rather than failing.
    assert data["role"] is None
    assert data["score"] is None
    assert data["age"] is None
    assert data["face_quality"] is None
    assert data["wg_card_id"] is None
    assert data["long_card_id"] is None
    assert data["temperature"] is None
    assert data["sex"] == "\ufffd" * 1024
    assert len(data["qr_code"]) == 1024
    for state in hass.states.async_all():
        assert len(state.state) <= 255
        json_bytes(state.as_dict())
    # Not recognised any more (the score is gone), so the last-person sensor did not move.
    assert hass.states.get(LAST_PERSON).state == STATE_UNKNOWN


async def test_long_name_becomes_a_valid_state(
    hass: HomeAssistant, http_client: TestClient
) -> None:
    """A name longer than a state may be is cut to 255 characters, not refused."""
    body = push("face-push-recognized-v0.42.json")
    body["match"]["person_name"] = "Ö" * 600
    await post(http_client, body)
    await hass.async_block_till_done()
    assert hass.states.get(LAST_PERSON).state == "Ö" * 255


async def test_events_keep_the_order_of_arrival(
    hass: HomeAssistant, http_client: TestClient, face_events: list[Event]
) -> None:
    """Publishing after the answer does not reorder captures."""
    for number in range(1, 21):
        await post(http_client, push("real-device-face-push-v0.42.json", sequence_no=number))
    await hass.async_block_till_done()
    assert [event.data["sequence"] for event in face_events] == list(range(1, 21))


async def test_diagnostics_show_problem_counts(
    hass: HomeAssistant, http_client: TestClient, init_integration: MockConfigEntry
) -> None:
    """The counts by kind and the memory's size are in the push section of diagnostics."""
    from custom_components.facecapture.diagnostics import async_get_config_entry_diagnostics

    await post(http_client, b"garbage")
    await post(http_client, named(sequence_no=-3))
    await post(http_client, named(sequence_no=1))
    await hass.async_block_till_done()
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert diagnostics["push"]["problems"] == {"bad_sequence_no": 1, "not_json": 1}
    assert diagnostics["push"]["seen_captures"] == {"remembered": 1, "limit": 512}
    assert SERIAL not in json.dumps(diagnostics["push"])
    assert URL
