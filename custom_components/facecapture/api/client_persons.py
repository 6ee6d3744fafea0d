"""Commands on registered persons and the capture history (sections 2.1 and 2.2.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from ._parse import JsonObject, reply_model
from .client_base import ClientBase, check_range, unix_seconds, walk_pages
from .commands import PersonData
from .const import (
    MAX_PAGE_SIZE,
    MAX_SHORT_NAME_BYTES,
    Command,
    DeleteScope,
    PersonUpdateFlag,
    Role,
    UploadMode,
)
from .errors import FaceCaptureValidationError
from .images import ImageFormat, check_image, encode_base64
from .models import (
    Person,
    PersonPage,
    PersonResult,
    Record,
    RecordPage,
    format_device_time,
)


class PersonCommands(ClientBase):
    """Registered persons and the capture history (2.1, 2.2.2)."""

    # -----------------------------------------------------------------------------------------
    # 2.1 Persons

    async def request_persons(
        self,
        *,
        role: Role | int = Role.ALL,
        page_no: int = 1,
        page_size: int = MAX_PAGE_SIZE,
        with_images: bool = False,
        with_features: bool = False,
        fuzzy: bool = False,
        person_id: str | None = None,
        person_name: str | None = None,
        wg_card_no: int | None = None,
        long_card_no: int | None = None,
        term_start_between: tuple[datetime, datetime] | None = None,
        term_between: tuple[datetime, datetime] | None = None,
    ) -> PersonPage:
        """One page of registered persons, optionally filtered (2.1.1)."""
        condition: JsonObject = {}
        if person_id is not None:
            condition["person_id"] = person_id
        if person_name is not None:
            condition["person_name"] = person_name
        if wg_card_no is not None:
            condition["wg_card_no"] = wg_card_no
        if long_card_no is not None:
            condition["long_card_no"] = long_card_no
        if term_start_between is not None:
            condition["term_start_start"] = format_device_time(term_start_between[0])
            condition["term_start_end"] = format_device_time(term_start_between[1])
        if term_between is not None:
            condition["term_start"] = format_device_time(term_between[0])
            # sic: the document spells the key of the validity end with a trailing space (2.1.1.1)
            condition["term "] = format_device_time(term_between[1])
        fields: JsonObject = {
            "role": int(role),
            "page_no": page_no,
            "page_size": check_range("The page size", page_size, 1, MAX_PAGE_SIZE),
            "feature_flag": int(with_features),
            "image_flag": int(with_images),
            "query_mode": int(fuzzy),
        }
        if condition:
            fields["condition"] = condition
        reply = await self.request(Command.REQUEST_PERSONS, fields)
        return reply_model(Command.REQUEST_PERSONS, PersonPage.from_dict, reply)

    async def iter_persons(
        self, *, page_size: int = MAX_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[Person]:
        """Every person matching ``filters`` (the keywords of ``request_persons``), page by page."""

        async def fetch(page_no: int) -> tuple[Sequence[Person], int]:
            page = await self.request_persons(page_no=page_no, page_size=page_size, **filters)
            return page.persons, page.total

        async for person in walk_pages(fetch):
            yield person

    async def count_persons(self) -> int:
        """The number of registered persons (one page of one person gives the total)."""
        return (await self.request_persons(page_size=1)).total

    async def upload_person(
        self, person: PersonData, *, mode: UploadMode = UploadMode.AUTO
    ) -> PersonResult:
        """Add or modify a person from an original JPEG/PNG photo (2.1.2, firmware from 2020-08)."""
        fields = person.fields()
        if (image := person.image_base64()) is not None:
            fields["reg_image"] = image
        fields["upload_mode"] = int(mode)
        reply = await self.request(Command.UPLOAD_PERSON, fields)
        return PersonResult.from_dict(reply)

    async def add_person(
        self,
        person: PersonData,
        *,
        cover: bool = False,
        norm_image: bytes | None = None,
        norm_size: tuple[int, int] = (150, 150),
    ) -> PersonResult:
        """Add a person from a template image and/or an SDK-normalised image (2.1.3).

        Every field the document requires is sent, with empty image lists where there is no
        picture; names are at most 15 bytes here.
        """
        fields = person.record_fields()
        fields.update(cover=cover, feature_unit_size=0, feature_num=0, feature_data=[])
        fields.update(self._reg_images(person.image))
        fields.update(self._norm_images(norm_image, norm_size))
        reply = await self.request(Command.ADD_PERSON, fields)
        return PersonResult.from_dict(reply)

    async def add_person_jpg(self, person: PersonData, *, cover: bool = False) -> PersonResult:
        """Add a person from an original JPEG (2.1.6); PNG is not accepted by this command."""
        if person.image is None:
            raise FaceCaptureValidationError("add person jpg needs a JPEG photo")
        fields = person.record_fields()
        fields["cover"] = cover
        fields.update(self._reg_images(person.image, jpeg_only=True))
        reply = await self.request(Command.ADD_PERSON_JPG, fields)
        return PersonResult.from_dict(reply)

    async def update_person(
        self,
        person: PersonData,
        *,
        flags: PersonUpdateFlag | None = None,
        norm_image: bytes | None = None,
        norm_size: tuple[int, int] = (150, 150),
    ) -> PersonResult:
        """Modify a person (2.1.4); ``flags`` limits which fields change.

        Without ``flags`` the fields set on ``person`` (and the images given) are the ones
        changed: the terminal rewrites every field of a request without `update_flags`.
        """
        images = PersonUpdateFlag(0)
        if person.image is not None:
            images |= PersonUpdateFlag.REG_IMAGES
        if norm_image is not None:
            images |= PersonUpdateFlag.NORM_IMAGE
        flags = self._update_flags(person, flags, images)
        fields = person.fields(name_limit=MAX_SHORT_NAME_BYTES)
        fields.update(update_flags=int(flags), feature_unit_size=0, feature_num=0, feature_data=[])
        if flags & PersonUpdateFlag.REG_IMAGES:
            fields.update(self._reg_images(person.image, required=True))
        if flags & PersonUpdateFlag.NORM_IMAGE:
            if norm_image is None:
                raise FaceCaptureValidationError("update_flags selects the normalised image")
            fields.update(self._norm_images(norm_image, norm_size))
        reply = await self.request(Command.UPDATE_PERSON, fields)
        return PersonResult.from_dict(reply)

    async def update_person_jpg(
        self, person: PersonData, *, flags: PersonUpdateFlag | None = None
    ) -> PersonResult:
        """Modify a person from an original JPEG (2.1.7); either image bit takes the photo."""
        images = PersonUpdateFlag.REG_IMAGES if person.image is not None else PersonUpdateFlag(0)
        flags = self._update_flags(person, flags, images)
        fields = person.fields(name_limit=MAX_SHORT_NAME_BYTES)
        fields["update_flags"] = int(flags)
        if flags & (PersonUpdateFlag.REG_IMAGES | PersonUpdateFlag.NORM_IMAGE):
            fields.update(self._reg_images(person.image, jpeg_only=True, required=True))
        reply = await self.request(Command.UPDATE_PERSON_JPG, fields)
        return PersonResult.from_dict(reply)

    @staticmethod
    def _update_flags(
        person: PersonData, flags: PersonUpdateFlag | None, images: PersonUpdateFlag
    ) -> PersonUpdateFlag:
        """The flags to send: the given ones checked, or those of the fields set."""
        if flags is None:
            flags = person.field_flags() | images
            if not flags:
                raise FaceCaptureValidationError("Nothing to change: set at least one field")
        person.check_flagged(flags)
        return flags

    async def delete_person(self, person_id: str) -> PersonResult:
        """Delete one person by id (2.1.5)."""
        if not person_id:
            raise FaceCaptureValidationError("The person id must not be empty")
        reply = await self.request(
            Command.DELETE_PERSONS, {"flag": int(DeleteScope.BY_ID), "id": person_id}
        )
        return PersonResult.from_dict(reply)

    async def delete_persons(self, scope: DeleteScope) -> None:
        """Delete every person of a role, or everyone (2.1.5)."""
        if scope is DeleteScope.BY_ID:
            raise FaceCaptureValidationError("Use delete_person to delete by id")
        await self.request(Command.DELETE_PERSONS, {"flag": int(scope), "id": ""})

    @staticmethod
    def _reg_images(
        image: bytes | None, *, jpeg_only: bool = False, required: bool = False
    ) -> JsonObject:
        """`image_num` and `reg_images`: one template image, or none (an empty list)."""
        if image is None:
            if required:
                raise FaceCaptureValidationError("update_flags selects the photo, which is not set")
            return {"image_num": 0, "reg_images": []}
        allowed = (ImageFormat.JPEG,) if jpeg_only else (ImageFormat.JPEG, ImageFormat.PNG)
        image_format = check_image(image, allowed=allowed)
        return {
            "image_num": 1,
            "reg_images": [{"format": str(image_format), "image_data": encode_base64(image)}],
        }

    @staticmethod
    def _norm_images(image: bytes | None, size: tuple[int, int]) -> JsonObject:
        """`norm_image_num` and `norm_images`: one SDK-normalised image, or none."""
        if image is None:
            return {"norm_image_num": 0, "norm_images": []}
        width, height = size
        return {
            "norm_image_num": 1,
            "norm_images": [{"width": width, "height": height, "image_data": encode_base64(image)}],
        }

    # -----------------------------------------------------------------------------------------
    # 2.2.2 Capture history

    async def request_records(
        self,
        *,
        page_no: int = 1,
        page_size: int = MAX_PAGE_SIZE,
        with_face_image: bool = False,
        with_reg_image: bool = False,
        time_between: tuple[datetime | int, datetime | int] | None = None,
        score_between: tuple[int, int] | None = None,
        uploaded: bool | None = None,
        fuzzy: bool = False,
        person_id: str | None = None,
        name: str | None = None,
    ) -> RecordPage:
        """One page of the capture history, optionally filtered (2.2.2)."""
        fields: JsonObject = {
            "page_no": page_no,
            "page_size": check_range("The page size", page_size, 1, MAX_PAGE_SIZE),
            "face_image_flag": int(with_face_image),
            "reg_image_flag": int(with_reg_image),
        }
        if time_between is not None:
            fields["time_start"], fields["time_end"] = (
                unix_seconds(time_between[0]),
                unix_seconds(time_between[1]),
            )
        if score_between is not None:
            fields["score_start"], fields["score_end"] = score_between
        if uploaded is not None:
            fields["upload_state"] = int(uploaded)
        if person_id is not None:
            fields["id"] = person_id
        if name is not None:
            fields["name"] = name
        if person_id is not None or name is not None:
            fields["fuzzy_flag"] = int(fuzzy)
        reply = await self.request(Command.REQUEST_RECORDS, fields)
        return reply_model(Command.REQUEST_RECORDS, RecordPage.from_dict, reply)

    async def iter_records(
        self, *, page_size: int = MAX_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[Record]:
        """Every record matching ``filters`` (the keywords of ``request_records``), page by page."""

        async def fetch(page_no: int) -> tuple[Sequence[Record], int]:
            page = await self.request_records(page_no=page_no, page_size=page_size, **filters)
            return page.records, page.total

        async for record in walk_pages(fetch):
            yield record
