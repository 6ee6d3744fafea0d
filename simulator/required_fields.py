"""The request fields the document requires, command by command.

Document 1.2.1 item 5: "All fields without special instructions are required". This table lists,
for each command the simulator implements, the top-level fields of the request example that carry
no special instruction ("optional", "not required", "online mode only", a default when absent).
A terminal answers a request that lacks one with code 3; so does the simulator, before the
command's own checks (ranges, formats, nested objects) run.

A requirement is one key, or a tuple of keys of which one must be present (the 32-bit and the
64-bit card number: the terminal reads ``long_card_id`` only where ``wg_card_id`` is absent).
"""

from __future__ import annotations

from typing import Any, Final

type Requirement = str | tuple[str, ...]

CARD: Final = ("wg_card_id", "long_card_id")

# `add person` (2.1.3): everything but `term_start` ("optional").
_ADD_PERSON: Final[tuple[Requirement, ...]] = (
    "id",
    "name",
    "role",
    "cover",
    "kind",
    "feature_unit_size",
    "feature_num",
    "feature_data",
    "image_num",
    "reg_images",
    "norm_image_num",
    "norm_images",
    CARD,
    "term",
    "customer_text",
)
# `add person jpg` (2.1.6): the same without features and normalised images.
_ADD_PERSON_JPG: Final[tuple[Requirement, ...]] = (
    "id",
    "name",
    "role",
    "kind",
    "cover",
    "image_num",
    "reg_images",
    CARD,
    "term",
    "customer_text",
)
# `update person` (2.1.4, 2.1.7) without `update_flags` rewrites every field, so it needs them all.
_UPDATE_ALL: Final[dict[str, tuple[Requirement, ...]]] = {
    "update person": tuple(key for key in _ADD_PERSON if key != "cover"),
    "update person jpg": tuple(key for key in _ADD_PERSON_JPG if key != "cover"),
}

REQUIRED_FIELDS: Final[dict[str, tuple[Requirement, ...]]] = {
    # 2.1.1.1: query_mode and condition are optional.
    "request persons": ("role", "page_no", "page_size", "feature_flag", "image_flag"),
    # 2.1.2.1: "The following attributes are not required".
    "upload person": ("id",),
    "add person": _ADD_PERSON,
    "add person jpg": _ADD_PERSON_JPG,
    # 2.1.4.1, 2.1.7.1: with update_flags, the flagged fields (checked by the handler).
    "update person": ("id",),
    "update person jpg": ("id",),
    # 2.1.5.1: the id is an empty string when deleting by role.
    "delete person(s)": ("flag", "id"),
    # 2.2.2.1: "The fields below are optional" after the two flags.
    "request records": ("page_no", "page_size", "face_image_flag", "reg_image_flag"),
    # 2.3.8.1, 2.3.9
    "update schedule params": ("kinds",),
    "add schedule kind": ("kinds",),
    # 2.5.1.1: person_id is for online mode only.
    "gpio control": ("port", "ctrl_type", "ctrl_mode"),
    "gpio control Extend": ("port", "ctrl_type", "ctrl_mode"),
    # 2.6.1.1: the short number is 0 when the long one is used; person_id online mode only.
    "wiegand control": ("wiegand_card_no", "long_card_id", "ctrl_mode"),
    # 2.7.1.1: each "can be empty" when the sender is not a camera; gps only with a GPS.
    "heart beat": ("ip", "device_sn", "device_no", "addr_no", "addr_name"),
    "update customer auth code": ("customer_auth_code",),  # 2.8.2.1
    "update date time": ("date_time",),  # 2.9.2.1
    "update lcd screensaver": ("screensaver_mode",),  # 2.10.2.1
    "update lcd media": ("screensaver_media_list",),  # 2.10.4.1
    "delete lcd media": ("screensaver_media_list",),  # 2.10.5.1
    # 2.10.6.1: coding_type has a default.
    "text display": ("text_list",),
    "image display": ("position", "alive_time", "format", "image_data"),  # 2.10.7.1
    "ask_upgrade": ("device_sn", "device_no", "last_upgrade_code", "firmware"),  # 2.11.1
    "tts play": ("text",),  # 2.12.1.1
    "play audio stream": ("audio",),  # 2.12.2.1
    "play audio": ("audio_no", "audio_name"),  # 2.12.4.1
    "download file": ("path", "offset", "size"),  # 2.14.1.1
    "upload file": ("path", "total_size", "offset", "size", "data", "md5sum"),  # 2.14.2.1
    # 2.15.1.1: enable and new_key are optional.
    "updata aes": ("ori_key",),
    # 2.16.1.1: the password is optional.
    "sip register": ("domain", "port", "username"),
    "sip call": ("url",),  # 2.16.2.1
    # 2.17.2.1: day is optional.
    "traffic statistics": ("month",),
    # 2.18: volume only with SET (checked by the handler).
    "camera volume": ("method",),
}


def requirements(cmd: str, body: dict[str, Any]) -> tuple[Requirement, ...]:
    """The fields ``body`` must carry for ``cmd``."""
    if cmd in _UPDATE_ALL and "update_flags" not in body:
        return _UPDATE_ALL[cmd]
    return REQUIRED_FIELDS.get(cmd, ())


def missing_field(cmd: str, body: dict[str, Any]) -> str | None:
    """The first required field ``body`` lacks (``a/b`` when one of two is needed), or None."""
    for requirement in requirements(cmd, body):
        keys = (requirement,) if isinstance(requirement, str) else requirement
        if not any(key in body for key in keys):
            return "/".join(keys)
    return None
