"""Reply models read pictures leniently: a broken or empty one is absent, never an error."""

from __future__ import annotations

import base64

from custom_components.facecapture.api import Person, Record

JPEG = b"\xff\xd8\xff\xe0 a picture"


def test_a_broken_registration_photo_is_left_out() -> None:
    person = Person.from_dict(
        {
            "id": "1001",
            "reg_images": [
                {"image_data": "not base64 at all!"},
                {"image_data": ""},
                {"image_data": "data:image/jpeg;base64," + base64.b64encode(JPEG).decode()},
            ],
        }
    )
    assert person.images == (JPEG,)


def test_a_broken_record_picture_is_absent() -> None:
    record = Record.from_dict(
        {"sequence": 7, "face_image": "%%%", "reg_image": base64.b64encode(JPEG).decode()}
    )
    assert (record.face_image, record.reg_image) == (None, JPEG)
