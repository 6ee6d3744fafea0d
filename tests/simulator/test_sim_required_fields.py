"""A request without a field the document requires is refused with code 3 (1.2.1 item 5).

The table of required fields (``simulator/required_fields.py``) is checked against the document
itself, and every entry of it against the simulator over HTTP: the complete samples of
``test_sim_robustness`` are accepted, and each loses one required field in turn.
"""

from __future__ import annotations

import copy
from pathlib import Path
import re
from typing import Any

import pytest

from simulator import COMMANDS, Simulator
from simulator.required_fields import CARD, REQUIRED_FIELDS, missing_field, requirements

from .sim_helpers import Call, person_record
from .test_sim_robustness import SAMPLES

DOCUMENT = (
    Path(__file__).resolve().parents[1] / "fixtures" / "protocol" / "face-capture-http-api.txt"
)
_HEADING = re.compile(r"^(\d+(?:\.\d+)+)\s+(.+?)\s*$", re.MULTILINE)
_CMD = re.compile(r'"cmd"\s*[:,]\s*"([^"]+)"')


def request_examples() -> dict[str, str]:
    """The text of each command's request example, by command (sections titled "Request")."""
    text = DOCUMENT.read_text(encoding="utf-8")
    headings = list(_HEADING.finditer(text))
    examples: dict[str, str] = {}
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        if heading.group(2).lower() != "request":
            continue
        body = text[heading.end() : following.start() if following else len(text)]
        if match := _CMD.search(body):
            examples.setdefault(match.group(1).strip(), body)
    return examples


def test_the_table_is_the_documents() -> None:
    """Every required field is a key of its command's request example in the document."""
    examples = request_examples()
    # 2.3.9 says "Same as 2.3.8" in prose; the Extend variant is the vendor tool's
    examples["add schedule kind"] = examples["update schedule params"]
    examples["gpio control Extend"] = examples["gpio control"]
    assert set(REQUIRED_FIELDS) <= set(examples)
    for cmd, required in REQUIRED_FIELDS.items():
        for requirement in required:
            keys = (requirement,) if isinstance(requirement, str) else requirement
            for key in keys:
                assert f'"{key}"' in examples[cmd], (cmd, key)
    # and the optional ones stay out of the table
    assert "term_start" not in REQUIRED_FIELDS["add person"]
    assert "query_mode" not in REQUIRED_FIELDS["request persons"]
    assert "person_id" not in REQUIRED_FIELDS["gpio control"]
    assert REQUIRED_FIELDS["upload person"] == ("id",)


def test_commands_without_required_fields() -> None:
    """What is left out of the table has no field, or only optional ones."""
    assert set(COMMANDS) - set(REQUIRED_FIELDS) == {
        # no fields at all
        "request app params", "reset app params", "request stream params",
        "reset stream params", "request schedule params", "snapshot",
        "request customer auth code", "request date time", "reboot", "restart application",
        "request lcd screensaver", "request lcd media", "browse audio list",
        "get hardware info", "request aes", "sip hangup", "request 4g infor", "get version",
        "get network",
        # "The parameters not specified are optional" (2.3.2), imaging "optional" (2.3.5),
        # and either of the two hardware objects (2.13.2)
        "update app params", "update stream params", "set hardware info",
    }  # fmt: skip


async def test_every_missing_required_field_is_code_3(sim: Simulator, call: Call) -> None:
    """Each complete sample, less one required field, is refused and changes nothing."""
    sim.state.customer_auth_code_writable = True
    cases = 0
    for cmd, required in REQUIRED_FIELDS.items():
        sample = SAMPLES[cmd]
        assert missing_field(cmd, sample) is None, cmd
        for requirement in required:
            keys = (requirement,) if isinstance(requirement, str) else requirement
            body = {key: value for key, value in sample.items() if key not in keys}
            before = copy.deepcopy(sim.state.persons)
            reply = await call(cmd, **body)
            assert (reply["code"], reply["desc"]) == (3, f"{'/'.join(keys)} is required"), cmd
            assert sim.state.persons == before
            cases += 1
    assert cases == sum(len(required) for required in REQUIRED_FIELDS.values())
    assert sim.log == []  # nothing was shown, played, switched or written


@pytest.mark.parametrize("cmd", ["add person", "add person jpg"])
async def test_one_card_number_is_enough(sim: Simulator, call: Call, cmd: str) -> None:
    """The 64-bit card stands in for the 32-bit one (2.1.3): one of the two is required."""
    jpg = cmd == "add person jpg"
    images = [SAMPLES[cmd]["reg_images"][0]]
    short = person_record("s", jpg=jpg, reg_images=images, wg_card_id=8)
    long = person_record("l", jpg=jpg, reg_images=images, long_card_id=2**40)
    del long["wg_card_id"]
    assert CARD in requirements(cmd, long)
    assert (await call(cmd, **short))["code"] == 0
    assert (await call(cmd, **long))["code"] == 0
    assert sim.state.persons["l"]["long_card_id"] == 2**40
    neither = {key: value for key, value in long.items() if key != "long_card_id"}
    reply = await call(cmd, **{**neither, "id": "n"})
    assert (reply["code"], reply["desc"]) == (3, "wg_card_id/long_card_id is required")


@pytest.mark.parametrize("cmd", ["update person", "update person jpg"])
async def test_update_without_flags_needs_every_field(sim: Simulator, call: Call, cmd: str) -> None:
    """Without update_flags the whole record is rewritten (2.1.4): all of it is required."""
    sim.add_person("u", "Old")
    record: dict[str, Any] = person_record("u", jpg=cmd.endswith("jpg"), name="New", kind=2)
    del record["cover"]
    for key in list(record):
        if key == "id":
            continue
        partial = {k: v for k, v in record.items() if k != key}
        if key == "wg_card_id":
            key = "wg_card_id/long_card_id"  # noqa: PLW2901 - one of the two is enough
        reply = await call(cmd, **partial)
        assert (reply["code"], reply["desc"]) == (3, f"{key} is required")
        assert sim.state.persons["u"]["name"] == "Old"
    assert (await call(cmd, **record))["code"] == 0
    assert (sim.state.persons["u"]["name"], sim.state.persons["u"]["kind"]) == ("New", 2)
    # with update_flags only the flagged fields are needed (2.1.4.3)
    assert (await call(cmd, id="u", update_flags=1, name="Newer"))["code"] == 0
