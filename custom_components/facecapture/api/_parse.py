"""Lenient readers for the terminal's JSON.

The device sends ints where floats were documented, floats where ints were, strings for numbers,
and misspelled keys. Every reader here accepts those variants and says clearly when a required
value is missing or unusable, so a model is either fully parsed or refused, never half-parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import math
from typing import Any

from .errors import FaceCaptureResponseError

type JsonObject = dict[str, Any]


class MissingFieldError(LookupError):
    """A required field is absent or unusable; callers turn it into their own error type."""


def first_key(data: Mapping[str, Any], *keys: str) -> Any:
    """Return the value of the first key present (documented spelling first, variants after)."""
    for key in keys:
        if key in data:
            return data[key]
    return None


def opt_int(value: Any) -> int | None:
    """Read an integer from an int, an integral float, a bool or a numeric string."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if math.isfinite(number) else None
    if isinstance(value, list) and len(value) == 1:
        # Newer firmware wraps some documented scalars in a one-element array.
        return opt_int(value[0])
    return None


def opt_float(value: Any) -> float | None:
    """Read a float from an int, a float or a numeric string; NaN and infinities are refused."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            return None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    elif isinstance(value, list) and len(value) == 1:
        return opt_float(value[0])
    else:
        return None
    return number if math.isfinite(number) else None


def opt_str(value: Any) -> str | None:
    """Read a string; numbers become their decimal text, anything else is absent."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return None


_TRUE = {"true", "yes", "on", "1", "enable", "enabled"}
_FALSE = {"false", "no", "off", "0", "disable", "disabled", ""}


def opt_bool(value: Any) -> bool | None:
    """Read a boolean from a bool, 0/1, or words such as "YES"/"NO" and "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def opt_dict(value: Any) -> JsonObject | None:
    """Return the value if it is a JSON object."""
    return value if isinstance(value, dict) else None


def as_list(value: Any) -> list[Any]:
    """Return the value as a list: a list as it is, a scalar wrapped, absent as empty."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def str_list(value: Any) -> list[str]:
    """Read a list of strings from a list, a single string or a number."""
    return [text for item in as_list(value) if (text := opt_str(item)) is not None]


def req_int(data: Mapping[str, Any], *keys: str) -> int:
    """Read a required integer, trying each key spelling in turn."""
    value = opt_int(first_key(data, *keys))
    if value is None:
        raise MissingFieldError(keys[0])
    return value


def req_str(data: Mapping[str, Any], *keys: str) -> str:
    """Read a required string, trying each key spelling in turn."""
    value = opt_str(first_key(data, *keys))
    if value is None:
        raise MissingFieldError(keys[0])
    return value


def req_list(data: Mapping[str, Any], *keys: str) -> list[Any]:
    """Read a required array (a single object counts as an array of one)."""
    value = first_key(data, *keys)
    if value is None:
        raise MissingFieldError(keys[0])
    return as_list(value)


def dict_items(value: Any) -> list[JsonObject]:
    """Return the JSON objects of an array, skipping anything else."""
    return [item for item in as_list(value) if isinstance(item, dict)]


def unknown_fields(data: Mapping[str, Any], known: frozenset[str]) -> JsonObject:
    """Return the fields a model does not read, so that nothing the device sent is lost."""
    return {key: value for key, value in data.items() if key not in known}


def reply_model[T](command: str, parser: Callable[[JsonObject], T], data: JsonObject) -> T:
    """Run a model parser over a reply and turn a missing field into a response error."""
    try:
        result = parser(data)
    except MissingFieldError as err:
        raise FaceCaptureResponseError(
            f"Reply to '{command}' lacks the required field '{err.args[0]}'"
        ) from err
    return result
