"""Exceptions raised by the Face Capture protocol library.

One class per documented device reply code (section 1.6 of the vendor document), under a short
hierarchy so that callers catch as broadly or as narrowly as they need:

    FaceCaptureError
    +-- FaceCaptureConnectionError   timeouts, refused or reset connections, HTTP 5xx
    |   +-- FaceCaptureConnectionRefusedError   nothing listens at that address and port
    |   +-- FaceCaptureHostNotFoundError        the host name does not resolve
    |   +-- FaceCaptureOfflineError  a configuration client that did not come to fetch a command
    +-- FaceCaptureAuthError         HTTP 401 (and, through FaceCaptureDeviceAuthError, code 4)
    +-- FaceCaptureResponseError     a reply that is not valid JSON or not a reply to the request
    +-- FaceCaptureParseError        a pushed body that cannot be understood
    +-- FaceCaptureValidationError   a value refused before anything was sent
    +-- FaceCaptureDeviceError       any non-zero reply code; one subclass per documented code
"""

from __future__ import annotations

from typing import ClassVar


class FaceCaptureError(Exception):
    """Base class of every error this library raises."""


class FaceCaptureConnectionError(FaceCaptureError):
    """The terminal could not be reached: timeout, refused or reset connection, HTTP 5xx."""


class FaceCaptureConnectionRefusedError(FaceCaptureConnectionError):
    """Nothing listens at the address and port: the host refused the connection.

    Usually a wrong port, or a terminal still starting up; the host itself is there.
    """


class FaceCaptureHostNotFoundError(FaceCaptureConnectionError):
    """The host name does not resolve (DNS), so nothing was even tried."""


class FaceCaptureOfflineError(FaceCaptureConnectionError):
    """A terminal that fetches its commands (configuration client) did not ask for this one in time."""


class FaceCaptureAuthError(FaceCaptureError):
    """The terminal rejected the credentials (HTTP 401 or reply code 4)."""


class FaceCaptureResponseError(FaceCaptureError):
    """The terminal answered something that is not a valid reply to the request."""


class FaceCaptureParseError(FaceCaptureError):
    """A pushed body could not be understood (not JSON, not an object, required field missing)."""


class FaceCaptureValidationError(FaceCaptureError, ValueError):
    """A value was refused before anything was sent (too long, out of range, not an image)."""


class FaceCaptureDeviceError(FaceCaptureError):
    """The terminal answered with a non-zero reply code.

    ``code`` is the device's number, ``desc`` its own text (often absent or "OK"), ``command``
    the command that was refused.
    """

    summary: ClassVar[str] = "The terminal reported an error"

    def __init__(self, code: int, desc: str | None = None, command: str | None = None) -> None:
        """Keep what the device said and build a readable message."""
        self.code = code
        self.desc = desc
        self.command = command
        message = f"{describe_code(code)} (code {code}"
        if command:
            message += f", command '{command}'"
        message += ")"
        if desc and desc.strip().upper() != "OK":
            message += f": {desc}"
        super().__init__(message)


class FaceCaptureVersionMismatchError(FaceCaptureDeviceError):
    """Reply code 1: Protocol version does not match."""

    summary = "Protocol version does not match"


class FaceCaptureUnsupportedError(FaceCaptureDeviceError):
    """Reply code 2: The terminal does not support this command."""

    summary = "The terminal does not support this command"


class FaceCaptureInvalidFieldError(FaceCaptureDeviceError):
    """Reply code 3: The request contains an invalid field."""

    summary = "The request contains an invalid field"


class FaceCaptureDeviceAuthError(FaceCaptureDeviceError, FaceCaptureAuthError):
    """Reply code 4: Authentication failed."""

    summary = "Authentication failed"


class FaceCaptureBusyError(FaceCaptureDeviceError):
    """Reply code 5: The terminal is busy."""

    summary = "The terminal is busy"


class FaceCaptureResourcesError(FaceCaptureDeviceError):
    """Reply code 6: The terminal has insufficient resources."""

    summary = "The terminal has insufficient resources"


class FaceCaptureLicenseError(FaceCaptureDeviceError):
    """Reply code 7: System function authorisation failed."""

    summary = "System function authorisation failed"


class FaceCaptureAlreadyLicensedError(FaceCaptureDeviceError):
    """Reply code 8: System function is already authorised."""

    summary = "System function is already authorised"


class FaceCaptureUpgradeMismatchError(FaceCaptureDeviceError):
    """Reply code 9: The upgrade package does not match."""

    summary = "The upgrade package does not match"


class FaceCaptureFileDownloadError(FaceCaptureDeviceError):
    """Reply code 10: File download failed."""

    summary = "File download failed"


