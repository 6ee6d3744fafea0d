"""Registered persons and the capture history (sections 2.1 and 2.2.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Self

from ._parse import (
    JsonObject,
    dict_items,
    first_key,
    opt_float,
    opt_int,
    opt_str,
    req_int,
    req_str,
    unknown_fields,
)
from .models_base import REPLY_KEYS, optional_image, parse_device_time


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A registered person as `request persons` returns it."""

    id: str
    name: str | None = None
    role: int | None = None
    kind: int | None = None
    wg_card_id: int | None = None
    long_card_id: int | None = None
    term_start: str | None = None
    term: str | None = None
    customer_text: str | None = None
    images: tuple[bytes, ...] = ()
    image_count: int | None = None
    """How many registration photos the terminal holds (`image_num`), also when none were asked for."""
    feature_data: tuple[float, ...] = ()
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset(
        {
            "id", "name", "role", "kind", "wg_card_id", "long_card_id", "term_start", "term",
            "customer_text", "reg_images", "image_num", "feature_data", "feature_num",
            "feature_unit_size",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `persons`."""
        images = tuple(
            image
            for item in dict_items(data.get("reg_images"))
            if (image := optional_image(first_key(item, "image_data", "data"))) is not None
        )
        features = (
            tuple(
                number
                for item in data.get("feature_data") or ()
                if (number := opt_float(item)) is not None
            )
            if isinstance(data.get("feature_data"), list)
            else ()
        )
        return cls(
            id=req_str(data, "id", "person_id"),
            name=opt_str(first_key(data, "name", "person_name")),
            role=opt_int(data.get("role")),
            kind=opt_int(data.get("kind")),
            wg_card_id=opt_int(data.get("wg_card_id")),
            long_card_id=opt_int(data.get("long_card_id")),
            term_start=opt_str(data.get("term_start")),
            term=opt_str(first_key(data, "term", "term ")),
            customer_text=opt_str(data.get("customer_text")),
            images=images,
            image_count=opt_int(data.get("image_num")),
            feature_data=features,
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonPage:
    """One page of `request persons`."""

    total: int
    page_no: int
    persons: tuple[Person, ...]

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request persons`."""
        persons = tuple(Person.from_dict(item) for item in dict_items(data.get("persons")))
        return cls(
            total=req_int(data, "total"),
            page_no=opt_int(data.get("page_no")) or 1,
            persons=persons,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonResult:
    """The reply of a person command: the id it applied to, and a look-alike already registered."""

    id: str | None
    duplicate_id: str | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = REPLY_KEYS | {"id", "duplicate_id"}

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of upload/add/update/delete person."""
        return cls(
            id=opt_str(data.get("id")),
            duplicate_id=opt_str(data.get("duplicate_id")) or None,
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One capture in the terminal's history (`request records`)."""

    sequence: int
    time: str | None = None
    captured_at: datetime | None = None
    score: int | None = None
    person_id: str | None = None
    name: str | None = None
    role: int | None = None
    body_temp: float | None = None
    match_type: int | None = None
    match_failed_reason: int | None = None
    upload_state: int | None = None
    customer_id: str | None = None
    face_image: bytes | None = None
    reg_image: bytes | None = None
    extra: JsonObject = field(default_factory=dict)

    _KNOWN = frozenset(
        {
            "sequence", "time", "score", "id", "name", "role", "body_temp", "match_type",
            "match_failed_reson", "match_failed_reason", "upload_state", "customer_id",
            "face_image", "reg_image",
        }
    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read one entry of `records`."""
        match_type = first_key(data, "match_type")
        time = opt_str(data.get("time"))
        return cls(
            sequence=req_int(data, "sequence", "sequence_no"),
            time=time,
            captured_at=parse_device_time(time),
            score=opt_int(data.get("score")),
            person_id=opt_str(data.get("id")) or None,
            name=opt_str(data.get("name")) or None,
            role=opt_int(data.get("role")),
            body_temp=opt_float(first_key(data, "body_temp", "temperatur", "temperature")),
            match_type=opt_int(match_type),
            match_failed_reason=opt_int(
                first_key(data, "match_failed_reson", "match_failed_reason")
            ),
            upload_state=opt_int(data.get("upload_state")),
            customer_id=opt_str(data.get("customer_id")) or None,
            face_image=optional_image(data.get("face_image")),
            reg_image=optional_image(data.get("reg_image")),
            extra=unknown_fields(data, cls._KNOWN),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordPage:
    """One page of `request records`."""

    total: int
    page_no: int
    records: tuple[Record, ...]

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Read the reply of `request records`."""
        return cls(
            total=req_int(data, "total"),
            page_no=opt_int(data.get("page_no")) or 1,
            records=tuple(Record.from_dict(item) for item in dict_items(data.get("records"))),
        )
