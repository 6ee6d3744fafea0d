"""The lenient readers every model parser is built on: each variant the device sends, and refusals."""

from __future__ import annotations

import math
from typing import Any

import pytest

from custom_components.facecapture.api._parse import (
    MissingFieldError,
    as_list,
    opt_bool,
    opt_float,
    opt_int,
    opt_str,
    req_int,
    req_list,
    req_str,
    str_list,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        (True, 1),
        (7.0, 7),
        (7.9, 7),
        (math.inf, None),
        (math.nan, None),
        (" 12 ", 12),
        ("12.5", 12),
        ("1e3", 1000),
        ("inf", None),
        ("twelve", None),
        ([5], 5),
        (["5"], 5),
        ([1, 2], None),
        ({"a": 1}, None),
        (None, None),
    ],
)
def test_opt_int(value: Any, expected: int | None) -> None:
    assert opt_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (36, 36.0),
        (36.36140823364258, 36.36140823364258),
        (False, 0.0),
        (" 36.5 ", 36.5),
        ("hot", None),
        ([36.5], 36.5),
        ("nan", None),
        (math.inf, None),
        ({}, None),
        (None, None),
    ],
)
def test_opt_float(value: Any, expected: float | None) -> None:
    assert opt_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", "abc"), (12, "12"), (1.5, "1.5"), (True, None), (None, None), ([], None)],
)
def test_opt_str(value: Any, expected: str | None) -> None:
    assert opt_str(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (0, False),
        (2, True),
        ("YES", True),
        (" enabled ", True),
        ("off", False),
        ("", False),
        ("maybe", None),
        (None, None),
    ],
)
def test_opt_bool(value: Any, expected: bool | None) -> None:
    assert opt_bool(value) is expected


def test_lists() -> None:
    assert as_list(None) == []
    assert as_list("x") == ["x"]
    assert str_list(["a", 1, None, True]) == ["a", "1"]
    assert str_list("anyface") == ["anyface"]


def test_required_readers_try_each_spelling() -> None:
    data = {"temperatur": "36.5", "match_failed_reson": -11, "origin": "abc", "one": {"k": 1}}
    assert req_int(data, "match_failed_reason", "match_failed_reson") == -11
    assert req_str(data, "origin ", "origin") == "abc"
    assert req_list(data, "one") == [{"k": 1}]


@pytest.mark.parametrize(
    ("reader", "data"),
    [
        (req_int, {"count": "many"}),
        (req_str, {"count": None}),
        (req_list, {}),
    ],
)
def test_required_readers_refuse(reader: Any, data: dict[str, Any]) -> None:
    with pytest.raises(MissingFieldError, match="count"):
        reader(data, "count")