class FaceCaptureIntegrityError(FaceCaptureDeviceError):
    """Reply code 11: File integrity check failed."""

    summary = "File integrity check failed"


class FaceCaptureStorageFullError(FaceCaptureDeviceError):
    """Reply code 20: The terminal's storage for this data is full."""

    summary = "The terminal's storage for this data is full"


class FaceCaptureRecordExistsError(FaceCaptureDeviceError):
    """Reply code 21: A record with this id already exists."""

    summary = "A record with this id already exists"


class FaceCaptureRecordNotFoundError(FaceCaptureDeviceError):
    """Reply code 22: No record with this id exists."""

    summary = "No record with this id exists"


class FaceCaptureWriteError(FaceCaptureDeviceError):
    """Reply code 23: Writing data failed."""

    summary = "Writing data failed"


class FaceCaptureReadError(FaceCaptureDeviceError):
    """Reply code 24: Reading data failed."""

    summary = "Reading data failed"


class FaceCaptureNoFaceError(FaceCaptureDeviceError):
    """Reply code 25: No face could be extracted from the image."""

    summary = "No face could be extracted from the image"


class FaceCapturePortraitQualityError(FaceCaptureDeviceError):
    """Reply code 26: The portrait does not meet the registration requirements."""

    summary = "The portrait does not meet the registration requirements"


class FaceCaptureWiegandFuzzyError(FaceCaptureDeviceError):
    """Reply code 30: Wiegand card numbers do not support fuzzy matching."""

    summary = "Wiegand card numbers do not support fuzzy matching"


class FaceCaptureImageDecodeError(FaceCaptureDeviceError):
    """Reply code 35: The image could not be decoded (it must be JPEG or PNG)."""

    summary = "The image could not be decoded (it must be JPEG or PNG)"


class FaceCaptureImageTooLargeError(FaceCaptureDeviceError):
    """Reply code 36: The image is too large (at most 10 MB)."""

    summary = "The image is too large (at most 10 MB)"


class FaceCaptureNormalizationError(FaceCaptureDeviceError):
    """Reply code 37: Normalising the image failed."""

    summary = "Normalising the image failed"


class FaceCaptureFaceTooSmallError(FaceCaptureDeviceError):
    """Reply code 38: The face in the image is too small."""

    summary = "The face in the image is too small"


class FaceCaptureFaceQualityError(FaceCaptureDeviceError):
    """Reply code 39: The face quality in the image is too poor."""

    summary = "The face quality in the image is too poor"


class FaceCaptureFaceCountError(FaceCaptureDeviceError):
    """Reply code 40: The image must contain exactly one face."""

    summary = "The image must contain exactly one face"


class FaceCaptureFaceIncompleteError(FaceCaptureDeviceError):
    """Reply code 41: The face in the image is incomplete."""

    summary = "The face in the image is incomplete"


DEVICE_ERRORS: dict[int, type[FaceCaptureDeviceError]] = {
    1: FaceCaptureVersionMismatchError,
    2: FaceCaptureUnsupportedError,
    3: FaceCaptureInvalidFieldError,
    4: FaceCaptureDeviceAuthError,
    5: FaceCaptureBusyError,
    6: FaceCaptureResourcesError,
    7: FaceCaptureLicenseError,
    8: FaceCaptureAlreadyLicensedError,
    9: FaceCaptureUpgradeMismatchError,
    10: FaceCaptureFileDownloadError,
    11: FaceCaptureIntegrityError,
    20: FaceCaptureStorageFullError,
    21: FaceCaptureRecordExistsError,
    22: FaceCaptureRecordNotFoundError,
    23: FaceCaptureWriteError,
    24: FaceCaptureReadError,
    25: FaceCaptureNoFaceError,
    26: FaceCapturePortraitQualityError,
    30: FaceCaptureWiegandFuzzyError,
    35: FaceCaptureImageDecodeError,
    36: FaceCaptureImageTooLargeError,
    37: FaceCaptureNormalizationError,
    38: FaceCaptureFaceTooSmallError,
    39: FaceCaptureFaceQualityError,
    40: FaceCaptureFaceCountError,
    41: FaceCaptureFaceIncompleteError,
}
"""The exception class for each documented reply code."""


def describe_code(code: int) -> str:
    """Return the readable summary of a device reply code."""
    if code == 0:
        return "Success"
    if cls := DEVICE_ERRORS.get(code):
        return cls.summary
    if 12 <= code <= 19:
        return f"Reserved error code {code}"
    return f"Unknown error code {code}"


def error_for_code(
    code: int, desc: str | None = None, command: str | None = None
) -> FaceCaptureDeviceError:
    """Return the exception that stands for a device reply code."""
    return DEVICE_ERRORS.get(code, FaceCaptureDeviceError)(code, desc, command)
