"""File transfer (document 2.14): chunked, md5-checked download and upload."""

from __future__ import annotations

import hashlib
from typing import Any

from simulator.images import b64, b64decode_strict
from simulator.state import DeviceState, Upload

from .fields import (
    _int,
    _str,
)
from .registry import ProtocolError, command

MAX_UPLOAD_CHUNK = 200 * 1024
MAX_DOWNLOAD_CHUNK = 10240
MAX_FILE_SIZE = 64 * 1024 * 1024


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _path(req: dict[str, Any]) -> str:
    path: str = _str(req, "path", nonempty=True, max_bytes=255)
    if not path.startswith("/") or "/../" in f"{path}/":
        raise ProtocolError(3, "path must be absolute")
    return path


@command("download file")
def download_file(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Read a chunk of a file (at most 10240 bytes) (2.14.1)."""
    path = _path(req)
    offset = _int(req, "offset", lo=0)
    size = _int(req, "size", lo=1, hi=MAX_DOWNLOAD_CHUNK)
    if path not in state.files:
        raise ProtocolError(22, "no such file")
    data = state.files[path]
    if offset > len(data):
        raise ProtocolError(3, "offset is past the end of the file")
    chunk = data[offset : offset + size]
    return {
        "path": path,
        "total_size": len(data),
        "offset": offset,
        "size": len(chunk),
        "data": b64(chunk),
        "md5sum": _md5(chunk),
    }


@command("upload file")
def upload_file(state: DeviceState, req: dict[str, Any]) -> dict[str, Any]:
    """Write a chunk of a file (at most 200 kB, md5-checked, offsets contiguous) (2.14.2)."""
    path = _path(req)
    total = _int(req, "total_size", lo=0, hi=MAX_FILE_SIZE)
    offset = _int(req, "offset", lo=0)
    size = _int(req, "size", lo=0, hi=MAX_UPLOAD_CHUNK)
    data = b64decode_strict(_str(req, "data"))
    if data is None:
        raise ProtocolError(3, "data is not valid base64")
    if len(data) != size:
        raise ProtocolError(3, "size does not match the decoded data")
    if _md5(data) != _str(req, "md5sum").lower():
        raise ProtocolError(11, "md5sum does not match the chunk")
    upload = state.uploads.get(path)
    if offset == 0:
        upload = state.uploads[path] = Upload(total)
    elif upload is None or offset != len(upload.data):
        raise ProtocolError(3, "offset does not continue the upload")
    if total != upload.total_size or offset + size > total:
        raise ProtocolError(3, "total_size does not match the upload")
    upload.data += data
    if len(upload.data) == total:
        state.files[path] = bytes(upload.data)
        del state.uploads[path]
        state.add_log("file_upload", path=path, size=total)
    return {"path": path, "offset": offset, "size": size}
